namespace FunctionsApp.Ingestion;

/// <summary>What a line validator knows about the line's origin.</summary>
/// <param name="Source">The ingest source.</param>
/// <param name="Kind">Access or error log.</param>
/// <param name="Format">The source's <c>log_format</c> string or preset name.</param>
internal readonly record struct LogLineContext(string Source, LogKind Kind, string Format);
