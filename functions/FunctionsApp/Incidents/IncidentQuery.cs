namespace FunctionsApp.Incidents;

/// <summary>
/// The filters of an incident listing: the incident overlaps [<see cref="From"/>, <see cref="To"/>], and each field
/// given equals the incident's (host without regard to case). Null means any.
/// </summary>
internal sealed record IncidentQuery
{
    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public string? Site { get; init; }

    public string? Upstream { get; init; }

    public string? Host { get; init; }

    public IncidentCause? Cause { get; init; }

    public IncidentState? State { get; init; }

    public bool Matches(IncidentSummary i) =>
        (From is null || i.End >= From) && (To is null || i.Start <= To)
        && (Site is null || i.Site == Site)
        && (Upstream is null || i.Upstream == Upstream) && (Host is null || string.Equals(i.Host, Host, StringComparison.OrdinalIgnoreCase))
        && (Cause is null || i.Cause == Cause) && (State is null || i.State == State);
}

/// <summary>Where a listing stopped: the last incident's start (Unix seconds) and id; listings go newest first, then by id.</summary>
internal readonly record struct IncidentCursor(long Start, string Id);
