using System.Text.Json.Serialization;

namespace FunctionsApp.Incidents;

/// <summary>
/// A burst of gateway errors (502/503/504) for one upstream and host, with its cause,
/// the evidence for it and what to do. This is the shape of the <c>analyze --json</c>
/// output and of the incident documents the service stores and serves.
/// </summary>
public sealed record Incident
{
    /// <summary>Stable id: the same site, upstream, host and start always give the same id (the service includes the site; ad-hoc analysis has none).</summary>
    public required string Id { get; init; }

    /// <summary>The upstream as nginx names it: <c>host:port</c>, <c>unix:/path</c>, an upstream group or a DNS name.
    /// <c>-</c> when nginx answered without contacting an upstream (rate limiting, <c>return 503</c>).</summary>
    public required string Upstream { get; init; }

    /// <summary>The <c>Host</c> of the failing requests (or <c>server_name</c> when no host was logged).</summary>
    public required string Host { get; init; }

    /// <summary>The dominant gateway status.</summary>
    public required int Status { get; init; }

    /// <summary>Failed requests per status code (keys are the codes as strings: <c>"502"</c>).</summary>
    public required IReadOnlyDictionary<string, int> Statuses { get; init; }

    public required IncidentCause Cause { get; init; }

    /// <summary>How sure the classifier is, in [0, 1].</summary>
    public required double Confidence { get; init; }

    /// <summary>One sentence: why this cause, in words an on-call engineer reads first.</summary>
    public required string Summary { get; init; }

    /// <summary>The first failure; <c>null</c> in JSON when no line gave a time (<see cref="UntimedAsNullConverter"/>).</summary>
    [JsonConverter(typeof(UntimedAsNullConverter))]
    public required DateTimeOffset Start { get; init; }

    /// <summary>The last failure; <c>null</c> in JSON when no line gave a time.</summary>
    [JsonConverter(typeof(UntimedAsNullConverter))]
    public required DateTimeOffset End { get; init; }

    /// <summary>No line of the incident gave a time (error lines pasted without nginx's): its lines were read at
    /// <see cref="DateTimeOffset.UnixEpoch"/>, and it has no minutes to show.</summary>
    [JsonIgnore]
    public bool Untimed => End == DateTimeOffset.UnixEpoch;

    /// <summary><see cref="IncidentState.Open"/> until a quiet period has passed after the last failure.</summary>
    public required IncidentState State { get; init; }

    /// <summary>Requests that failed for the client.</summary>
    public required int FailedRequests { get; init; }

    /// <summary>Tries on this upstream that failed but that nginx recovered from by passing the request to the next server.</summary>
    public int FailedTriesRecovered { get; init; }

    /// <summary>The servers of the upstream block that failed requests together (every server tried failed them), when
    /// there were several; null for one server.</summary>
    public IReadOnlyList<string>? Servers { get; init; }

    /// <summary>Requests this upstream answered successfully in the observed history before the incident started.</summary>
    public long SuccessesBefore { get; init; }

    /// <summary>Distinct error signatures, most frequent first, each with a real sample line.</summary>
    public required IReadOnlyList<EvidenceItem> Evidence { get; init; }

    /// <summary>Concrete steps for this cause: nginx directives to change, things to check.</summary>
    public required IReadOnlyList<string> Remediation { get; init; }

    /// <summary>The site (one nginx's access and error sources) the incident was found in; null for ad-hoc analysis.</summary>
    public string? Site { get; init; }

    /// <summary>CPU and memory of the upstream's Azure resources around the incident, and whether they corroborate
    /// overload; null when metrics correlation did not run (offline analysis).</summary>
    public FunctionsApp.Metrics.IncidentMetrics? Metrics { get; init; }

    /// <summary>When the service last wrote this incident; null for ad-hoc analysis.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    // What on-call messages and the dashboard show besides the verdict (when, how much of the traffic, the shape).

    /// <summary>When the service first found the incident: after <see cref="Start"/> by the shipping and analysis delay,
    /// much later for logs that arrived late. Null for ad-hoc analysis.</summary>
    public DateTimeOffset? DetectedAt { get; init; }

    /// <summary>The UTC offset of the site's own log times (<c>+01:00</c>), so people read local time too; null when unknown.</summary>
    public string? SiteUtcOffset { get; init; }

    /// <summary>Requests nginx sent to the upstream in the minutes of the incident (served and failed): with
    /// <see cref="FailedRequests"/>, the share that failed. Null when the access log does not name the upstream.</summary>
    public long? UpstreamRequests { get; init; }

    /// <summary>The upstream's requests and gateway errors per minute around the incident, oldest first.</summary>
    public IReadOnlyList<IncidentMinute>? Timeline { get; init; }
}

/// <summary>One minute of an incident's timeline: requests to the upstream, 5xx it answered itself, and nginx's 502/503/504.</summary>
public sealed record IncidentMinute(DateTimeOffset Minute, int Requests, int Upstream5xx, int Status502, int Status503, int Status504);
