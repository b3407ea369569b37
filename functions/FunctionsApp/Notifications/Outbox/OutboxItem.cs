namespace FunctionsApp.Notifications.Outbox;

/// <summary>One notification in the outbox: the exact payload for one receiver and its delivery state.</summary>
public sealed record OutboxItem
{
    public required string IdempotencyKey { get; init; }

    public required string Receiver { get; init; }

    /// <summary>The rendered body (UTF-8 JSON), sent byte for byte on every attempt.</summary>
    public required byte[] Payload { get; init; }

    public required OutboxState State { get; init; }

    public int Attempts { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset NextAttemptAt { get; init; }

    public DateTimeOffset? ClaimedUntil { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    /// <summary>Last failure: HTTP status or transport reason. Never a URL.</summary>
    public string? LastError { get; init; }

    /// <summary>What the message is (firing, updated, …); null for digests.</summary>
    public NotificationKind? Kind { get; init; }

    /// <summary>The incidents the message names: the dashboard's notification history of an incident.</summary>
    public IReadOnlyList<string> IncidentIds { get; init; } = [];

    /// <summary>Hash of the rendered payload: a second item under the same key is a duplicate only when this matches.</summary>
    public string? PayloadHash { get; init; }
}
