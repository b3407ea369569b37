using System.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>Normalises how nginx names an upstream in its two logs so that both name it the same way.</summary>
internal static class UpstreamAddress
{
    /// <summary>
    /// <c>http://127.0.0.1:9001/api?x</c> → <c>127.0.0.1:9001</c>;
    /// <c>fastcgi://unix:/run/php.sock:</c> → <c>unix:/run/php.sock</c>; <c>http://backend/</c> → <c>backend</c>.
    /// </summary>
    public static string FromUrl(ReadOnlySpan<byte> url)
    {
        var scheme = url.IndexOf("://"u8);
        var rest = scheme >= 0 ? url[(scheme + 3)..] : url;
        if (rest.StartsWith("unix:"u8))
        {
            // unix:/path/to.sock:/uri — the socket path ends at the ':' that starts the URI.
            var uri = rest[5..].IndexOf((byte)':');
            return Encoding.UTF8.GetString(uri < 0 ? rest : rest[..(5 + uri)]);
        }

        var end = rest.IndexOfAny("/?"u8);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }

    /// <summary>A <c>Host</c> value as a key: lower case, without a port.</summary>
    public static string HostKey(string host)
    {
        if (host.Length == 0)
        {
            return "-";
        }

        var colon = host.LastIndexOf(':');
        var bracket = host.LastIndexOf(']');
        var withoutPort = colon > bracket && colon > 0 && host.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0
            ? host[..colon]
            : host;
        return withoutPort.ToLowerInvariant();
    }
}
