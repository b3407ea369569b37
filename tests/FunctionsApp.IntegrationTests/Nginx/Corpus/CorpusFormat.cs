namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>An access-log format drawn for one corpus case, as nginx declares it.</summary>
/// <param name="Family">The family it was drawn from (<c>combined</c>, <c>json-nested</c>, <c>logfmt</c>, ...).</param>
/// <param name="Name">The name in <c>log_format</c>/<c>access_log</c>.</param>
/// <param name="Format">The format string nginx expands (after joining the directive's strings).</param>
/// <param name="Escape">The <c>escape=</c> parameter, or null for nginx's default escaping.</param>
/// <param name="Directive">The <c>log_format</c> directive as written in nginx.conf; null for the predefined <c>combined</c>.</param>
internal sealed record CorpusFormat(string Family, string Name, string Format, string? Escape, string? Directive)
{
    /// <summary>What <c>analyze --log-format</c> is given: the preset name, or the whole directive.</summary>
    public string AnalyzerArgument => Directive ?? Name;
}
