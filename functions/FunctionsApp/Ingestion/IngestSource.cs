namespace FunctionsApp.Ingestion;

/// <summary>A source resolved for one request: configuration plus query overrides.</summary>
internal sealed record IngestSource(string Name, LogKind Kind, string Format, string? Site);
