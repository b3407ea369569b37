using System.ComponentModel.DataAnnotations;

namespace FunctionsApp.Analysis;

/// <summary>The <c>analyze</c> timer function (section <c>Analysis</c>). Incident thresholds are under <c>Diagnosis</c>.</summary>
internal sealed class AnalysisOptions
{
    public const string SectionName = "Analysis";

    /// <summary>How long to wait for the other log of a site before concluding about a moment: shippers send
    /// access and error logs separately and late. Default 2 min.</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Batches whose names sort up to this long before a source's checkpoint are listed again, so a
    /// batch committed late (by a slower ingest instance) is not skipped. Default 10 min.</summary>
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The lease that keeps runs on several instances from overlapping (15 to 60 s, renewed per batch).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Batches read per source in one run; the rest wait for the next run. Default 2000.</summary>
    [Range(1, 100_000)]
    public int MaxBatchesPerRun { get; set; } = 2000;

    /// <summary>
    /// How the analyze timer spreads sites over instances. <see cref="AnalysisFanOut.None"/> (default): a run analyzes
    /// every site whose lease it can take, in turn; every standalone instance runs the timer, so instances share the
    /// sites. <see cref="AnalysisFanOut.Queue"/> (the isolated worker only): the timer queues one message per site
    /// and the <c>analyze-site</c> queue function analyzes that site, so the Functions host (which runs a timer on one
    /// instance) scales the sites' runs out over instances by the queue's length.
    /// </summary>
    public AnalysisFanOut FanOut { get; set; } = AnalysisFanOut.None;
}

/// <summary>See <see cref="AnalysisOptions.FanOut"/>.</summary>
internal enum AnalysisFanOut
{
    None,
    Queue,
}
