namespace FunctionsApp.Notifications.Outbox;

/// <summary>What one dispatcher run did.</summary>
public sealed record DispatchSummary(int Delivered, int Retrying, int DeadLettered, int Skipped)
{
    /// <summary>Sent items older than <c>SentRetention</c> deleted by this run.</summary>
    public int Purged { get; init; }
}
