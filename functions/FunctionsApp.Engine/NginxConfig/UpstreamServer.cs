using System.Globalization;

namespace FunctionsApp.NginxConfig;

/// <summary>A <c>server</c> line of an <c>upstream</c> block with its parameters
/// (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server).</summary>
public sealed record UpstreamServer(ConfigDirective Directive, string Address)
{
    /// <summary><c>max_fails</c>; 1 when not given. 0 disables the accounting: nginx never marks the server failed.</summary>
    public int MaxFails => Parameter("max_fails") is { } v && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;

    public bool Backup => Directive.Args.Skip(1).Contains("backup");

    public bool Down => Directive.Args.Skip(1).Contains("down");

    /// <summary><c>resolve</c>: the name is re-resolved while nginx runs (open source nginx 1.27.3+, NGINX Plus).</summary>
    public bool Resolve => Directive.Args.Skip(1).Contains("resolve");

    public bool IsUnix => Address.StartsWith("unix:", StringComparison.Ordinal);

    /// <summary>The host part (no port), for name checks; empty for unix sockets.</summary>
    public string Host => IsUnix ? string.Empty : PassTarget.SplitHostPort(Address, 80).Host;

    public string? Parameter(string name)
    {
        var prefix = name + "=";
        return Directive.Args.Skip(1).FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
    }
}
