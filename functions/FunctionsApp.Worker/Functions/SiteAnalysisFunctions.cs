using FunctionsApp.Analysis;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsApp.Worker.Functions;

/// <summary>
/// One site's analyzer run, queued by the analyze timer when it fans out (<see cref="AnalysisOptions.FanOut"/>
/// <see cref="AnalysisFanOut.Queue"/>). The Functions host runs a timer on one instance; a queue trigger it scales out
/// by the queue's length (on Flex Consumption each queue function scales on its own), so the sites' runs spread over
/// instances, each site still run by one at a time under its lease. A run that throws is retried by the host and,
/// after <c>maxDequeueCount</c> (host.json), parked in <c>analyze-sites-poison</c>; the next tick queues the site again.
/// </summary>
internal sealed class SiteAnalysisFunctions(IncidentAnalyzer analyzer)
{
    public const string FunctionName = "analyze-site";

    [Function(FunctionName)]
    public Task AnalyzeSiteAsync([QueueTrigger(StorageSiteRunQueue.QueueName)] string site, CancellationToken cancellationToken) =>
        analyzer.RunSiteOnceAsync(site, cancellationToken);
}
