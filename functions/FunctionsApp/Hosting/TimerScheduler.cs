using Cronos;

namespace FunctionsApp.Hosting;

/// <summary>
/// Standalone mode's stand-in for the Functions host's timer trigger: runs each registered
/// <see cref="ITimerFunction"/> on its 6-field NCRONTAB schedule (<see cref="TimerSchedules"/>; UTC, like the host's default).
/// </summary>
internal sealed class TimerScheduler(
    TimerFunctionInvoker invoker,
    TimerSchedules schedules,
    TimeProvider timeProvider,
    ILogger<TimerScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan PastDueTolerance = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(schedules.Schedules
            .Where(s => invoker.Contains(s.Key))
            .Select(s => RunScheduleAsync(s.Key, s.Value, stoppingToken)));

    private async Task RunScheduleAsync(string name, CronExpression cron, CancellationToken stoppingToken)
    {
        await Task.Yield();
        DateTimeOffset? last = null;

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = timeProvider.GetUtcNow();
            if (cron.GetNextOccurrence(now, TimeZoneInfo.Utc) is not { } due)
            {
                return;
            }

            Log.TimerScheduled(logger, name, due);
            var delay = due - now;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, timeProvider, stoppingToken);
            }

            var fired = timeProvider.GetUtcNow();
            var next = cron.GetNextOccurrence(due, TimeZoneInfo.Utc) ?? due;
            var status = new TimerScheduleStatus(last ?? due, next, fired);
            await RunOnceAsync(name, new TimerInfo(new TimerSchedule(false), status, fired - due > PastDueTolerance), stoppingToken);
            last = due;
        }
    }

    private async Task RunOnceAsync(string name, TimerInfo info, CancellationToken stoppingToken)
    {
        try
        {
            await invoker.InvokeAsync(name, info, "schedule", stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Already logged by the invoker; a failed occurrence must not stop the next ones.
        }
    }
}
