using FunctionsApp.Analysis;
using FunctionsApp.Hosting;
using FunctionsApp.Notifications;
using Microsoft.Azure.Functions.Worker;
using HostTimerInfo = Microsoft.Azure.Functions.Worker.TimerInfo;

namespace FunctionsApp.Worker.Functions;

/// <summary>
/// The timers, each on the app setting its standalone twin reads (<see cref="ITimerFunction.ScheduleSetting"/>); the
/// host resolves <c>%Setting%</c>, and the deployment sets each to the default.
/// </summary>
internal sealed class TimerFunctions(TimerFunctionInvoker timers)
{
    [Function(AnalyzeFunction.FunctionName)]
    public Task AnalyzeAsync([TimerTrigger("%" + AnalyzeFunction.ScheduleSettingName + "%")] HostTimerInfo timer, CancellationToken cancellationToken) =>
        timers.InvokeAsync(AnalyzeFunction.FunctionName, ToTimerInfo(timer), "host", cancellationToken);

    [Function(NotifyFunction.FunctionName)]
    public Task NotifyAsync([TimerTrigger("%" + NotifyFunction.ScheduleSettingName + "%")] HostTimerInfo timer, CancellationToken cancellationToken) =>
        timers.InvokeAsync(NotifyFunction.FunctionName, ToTimerInfo(timer), "host", cancellationToken);

    [Function(DigestFunction.FunctionName)]
    public Task DigestAsync([TimerTrigger("%" + DigestFunction.ScheduleSettingName + "%")] HostTimerInfo timer, CancellationToken cancellationToken) =>
        timers.InvokeAsync(DigestFunction.FunctionName, ToTimerInfo(timer), "host", cancellationToken);

    internal static Hosting.TimerInfo ToTimerInfo(HostTimerInfo timer) => new(
        new TimerSchedule(AdjustForDST: false), // UTC schedules: no daylight saving time to adjust for
        timer.ScheduleStatus is { } status ? new TimerScheduleStatus(status.Last, status.Next, status.LastUpdated) : null,
        timer.IsPastDue);
}
