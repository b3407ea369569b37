namespace FunctionsApp.Notifications.Routing;

/// <summary>
/// Everything a <see cref="NotificationGrouper"/> remembers, as data: saved between timer runs (Function instances
/// come and go) so group timing, escalation and dedup survive a restart.
/// </summary>
public sealed record GrouperSnapshot(IReadOnlyList<GroupSnapshot> Groups, IReadOnlyList<Silence> Silences, IReadOnlyList<string> Acknowledged)
{
    public static GrouperSnapshot Empty { get; } = new([], [], []);
}
