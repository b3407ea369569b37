using FunctionsApp.NginxConfig;

namespace FunctionsApp.Probes;

/// <summary>One address to probe, with what nginx's configuration says about talking to it.</summary>
internal sealed record ProbeTarget
{
    /// <summary>How the request named it.</summary>
    public required string Display { get; init; }

    /// <summary><c>http</c>, <c>https</c> or <c>tcp</c>.</summary>
    public required string Scheme { get; init; }

    /// <summary>Host name or IP literal; null for a unix socket.</summary>
    public string? Host { get; init; }

    public int Port { get; init; }

    public string? UnixPath { get; init; }

    /// <summary>The name nginx checks the certificate against (<c>proxy_ssl_name</c>, else the host).</summary>
    public string? TlsName { get; init; }

    /// <summary>Whether nginx sends SNI (<c>proxy_ssl_server_name on</c>); without a configuration, send it for names.</summary>
    public bool SendSni { get; init; } = true;

    /// <summary>Whether nginx verifies the certificate (<c>proxy_ssl_verify on</c>); null without a configuration.</summary>
    public bool? Verifies { get; init; }

    public required string HealthPath { get; init; }

    /// <summary>The Host header (nginx sends the proxy_pass host unless proxy_set_header Host says otherwise).</summary>
    public required string HostHeader { get; init; }

    /// <summary>The effective <c>proxy_buffer_size</c> where nginx passes to this upstream.</summary>
    public EffectiveSetting? BufferSize { get; init; }

    /// <summary>The effective <c>proxy_read_timeout</c>.</summary>
    public EffectiveSetting? ReadTimeout { get; init; }
}
