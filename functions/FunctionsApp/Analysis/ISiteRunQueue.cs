namespace FunctionsApp.Analysis;

/// <summary>
/// Where the analyze timer puts one run per site when it fans out (<see cref="AnalysisOptions.FanOut"/>
/// <see cref="AnalysisFanOut.Queue"/>): the isolated worker's Storage queue, read by its <c>analyze-site</c> queue
/// function. The standalone host has none.
/// </summary>
internal interface ISiteRunQueue
{
    /// <summary>Queues one run for each site; a site queued again before its run starts is run again, and finds
    /// nothing new or its lease held.</summary>
    Task QueueAsync(IReadOnlyList<string> sites, CancellationToken cancellationToken);
}
