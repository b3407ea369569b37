namespace FunctionsApp.Ingestion;

/// <summary>The result of one ingest request: an outcome, the counts, the blob, and for rejections a safe reason.</summary>
internal sealed record IngestResult(IngestOutcome Outcome, long Lines, long Malformed, string? BlobName, string? Reason)
{
    /// <summary>Every batch blob of the request (one per site and log when it was split), in the order stored.</summary>
    public IReadOnlyList<string> Blobs { get; init; } = [];

    public static IngestResult Rejected(IngestOutcome outcome, string reason) => new(outcome, 0, 0, null, reason);
}
