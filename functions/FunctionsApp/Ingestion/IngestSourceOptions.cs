namespace FunctionsApp.Ingestion;

/// <summary>One configured ingest source.</summary>
internal sealed class IngestSourceOptions
{
    /// <summary>Access or error log, or <c>Auto</c> for both through one endpoint (told apart line by line).</summary>
    public LogKind Kind { get; set; } = LogKind.Access;

    /// <summary>
    /// The nginx <c>log_format</c> string, or a preset: <c>combined</c>, <c>main</c>, <c>auto</c>. Default:
    /// <c>auto</c> for access logs, <c>error</c> for error logs. A <c>?format=</c> query parameter overrides it.
    /// For an <c>Auto</c> source it is the access log's format.
    /// </summary>
    public string? Format { get; set; }

    /// <summary>Groups the access and error sources of one nginx (letters, digits, <c>-</c>, <c>_</c>).</summary>
    public string? Site { get; set; }

    /// <summary>
    /// Several nginx share this source: a record's attributes naming its instance (OTLP <c>host.name</c> or
    /// <c>service.instance.id</c>, a Loki <c>host</c> or <c>instance</c> label, Beats <c>host.name</c>, HEC
    /// <c>host</c>) pick its site, and its lines are stored as the source <c>{name}.{site}</c>. Records naming none
    /// stay with <see cref="Site"/>.
    /// </summary>
    public bool SiteFromAttributes { get; set; }
}
