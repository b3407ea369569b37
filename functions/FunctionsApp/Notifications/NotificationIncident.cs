using FunctionsApp.Incidents;
using FunctionsApp.Metrics;

namespace FunctionsApp.Notifications;

/// <summary>
/// An incident as notifications see it: the incident, its metrics (until <c>Incident.Metrics</c> exists) and
/// the link to it in the API (<c>{PublicBaseUrl}/api/incidents/{id}</c>).
/// </summary>
public sealed record NotificationIncident(Incident Incident, IncidentMetrics? Metrics, Uri? Link);
