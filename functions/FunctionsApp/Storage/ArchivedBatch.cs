using FunctionsApp.Ingestion;

namespace FunctionsApp.Storage;

/// <summary>A stored batch, as listed from the archive (from blob metadata; nothing downloaded).</summary>
internal sealed record ArchivedBatch(
    string BlobName,
    string Source,
    LogKind? Kind,
    string? Format,
    string? Site,
    long LineCount,
    long MalformedCount,
    DateTimeOffset? ReceivedAt,
    long CompressedBytes);
