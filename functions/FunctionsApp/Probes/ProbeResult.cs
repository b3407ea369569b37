using System.Text.Json.Serialization;

namespace FunctionsApp.Probes;

/// <summary>
/// One probe of one upstream address, step by step as <c>curl -v</c> shows it: DNS, TCP connect, TLS, HTTP. Steps
/// after the first that fails are absent. Stored with the incident it was made for.
/// </summary>
public sealed record ProbeResult
{
    /// <summary>What was asked for: <c>https://api.internal:8443</c>, <c>10.0.0.5:8080</c>, <c>unix:/run/php/fpm.sock</c>.</summary>
    public required string Target { get; init; }

    /// <summary><c>http</c>, <c>https</c>, or <c>tcp</c> (FastCGI and other non-HTTP upstreams: connect only).</summary>
    public required string Scheme { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double DurationMs { get; init; }

    public required ProbeOutcome Outcome { get; init; }

    /// <summary>One line for people and for incident evidence: <c>probe 10:03:12 UTC: TCP connect to 10.0.0.5:8080 refused</c>.</summary>
    public required string Summary { get; init; }

    public ProbeDns? Dns { get; init; }

    public ProbeConnect? Connect { get; init; }

    public ProbeTls? Tls { get; init; }

    public ProbeHttp? Http { get; init; }

    /// <summary>What the result means against the nginx configuration (buffers, timeouts, SNI), when one is stored.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>The name lookup: where the answer came from, the addresses and their TTL.</summary>
public sealed record ProbeDns(string Name, string Source, string? Server, IReadOnlyList<ProbeDnsAnswer> Answers, double DurationMs, string? Error);

/// <summary>One address record; <c>Ttl</c> null for /etc/hosts entries.</summary>
public sealed record ProbeDnsAnswer(string Address, int? Ttl);

/// <summary>The connection: to which address, how long it took, or how it failed.</summary>
public sealed record ProbeConnect(string Address, double DurationMs, string? Error);

/// <summary>The TLS handshake: what was negotiated and what the certificate says.</summary>
public sealed record ProbeTls
{
    /// <summary>The server name sent (SNI); null when none was (an IP address, or SNI off as in nginx's default).</summary>
    public string? Sni { get; init; }

    public string? Protocol { get; init; }

    public string? Cipher { get; init; }

    public IReadOnlyList<ProbeCertificate> Chain { get; init; } = [];

    /// <summary>The name the certificate was checked against (nginx's <c>proxy_ssl_name</c>, else the host).</summary>
    public string? CheckedName { get; init; }

    public bool? NameMatches { get; init; }

    public bool? Expired { get; init; }

    public double? DaysLeft { get; init; }

    /// <summary>Whether the system's CAs trust the chain (nginx checks only with <c>proxy_ssl_verify on</c>, against its own CA file).</summary>
    public bool? TrustedBySystem { get; init; }

    public IReadOnlyList<string> ChainErrors { get; init; } = [];

    public string? Error { get; init; }
}

/// <summary>One certificate of the chain the server sent.</summary>
public sealed record ProbeCertificate(string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, IReadOnlyList<string> Names);

/// <summary>The HTTP request to the health path.</summary>
public sealed record ProbeHttp
{
    public required string Path { get; init; }

    public int? Status { get; init; }

    /// <summary>Time from sending the request to the first byte of the response.</summary>
    public double? TimeToFirstByteMs { get; init; }

    /// <summary>Status line and headers, in bytes: what must fit nginx's <c>proxy_buffer_size</c>.</summary>
    public int? HeaderBytes { get; init; }

    public string? Error { get; init; }
}

/// <summary>How a probe ended. Serialized snake_case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProbeOutcome>))]
public enum ProbeOutcome
{
    /// <summary>Every step worked and the health path answered below 500.</summary>
    [JsonStringEnumMemberName("ok")] Ok,

    /// <summary>The health path answered 5xx.</summary>
    [JsonStringEnumMemberName("http_error")] HttpError,

    /// <summary>The response headers do not fit the configured <c>proxy_buffer_size</c>: nginx answers 502.</summary>
    [JsonStringEnumMemberName("headers_too_large")] HeadersTooLarge,

    /// <summary>No response header in time, or a response that is not HTTP.</summary>
    [JsonStringEnumMemberName("http_failed")] HttpFailed,

    [JsonStringEnumMemberName("tls_failed")] TlsFailed,

    /// <summary>The handshake worked but the certificate is expired, for another name, or (with verification on) untrusted.</summary>
    [JsonStringEnumMemberName("certificate_problem")] CertificateProblem,

    [JsonStringEnumMemberName("refused")] Refused,

    [JsonStringEnumMemberName("timeout")] Timeout,

    [JsonStringEnumMemberName("unreachable")] Unreachable,

    /// <summary>A unix socket whose accept queue is full (EAGAIN).</summary>
    [JsonStringEnumMemberName("backlog_full")] BacklogFull,

    [JsonStringEnumMemberName("socket_missing")] SocketMissing,

    [JsonStringEnumMemberName("permission_denied")] PermissionDenied,

    [JsonStringEnumMemberName("dns_failed")] DnsFailed,

    /// <summary>Not probed: the address is not one this app may probe (link-local, metadata, loopback in Azure).</summary>
    [JsonStringEnumMemberName("blocked")] Blocked,
}
