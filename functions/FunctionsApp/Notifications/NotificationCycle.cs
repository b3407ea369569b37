using FunctionsApp.Notifications.Outbox;
using FunctionsApp.Notifications.Routing;

namespace FunctionsApp.Notifications;

/// <summary>
/// One timer run of notifications: restore the grouper, show it the incidents that changed, enqueue what is due,
/// save the grouper, then deliver. Messages are enqueued <em>before</em> the state is saved: a crash in between
/// re-decides the same messages with the same idempotency keys, which the outbox stores once; the reverse order
/// could lose them.
/// </summary>
internal sealed class NotificationCycle(
    NotificationGrouper grouper,
    IGrouperStateStore state,
    OutboxDispatcher dispatcher,
    ILogger<NotificationCycle> logger)
{
    public async Task<DispatchSummary> RunAsync(IEnumerable<NotificationIncident> changed, CancellationToken cancellationToken)
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

        if (!await state.TrySaveAsync(grouper.Export(), etag, cancellationToken).ConfigureAwait(false))
        {
            // Another run saved first; its decisions stand and ours are in the outbox under the same keys.
            Log.StateConflict(logger);
        }

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
}
