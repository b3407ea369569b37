namespace FunctionsApp.Ingestion;

/// <summary>How an ingest request ended.</summary>
internal enum IngestOutcome
{
    Stored,
    Duplicate,
    Empty,
    PayloadTooLarge,
    CorruptCompression,
    UnsupportedEncoding,
    UnsupportedBody,
    MalformedJson,
    MalformedBody,
    IdempotencyKeyReused,
}
