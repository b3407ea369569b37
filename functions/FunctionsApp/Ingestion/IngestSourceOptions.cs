namespace FunctionsApp.Ingestion;

/// <summary>One configured ingest source.</summary>
internal sealed class IngestSourceOptions
{
    /// <summary>Access or error log.</summary>
    public LogKind Kind { get; set; } = LogKind.Access;

    /// <summary>
    /// The nginx <c>log_format</c> string, or a preset: <c>combined</c>, <c>main</c>, <c>auto</c>. Default:
    /// <c>auto</c> for access logs, <c>error</c> for error logs. A <c>?format=</c> query parameter overrides it.
    /// </summary>
    public string? Format { get; set; }

    /// <summary>Groups the access and error sources of one nginx (letters, digits, <c>-</c>, <c>_</c>).</summary>
    public string? Site { get; set; }
}
