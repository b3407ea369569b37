using FunctionsApp.NginxLogs;

namespace FunctionsApp.Ingestion.Internal;

/// <summary>
/// Tells an nginx access line from an error line, for sources of kind <see cref="LogKind.Auto"/> (both files through
/// one shipper pipeline). The one place that decides.
/// </summary>
internal static class LineKindClassifier
{
    /// <summary>
    /// What the shipper said about the line's file wins (<paramref name="hint"/>, from <see cref="FromFileName"/>);
    /// otherwise the line's shape: nginx writes every error-log line as <c>YYYY/MM/DD HH:MM:SS [level] pid#tid: </c>
    /// (<see href="https://nginx.org/en/docs/ngx_core_module.html#error_log"/>) and no access-log format starts that way.
    /// </summary>
    public static LogKind Classify(ReadOnlySpan<byte> line, LogKind? hint) =>
        hint ?? (ErrorLogParser.TryParse(line, out _) ? LogKind.Error : LogKind.Access);

    /// <summary>
    /// The kind a file path or name names (<c>log.file.path</c>, <c>log.file.name</c>, a Loki <c>filename</c> label):
    /// nginx's files are <c>access.log</c> and <c>error.log</c> by default, and people keep the words in their own
    /// names (<c>api_error.log</c>, <c>access-2026-11-30.log</c>); a name with neither, or both, says nothing.
    /// Only the file name is looked at, not the directories above it.
    /// </summary>
    public static LogKind? FromFileName(ReadOnlySpan<char> path)
    {
        var name = path[(path.LastIndexOfAny('/', '\\') + 1)..];
        var error = name.Contains("error", StringComparison.OrdinalIgnoreCase);
        var access = name.Contains("access", StringComparison.OrdinalIgnoreCase);
        return (error, access) switch
        {
            (true, false) => LogKind.Error,
            (false, true) => LogKind.Access,
            _ => null,
        };
    }
}
