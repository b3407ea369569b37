using Microsoft.Extensions.Logging;

namespace FunctionsApp.Worker;

/// <summary>The isolated worker's own log events (ids 1100-1149; 1000-1099 are the hosting events both hosts share).</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(1100, LogLevel.Warning, "Queue {Queue} was gone and is created again")]
    public static partial void QueueRecreated(ILogger logger, string queue);
}
