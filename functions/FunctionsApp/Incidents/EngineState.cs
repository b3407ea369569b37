namespace FunctionsApp.Incidents;

/// <summary>
/// Everything the engine knows between two batches: what waits to be joined, each upstream's history,
/// the incidents being tracked. Saved as JSON after a run and loaded before the next, so an incident
/// spanning runs stays one incident.
/// </summary>
internal sealed class EngineState
{
    public const int MaxHistoryKeys = 50_000;

    public List<PendingRequest> PendingRequests { get; set; } = [];

    public List<PendingError> PendingErrors { get; set; } = [];

    public Dictionary<string, UpstreamHistory> History { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every request the site served, whatever its upstream: how long and how much the site has been observed
    /// working tells "a route that never worked" from "an upstream that was already down when the logs begin".</summary>
    public UpstreamHistory Site { get; set; } = new();

    /// <summary>Trackers by <c>upstream + '\u001f' + host</c>.</summary>
    public Dictionary<string, IncidentTracker> Trackers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The servers (and block names) of upstream blocks failing together, by <c>server + '\u001f' + host</c>:
    /// the upstream of the tracker that follows them. Dropped when that tracker closes.</summary>
    public Dictionary<string, string> BlockOf { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Latest time read from the access and error logs.</summary>
    public DateTimeOffset? AccessWatermark { get; set; }

    public DateTimeOffset? ErrorWatermark { get; set; }

    /// <summary>Earliest time read from the error log: before it, a missing error line means nothing.</summary>
    public DateTimeOffset? ErrorLogBegan { get; set; }

    /// <summary>How far incidents have been advanced (joined and closed).</summary>
    public DateTimeOffset? Watermark { get; set; }

    /// <summary>UTC offset used for the error log's local times, learned from the access log.</summary>
    public TimeSpan? ErrorLogOffset { get; set; }

    public AnalysisStats Stats { get; set; } = new();
}
