using FunctionsApp.Incidents;
using FunctionsApp.Metrics;

namespace FunctionsApp.Notifications;

/// <summary>
/// An incident as notifications see it: the incident, its metrics and its page in the dashboard
/// (<c>{PublicBaseUrl}/api/dashboard/incidents/{id}</c>).
/// </summary>
public sealed record NotificationIncident(Incident Incident, IncidentMetrics? Metrics, Uri? Link)
{
    /// <summary>How loud it is under the configured threshold; set by the grouper when it writes a message.</summary>
    public NotificationSeverity Severity { get; init; } = NotificationSeverity.Warning;
}
