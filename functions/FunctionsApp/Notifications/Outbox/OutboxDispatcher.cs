using FunctionsApp.Notifications.Delivery;
using FunctionsApp.Notifications.Routing;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Notifications.Outbox;

/// <summary>
/// Moves outbox items through pending → sending → sent / dead-lettered.
/// <list type="bullet">
/// <item>Never lost: an item is written before any attempt and only ever changes state, never disappears, until sent.</item>
/// <item>No concurrent double send: an attempt first claims the item (state <c>sending</c>, ETag-conditional write); a
/// second run loses the write and skips it.</item>
/// <item>A crash after the POST but before "sent" is written leaves the claim to expire; the item is then sent again with the
/// same <c>Idempotency-Key</c>, so receivers that honour the key (the generic webhook's contract) drop the duplicate.
/// Slack and Teams do not deduplicate; for them this window (between their 2xx and one blob write) is the only one.</item>
/// <item>Retries back off exponentially from <c>RetryBaseDelay</c> to <c>RetryMaxDelay</c>; a longer <c>Retry-After</c> wins.
/// After <c>MaxAttempts</c>, or on a 4xx rejection, the item is dead-lettered.</item>
/// </list>
/// </summary>
internal sealed class OutboxDispatcher(
    INotificationOutbox outbox,
    NotificationSender sender,
    ReceiverRateLimiter rateLimiter,
    IOptionsMonitor<NotificationsOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxDispatcher> logger)
{
    /// <summary>
    /// Renders and stores a notification. Idempotent: the same notification twice is stored once. A different message
    /// under a key already used is never dropped: it is logged as an error and stored under a key of its own. Storage
    /// failures are thrown to the caller, which must not record the decision as made (the analyzer then retries it).
    /// </summary>
    public async Task<bool> EnqueueAsync(OutgoingNotification notification, CancellationToken cancellationToken)
    {
        var receiver = options.CurrentValue.Receivers.FirstOrDefault(r => r.Name == notification.Receiver)
            ?? throw new InvalidOperationException($"Receiver '{notification.Receiver}' is not configured.");
        var now = timeProvider.GetUtcNow();
        var payload = NotificationRenderer.Render(receiver.Type, notification.Message);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload).AsSpan(0, 8));
        var item = new OutboxItem
        {
            IdempotencyKey = notification.IdempotencyKey,
            Receiver = notification.Receiver,
            Payload = payload,
            State = OutboxState.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
            Kind = notification.Message.Kind,
            IncidentIds = [.. notification.Message.Incidents.Select(i => i.Incident.Id)],
            PayloadHash = hash,
        };
        if (await outbox.AddAsync(item, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        var existing = await outbox.GetAsync(item.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        if (existing is null || existing.Item.PayloadHash == hash || existing.Item.Receiver != item.Receiver)
        {
            Log.AlreadyQueued(logger, item.Receiver, item.IdempotencyKey);
            return false;
        }

        Log.KeyCollision(logger, item.Receiver, item.IdempotencyKey);
        return await outbox.AddAsync(item with { IdempotencyKey = item.IdempotencyKey + "-" + hash }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every item, newest first (the dashboard's notification history).</summary>
    public async Task<IReadOnlyList<OutboxItem>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await outbox.ListAsync(cancellationToken).ConfigureAwait(false)).Select(s => s.Item).OrderByDescending(i => i.CreatedAt)];

    /// <summary>Stores the daily digest of each receiver; one per receiver per day (idempotent).</summary>
    public async Task<int> EnqueueDigestsAsync(IEnumerable<FunctionsApp.Incidents.Incident> incidents, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var from = to - TimeSpan.FromDays(1);
        var items = (await outbox.ListAsync(cancellationToken).ConfigureAwait(false)).Select(s => s.Item);
        var added = 0;
        foreach (var report in Digest.DailyDigest.Summarize(incidents, items, settings, from, to))
        {
            var receiver = settings.Receivers.First(r => r.Name == report.Receiver);
            var now = timeProvider.GetUtcNow();
            added += await outbox.AddAsync(new OutboxItem
            {
                IdempotencyKey = Digest.DailyDigest.IdempotencyKey(report.Receiver, to),
                Receiver = report.Receiver,
                Payload = Digest.DigestRenderer.Render(receiver.Type, report),
                State = OutboxState.Pending,
                CreatedAt = now,
                NextAttemptAt = now,
            }, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return added;
    }

    /// <summary>Attempts every item that is due, oldest first.</summary>
    public async Task<DispatchSummary> DispatchDueAsync(CancellationToken cancellationToken)
    {
        int delivered = 0, retrying = 0, dead = 0, skipped = 0;
        var now = timeProvider.GetUtcNow();
        var all = await outbox.ListAsync(cancellationToken).ConfigureAwait(false);
        var purged = 0;
        foreach (var old in all.Where(s => s.Item is { State: OutboxState.Sent, SentAt: { } at } && at < now - options.CurrentValue.SentRetention))
        {
            purged += await outbox.TryDeleteAsync(old, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        var due = all
            .Where(s => IsDue(s.Item, now))
            .OrderBy(s => s.Item.NextAttemptAt)
            .ToList();
        foreach (var stored in due)
        {
            var outcome = await AttemptAsync(stored, cancellationToken).ConfigureAwait(false);
            switch (outcome)
            {
                case OutboxState.Sent: delivered++; break;
                case OutboxState.Pending: retrying++; break;
                case OutboxState.DeadLettered: dead++; break;
                case OutboxState.Sending or null: skipped++; break;
                default: throw new InvalidOperationException($"Unexpected state {outcome}.");
            }
        }

        return new DispatchSummary(delivered, retrying, dead, skipped) { Purged = purged };
    }

    public async Task<IReadOnlyList<OutboxItem>> ListDeadLettersAsync(CancellationToken cancellationToken) =>
        [.. (await outbox.ListAsync(cancellationToken).ConfigureAwait(false)).Select(s => s.Item).Where(i => i.State == OutboxState.DeadLettered)];

    /// <summary>Gives a dead-lettered item a fresh set of attempts.</summary>
    public async Task<bool> RequeueAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        if (await outbox.GetAsync(idempotencyKey, cancellationToken).ConfigureAwait(false) is not { Item.State: OutboxState.DeadLettered } stored)
        {
            return false;
        }

        return await outbox.TryReplaceAsync(stored, stored.Item with
        {
            State = OutboxState.Pending,
            Attempts = 0,
            NextAttemptAt = timeProvider.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false) is not null;
    }

    private static bool IsDue(OutboxItem item, DateTimeOffset now) => item.State switch
    {
        OutboxState.Pending => item.NextAttemptAt <= now,
        OutboxState.Sending => item.ClaimedUntil is not { } until || until <= now,
        OutboxState.Sent or OutboxState.DeadLettered => false,
        _ => throw new ArgumentOutOfRangeException(nameof(item), item.State, null),
    };

    private async Task<OutboxState?> AttemptAsync(StoredOutboxItem stored, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var item = stored.Item;
        if (item.State == OutboxState.Sending && !HonoursIdempotencyKey(settings, item.Receiver))
        {
            // A sender claimed this item and stopped before writing the outcome: the post may have landed. Slack and
            // Teams ignore Idempotency-Key, so sending again could post twice; park it where people see it instead.
            var parked = await outbox.TryReplaceAsync(stored, item with
            {
                State = OutboxState.DeadLettered,
                ClaimedUntil = null,
                LastError = "Outcome unknown: the sender stopped after claiming this message, which may have been delivered. "
                    + "Not re-sent, to avoid a duplicate post; requeue it to send it anyway.",
            }, cancellationToken).ConfigureAwait(false);
            if (parked is null)
            {
                return null;
            }

            Log.DeadLettered(logger, item.Receiver, item.IdempotencyKey, item.Attempts, parked.Item.LastError);
            return OutboxState.DeadLettered;
        }
        var claimed = await outbox.TryReplaceAsync(stored, item with
        {
            State = OutboxState.Sending,
            Attempts = item.Attempts + 1,
            ClaimedUntil = timeProvider.GetUtcNow() + settings.ClaimDuration,
        }, cancellationToken).ConfigureAwait(false);
        if (claimed is null)
        {
            return null; // another run claimed it first
        }

        var receiver = settings.Receivers.FirstOrDefault(r => r.Name == item.Receiver);
        await rateLimiter.WaitAsync(item.Receiver, receiver?.EffectiveMinInterval ?? TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        DeliveryResult result;
        try
        {
            result = await sender.SendAsync(new RenderedNotification(item.Receiver, item.IdempotencyKey, item.Payload), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            rateLimiter.Sent(item.Receiver);
        }

        var now = timeProvider.GetUtcNow();
        var attempts = claimed.Item.Attempts;
        var next = result.Outcome switch
        {
            DeliveryOutcome.Delivered => claimed.Item with { State = OutboxState.Sent, SentAt = now, ClaimedUntil = null, LastError = null },
            DeliveryOutcome.RetryLater when attempts < settings.MaxAttempts => claimed.Item with
            {
                State = OutboxState.Pending,
                ClaimedUntil = null,
                NextAttemptAt = now + Backoff(attempts, result.RetryAfter, settings),
                LastError = result.Detail,
            },
            DeliveryOutcome.RetryLater or DeliveryOutcome.Rejected => claimed.Item with { State = OutboxState.DeadLettered, ClaimedUntil = null, LastError = result.Detail },
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome}."),
        };
        if (next.State == OutboxState.DeadLettered)
        {
            Log.DeadLettered(logger, item.Receiver, item.IdempotencyKey, attempts, result.Detail);
        }

        var written = await outbox.TryReplaceAsync(claimed, next, cancellationToken).ConfigureAwait(false);
        return written is null ? OutboxState.Sending : next.State;
    }

    /// <summary>Generic webhooks get the Idempotency-Key and can drop a repeat; Slack and Teams cannot.</summary>
    private static bool HonoursIdempotencyKey(NotificationsOptions settings, string receiver) =>
        settings.Receivers.FirstOrDefault(r => r.Name == receiver)?.Type == ReceiverType.Webhook;

    internal static TimeSpan Backoff(int attempts, TimeSpan? retryAfter, NotificationsOptions settings)
    {
        var exponential = settings.RetryBaseDelay * Math.Pow(2, Math.Min(30, attempts - 1));
        var delay = exponential > settings.RetryMaxDelay ? settings.RetryMaxDelay : exponential;
        return retryAfter is { } ra && ra > delay ? ra : delay;
    }
}
