namespace FunctionsApp.Notifications.Routing;

/// <summary>An incident as it was when the group's last message went out; <c>End</c>, its last failure then: "still
/// failing" is said only when failures came after it.</summary>
public sealed record SentIncident(string IncidentId, NotificationSeverity Severity, long FailedRequests, IReadOnlyList<string> Statuses, DateTimeOffset? End = null);
