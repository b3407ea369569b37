using System.Text.Json.Serialization;

namespace FunctionsApp.Notifications.Outbox;

[JsonConverter(typeof(JsonStringEnumConverter<OutboxState>))]
public enum OutboxState
{
    /// <summary>Waiting for its next attempt (<see cref="OutboxItem.NextAttemptAt"/>).</summary>
    [JsonStringEnumMemberName("pending")] Pending,

    /// <summary>Claimed by a sender until <see cref="OutboxItem.ClaimedUntil"/>; after that another run may take it over.</summary>
    [JsonStringEnumMemberName("sending")] Sending,

    /// <summary>The receiver accepted it.</summary>
    [JsonStringEnumMemberName("sent")] Sent,

    /// <summary>Rejected, or out of attempts. Visible through the API; can be requeued.</summary>
    [JsonStringEnumMemberName("dead_lettered")] DeadLettered,
}
