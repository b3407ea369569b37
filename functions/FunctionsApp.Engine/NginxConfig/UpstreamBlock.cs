namespace FunctionsApp.NginxConfig;

/// <summary>An <c>upstream NAME { … }</c> group.</summary>
public sealed class UpstreamBlock
{
    internal UpstreamBlock(ConfigDirective directive)
    {
        Directive = directive;
        Name = directive.Arg0;
        Servers = [.. directive.All("server").Select(d => new UpstreamServer(d, NormalizeAddress(d.Arg0)))];
    }

    public ConfigDirective Directive { get; }

    public string Name { get; }

    public IReadOnlyList<UpstreamServer> Servers { get; }

    /// <summary><c>keepalive N</c>: idle connections kept per worker; null when absent.</summary>
    public ConfigDirective? Keepalive => Directive.Find("keepalive");

    /// <summary>The address as nginx logs it in <c>$upstream_addr</c>: port 80 made explicit.</summary>
    private static string NormalizeAddress(string address) =>
        address.StartsWith("unix:", StringComparison.Ordinal) || PassTarget.HasPort(address) ? address : address + ":80";
}
