using FunctionsApp.Hosting;

namespace FunctionsApp.Analysis;

/// <summary>The <c>analyze</c> timer function (<c>functions/analyze/function.json</c>): one analyzer run per tick.</summary>
internal sealed class AnalyzeFunction(IncidentAnalyzer analyzer, ILogger<AnalyzeFunction> logger) : ITimerFunction
{
    public string Name => "analyze";

    public async Task RunAsync(TimerInfo info, CancellationToken cancellationToken)
    {
        if (info.IsPastDue)
        {
            Log.PastDue(logger);
        }

        await analyzer.RunOnceAsync(cancellationToken);
    }
}
