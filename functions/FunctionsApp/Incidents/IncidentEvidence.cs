namespace FunctionsApp.Incidents;

/// <summary>Everything the classifier weighs for one incident. Built by the engine; a plain value so the
/// classifier stays a pure function that tests can feed directly.</summary>
internal sealed record IncidentEvidence
{
    public required string Upstream { get; init; }

    /// <summary>Error-log lines per failure kind.</summary>
    public IReadOnlyDictionary<FailureKind, int> Kinds { get; init; } = new Dictionary<FailureKind, int>();

    public IReadOnlyDictionary<int, int> Statuses { get; init; } = new Dictionary<int, int>();

    public int FailedRequests { get; init; }

    public int RecoveredTries { get; init; }

    /// <summary>Failed requests with no error-log line: what the access log alone says about them follows.</summary>
    public int WithoutErrorLine { get; init; }

    /// <summary>The upstream sent the status itself (<c>$upstream_status</c> equals it, headers were received).</summary>
    public int UpstreamAnswered { get; init; }

    /// <summary>nginx answered without contacting any upstream (<c>$upstream_addr</c> is <c>-</c>).</summary>
    public int NoUpstreamContacted { get; init; }

    /// <summary>No connection to the upstream was made (<c>$upstream_connect_time</c> is <c>-</c>).</summary>
    public int NotConnected { get; init; }

    /// <summary>Connected, but no response header came (<c>$upstream_header_time</c> is <c>-</c>).</summary>
    public int ConnectedNoHeader { get; init; }

    /// <summary>Requests the upstream served before the incident began.</summary>
    public long ServedBefore { get; init; }

    /// <summary>Whether any traffic for the upstream was seen before the incident (so "never worked" is an observation).</summary>
    public bool ObservedBefore { get; init; }

    /// <summary>Requests the same upstream served while the incident went on.</summary>
    public long ServedDuring { get; init; }

    /// <summary>Whether the history above is the upstream's own (the access log names upstreams) rather than its host's.</summary>
    public bool HistoryIsPerUpstream { get; init; }

    /// <summary>Mean response time in the minutes just before the incident, and in the hour before that.</summary>
    public double? ResponseMillisBefore { get; init; }

    public double? ResponseMillisBaseline { get; init; }

    /// <summary>Whether an error log covering the incident was read (so a missing error line means something).</summary>
    public bool ErrorLogCovered { get; init; }
}
