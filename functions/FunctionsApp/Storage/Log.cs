namespace FunctionsApp.Storage;

/// <summary>Storage log events (ids 2000-2099).</summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Information, "Stored batch {BlobName} of source {Source}: {LineCount} lines, {MalformedCount} malformed")]
    public static partial void Stored(ILogger logger, string source, string blobName, long lineCount, long malformedCount);

    [LoggerMessage(2001, LogLevel.Information, "Duplicate batch of source {Source}: already stored as {BlobName}")]
    public static partial void Duplicate(ILogger logger, string source, string blobName);

    [LoggerMessage(2002, LogLevel.Warning, "Completing an earlier, unfinished attempt of source {Source}: uploading {BlobName}")]
    public static partial void CompletingEarlierAttempt(ILogger logger, string source, string blobName);

    [LoggerMessage(2003, LogLevel.Warning, "Idempotency key of source {Source} reused with different content (first stored as {BlobName}); nothing stored")]
    public static partial void KeyReused(ILogger logger, string source, string blobName);

    [LoggerMessage(2004, LogLevel.Information, "Storage containers ready: {Containers}")]
    public static partial void ContainersReady(ILogger logger, string containers);

    [LoggerMessage(2005, LogLevel.Warning, "Could not create the storage containers at startup (attempt {Attempt}); retrying in {Delay}")]
    public static partial void ContainersNotReady(ILogger logger, Exception exception, int attempt, TimeSpan delay);

    [LoggerMessage(2006, LogLevel.Warning, "Storage is unreachable")]
    public static partial void Unreachable(ILogger logger, Exception exception);

    [LoggerMessage(2007, LogLevel.Warning, "Batch of source {Source} named {OldName} moved to {NewName} (committed before: {WasCommitted}): an unfinished attempt past its deadline, or content sent again after the dedup window")]
    public static partial void MarkerRepointed(ILogger logger, string source, string oldName, string newName, bool wasCommitted);

    [LoggerMessage(2008, LogLevel.Information, "Moved {Count} incident index rows of the earlier layout into the tables of their listings")]
    public static partial void IndexRowsMoved(ILogger logger, int count);

    [LoggerMessage(2009, LogLevel.Warning, "Could not bring the incident index of an earlier version to this layout (attempt {Attempt}); retrying in {Delay}")]
    public static partial void IndexRowsNotMoved(ILogger logger, Exception exception, int attempt, TimeSpan delay);

    [LoggerMessage(2010, LogLevel.Information, "Wrote {Count} incident index rows by cause for incidents written before the index had them")]
    public static partial void IndexCauseRowsWritten(ILogger logger, int count);

    [LoggerMessage(2011, LogLevel.Information, "Made {Count} incident index rows by cause that named a cause their incident no longer has into tombstones")]
    public static partial void IndexCauseRowsTombstoned(ILogger logger, int count);
}
