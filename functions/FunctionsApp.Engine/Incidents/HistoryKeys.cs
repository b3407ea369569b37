using System.Runtime.CompilerServices;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// Whom a request's success speaks for: its upstream (<c>u|10.0.0.1:80</c>) when the format logs upstreams, else its
/// host (<c>h|api.example.com</c>), else the first segment of its path (<c>p|/api</c>). The one place these keys are built.
/// </summary>
internal static class HistoryKeys
{
    private const string UpstreamPrefix = "u|";

    public static string ForUpstream(string upstream) => UpstreamPrefix + upstream;

    public static bool IsUpstream(ReadOnlySpan<char> key) => key.StartsWith(UpstreamPrefix, StringComparison.Ordinal);

    /// <summary>A path key (<c>p|/api</c>): the format logs neither upstreams nor hosts, and requests to one location
    /// go to one upstream.</summary>
    public static bool IsPath(string key) => key.StartsWith("p|", StringComparison.Ordinal);

    /// <summary>A host key (<c>h|api.example.com</c>): the format logs hosts but no upstreams.</summary>
    public static bool IsHost(ReadOnlySpan<char> key) => key.StartsWith("h|", StringComparison.Ordinal);

    /// <summary>
    /// Under a host key, the route of a request: the host and the first segment of its path (<c>api.example.com /v2</c>).
    /// A host spans locations with different upstreams; requests to one first segment almost always meet one location,
    /// so a route that never answered is a location that never worked, whatever the host's other routes served.
    /// Empty when the key is not a host key or the request has no path.
    /// </summary>
    public static ReadOnlySpan<char> RouteOf(in AccessLogEntry entry, ReadOnlySpan<char> hostKey, Span<char> buffer)
    {
        if (!IsHost(hostKey))
        {
            return default;
        }

        var host = hostKey[2..];
        if (host.Length > buffer.Length)
        {
            return default;
        }

        host.CopyTo(buffer);
        return WithSegment(buffer, host.Length, FirstPathSegment(RequestTarget(in entry)));
    }

    /// <summary>The route whose host the buffer's first <paramref name="hostLength"/> chars hold: that host, a space and
    /// the path's first segment; empty when there is no segment or it does not fit.</summary>
    private static ReadOnlySpan<char> WithSegment(Span<char> buffer, int hostLength, ReadOnlySpan<byte> segment)
    {
        if (segment.IsEmpty || hostLength + 1 + segment.Length > buffer.Length)
        {
            return default;
        }

        buffer[hostLength] = ' ';
        for (var i = 0; i < segment.Length; i++)
        {
            buffer[hostLength + 1 + i] = (char)segment[i];
        }

        return buffer[..(hostLength + 1 + segment.Length)];
    }

    /// <summary>A <c>Host</c> without its port (<c>api.test:8443</c>, <c>[2001:db8::1]:443</c>).</summary>
    private static ReadOnlySpan<byte> WithoutPort(ReadOnlySpan<byte> host)
    {
        var colon = host.LastIndexOf((byte)':');
        return colon > 0 && host.IndexOf((byte)']') < colon ? host[..colon] : host;
    }

    /// <summary>
    /// The route of a request in a format that logs upstreams: its host (<c>-</c> when the format logs none) and the
    /// first segment of its path, as <see cref="RouteOf"/> builds it under a host key. Empty when the request has no path.
    /// </summary>
    public static ReadOnlySpan<char> RouteOfRequest(in AccessLogEntry entry, Span<char> buffer)
    {
        var host = WithoutPort(entry.Has(AccessField.Host) ? entry.Get(AccessField.Host) : entry.Get(AccessField.HttpHost));
        if (host.IsEmpty)
        {
            host = "-"u8;
        }

        if (host.Length > buffer.Length)
        {
            return default;
        }

        for (var i = 0; i < host.Length; i++)
        {
            buffer[i] = char.ToLowerInvariant((char)host[i]);
        }

        return WithSegment(buffer, host.Length, FirstPathSegment(RequestTarget(in entry)));
    }

