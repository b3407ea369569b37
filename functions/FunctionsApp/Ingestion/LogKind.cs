namespace FunctionsApp.Ingestion;

/// <summary>Which nginx log a source carries.</summary>
internal enum LogKind
{
    /// <summary>The access log (<c>access_log</c>, one line per request).</summary>
    Access,

    /// <summary>The error log (<c>error_log</c>).</summary>
    Error,
}
