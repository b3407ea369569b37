using System.Reflection;
using System.Security.Cryptography;

namespace FunctionsApp.Dashboard;

/// <summary>
/// The dashboard's script and style sheet, bundled from pinned npm packages (uPlot) by esbuild at build time and
/// embedded in the assembly (<c>Dashboard/web</c>); nothing is fetched from a CDN. Read once.
/// </summary>
internal static class DashboardAssets
{
    private static readonly Lazy<Asset> Script = new(() => Load("dashboard/app.js", "text/javascript; charset=utf-8"));
    private static readonly Lazy<Asset> Styles = new(() => Load("dashboard/app.css", "text/css; charset=utf-8"));

    public static Asset AppJs => Script.Value;

    public static Asset AppCss => Styles.Value;

    public static Asset? Find(string name) => name switch
    {
        "app.js" => AppJs,
        "app.css" => AppCss,
        _ => null,
    };

    private static Asset Load(string name, string contentType)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The dashboard asset '{name}' is not embedded: build Dashboard/web (npm ci && npm run build).");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        return new Asset(bytes, contentType, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8)) + "\"", Convert.ToBase64String(SHA256.HashData(bytes)));
    }

    /// <summary>An embedded file with its ETag and its SHA-256 (base64, for a Content-Security-Policy hash).</summary>
    internal sealed record Asset(byte[] Bytes, string ContentType, string ETag, string Sha256);
}
