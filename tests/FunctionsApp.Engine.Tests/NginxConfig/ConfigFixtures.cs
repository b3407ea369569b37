using FunctionsApp.NginxConfig;

namespace FunctionsApp.Engine.Tests.NginxConfig;

/// <summary>The committed configurations (Fixtures/nginx-config, each accepted by nginx -t: see its README).</summary>
internal static class ConfigFixtures
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx-config");

    public static string NginxRoot { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx");

    public static string MainFile(string name) => Path.Combine(Root, name, "nginx.conf");

    public static NginxConfigModel Load(string name)
    {
        var result = NginxConfigParser.ParseFile(MainFile(name));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Model!;
    }

    public static NginxConfigModel LoadText(string text)
    {
        var result = NginxConfigParser.ParseText(text);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Model!;
    }

    /// <summary>The 1-based line of the first line containing <paramref name="text"/> at or after the line containing <paramref name="after"/>.</summary>
    public static int LineOf(string path, string text, string? after = null)
    {
        var lines = File.ReadAllLines(path);
        var start = after is null ? 0 : Array.FindIndex(lines, l => l.Contains(after, StringComparison.Ordinal));
        Assert.True(start >= 0, $"'{after}' not in {path}");
        var index = Array.FindIndex(lines, start, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{text}' not in {path}");
        return index + 1;
    }
}
