namespace FunctionsApp.Metrics;

/// <summary>Metrics correlation events (ids 5200-5299; 5000-5099 are the analyzer's, 5100-5199 notifications').</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5201, Level = LogLevel.Debug, Message = "Read metrics of {Resources} resources ({Cached} from cache, {Batched} through the batch API)")]
    public static partial void MetricsRead(ILogger logger, int resources, int cached, int batched);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning, Message = "Reading metrics of {ResourceId} failed: {Reason}")]
    public static partial void MetricsReadFailed(ILogger logger, string resourceId, MetricsNoDataReason reason, Exception exception);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Debug, Message = "No metrics mapping matches upstream {Upstream}")]
    public static partial void NoMapping(ILogger logger, string upstream);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Information, Message = "Metrics for upstream {Upstream}: {Verdict} ({Reason})")]
    public static partial void Verdict(ILogger logger, string upstream, MetricsVerdict verdict, MetricsNoDataReason? reason);
}
