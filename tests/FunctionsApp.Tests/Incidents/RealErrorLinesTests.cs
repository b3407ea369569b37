using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionsApp.Incidents;
using Xunit.Abstractions;

namespace FunctionsApp.Tests.Incidents;

/// <summary>
/// Real nginx error lines that people posted in public threads about their 502/503/504s
/// (Fixtures/real-error-lines/lines.json, with the README there), each replayed the way
/// <c>scripts/analyze --error FILE --json</c> reads it: a burst of five copies one second apart,
/// bare and, where the poster's copy had one, with the prefix their runtime or shipper added.
/// The engine must name the labelled cause and status, and open no incident for a line labelled <c>none</c>.
/// </summary>
public sealed partial class RealErrorLinesTests(ITestOutputHelper output)
{
    private const int BurstSize = 5;
    private const string Bare = "bare";
    private const string Prefixed = "prefixed";

    private static readonly string TablePath = Path.Combine(AppContext.BaseDirectory, "Fixtures", "real-error-lines", "lines.json");

    private static readonly Lazy<IReadOnlyList<RealLine>> Table = new(Load);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var line in Table.Value)
        {
            foreach (var variant in Variants(line))
            {
                data.Add(line.Id, variant);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Analyze_RealErrorLineBurst_GivesLabelledCauseAndStatus(string id, string variant)
    {
        var outcome = Evaluate(Find(id), variant);
        Assert.True(outcome.Right, outcome.Explain());
    }

    [Fact]
    public void Analyze_WholeTable_WritesAccuracyAndEveryCaseIsRight()
    {
        var outcomes = Table.Value
            .SelectMany(line => Variants(line).Select(variant => Evaluate(line, variant)))
            .ToList();

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Real error lines: {Table.Value.Count} lines, {outcomes.Count} cases (bare and prefixed), bursts of {BurstSize}.");
        foreach (var group in outcomes.GroupBy(o => o.Variant))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key,-9} {Ratio(group.Count(o => o.Right), group.Count())}");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"  {"all",-9} {Ratio(outcomes.Count(o => o.Right), outcomes.Count)}");
        report.AppendLine("Per labelled cause (bare lines):");
        foreach (var group in outcomes.Where(o => o.Variant == Bare).GroupBy(o => o.Line.Cause).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key,-17} {Ratio(group.Count(o => o.Right), group.Count())}");
        }

        var wrongCases = outcomes.Where(o => !o.Right).ToList();
        foreach (var wrong in outcomes.Where(o => !o.Right))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {wrong.Key}: {wrong.Explain()}");
        }

        output.WriteLine(report.ToString());
        Assert.True(wrongCases.Count == 0, "Wrong:\n" + string.Join("\n", wrongCases.Select(o => $"{o.Key}: {o.Explain()}")));
    }

    [Fact]
    public void Table_EveryRecord_IsQuotedSourcedAndLabelled()
    {
        var lines = Table.Value;

        Assert.True(lines.Count >= 150, $"{lines.Count} lines");
        Assert.Equal(lines.Count, lines.Select(l => l.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(lines.Count, lines.Select(l => l.Line).Distinct(StringComparer.Ordinal).Count());
        Assert.All(lines, line =>
        {
            Assert.Matches(NginxTime(), line.Line);
            Assert.StartsWith("https://", line.Source, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(line.Platform), line.Id);
            Assert.Equal(line.Prefixed is null, line.PrefixKind is null);
            if (line.Prefixed is not null)
            {
                Assert.EndsWith(line.Line, line.Prefixed, StringComparison.Ordinal);
                Assert.True(line.Prefixed.Length > line.Line.Length, line.Id);
            }

            // The status nginx gives for each cause: limit_req/limit_conn answer 503 (limit_*_status), a timeout 504
            // (NGX_HTTP_UPSTREAM_FT_TIMEOUT), every other failure before the response 502; "none" is no request failure.
            int? expected = line.Cause switch
            {
                "none" => null,
                "rate_limited" => 503,
                "timeout" => 504,
                "upstream_down" or "misconfiguration" or "overload" or "dns" or "tls_handshake" or "invalid_response" => 502,
                _ => throw new InvalidOperationException($"{line.Id}: unknown cause '{line.Cause}'"),
            };
            Assert.Equal(expected, line.Status);
        });
    }

    [Fact]
    public void Burst_PrefixedLine_MovesEveryClockInStep()
    {
        // docker logs -t (RFC 3339, nanoseconds, Z), stern (pod, container, RFC 3339 with offset) and journald (RFC 3164).
        foreach (var kind in new[] { "docker-logs-t", "stern", "journald" })
        {
            var line = Table.Value.First(l => l.PrefixKind == kind);
            var burst = Burst(line, Prefixed);

            Assert.Equal(BurstSize, burst.Count);
            Assert.Equal(line.Prefixed, burst[0]);
            Assert.Equal(BurstSize, burst.Distinct(StringComparer.Ordinal).Count());
            var first = TimesOfDay(burst[0]);
            var last = TimesOfDay(burst[^1]);
            Assert.Equal(first.Count, last.Count);
            Assert.All(first.Zip(last), pair => Assert.Equal(pair.First.Add(TimeSpan.FromSeconds(BurstSize - 1)), pair.Second));
            Assert.All(burst, text => Assert.EndsWith(line.Line[19..], text, StringComparison.Ordinal));
        }
    }

    /// <summary>What <c>analyze --error FILE --json</c> concludes for a burst of one line, against its label.</summary>
    private static Outcome Evaluate(RealLine line, string variant)
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
    private static IReadOnlyList<string> Burst(RealLine line, string variant)
    {
        var text = variant == Prefixed ? line.Prefixed! : line.Line;
        var prefix = text[..^line.Line.Length];
        var start = DateTime.ParseExact(line.Line[..19], "yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);
        return [.. Enumerable.Range(0, BurstSize).Select(i =>
            ShiftTimesOfDay(prefix, i) + start.AddSeconds(i).ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture) + line.Line[19..])];
    }

    private static string ShiftTimesOfDay(string prefix, int seconds) => TimeOfDay().Replace(prefix, match =>
    {
        var shifted = TimeSpan.ParseExact(match.Value, @"hh\:mm\:ss", CultureInfo.InvariantCulture).Add(TimeSpan.FromSeconds(seconds));
        // No prefix in the table is this close to midnight; moving its date too is not worth the code.
        return shifted.Days == 0 ? shifted.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : throw new InvalidOperationException($"'{prefix}' would pass midnight");
    });

    private static List<TimeSpan> TimesOfDay(string text) =>
        [.. TimeOfDay().Matches(text).Select(m => TimeSpan.ParseExact(m.Value, @"hh\:mm\:ss", CultureInfo.InvariantCulture))];

    private static IEnumerable<string> Variants(RealLine line) => line.Prefixed is null ? [Bare] : [Bare, Prefixed];

    private static RealLine Find(string id) => Table.Value.Single(l => l.Id == id);

    private static string Ratio(int right, int total) =>
        string.Create(CultureInfo.InvariantCulture, $"{right}/{total} right ({(total == 0 ? 0 : 100.0 * right / total):0.0} %)");

    private static List<RealLine> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TablePath));
        return [.. document.RootElement.GetProperty("lines").EnumerateArray().Select(e => new RealLine(
            e.GetProperty("id").GetString()!,
            e.GetProperty("line").GetString()!,
            e.GetProperty("prefixed").GetString(),
            e.GetProperty("prefixKind").GetString(),
            e.GetProperty("source").GetString()!,
            e.GetProperty("platform").GetString()!,
            e.GetProperty("cause").GetString()!,
            e.GetProperty("status").ValueKind == JsonValueKind.Null ? null : e.GetProperty("status").GetInt32()))];
    }

    [GeneratedRegex(@"(?<!\d)\d{2}:\d{2}:\d{2}(?!\d)")]
    private static partial Regex TimeOfDay();

    [GeneratedRegex(@"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} \[")]
    private static partial Regex NginxTime();

    private sealed record RealLine(string Id, string Line, string? Prefixed, string? PrefixKind, string Source, string Platform, string Cause, int? Status);

    private sealed record Outcome(RealLine Line, string Variant, AnalysisReport? Report, Exception? Crash)
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
