using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionsApp.Notifications.Digest;
using FunctionsApp.Notifications.Routing;
using FunctionsApp.Notifications.Slack;
using FunctionsApp.Notifications.Teams;
using FunctionsApp.Notifications.Webhook;

namespace FunctionsApp.Notifications;

/// <summary>Source-generated JSON of every notification payload (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SlackMessage))]
[JsonSerializable(typeof(TeamsMessage))]
[JsonSerializable(typeof(WebhookPayload))]
[JsonSerializable(typeof(DigestReport))]
[JsonSerializable(typeof(GrouperSnapshot))]
internal sealed partial class NotificationsJsonContext : JsonSerializerContext;
