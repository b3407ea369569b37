using Cronos;

namespace FunctionsApp.Hosting;

/// <summary>
/// The schedule of every registered timer, decided once at startup from the app settings the worker's triggers read
/// (<see cref="ITimerFunction.ScheduleSetting"/>), else each function's default. A schedule that does not parse stops
/// the app at startup, naming the setting and its value.
/// </summary>
internal sealed class TimerSchedules
{
    private readonly Dictionary<string, CronExpression> _schedules;

    private TimerSchedules(Dictionary<string, CronExpression> schedules) => _schedules = schedules;

    public IReadOnlyDictionary<string, CronExpression> Schedules => _schedules;

    public static TimerSchedules Resolve(IEnumerable<ITimerFunction> functions, IConfiguration configuration)
    {
        var schedules = new Dictionary<string, CronExpression>(StringComparer.OrdinalIgnoreCase);
        foreach (var function in functions)
        {
            var configured = configuration[function.ScheduleSetting];
            var text = string.IsNullOrWhiteSpace(configured) ? function.DefaultSchedule : configured;
            try
            {
                schedules[function.Name] = CronExpression.Parse(text, CronFormat.IncludeSeconds);
            }
            catch (CronFormatException ex)
            {
                throw new InvalidOperationException(
                    $"{function.ScheduleSetting} '{text}' is not a 6-field NCRONTAB schedule (second minute hour day month weekday).", ex);
            }
        }

        return new TimerSchedules(schedules);
    }
}
