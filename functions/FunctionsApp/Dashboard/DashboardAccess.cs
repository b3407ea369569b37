using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FunctionsApp.Hosting;
using FunctionsApp.Security;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Dashboard;

/// <summary>
/// Who may read the dashboard's data and press its buttons.
/// <list type="bullet">
/// <item>In Azure (the isolated worker behind the Functions host), people sign in through App Service Authentication (Entra ID, configured in
/// <c>infra/</c>); the platform then adds <c>X-MS-CLIENT-PRINCIPAL-ID</c> to each request and strips it from what clients
/// send. The app accepts a request only with that header and only when the platform says authentication is on
/// (<c>WEBSITE_AUTH_ENABLED</c>), so a deployment without it is closed, not open.</item>
/// <item>Standalone, a person enters a function key once per browser session: <c>POST /api/dashboard-session</c> checks it
/// (in constant time, like every key) and sets an HttpOnly, SameSite=Strict session cookie holding a time-stamped HMAC
/// made with the key's digest, never the key. A function key in <c>x-functions-key</c> works too.</item>
/// </list>
/// Buttons (POST) also need the <c>X-Requested-With: dashboard</c> header, which another site's page cannot send.
/// </summary>
internal sealed class DashboardAccess
{
    public const string CookieName = "nginx502-dashboard";
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL-ID";
    public const string ButtonHeader = "X-Requested-With";
    public const string ButtonHeaderValue = "dashboard";
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    private readonly byte[][] _keyDigests;
    private readonly TimeProvider _time;

    public DashboardAccess(IOptions<AuthOptions> auth, HostingContext hosting, IConfiguration configuration, TimeProvider time)
    {
        _keyDigests = [.. auth.Value.FunctionKeys.Values.Where(k => !string.IsNullOrEmpty(k)).Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];
        _time = time;
        PlatformSignIn = hosting.Mode == HostingMode.FunctionsHost;
        PlatformAuthEnabled = string.Equals(configuration["WEBSITE_AUTH_ENABLED"], "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True under the Functions host: sign-in is the platform's.</summary>
    public bool PlatformSignIn { get; }

    public bool PlatformAuthEnabled { get; }

    public bool IsAllowed(HttpRequest request)
    {
        if (PlatformSignIn)
        {
            return PlatformAuthEnabled && !string.IsNullOrEmpty(request.Headers[PrincipalHeader]);
        }

        string? key = request.Headers[FunctionKeyMiddleware.HeaderName];
        if (!string.IsNullOrEmpty(key))
        {
            return IsKey(key);
        }

        return request.Cookies.TryGetValue(CookieName, out var cookie) && IsSession(cookie);
    }

    public bool IsKey(string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var key in _keyDigests)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, key);
        }

        return match;
    }

    /// <summary>A session token for the key: <c>{unix seconds}.{HMAC-SHA256(key digest, "dashboard:{seconds}")}</c>.</summary>
    public string NewSession(string key)
    {
        var issued = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return issued + "." + Mac(SHA256.HashData(Encoding.UTF8.GetBytes(key)), issued);
    }

    private bool IsSession(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var age = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age < TimeSpan.FromMinutes(-5) || age > SessionLifetime)
        {
            return false;
        }

        var presented = Encoding.ASCII.GetBytes(token[(dot + 1)..]);
        var match = false;
        foreach (var key in _keyDigests)
        {
            match |= CryptographicOperations.FixedTimeEquals(presented, Encoding.ASCII.GetBytes(Mac(key, token[..dot])));
        }

        return match;
    }

    private static string Mac(byte[] keyDigest, string issued) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(keyDigest, Encoding.UTF8.GetBytes("dashboard:" + issued)));
}
