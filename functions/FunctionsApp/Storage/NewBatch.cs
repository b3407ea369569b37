using FunctionsApp.Ingestion;

namespace FunctionsApp.Storage;

/// <summary>A batch about to be stored.</summary>
/// <param name="Source">The ingest source name (sanitized again when it becomes part of a blob name).</param>
/// <param name="Kind">Access or error log.</param>
/// <param name="Format">The nginx <c>log_format</c> string or preset name.</param>
/// <param name="Site">The group joining one nginx's access and error sources, if any.</param>
/// <param name="ContentHash">Lower-case hex SHA-256 of the stored (uncompressed) lines.</param>
/// <param name="IdempotencyKey">The client's <c>Idempotency-Key</c>, if any; otherwise the content hash deduplicates.</param>
/// <param name="LineCount">Lines in the batch, malformed ones included.</param>
/// <param name="MalformedCount">Lines the validator rejected (kept in the batch all the same).</param>
/// <param name="ReceivedAt">When the request arrived; names the blob.</param>
internal sealed record NewBatch(
    string Source,
    LogKind Kind,
    string Format,
    string? Site,
    string ContentHash,
    string? IdempotencyKey,
    long LineCount,
    long MalformedCount,
    DateTimeOffset ReceivedAt);
