namespace FunctionsApp.Notifications.Digest;

/// <summary>The last day, for one receiver: what broke, how much, why, and whether the notifications got through.</summary>
public sealed record DigestReport
{
    public required string Receiver { get; init; }

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    public required int Incidents { get; init; }

    public required int StillOpen { get; init; }

    public required long FailedRequests { get; init; }

    /// <summary>Incidents per cause, most first.</summary>
    public required IReadOnlyList<DigestCount> ByCause { get; init; }

    /// <summary>Upstreams with the most failed requests (at most five).</summary>
    public required IReadOnlyList<DigestUpstream> TopUpstreams { get; init; }

    public TimeSpan? LongestIncident { get; init; }

    /// <summary>Incidents reported in the period that had ended more than <c>LateAlertMaxAge</c> before: never announced
    /// on their own, listed here.</summary>
    public IReadOnlyList<DigestLate> ReportedLate { get; init; } = [];

    /// <summary>Notifications to this receiver created in the period, by outcome.</summary>
    public required DigestDeliveries Deliveries { get; init; }
}
