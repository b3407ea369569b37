namespace FunctionsApp.Ingestion;

/// <summary>Ingestion log events (ids 4000-4099); one per batch, never one per line.</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Information, "Batch of {Source} ({Kind}): {Lines} lines, {Malformed} malformed, {Outcome} as {BlobName}")]
    public static partial void BatchIngested(ILogger logger, string source, LogKind kind, long lines, long malformed, IngestOutcome outcome, string? blobName);

    [LoggerMessage(4001, LogLevel.Warning, "Batch of {Source} rejected: {Outcome}")]
    public static partial void BatchRejected(ILogger logger, string source, IngestOutcome outcome);
}
