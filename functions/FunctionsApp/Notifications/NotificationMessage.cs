namespace FunctionsApp.Notifications;

/// <summary>One message to one receiver: a group of incidents (one message per group, never one per incident).</summary>
/// <param name="GroupKey">Stable key of the group (route + grouping labels).</param>
/// <param name="Kind">Firing, updated, reminder, resolved or late.</param>
/// <param name="Incidents">The group's incidents, most severe first.</param>
public sealed record NotificationMessage(string GroupKey, NotificationKind Kind, IReadOnlyList<NotificationIncident> Incidents)
{
    /// <summary>What changed since the group's previous message, one short line each (updates only).</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>An update in which severity rose or failures at least doubled: titled "Escalated", not "Update".</summary>
    public bool Escalated { get; init; }

    /// <summary>The one link of the message: the incident's page, or the dashboard listing the group's incidents.</summary>
    public Uri? Link { get; init; }
}
