using Cronos;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Hosting;

/// <summary>
/// Standalone mode's stand-in for the Functions host's timer trigger: runs each registered
/// <see cref="ITimerFunction"/> on the 6-field NCRONTAB schedule of its function.json (UTC, like the host's default).
/// </summary>
internal sealed class TimerScheduler(
    TimerFunctionInvoker invoker,
    IOptions<HostingOptions> options,
    TimeProvider timeProvider,
    ILogger<TimerScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan PastDueTolerance = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedules = LoadSchedules(options.Value.ResolveFunctionsRoot(), invoker, logger);
        return Task.WhenAll(schedules.Select(s => RunScheduleAsync(s.Name, s.Cron, s.RunOnStartup, stoppingToken)));
    }

    /// <summary>Pairs every timer function.json with its registered function; the gaps are logged.</summary>
    internal static IReadOnlyList<(string Name, CronExpression Cron, bool RunOnStartup)> LoadSchedules(
        string root, TimerFunctionInvoker invoker, ILogger logger)
    {
        var schedules = new List<(string, CronExpression, bool)>();
        foreach (var function in FunctionManifest.Load(root))
        {
            if (function.Trigger is not { Type: var type } trigger || !string.Equals(type, "timerTrigger", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!invoker.Contains(function.Name))
            {
                Log.TimerNotRegistered(logger, function.Name);
                continue;
            }

            var cron = CronExpression.Parse(trigger.Schedule ?? string.Empty, CronFormat.IncludeSeconds);
            schedules.Add((function.Name, cron, trigger.RunOnStartup ?? false));
        }

        foreach (var name in invoker.Names.Except(schedules.Select(s => s.Item1), StringComparer.OrdinalIgnoreCase))
        {
            Log.TimerWithoutFunctionJson(logger, name);
        }

        return schedules;
    }

    private async Task RunScheduleAsync(string name, CronExpression cron, bool runOnStartup, CancellationToken stoppingToken)
    {
        await Task.Yield();
        DateTimeOffset? last = null;
        if (runOnStartup)
        {
            await RunOnceAsync(name, new TimerInfo(new TimerSchedule(false), null, IsPastDue: false), stoppingToken);
        }

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
