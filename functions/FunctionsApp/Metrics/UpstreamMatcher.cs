using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.RegularExpressions;

namespace FunctionsApp.Metrics;

/// <summary>One compiled <see cref="UpstreamResourceMapping.Match"/>: exact <c>host:port</c>, CIDR, or hostname glob.</summary>
internal sealed class UpstreamMatcher
{
    private readonly string? _exact;
    private readonly IPNetwork? _network;
    private readonly Regex? _glob;
    private readonly bool _globIncludesPort;

    private UpstreamMatcher(string? exact, IPNetwork? network, Regex? glob, bool globIncludesPort)
    {
        _exact = exact;
        _network = network;
        _glob = glob;
        _globIncludesPort = globIncludesPort;
    }

    public static bool TryCreate(string pattern, [NotNullWhen(true)] out UpstreamMatcher? matcher, [NotNullWhen(false)] out string? error)
    {
        matcher = null;
        error = null;
        pattern = pattern.Trim();
        if (pattern.Length == 0)
        {
            error = "empty";
            return false;
        }

        if (pattern.Contains('/', StringComparison.Ordinal) && !pattern.StartsWith("unix:", StringComparison.Ordinal))
        {
            if (!IPNetwork.TryParse(pattern, out var network))
            {
                error = "looks like a CIDR but does not parse (expected e.g. 10.0.1.0/24)";
                return false;
            }

            matcher = new UpstreamMatcher(null, network, null, false);
            return true;
        }

        if (pattern.Contains('*', StringComparison.Ordinal) || pattern.Contains('?', StringComparison.Ordinal))
        {
            // Built once per mapping at start, never per lookup.
            var regex = "^" + Regex.Escape(pattern).Replace(@"\*", "[^:]*", StringComparison.Ordinal).Replace(@"\?", "[^:]", StringComparison.Ordinal) + "$";
            matcher = new UpstreamMatcher(null, null,
                new Regex(regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)),
                pattern.Contains(':', StringComparison.Ordinal));
            return true;
        }

        matcher = new UpstreamMatcher(pattern, null, null, false);
        return true;
    }

    public bool IsMatch(string upstream)
    {
        if (_exact is not null)
        {
            return string.Equals(_exact, upstream, StringComparison.OrdinalIgnoreCase);
        }

        var host = HostPart(upstream);
        if (_network is { } network)
        {
            return IPAddress.TryParse(host, out var address) && network.Contains(address);
        }

        return _glob!.IsMatch(_globIncludesPort ? upstream : host);
    }

    /// <summary><c>10.0.0.1:80</c> → <c>10.0.0.1</c>; <c>[::1]:80</c> → <c>::1</c>; <c>name</c> → <c>name</c>.</summary>
    internal static string HostPart(string upstream)
    {
        if (upstream.StartsWith('['))
        {
            var close = upstream.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? upstream[1..close] : upstream;
        }

        var colon = upstream.LastIndexOf(':');
        return colon > 0 && upstream.IndexOf(':', StringComparison.Ordinal) == colon ? upstream[..colon] : upstream;
    }
}
