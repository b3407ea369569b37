using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionsApp.Incidents;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// Replays a table of real nginx error lines (Fixtures/real-error-lines) the way <c>scripts/analyze --error FILE --json</c>
/// reads them: each line as a burst of five copies one second apart, bare and, where the record has one, with the
/// prefix its runtime or shipper added. Shared by the team's table (<see cref="RealErrorLinesTests"/>) and the
/// hold-out table (<see cref="HoldoutErrorLinesTests"/>) so both are measured the same way.
/// </summary>
internal static partial class RealErrorLineReplay
{
    public const int BurstSize = 5;
    public const string Bare = "bare";
    public const string Prefixed = "prefixed";

    public static string TablePath(string fileName) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "real-error-lines", fileName);

    public static List<RealLine> Load(string fileName)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TablePath(fileName)));
        return [.. document.RootElement.GetProperty("lines").EnumerateArray().Select(e => new RealLine(
            e.GetProperty("id").GetString()!,
            e.GetProperty("line").GetString()!,
            e.GetProperty("prefixed").GetString(),
            e.GetProperty("prefixKind").GetString(),
            e.GetProperty("source").GetString()!,
            e.GetProperty("platform").GetString()!,
            e.GetProperty("cause").GetString()!,
            e.GetProperty("status").ValueKind == JsonValueKind.Null ? null : e.GetProperty("status").GetInt32(),
            e.TryGetProperty("prefixCrafted", out var crafted) && crafted.ValueKind == JsonValueKind.True))];
    }

    public static IEnumerable<string> Variants(RealLine line) => line.Prefixed is null ? [Bare] : [Bare, Prefixed];

    /// <summary>One theory case per line and variant (bare, and prefixed when the line has a prefix).</summary>
    public static TheoryData<string, string> CasesOf(IEnumerable<RealLine> lines)
    {
        var data = new TheoryData<string, string>();
        foreach (var line in lines)
        {
            foreach (var variant in Variants(line))
            {
                data.Add(line.Id, variant);
            }
        }

        return data;
    }

    /// <summary>What <c>analyze --error FILE --json</c> concludes for a burst of one line, against its label.</summary>
    public static Outcome Evaluate(RealLine line, string variant)
    {
        var text = string.Join('\n', Burst(line, variant)) + "\n";
        var errors = new LogInput($"{line.Id}.{variant}.error.log", () => new MemoryStream(Encoding.UTF8.GetBytes(text)));
        try
        {
            return new Outcome(line, variant, LogAnalyzer.Analyze([], [errors], format: null, new DiagnosisOptions(), CancellationToken.None), null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A crash is a wrong answer for this line, not a reason to stop measuring the others.
            return new Outcome(line, variant, null, ex);
        }
    }

    /// <summary>
    /// Five copies one second apart. Only the clocks move: nginx's <c>yyyy/MM/dd HH:mm:ss</c> at the start of the
    /// bare line, and every <c>HH:mm:ss</c> of the prefix (RFC 3339, RFC 3164, goreman, Rancher) in step with it.
    /// </summary>
    public static IReadOnlyList<string> Burst(RealLine line, string variant)
    {
        var text = variant == Prefixed ? line.Prefixed! : line.Line;
        var prefix = text[..^line.Line.Length];
        var start = DateTime.ParseExact(line.Line[..19], "yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);
        return [.. Enumerable.Range(0, BurstSize).Select(i =>
            ShiftTimesOfDay(prefix, i) + start.AddSeconds(i).ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture) + line.Line[19..])];
    }

    public static List<TimeSpan> TimesOfDay(string text) =>
        [.. TimeOfDay().Matches(text).Select(m => TimeSpan.ParseExact(m.Value, @"hh\:mm\:ss", CultureInfo.InvariantCulture))];

    /// <summary>Accuracy per variant and per labelled cause, then every wrong case with what the engine said.</summary>
    public static string Report(string title, int lineCount, IReadOnlyList<Outcome> outcomes)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{title}: {lineCount} lines, {outcomes.Count} cases (bare and prefixed), bursts of {BurstSize}.");
        foreach (var group in outcomes.GroupBy(o => o.Variant))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key,-9} {Ratio(group.Count(o => o.Right), group.Count())}");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"  {"all",-9} {Ratio(outcomes.Count(o => o.Right), outcomes.Count)}");
        foreach (var group in outcomes.Where(o => o.Variant == Prefixed).GroupBy(o => o.Line.PrefixCrafted).OrderBy(g => g.Key))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {Prefixed} {(group.Key ? "(crafted)" : "(as posted)"),-11} {Ratio(group.Count(o => o.Right), group.Count())}");
        }
        foreach (var variant in outcomes.Select(o => o.Variant).Distinct(StringComparer.Ordinal))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"Per labelled cause ({variant} lines):");
            foreach (var group in outcomes.Where(o => o.Variant == variant).GroupBy(o => o.Line.Cause).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key,-17} {Ratio(group.Count(o => o.Right), group.Count())}");
            }
        }

        foreach (var wrong in outcomes.Where(o => !o.Right))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {wrong.Key}: {wrong.Explain()}");
        }

        return report.ToString();
    }

    /// <summary>The status nginx gives for each cause: limit_req/limit_conn answer 503 (limit_*_status), a timeout 504
    /// (NGX_HTTP_UPSTREAM_FT_TIMEOUT), but 502 in a stream session (the stream module has no 504), every other failure
    /// before the response 502, a failure after it the status passed on; "none" is no request failure.</summary>
    public static int? StatusOf(RealLine line) => line.Cause switch
    {
        "none" => null,
        "rate_limited" => 503,

        // nginx's own connections or descriptors ran out before a try: ngx_http_upstream_connect answers 500. Without a
        // request (the listener's accept), the client is dropped unanswered: 502, as a load balancer in front says.
        "overload" when line.Line.Contains("worker_connections are not enough while", StringComparison.Ordinal)
            || line.Line.Contains("socket() failed (24:", StringComparison.Ordinal) => 500,
        // After the status went out ("while reading upstream"): the upstream's own, which no line gives.
        "invalid_response" or "timeout" when line.Line.Contains(" while reading upstream", StringComparison.Ordinal) => RequestJoin.StatusPassedOn,
        "timeout" => line.Line.Contains(", bytes from/to client:", StringComparison.Ordinal) ? 502 : 504,
        "upstream_down" or "misconfiguration" or "overload" or "dns" or "tls_handshake" or "invalid_response" => 502,

        // No cause named: the status is the one the thread reports.
        "unknown" => line.Status ?? throw new InvalidOperationException($"{line.Id}: an unknown cause needs its status"),
        _ => throw new InvalidOperationException($"{line.Id}: unknown cause '{line.Cause}'"),
    };

    private static string ShiftTimesOfDay(string prefix, int seconds) => TimeOfDay().Replace(prefix, match =>
    {
        var shifted = TimeSpan.ParseExact(match.Value, @"hh\:mm\:ss", CultureInfo.InvariantCulture).Add(TimeSpan.FromSeconds(seconds));
        // No prefix in the tables is this close to midnight; moving its date too is not worth the code.
        return shifted.Days == 0 ? shifted.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : throw new InvalidOperationException($"'{prefix}' would pass midnight");
    });

    private static string Ratio(int right, int total) =>
        string.Create(CultureInfo.InvariantCulture, $"{right}/{total} right ({(total == 0 ? 0 : 100.0 * right / total):0.0} %)");

    [GeneratedRegex(@"(?<!\d)\d{2}:\d{2}:\d{2}(?!\d)")]
    private static partial Regex TimeOfDay();

    [GeneratedRegex(@"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} \[")]
    public static partial Regex NginxTime();

    public sealed record RealLine(string Id, string Line, string? Prefixed, string? PrefixKind, string Source, string Platform, string Cause, int? Status, bool PrefixCrafted);

    public sealed record Outcome(RealLine Line, string Variant, AnalysisReport? Report, Exception? Crash)
    {
        public string Key => $"{Line.Id}:{Variant}";

        /// <summary>Right when the line was read and the incidents match the label: none for <c>none</c>, else exactly one
        /// with the labelled cause and status.</summary>
        public bool Right => Report is not null && Report.Stats.MalformedLines == 0 && (Line.Cause == "none"
            ? Report.Incidents.Count == 0
            : Report.Incidents.Count == 1 && CauseName(Report.Incidents[0].Cause) == Line.Cause && Report.Incidents[0].Status == Line.Status);

        public string Explain()
        {
            if (Report is null)
            {
                return $"analyze threw {Crash!.GetType().Name}: {Crash.Message} ({Variant}: {Line.Source})";
            }

            var got = Report.Incidents.Count == 0
                ? "no incident"
                : string.Join("; ", Report.Incidents.Select(i => $"{CauseName(i.Cause)} {i.Status} on {i.Upstream}"));
            var expected = Line.Cause == "none" ? "no incident" : $"{Line.Cause} {Line.Status}";
            return $"expected {expected}, got {got}, {Report.Stats.ErrorLines} lines read, {Report.Stats.MalformedLines} malformed ({Variant}: {Line.Source})";
        }

        private static string CauseName(IncidentCause cause) => IncidentCauses.Name(cause);
    }
}