    /// <summary>
    /// The key of <paramref name="kind"/> (<c>u</c>, <c>h</c> or <c>p</c>) an error line's request would have had in
    /// the access log; null when the line does not tell it (no host, no request, or no peer chosen: the access log
    /// names no upstream then).
    /// </summary>
    public static string? OfErrorLine(char kind, string upstream, bool peerChosen, string host, string request)
    {
        switch (kind)
        {
            case 'u':
                return peerChosen && upstream is not ("" or "-") ? ForUpstream(upstream) : null;
            case 'h':
                return host is not ("" or "-") ? "h|" + host : null;
            default:
                var segment = FirstPathSegment(System.Text.Encoding.UTF8.GetBytes(request));
                return segment.IsEmpty ? null : "p|" + System.Text.Encoding.UTF8.GetString(segment);
        }
    }

    /// <summary>The route (<see cref="RouteOf"/>) of an error line's request under a host key; empty when it has no path.</summary>
    public static string RouteOfErrorLine(string hostKey, string request)
    {
        var segment = FirstPathSegment(System.Text.Encoding.UTF8.GetBytes(request));
        return IsHost(hostKey) && !segment.IsEmpty ? $"{hostKey[2..]} {System.Text.Encoding.UTF8.GetString(segment)}" : "";
    }

    /// <summary>The upstream a <c>u|</c> key names; null for host and path keys.</summary>
    public static string? UpstreamOf(string key) => IsUpstream(key) ? key[UpstreamPrefix.Length..] : null;

    public static string Of(in AccessLogEntry entry, AccessLogFormat format, ReadOnlySpan<byte> upstreams) =>
        Of(in entry, format, upstreams, new char[256]).ToString();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlySpan<char> Of(in AccessLogEntry entry, AccessLogFormat format, ReadOnlySpan<byte> upstreams, Span<char> buffer)
    {
        ReadOnlySpan<byte> value;
        char prefix;
        if (format.Has(AccessField.UpstreamAddr))
        {
            value = UpstreamTries.Last(upstreams);
            prefix = 'u';
        }
        else if (entry.Has(AccessField.Host) || entry.Has(AccessField.HttpHost))
        {
            value = WithoutPort(entry.Has(AccessField.Host) ? entry.Get(AccessField.Host) : entry.Get(AccessField.HttpHost));
            prefix = 'h';
        }
        else
        {
            value = FirstPathSegment(RequestTarget(in entry));
            prefix = 'p';
        }

        if (value.IsEmpty)
        {
            return default;
        }

        var length = Math.Min(value.Length, buffer.Length - 2);
        buffer[0] = prefix;
        buffer[1] = '|';
        for (var i = 0; i < length; i++)
        {
            var c = (char)value[i];
            buffer[i + 2] = prefix == 'h' ? char.ToLowerInvariant(c) : c;
        }

        return buffer[..(length + 2)];
    }

    /// <summary>What the format logs of the request's target: <c>$request</c>, else <c>$request_uri</c>, else <c>$uri</c>.</summary>
    private static ReadOnlySpan<byte> RequestTarget(scoped in AccessLogEntry entry) =>
        !entry.Get(AccessField.Request).IsEmpty ? entry.Get(AccessField.Request)
            : !entry.Get(AccessField.RequestUri).IsEmpty ? entry.Get(AccessField.RequestUri) : entry.Get(AccessField.Uri);

    /// <summary><c>GET /api/v1/x?y HTTP/1.1</c> → <c>/api</c>; a bare URI works too, and a proxy's absolute target
    /// (<c>GET http://a.test/api/x HTTP/1.1</c>). None for a target that is no path: <c>*</c>, or one an author
    /// redacted (<c>GET &lt;path&gt; HTTP/1.1</c>), whose protocol's slash is not the path's.</summary>
    private static ReadOnlySpan<byte> FirstPathSegment(ReadOnlySpan<byte> request)
    {
        var path = request is [(byte)'/', ..] ? request : RequestLineParts.Target(request);
        if (path.IndexOf("://"u8) is > 0 and var scheme && scheme <= 5)
        {
            path = path[(scheme + 3)..];
            path = path.IndexOf((byte)'/') is >= 0 and var slash ? path[slash..] : default;
        }

        if (path is not [(byte)'/', ..])
        {
            return default;
        }

        var end = path[1..].IndexOfAny("/? "u8);
        return end < 0 ? path : path[..(end + 1)];
    }
}
