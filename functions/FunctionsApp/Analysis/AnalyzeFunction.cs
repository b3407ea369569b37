using FunctionsApp.Hosting;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Analysis;

/// <summary>
/// The <c>analyze</c> timer function: one analyzer run per tick (every minute unless <c>AnalyzeSchedule</c> says
/// otherwise), or, when <see cref="AnalysisOptions.FanOut"/> is <see cref="AnalysisFanOut.Queue"/>, one queued run per
/// site for the worker's <c>analyze-site</c> function.
/// </summary>
internal sealed class AnalyzeFunction(
    IncidentAnalyzer analyzer,
    IOptions<AnalysisOptions> options,
    ILogger<AnalyzeFunction> logger,
    ISiteRunQueue? siteRuns = null) : ITimerFunction
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

        if (options.Value.FanOut != AnalysisFanOut.Queue)
        {
            await analyzer.RunOnceAsync(cancellationToken);
            return;
        }

        var queue = siteRuns ?? throw new InvalidOperationException("Analysis:FanOut is Queue, but this host has no site queue.");
        var sites = await analyzer.SiteNamesAsync(cancellationToken);
        await queue.QueueAsync(sites, cancellationToken);
        Log.FannedOut(logger, sites.Count);
    }
}
