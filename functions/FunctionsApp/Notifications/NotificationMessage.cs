namespace FunctionsApp.Notifications;

/// <summary>One message to one receiver: a group of incidents (one message per group, never one per incident).</summary>
/// <param name="GroupKey">Stable key of the group (route + grouping labels).</param>
/// <param name="Kind">Firing, updated, reminder or resolved.</param>
/// <param name="Incidents">The group's incidents, most severe first.</param>
public sealed record NotificationMessage(string GroupKey, NotificationKind Kind, IReadOnlyList<NotificationIncident> Incidents);
