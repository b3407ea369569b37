using FunctionsApp.Hosting;
using FunctionsApp.Incidents;
using FunctionsApp.Notifications.Outbox;

namespace FunctionsApp.Notifications;

/// <summary>
/// The <c>notify</c> timer (every 30 s unless <c>NotifySchedule</c> says otherwise): queues the messages time has made due — a group wait that ended between two
/// analyzer runs, a resolution, a reminder — and delivers what the outbox holds, with retries, backoff and dead letters.
/// </summary>
internal sealed class NotifyFunction(NotificationCycle cycle) : ITimerFunction
{
    public const string FunctionName = "notify";
    public const string ScheduleSettingName = "NotifySchedule";
    public const string Schedule = "*/30 * * * * *";

    public string Name => FunctionName;

    public string ScheduleSetting => ScheduleSettingName;

    public string DefaultSchedule => Schedule;

    public Task RunAsync(TimerInfo info, CancellationToken cancellationToken) => cycle.RunAsync([], cancellationToken);
}

/// <summary>The <c>digest</c> timer: once a day (08:00 UTC unless <c>DigestSchedule</c> says otherwise), a summary of the last day's incidents to every receiver.</summary>
internal sealed class DigestFunction(OutboxDispatcher dispatcher, IIncidentStore incidents, TimeProvider time) : ITimerFunction
{
    public const string FunctionName = "digest";
    public const string ScheduleSettingName = "DigestSchedule";
    public const string Schedule = "0 0 8 * * *";

    public string Name => FunctionName;

    public string ScheduleSetting => ScheduleSettingName;

    public string DefaultSchedule => Schedule;

    public async Task RunAsync(TimerInfo info, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lastDay = new List<Incident>();
        await foreach (var summary in incidents.ListAsync(cancellationToken))
        {
            if ((summary.End >= now.AddDays(-1) || summary.DetectedAt >= now.AddDays(-1)) && await incidents.GetAsync(summary.Id, cancellationToken) is { } incident)
            {
                lastDay.Add(incident);
            }
        }

        await dispatcher.EnqueueDigestsAsync(lastDay, now, cancellationToken);
        await dispatcher.DispatchDueAsync(cancellationToken);
    }
}
