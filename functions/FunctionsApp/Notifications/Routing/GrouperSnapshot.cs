namespace FunctionsApp.Notifications.Routing;

/// <summary>
/// Everything a <see cref="NotificationGrouper"/> remembers, as data: saved between timer runs (Function instances
/// come and go) so group timing, escalation and dedup survive a restart.
/// </summary>
public sealed record GrouperSnapshot(IReadOnlyList<GroupSnapshot> Groups, IReadOnlyList<Silence> Silences, IReadOnlyList<string> Acknowledged)
{
    public static GrouperSnapshot Empty { get; } = new([], [], []);
}

/// <summary>One group: its incidents, what was last said about them, and when.</summary>
public sealed record GroupSnapshot(
    string Key,
    string Receiver,
    int RouteIndex,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSentAt,
    int Version,
    IReadOnlyList<NotificationIncident> Incidents,
    IReadOnlyList<SentIncident> Sent);

/// <summary>An incident as it was when the group's last message went out.</summary>
public sealed record SentIncident(string IncidentId, NotificationSeverity Severity, long FailedRequests, IReadOnlyList<string> Statuses);
