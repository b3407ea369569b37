namespace FunctionsApp.Hosting;

/// <summary>The timer binding data, as the Functions host sends it (<c>Data.timer</c>).</summary>
/// <param name="Schedule">The schedule's settings.</param>
/// <param name="ScheduleStatus">Last and next occurrences, when the host tracks them (<c>useMonitor</c>).</param>
/// <param name="IsPastDue">True when this occurrence runs later than scheduled.</param>
internal sealed record TimerInfo(TimerSchedule? Schedule, TimerScheduleStatus? ScheduleStatus, bool IsPastDue);
