using System.Text.Json.Serialization;

namespace FunctionsApp.Notifications;

/// <summary>Why a message is sent. Part of the webhook payload.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NotificationKind>))]
public enum NotificationKind
{
    /// <summary>A new group of incidents.</summary>
    [JsonStringEnumMemberName("firing")] Firing,

    /// <summary>The group changed: an incident joined, escalated (higher severity, failures at least doubled, a new
    /// status) or resolved while others go on. The message says what changed.</summary>
    [JsonStringEnumMemberName("updated")] Updated,

    /// <summary>Still failing after <c>RepeatInterval</c>: failures kept arriving since the last message.</summary>
    [JsonStringEnumMemberName("reminder")] Reminder,

    /// <summary>Every incident of the group is closed.</summary>
    [JsonStringEnumMemberName("resolved")] Resolved,

    /// <summary>Incidents that were over before anything was said about them (logs arrived late, or the incident was
    /// shorter than the group wait): announced once, with when they happened and when they were reported.</summary>
    [JsonStringEnumMemberName("late")] Late,
}
