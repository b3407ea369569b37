using System.Text.Json.Serialization;

namespace FunctionsApp.NginxConfig;

/// <summary>
/// Something in the configuration that causes or prolongs 502/503/504s: where it is, why it matters (in terms of what
/// nginx does), and the change that fixes it.
/// </summary>
/// <param name="Rule">Stable id, e.g. <c>variable-pass-without-resolver</c>.</param>
/// <param name="Severity"><see cref="FindingSeverity"/>.</param>
/// <param name="File">The file the directive is in.</param>
/// <param name="Line">Its line.</param>
/// <param name="Directive">The directive as written (one line).</param>
/// <param name="Why">What nginx does because of it, and the errors that follow.</param>
/// <param name="Fix">The change, as nginx configuration where possible.</param>
/// <param name="Related"><c>file:line</c> of other directives involved (the upstream block, the zone, the location).</param>
public sealed record ConfigFinding(
    string Rule,
    FindingSeverity Severity,
    string File,
    int Line,
    string Directive,
    string Why,
    string Fix,
    IReadOnlyList<string> Related)
{
    /// <summary><c>file:line</c>.</summary>
    [JsonIgnore]
    public string Where => $"{File}:{Line}";

    private const int MaxRelated = 5;

    internal static ConfigFinding At(ConfigDirective directive, string rule, FindingSeverity severity, string why, string fix, params IEnumerable<ConfigDirective?> related)
    {
        var places = related.OfType<ConfigDirective>().Where(r => !ReferenceEquals(r, directive)).Select(r => r.Where).Distinct().ToList();
        if (places.Count > MaxRelated)
        {
            places = [.. places.Take(MaxRelated), $"and {places.Count - MaxRelated} more"];
        }

        return new(rule, severity, directive.File, directive.Line, directive.ToString(), why, fix, places);
    }
}
