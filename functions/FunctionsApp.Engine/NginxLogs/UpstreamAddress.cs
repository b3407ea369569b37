using System.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>Normalises how nginx names an upstream in its two logs so that both name it the same way.</summary>
internal static class UpstreamAddress
{
    /// <summary>
    /// <c>http://127.0.0.1:9001/api?x</c> → <c>127.0.0.1:9001</c>;
    /// <c>fastcgi://unix:/run/php.sock:</c> → <c>unix:/run/php.sock</c>; <c>http://backend/</c> → <c>backend</c>;
    /// <c>http://127.0.0.1:5001stats</c> (a URI without its slash) → <c>127.0.0.1:5001</c>;
    /// <c>passenger:unix:/tmp/passenger.1/helper:</c> and Passenger 4's <c>passenger:/tmp/passenger.1/request:</c> →
    /// <c>unix:/tmp/passenger.1/…</c>.
    /// </summary>
    /// <param name="url">The error line's <c>upstream:</c> value.</param>
    /// <param name="target">The request's target (<c>/a?b=1</c>), when the line names it: nginx 1.22 writes a unix
    /// socket's URL without a separator (<c>http://unix:/run/app.sock/a?b=1</c>): the path ends at its <c>.sock</c>
    /// file, or where the request's own URI begins.</param>
    public static string FromUrl(ReadOnlySpan<byte> url, ReadOnlySpan<byte> target = default)
    {
        // nginx quotes the value whole; a quote at one end only is the paste's (an author's edit lost the other), and
        // a JSON string's escaped quote (\") is one too.
        url = url.Trim("\"\\"u8);
        var scheme = url.IndexOf("://"u8);
        var rest = scheme >= 0 ? url[(scheme + 3)..] : url;

        // Phusion Passenger's module names its helper's socket "passenger:unix:/path:"; Passenger 4 wrote the path
        // alone ("passenger:/tmp/passenger.1.0.27376/generation-0/request:"), a unix socket all the same.
        if (scheme < 0 && rest.StartsWith("passenger:"u8))
        {
            rest = rest["passenger:".Length..];
            if (rest is [(byte)'/', ..])
            {
                var path = rest.TrimEnd((byte)':');
                return path.Length > 1 ? "unix:" + Encoding.UTF8.GetString(path) : "";
            }
        }

        if (rest.StartsWith("unix:"u8))
        {
            // unix:/path/to.sock:/uri — the socket path ends at the ':' that starts the URI (newer nginx writes one).
            var uri = rest[5..].IndexOf((byte)':');
            if (uri >= 0)
            {
                return Encoding.UTF8.GetString(rest[..(5 + uri)]);
            }

            // Without it: the URI follows a *.sock file, or is the request's own (proxy_pass with no URI part).
            foreach (var suffix in (ReadOnlySpan<string>)[".sock/", ".socket/", ".sock?", ".socket?"])
            {
                var at = rest.IndexOf(Encoding.ASCII.GetBytes(suffix));
                if (at > 0)
                {
                    return Encoding.UTF8.GetString(rest[..(at + suffix.Length - 1)]);
                }
            }

            if (target.Length > 1 && rest.EndsWith(target) && rest.Length - target.Length > 5)
            {
                return Encoding.UTF8.GetString(rest[..^target.Length]);
            }

            return Encoding.UTF8.GetString(rest);
        }

        var end = rest.IndexOfAny("/?"u8);
        var authority = end < 0 ? rest : rest[..end];

        // A URI without its leading slash runs on from the port ("http://127.0.0.1:5001stats": a `rewrite … $1 break;`
        // whose capture dropped the slash); a port is digits only.
        var colon = authority.LastIndexOf((byte)':');
        if (colon > 0 && colon > authority.LastIndexOf((byte)']')
            && authority[(colon + 1)..].IndexOfAnyExceptInRange((byte)'0', (byte)'9') is > 0 and var digits)
        {
            authority = authority[..(colon + 1 + digits)];
        }

        return Encoding.UTF8.GetString(authority);
    }

    /// <summary>The address of <c>10.0.0.1:8080</c> or <c>[::1]:80</c> as nginx logs a client (<c>10.0.0.1</c>,
    /// <c>::1</c>); a unix socket or a name as it is.</summary>
    public static string AddressOf(string upstream)
    {
        if (upstream.StartsWith('[') && upstream.IndexOf(']', StringComparison.Ordinal) is var close and > 0)
        {
            return upstream[1..close];
        }

        var colon = upstream.LastIndexOf(':');
        return colon > 0 && upstream.IndexOf(':', StringComparison.Ordinal) == colon && !upstream.StartsWith("unix:", StringComparison.Ordinal) ? upstream[..colon] : upstream;
    }

    /// <summary>
    /// An upstream whose address was masked before it was posted (<c>XXXX:10001</c>, <c>1XXXX:10001</c>,
    /// <c>192.168.x.x:80</c>; see <see cref="ValueShapes.IsMaskedName"/> and <see cref="ValueShapes.IsMaskedIPv4"/>), and
    /// its port (empty when it has none).
    /// </summary>
    public static bool IsMasked(string upstream, out string port)
    {
        port = "";
        if (upstream.Length == 0 || upstream.StartsWith("unix:", StringComparison.Ordinal) || upstream.AsSpan().IndexOfAny('x', 'X', '*') < 0)
        {
            return false;
        }

        var address = AddressOf(upstream);
        if (!ValueShapes.IsMaskedName(address) && !ValueShapes.IsMaskedIPv4(address))
        {
            return false;
        }

        port = address.Length < upstream.Length ? upstream[(upstream.LastIndexOf(':') + 1)..] : "";
        return true;
    }

