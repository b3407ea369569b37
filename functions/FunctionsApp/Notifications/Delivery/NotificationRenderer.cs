using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FunctionsApp.Notifications.Slack;
using FunctionsApp.Notifications.Teams;
using FunctionsApp.Notifications.Webhook;

namespace FunctionsApp.Notifications.Delivery;

/// <summary>Pure: a message for a receiver type → the bytes to post.</summary>
internal static class NotificationRenderer
{
    public static byte[] Render(ReceiverType type, NotificationMessage message) => type switch
    {
        ReceiverType.Slack => JsonSerializer.SerializeToUtf8Bytes(SlackMessageBuilder.Build(message), NotificationsJsonContext.Default.SlackMessage),
        ReceiverType.Teams => JsonSerializer.SerializeToUtf8Bytes(TeamsMessageBuilder.Build(message), NotificationsJsonContext.Default.TeamsMessage),
        ReceiverType.Webhook => JsonSerializer.SerializeToUtf8Bytes(WebhookPayload.From(message), NotificationsJsonContext.Default.WebhookPayload),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>
    /// Deterministic key of (receiver, group, generation, kind, message number): the same decision always gets the same
    /// key, so re-enqueuing after a crash cannot create a second message; the generation (the incident that opened the
    /// group) keeps a later outage of the same group from reusing an earlier outage's keys.
    /// </summary>
    public static string IdempotencyKey(string receiver, string groupKey, string generation, NotificationKind kind, int version)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{receiver}\n{groupKey}\n{generation}\n{kind}\n{version}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
