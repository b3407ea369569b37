using System.Globalization;
using System.Net;

namespace FunctionsApp.NginxConfig;

/// <summary>
/// Where a location sends requests: the argument of <c>proxy_pass</c>, <c>fastcgi_pass</c>, <c>uwsgi_pass</c>,
/// <c>scgi_pass</c>, <c>grpc_pass</c> or <c>memcached_pass</c>, split into scheme, host, port or unix socket, and the
/// <c>upstream</c> group it names, if any.
/// </summary>
public sealed record PassTarget
{
    public static readonly IReadOnlyList<string> Directives = ["proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass"];

    public required ConfigDirective Directive { get; init; }

    /// <summary><c>proxy</c>, <c>fastcgi</c>, <c>uwsgi</c>, <c>scgi</c>, <c>grpc</c> or <c>memcached</c>: the prefix of the
    /// module's directives (<c>proxy_read_timeout</c>, <c>fastcgi_read_timeout</c>, …).</summary>
    public required string Module { get; init; }

    /// <summary><c>http</c>, <c>https</c>, <c>grpc</c>, <c>grpcs</c>, or the module name when the directive takes no scheme.</summary>
    public required string Scheme { get; init; }

    /// <summary>Host name, IP address or upstream group name; empty for a unix socket.</summary>
    public required string Host { get; init; }

    public int Port { get; init; }

    /// <summary>Whether the port was written (an upstream group is named without one).</summary>
    public bool PortGiven { get; init; }

    /// <summary>The socket path of <c>unix:/path</c>; null otherwise.</summary>
    public string? UnixPath { get; init; }

    /// <summary>The host part holds variables: nginx evaluates it per request and resolves names with <c>resolver</c>.</summary>
    public bool HasVariables { get; init; }

    /// <summary>The upstream group the host names; null for a direct address.</summary>
    public UpstreamBlock? Group { get; init; }

    public bool IsTls => Scheme is "https" or "grpcs" or "suwsgi";

    /// <summary>Whether the host is a literal IP address (or a unix socket): nothing to resolve.</summary>
    public bool IsAddressLiteral => UnixPath is not null || IPAddress.TryParse(Host.Trim('[', ']'), out _);

    /// <summary>The upstream as nginx names it in <c>$upstream_addr</c> and error lines: <c>host:port</c>, <c>unix:/path</c>,
    /// or the group's name (nginx logs that when no server of the group is live).</summary>
    public string Address => UnixPath is not null ? "unix:" + UnixPath : Group is not null ? Group.Name : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The servers requests go to: the group's, or the one direct address.</summary>
    public IReadOnlyList<string> ServerAddresses => Group is not null ? [.. Group.Servers.Select(s => s.Address)] : [Address];

    internal static PassTarget? Parse(ConfigDirective directive, Func<string, UpstreamBlock?> findGroup)
    {
        if (directive.Args.Count == 0)
        {
            return null;
        }

        var module = directive.Name[..directive.Name.IndexOf('_', StringComparison.Ordinal)];
        var value = directive.Arg0;
        var scheme = module;
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            scheme = value[..schemeEnd].ToLowerInvariant();
            value = value[(schemeEnd + 3)..];
        }
        else if (module == "proxy")
        {
            // proxy_pass needs a scheme; nginx -t rejects it without one.
            scheme = "http";
        }

        if (value.StartsWith("unix:", StringComparison.Ordinal))
        {
            // proxy_pass http://unix:/path:/uri — the socket path ends at the next ':'; the other modules take the path to the end.
            var path = value[5..];
            if (module == "proxy" && path.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
            {
                path = path[..colon];
            }

            return new PassTarget { Directive = directive, Module = module, Scheme = scheme, Host = string.Empty, UnixPath = path, HasVariables = path.Contains('$', StringComparison.Ordinal) };
        }

        var hostEnd = value.IndexOfAny(['/', '?']);
        var hostPort = hostEnd >= 0 ? value[..hostEnd] : value;
        var defaultPort = scheme is "https" or "grpcs" ? 443 : 80;
        var (host, port, given) = SplitHostPort(hostPort, defaultPort);
        var hasVariables = hostPort.Contains('$', StringComparison.Ordinal);
        var group = !given && !hasVariables ? findGroup(host) : null;
        return new PassTarget
        {
            Directive = directive, Module = module, Scheme = scheme, Host = host, Port = port, PortGiven = given,
            HasVariables = hasVariables, Group = group,
        };
    }

    internal static bool HasPort(string hostPort) => SplitHostPort(hostPort, 0).Given;

    internal static (string Host, int Port, bool Given) SplitHostPort(string hostPort, int defaultPort)
    {
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close > 0 && close + 2 < hostPort.Length && hostPort[close + 1] == ':'
                && int.TryParse(hostPort.AsSpan(close + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var v6Port))
            {
                return (hostPort[..(close + 1)], v6Port, true);
            }

            return (hostPort, defaultPort, false);
        }

        var colon = hostPort.LastIndexOf(':');
        if (colon > 0 && hostPort.IndexOf(':', StringComparison.Ordinal) == colon
            && int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return (hostPort[..colon], port, true);
        }

        return (hostPort, defaultPort, false);
    }
}
