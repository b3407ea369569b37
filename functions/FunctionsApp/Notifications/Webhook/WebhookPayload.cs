using FunctionsApp.Incidents;

namespace FunctionsApp.Notifications.Webhook;

/// <summary>Body of the generic webhook: the incidents as the API serves them, plus what the message is about.</summary>
/// <param name="Version">Payload schema version; bumped on breaking change (2: each incident's <c>metrics</c> once, inside the incident; <c>changes</c>, <c>link</c>, kind <c>late</c>).</param>
/// <param name="Kind">Firing, updated, reminder, resolved or late.</param>
/// <param name="GroupKey">Stable id of the group.</param>
/// <param name="Text">The same plain text Slack shows as its fallback.</param>
/// <param name="Incidents">Each incident (with its metrics) and its severity and link.</param>
/// <param name="Changes">What changed since the group's previous message (updates).</param>
/// <param name="Link">The message's one link.</param>
public sealed record WebhookPayload(
    string Version, NotificationKind Kind, string GroupKey, string Text, IReadOnlyList<WebhookIncident> Incidents, IReadOnlyList<string> Changes, Uri? Link)
{
    public static WebhookPayload From(NotificationMessage message) =>
        new("2", message.Kind, message.GroupKey, IncidentText.PlainText(message, 4000),
            [.. message.Incidents.Select(i => new WebhookIncident(i.Incident with { Metrics = i.Incident.Metrics ?? i.Metrics }, i.Severity, i.Link))],
            message.Changes, message.Link);
}

/// <summary>One incident of a webhook message.</summary>
public sealed record WebhookIncident(Incident Incident, NotificationSeverity Severity, Uri? Link);
