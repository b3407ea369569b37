namespace FunctionsApp.Notifications.Routing;

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
