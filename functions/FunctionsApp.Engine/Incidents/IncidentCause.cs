using System.Text.Json.Serialization;

namespace FunctionsApp.Incidents;

/// <summary>
/// The one cause an incident is attributed to. Serialized as snake_case strings
/// (<c>upstream_down</c>, <c>tls_handshake</c>, ...) which are part of the public API.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentCause>))]
public enum IncidentCause
{
    /// <summary>No rule fits; the summary says what was seen.</summary>
    [JsonStringEnumMemberName("unknown")] Unknown = 0,

    /// <summary>The upstream had been serving and stopped (refused, unreachable, no live upstreams).</summary>
    [JsonStringEnumMemberName("upstream_down")] UpstreamDown,

    /// <summary>It never worked: wrong address or port, socket permissions, buffers too small, no resolver.</summary>
    [JsonStringEnumMemberName("misconfiguration")] Misconfiguration,

    /// <summary>The upstream did not answer in time (504).</summary>
    [JsonStringEnumMemberName("timeout")] Timeout,

    /// <summary>The upstream is saturated: EAGAIN on connect, failures only under load, slow before failing.</summary>
    [JsonStringEnumMemberName("overload")] Overload,

    /// <summary>The upstream name could not be resolved.</summary>
    [JsonStringEnumMemberName("dns")] Dns,

    /// <summary>The TLS handshake with the upstream failed.</summary>
    [JsonStringEnumMemberName("tls_handshake")] TlsHandshake,

    /// <summary>The upstream answered, but not with a valid HTTP response.</summary>
    [JsonStringEnumMemberName("invalid_response")] InvalidResponse,

    /// <summary>The 5xx came from the upstream itself; nginx passed it through.</summary>
    [JsonStringEnumMemberName("upstream_returned")] UpstreamReturned,

    /// <summary>503s produced by <c>limit_req</c> or <c>limit_conn</c>.</summary>
    [JsonStringEnumMemberName("rate_limited")] RateLimited,
}
