namespace FunctionsApp.Ingestion;

/// <summary>The body of a successful ingest (202 stored, 200 duplicate).</summary>
/// <param name="Source">The source the batch was stored under.</param>
/// <param name="Lines">Lines in the batch (accepted + malformed); all of them are stored.</param>
/// <param name="Accepted">Well-formed lines.</param>
/// <param name="Malformed">Lines the validator rejected, stored all the same.</param>
/// <param name="Duplicate">True when an earlier attempt had already stored this batch.</param>
/// <param name="Blob">The batch blob in the logs container; null for an empty batch.</param>
internal sealed record IngestResponse(string Source, long Lines, long Accepted, long Malformed, bool Duplicate, string? Blob)
{
    /// <summary>Every batch blob when the request was split (an <c>auto</c> source: one per log); null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Blobs { get; init; }
}