    /// <summary>An upstream on the loopback: 127.0.0.0/8 or [::1], with or without a port.</summary>
    public static bool IsLoopback(string upstream) =>
        AddressOf(upstream) is var address && (address.StartsWith("127.", StringComparison.Ordinal) || address == "::1")
        && System.Net.IPAddress.TryParse(address, out _);

    /// <summary>
    /// A client address that is a Docker network's gateway: x.x.x.1 in 172.17.0.0/16 to 172.31.0.0/16, where Docker
    /// draws its bridge networks (172.17 the default, 172.18 and on for Compose's; 172.16 is not in its pools, and is
    /// where other runtimes put theirs: k3s under TrueNAS, whose pods share a loopback with their sidecars). A
    /// container's published port relays the host's clients from there, so nginx seeing them runs in a container.
    /// </summary>
    public static bool IsDockerGateway(string client) => DockerBridgeHost(client) is 1;

    /// <summary>An upstream on a Docker bridge network (172.17.0.0/16 to 172.31.0.0/16, Docker's pools): a container's
    /// address, which it keeps only while it runs and loses when it is recreated.</summary>
    public static bool IsDockerContainer(string upstream) => DockerBridgeHost(AddressOf(upstream)) is not (null or 0 or 1 or 255);

    /// <summary>The last byte of an IPv4 address in Docker's bridge pools (172.17–31.x.x), or null for any other.</summary>
    private static byte? DockerBridgeHost(string address) =>
        System.Net.IPAddress.TryParse(address, out var parsed) && parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
        && parsed.GetAddressBytes() is [172, >= 17 and <= 31, _, var host] ? host : null;

    /// <summary>A private address (10/8, 172.16/12, 192.168/16, 100.64/10 shared by carriers, loopback, fc00::/7): no
    /// user's on the internet, but a host's on a network of its own (a proxy's, a node's, a LAN's).</summary>
    public static bool IsPrivate(System.Net.IPAddress address) =>
        System.Net.IPAddress.IsLoopback(address) || address.IsIPv6UniqueLocal
        || ((address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6)
            && address.MapToIPv4().GetAddressBytes() is [10, ..] or [172, >= 16 and <= 31, ..] or [192, 168, ..] or [100, >= 64 and <= 127, ..]);

    /// <summary>The other loopback address at the same port (<c>[::1]:8000</c> for <c>127.0.0.1:8000</c>, and back), or null.</summary>
    public static string? OtherLoopback(string upstream) =>
        upstream.StartsWith("127.0.0.1:", StringComparison.Ordinal) ? string.Concat("[::1]", upstream.AsSpan("127.0.0.1".Length))
        : IsLocalhostIpv6(upstream) ? string.Concat("127.0.0.1", upstream.AsSpan("[::1]".Length))
        : null;

    /// <summary>
    /// The IPv6 loopback: nginx connects to <c>[::1]</c> because a name resolved to it, and that name is <c>localhost</c>,
    /// which /etc/hosts maps to 127.0.0.1 as well (every distribution and container image does): <c>proxy_pass
    /// http://localhost:8080</c> is a group of two servers, and a failed connect to [::1] goes on to 127.0.0.1. If that
    /// try failed too, it has a line of its own.
    /// </summary>
    public static bool IsLocalhostIpv6(string upstream) => upstream.StartsWith("[::1]:", StringComparison.Ordinal);

    /// <summary>A FastCGI address that is PHP-FPM's by its name: a socket path that names PHP (<c>php8.2-fpm.sock</c>,
    /// <c>php-fpm.sock</c>), or PHP-FPM's default port, 9000. fcgiwrap's socket, or a Python or C program's port, is not.</summary>
    public static bool IsPhpFpm(string upstream) =>
        upstream.Contains("php", StringComparison.OrdinalIgnoreCase) || upstream.EndsWith(":9000", StringComparison.Ordinal);

    /// <summary>fcgiwrap's socket (<c>/run/fcgiwrap.socket</c>, <c>fcgiwrap.sock</c>): a CGI program run per request.</summary>
    public static bool IsFcgiwrap(string upstream) => upstream.Contains("fcgiwrap", StringComparison.OrdinalIgnoreCase);

    /// <summary>IPv6's wildcard address, <c>[::]</c>: where a server listens on every address, never one to connect to.</summary>
    public static bool IsIpv6Wildcard(string upstream) => upstream.StartsWith("[::]:", StringComparison.Ordinal);

    /// <summary>
    /// ingress-nginx's stand-in server (<c>upstream upstream_balancer { server 0.0.0.1; balancer_by_lua … }</c>): nginx
    /// connects to it only when the Lua balancer set no peer. 0.0.0.0/8 is "this network", never a host's address.
    /// </summary>
    public static bool IsBalancerPlaceholder(string upstream) => upstream.StartsWith("0.0.0.1:", StringComparison.Ordinal) || upstream == "0.0.0.1";

    /// <summary>A <c>Host</c> value as a key: lower case, without a port; a masked one (<see cref="ValueShapes.IsMaskedName"/>) is none.</summary>
    public static string HostKey(string host)
    {
        if (host.Length == 0)
        {
            return "-";
        }

        if (host.AsSpan().ContainsAny(' ', '\t'))
        {
            // Spaces a terminal's wrap or a forum put into a pasted line: no host name has any.
            host = string.Concat(host.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
            if (host.Length == 0)
            {
                return "-";
            }
        }

        var colon = host.LastIndexOf(':');
        var bracket = host.LastIndexOf(']');
        var withoutPort = colon > bracket && colon > 0 && host.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0
            ? host[..colon]
            : host;
        return ValueShapes.IsMaskedName(withoutPort) ? "-" : withoutPort.ToLowerInvariant();
    }
}
