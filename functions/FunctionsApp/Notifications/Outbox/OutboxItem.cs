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
}
