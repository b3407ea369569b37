using FunctionsApp.Hosting;

namespace FunctionsApp.Analysis;

/// <summary>The <c>analyze</c> timer function: one analyzer run per tick (every minute unless <c>AnalyzeSchedule</c> says otherwise).</summary>
internal sealed class AnalyzeFunction(IncidentAnalyzer analyzer, ILogger<AnalyzeFunction> logger) : ITimerFunction
{
    public const string FunctionName = "analyze";
    public const string ScheduleSettingName = "AnalyzeSchedule";
    public const string Schedule = "0 */1 * * * *";

    public string Name => FunctionName;

    public string ScheduleSetting => ScheduleSettingName;

    public string DefaultSchedule => Schedule;

    public async Task RunAsync(TimerInfo info, CancellationToken cancellationToken)
    {
        if (info.IsPastDue)
        {
            Log.PastDue(logger);
        }

        await analyzer.RunOnceAsync(cancellationToken);
    }
}
