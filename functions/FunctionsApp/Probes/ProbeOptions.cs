namespace FunctionsApp.Probes;

/// <summary>Probing upstreams from where the app runs (<c>POST /api/sites/{site}/probe</c>, and on incident open).</summary>
internal sealed class ProbeOptions
{
    public const string SectionName = "Probes";

    /// <summary>Probe the upstream of each incident when it opens (once per incident).</summary>
    public bool OnIncidentOpen { get; set; }

    /// <summary>Targets that may be probed although no log or configuration of the site names them: <c>host</c>,
    /// <c>host:port</c> or a CIDR (<c>10.0.0.0/8</c>). Listing a loopback, link-local or metadata address allows it.</summary>
    public List<string> AllowedTargets { get; set; } = [];

    /// <summary>Allow loopback addresses named by a site's logs or configuration. Default: yes standalone (nginx and the
    /// app on one host), no under the Functions host (in Azure loopback is the app's own sandbox).</summary>
    public bool? AllowLoopback { get; set; }

    /// <summary>The path requested over HTTP.</summary>
    public string HealthPath { get; set; } = "/";

    /// <summary>A DNS server (<c>ip</c> or <c>ip:port</c>); default: the first <c>nameserver</c> of /etc/resolv.conf.</summary>
    public string? DnsServer { get; set; }

    /// <summary>The whole probe of one address, at most.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    public TimeSpan DnsTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for the response header (TLS handshake included).</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Servers of one upstream group probed per request.</summary>
    public int MaxAddresses { get; set; } = 4;
}
