namespace FunctionsApp.Notifications.Outbox;

/// <summary>Durable store of outgoing notifications with optimistic concurrency. One item per idempotency key.</summary>
public interface INotificationOutbox
{
    /// <summary>Adds the item unless one with its key exists. Returns false for a duplicate (safe to call again after a crash).</summary>
    Task<bool> AddAsync(OutboxItem item, CancellationToken cancellationToken);

    /// <summary>Every item with its ETag.</summary>
    Task<IReadOnlyList<StoredOutboxItem>> ListAsync(CancellationToken cancellationToken);

    /// <summary>One item, or null.</summary>
    Task<StoredOutboxItem?> GetAsync(string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Replaces <paramref name="current"/> with <paramref name="next"/> if it is unchanged since read; null when someone else won.</summary>
    Task<StoredOutboxItem?> TryReplaceAsync(StoredOutboxItem current, OutboxItem next, CancellationToken cancellationToken);

    /// <summary>Deletes an item if unchanged since read (cleanup of sent items).</summary>
    Task<bool> TryDeleteAsync(StoredOutboxItem current, CancellationToken cancellationToken);
}
