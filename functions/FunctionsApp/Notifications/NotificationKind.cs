using System.Text.Json.Serialization;

namespace FunctionsApp.Notifications;

/// <summary>Why a message is sent. Part of the webhook payload.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NotificationKind>))]
public enum NotificationKind
{
    /// <summary>A new group of incidents.</summary>
    [JsonStringEnumMemberName("firing")] Firing,

    /// <summary>The group changed: a new incident joined, or one escalated (more failures, higher severity).</summary>
    [JsonStringEnumMemberName("updated")] Updated,

    /// <summary>Still firing after <c>RepeatInterval</c> without change.</summary>
    [JsonStringEnumMemberName("reminder")] Reminder,

    /// <summary>Every incident of the group is closed.</summary>
    [JsonStringEnumMemberName("resolved")] Resolved,
}
