namespace FunctionsApp.Notifications.Routing;

/// <summary>
/// Everything a <see cref="NotificationGrouper"/> remembers, as data: saved between timer runs (Function instances
/// come and go) so group timing, escalation and dedup survive a restart.
/// <c>Announced</c>: incidents that some message has named, with when; an incident is announced once, even when a
/// retried analyzer run shows it again after its group is gone.
/// </summary>
public sealed record GrouperSnapshot(
    IReadOnlyList<GroupSnapshot> Groups,
    IReadOnlyList<Silence> Silences,
    IReadOnlyList<string> Acknowledged,
    IReadOnlyDictionary<string, DateTimeOffset>? Announced = null)
{
    public static GrouperSnapshot Empty { get; } = new([], [], []);
}
