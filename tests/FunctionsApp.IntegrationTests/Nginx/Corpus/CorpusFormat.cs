namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>An access-log format drawn for one corpus case, as nginx declares it.</summary>
/// <param name="Family">The family it was drawn from (<c>combined</c>, <c>json-nested</c>, <c>logfmt</c>, ...).</param>
/// <param name="Name">The name in <c>log_format</c>/<c>access_log</c>.</param>
/// <param name="Format">The format string nginx expands (after joining the directive's strings).</param>
/// <param name="Escape">The <c>escape=</c> parameter, or null for nginx's default escaping.</param>
/// <param name="Directive">The <c>log_format</c> directive as written in nginx.conf; null for the predefined <c>combined</c>.</param>
/// <param name="Setup">http-level directives that define variables the format uses and nginx does not, or null.</param>
internal sealed record CorpusFormat(string Family, string Name, string Format, string? Escape, string? Directive, string? Setup = null)
{
    /// <summary>Whether the format uses ingress-nginx's variables (<c>$proxy_upstream_name</c>, <c>$req_id</c>), which the case defines.</summary>
    public bool UsesIngressVariables =>
        Family == "ingress-nginx"
        || Format.Contains("$proxy_upstream_name", StringComparison.Ordinal)
        || Format.Contains("$proxy_alternative_upstream_name", StringComparison.Ordinal)
        || Format.Contains("$req_id", StringComparison.Ordinal);

    /// <summary>What <c>analyze --log-format</c> is given: the preset name, or the whole directive.</summary>
    public string AnalyzerArgument => Directive ?? Name;
}
