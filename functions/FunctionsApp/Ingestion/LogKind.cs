namespace FunctionsApp.Ingestion;

/// <summary>Which nginx log a source carries.</summary>
internal enum LogKind
{
    /// <summary>The access log (<c>access_log</c>, one line per request).</summary>
    Access,

    /// <summary>The error log (<c>error_log</c>).</summary>
    Error,

    /// <summary>
    /// Both logs through one endpoint (a source's kind only; a stored batch is always one of the two): each line is
    /// told apart by its shape or the shipper's attributes (see <c>Internal.LineKindClassifier</c>) and stored in a
    /// batch of its own kind.
    /// </summary>
    Auto,
}
