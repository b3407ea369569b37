namespace FunctionsApp.Analysis;

/// <summary>Analyzer log events (ids 5000-5099): one per run and site, never one per line.</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "Analyzer run skipped: runs elsewhere hold the leases of all {Sites} sites")]
    public static partial void RunSkipped(ILogger logger, int sites);

    [LoggerMessage(5001, LogLevel.Information, "Site {Site}: {Batches} batches, {Lines} lines, {Incidents} incidents written, {Open} open")]
    public static partial void SiteAnalyzed(ILogger logger, string site, int batches, long lines, int incidents, int open);

    [LoggerMessage(5002, LogLevel.Warning, "Source {Source} has an unusable log_format ({Reason}); detecting the format instead")]
    public static partial void BadFormat(ILogger logger, string source, string reason);

    [LoggerMessage(5003, LogLevel.Warning, "The analyze timer is past due: the previous run was late or long")]
    public static partial void PastDue(ILogger logger);

    [LoggerMessage(5004, LogLevel.Warning, "Analyzer run {Fence} of site {Site} lost its lease to another run and stopped; that run repeats what this one left unsaved")]
    public static partial void LeaseLost(ILogger logger, Exception exception, string site, long fence);

    [LoggerMessage(5005, LogLevel.Warning, "Site {Site} is not configured (a queued site outlived a configuration change); nothing to analyze")]
    public static partial void UnknownSite(ILogger logger, string site);

    [LoggerMessage(5006, LogLevel.Information, "Analyze fanned out: {Sites} sites queued, one run each")]
    public static partial void FannedOut(ILogger logger, int sites);

    [LoggerMessage(5007, LogLevel.Information, "Site {Site} skipped: a run elsewhere holds its lease")]
    public static partial void SiteSkipped(ILogger logger, string site);
}
