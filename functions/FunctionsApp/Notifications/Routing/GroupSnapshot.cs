namespace FunctionsApp.Notifications.Routing;

/// <summary>
/// One group: its incidents, what was last said about them, and when. <c>Generation</c> is the id of the incident that
/// opened the group: part of every idempotency key, so a group rebuilt for a later outage never reuses an earlier
/// outage's keys. <c>Late</c> marks a group of incidents that were over when first seen: one "late" message, then forgotten.
/// </summary>
public sealed record GroupSnapshot(
    string Key,
    string Receiver,
    int RouteIndex,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSentAt,
    int Version,
    IReadOnlyList<NotificationIncident> Incidents,
    IReadOnlyList<SentIncident> Sent,
    string? Generation = null,
    bool Late = false);
