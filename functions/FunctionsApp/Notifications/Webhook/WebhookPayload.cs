namespace FunctionsApp.Notifications.Webhook;

/// <summary>Body of the generic webhook: the incidents as the API serves them, plus what the message is about.</summary>
/// <param name="Version">Payload schema version; bumped on breaking change.</param>
/// <param name="Kind">Firing, updated, reminder or resolved.</param>
/// <param name="GroupKey">Stable id of the group.</param>
/// <param name="Text">The same plain text Slack shows as its fallback.</param>
/// <param name="Incidents">Each incident with its metrics and link.</param>
public sealed record WebhookPayload(string Version, NotificationKind Kind, string GroupKey, string Text, IReadOnlyList<NotificationIncident> Incidents)
{
    public static WebhookPayload From(NotificationMessage message) =>
        new("1", message.Kind, message.GroupKey, IncidentText.PlainText(message, 4000), message.Incidents);
}
