using FunctionsApp.Notifications.Outbox;
using FunctionsApp.Notifications.Routing;

namespace FunctionsApp.Notifications;

/// <summary>
/// Deciding and sending. Each step restores the grouper, shows it what changed, queues what is due, and saves the
/// grouper with an ETag condition; when another run saved in between, it reloads and decides again (up to three times).
/// Messages are queued <em>before</em> the state is saved: a crash in between decides the same messages again with the
/// same idempotency keys, which the outbox stores once; the reverse order could lose them.
/// </summary>
internal sealed class NotificationCycle(
    NotificationGrouper grouper,
    IGrouperStateStore state,
    OutboxDispatcher dispatcher,
    ILogger<NotificationCycle> logger)
{
    private const int MaxAttempts = 3;

    /// <summary>
    /// Shows the grouper incidents that changed and queues what is due. Throws when that fails (storage): the analyzer
    /// then keeps the site's state unsaved and derives the same incidents next run, so no change is lost.
    /// </summary>
    public async Task ObserveAsync(IReadOnlyCollection<NotificationIncident> changed, CancellationToken cancellationToken)
    {
        try
        {
            await DecideAsync(changed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ObserveFailed(logger, ex, changed.Count);
            throw;
        }
    }

    /// <summary>Queues the messages time has made due (group waits, resolutions, reminders), then delivers what is due.</summary>
    public async Task<DispatchSummary> RunAsync(IReadOnlyCollection<NotificationIncident> changed, CancellationToken cancellationToken)
    {
        await ObserveAsync(changed, cancellationToken).ConfigureAwait(false);
        return await dispatcher.DispatchDueAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies a change to the saved memory (silence, acknowledgement) for the HTTP API.</summary>
    public async Task<bool> UpdateAsync(Action<NotificationGrouper> change, CancellationToken cancellationToken)
    {
        var (snapshot, etag) = await state.LoadAsync(cancellationToken).ConfigureAwait(false);
        grouper.Import(snapshot);
        change(grouper);
        return await state.TrySaveAsync(grouper.Export(), etag, cancellationToken).ConfigureAwait(false);
    }

    private async Task DecideAsync(IReadOnlyCollection<NotificationIncident> changed, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var (snapshot, etag) = await state.LoadAsync(cancellationToken).ConfigureAwait(false);
            grouper.Import(snapshot);
            foreach (var item in changed)
            {
                grouper.Observe(item);
            }

            foreach (var notification in grouper.Flush())
            {
                await dispatcher.EnqueueAsync(notification, cancellationToken).ConfigureAwait(false);
            }

            if (await state.TrySaveAsync(grouper.Export(), etag, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            // Another run saved first. What we queued carries keys their state will decide the same way; observe again on
            // top of theirs so these changes are not lost.
            Log.StateConflict(logger, attempt);
        }

        Log.StateContended(logger, MaxAttempts);
        throw new InvalidOperationException($"The notification state changed under each of {MaxAttempts} attempts.");
    }
}
