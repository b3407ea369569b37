using FunctionsApp.Hosting;
using FunctionsApp.Incidents;
using FunctionsApp.Notifications.Outbox;

namespace FunctionsApp.Notifications;

/// <summary>The <c>notify</c> timer: delivers what the outbox holds that is due, with retries, backoff and dead letters.</summary>
internal sealed class NotifyFunction(OutboxDispatcher dispatcher) : ITimerFunction
{
    public string Name => "notify";

    public Task RunAsync(TimerInfo info, CancellationToken cancellationToken) => dispatcher.DispatchDueAsync(cancellationToken);
}

/// <summary>The <c>digest</c> timer: once a day, a summary of the last day's incidents to every receiver.</summary>
internal sealed class DigestFunction(OutboxDispatcher dispatcher, IIncidentStore incidents, TimeProvider time) : ITimerFunction
{
    public string Name => "digest";

    public async Task RunAsync(TimerInfo info, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lastDay = new List<Incident>();
        await foreach (var summary in incidents.ListAsync(cancellationToken))
        {
            if (summary.End >= now.AddDays(-1) && await incidents.GetAsync(summary.Id, cancellationToken) is { } incident)
            {
                lastDay.Add(incident);
            }
        }

        await dispatcher.EnqueueDigestsAsync(lastDay, now, cancellationToken);
        await dispatcher.DispatchDueAsync(cancellationToken);
    }
}
