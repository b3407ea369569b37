namespace FunctionsApp.Notifications.Routing;

/// <summary>An incident as it was when the group's last message went out.</summary>
public sealed record SentIncident(string IncidentId, NotificationSeverity Severity, long FailedRequests, IReadOnlyList<string> Statuses);
