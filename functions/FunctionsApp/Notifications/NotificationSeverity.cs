using System.Text.Json.Serialization;

namespace FunctionsApp.Notifications;

/// <summary>How loud an incident is, derived from its failed requests (see <see cref="NotificationsOptions.CriticalFailedRequests"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NotificationSeverity>))]
public enum NotificationSeverity
{
    [JsonStringEnumMemberName("warning")] Warning = 1,
    [JsonStringEnumMemberName("critical")] Critical = 2,
}
