using System.Text.Json.Serialization;

namespace FunctionsApp.Notifications;

[JsonConverter(typeof(JsonStringEnumConverter<ReceiverType>))]
public enum ReceiverType
{
    /// <summary>Slack incoming webhook (Block Kit).</summary>
    Slack,

    /// <summary>Microsoft Teams Workflows webhook (Adaptive Card).</summary>
    Teams,

    /// <summary>Any HTTPS endpoint: the incident JSON, HMAC-SHA256 signed.</summary>
    Webhook,
}
