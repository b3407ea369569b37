namespace FunctionsApp.Hosting;

/// <summary>Hosting log events (ids 1000-1099).</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Starting in {Mode} mode, version {Version}, listening on {Urls}")]
    public static partial void Starting(ILogger logger, HostingMode mode, string version, string urls);

    [LoggerMessage(1001, LogLevel.Information, "Timer {Function} starting ({Trigger}, past due: {IsPastDue})")]
    public static partial void TimerStarting(ILogger logger, string function, string trigger, bool isPastDue);

    [LoggerMessage(1002, LogLevel.Information, "Timer {Function} completed in {ElapsedMs:F0} ms")]
    public static partial void TimerCompleted(ILogger logger, string function, double elapsedMs);

    [LoggerMessage(1003, LogLevel.Error, "Timer {Function} failed after {ElapsedMs:F0} ms")]
    public static partial void TimerFailed(ILogger logger, Exception exception, string function, double elapsedMs);

    [LoggerMessage(1004, LogLevel.Debug, "Timer {Function} next runs at {Due:O}")]
    public static partial void TimerScheduled(ILogger logger, string function, DateTimeOffset due);

    [LoggerMessage(1007, LogLevel.Warning, "Storage call failed; answering 503 with Retry-After {RetryAfterSeconds} s")]
    public static partial void StorageUnavailable(ILogger logger, Exception exception, int retryAfterSeconds);

    [LoggerMessage(1008, LogLevel.Error, "Storage refused a call with status {Status} ({ErrorCode})")]
    public static partial void StorageError(ILogger logger, Exception exception, int status, string? errorCode);
}
