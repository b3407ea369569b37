using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>What one run of <c>analyze</c> printed.</summary>
internal sealed record AnalyzerOutput(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs <c>analyze</c> with these arguments (a process, or the command in-process in tests).</summary>
internal delegate Task<AnalyzerOutput> AnalyzerInvoker(IReadOnlyList<string> arguments, CancellationToken cancellationToken);

/// <summary>
/// Scores <c>analyze --json</c> against a corpus's labels. A found incident matches a label when the upstream is the
/// label's or one of its alternates, the host is the same when both are known, and the times overlap with a minute of
/// slack. When the case's access format logs no <c>$upstream_addr</c>, an upstream's own answers are named by no line
/// (nginx writes no error line for them), so <c>analyze</c> reports them under upstream <c>(unknown)</c>: a label no
/// named incident matched then matches an <c>(unknown)</c> one by host and time, counted apart as "upstream unnamed".
/// Per mode: per cause, expected / found / right cause / right status / both right / missed; incidents that match no
/// label are spurious; further incidents on an already matched label are duplicates.
/// </summary>
internal static class Scorecard
{
    /// <summary>Modes: <c>auto</c> (format detected), <c>format</c> (<c>--log-format</c> from case.json), <c>raw</c> (prefixed
    /// cases, as nginx wrote them, detected), <c>config</c> (format detected, with <c>--nginx-config</c> the case's nginx.conf).</summary>
    public static IReadOnlyList<string> AllModes { get; } = ["auto", "format", "raw", "config"];

    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(1);

    public static async Task<ScorecardReport> ScoreAsync(
        string corpusDirectory, IReadOnlyList<string> modes, AnalyzerInvoker analyze, int concurrency, CancellationToken cancellationToken)
    {
        var cases = Directory.GetDirectories(corpusDirectory)
            .Where(d => File.Exists(Path.Combine(d, "case.json")))
            .Order(StringComparer.Ordinal)
            .Select(d => (Directory: d, Manifest: CaseManifest.Read(Path.Combine(d, "case.json"))))
            .ToList();
        var reports = new List<ModeReport>();
        foreach (var mode in modes)
        {
            using var slots = new SemaphoreSlim(concurrency);
            var scored = await Task.WhenAll(cases.Select(async c =>
            {
                await slots.WaitAsync(cancellationToken);
                try
                {
                    return await ScoreCaseAsync(c.Directory, c.Manifest, mode, analyze, cancellationToken);
                }
                finally
                {
                    slots.Release();
                }
            }));
            reports.Add(ModeReport.From(mode, [.. scored.OfType<CaseScore>()]));
        }

        return new ScorecardReport(corpusDirectory, cases.Count, reports);
    }

    private static async Task<CaseScore?> ScoreCaseAsync(
        string directory, CaseManifest manifest, string mode, AnalyzerInvoker analyze, CancellationToken cancellationToken)
    {
        var folder = mode == "raw" ? Path.Combine(directory, "raw") : directory;
        if (mode == "raw" && !Directory.Exists(folder))
        {
            return null;
        }

        List<string> arguments = ["--access", Path.Combine(folder, "access.log"), "--error", Path.Combine(folder, "error.log"), "--json"];
        if (mode == "format")
        {
            arguments.AddRange(["--log-format", manifest.LogFormat]);
        }
        else if (mode == "config")
        {
            arguments.AddRange(["--nginx-config", Path.Combine(directory, "nginx.conf")]);
        }

        var output = await analyze(arguments, cancellationToken);
        List<FoundIncident> found;
        try
        {
            found = output.ExitCode == 0 ? FoundIncident.Parse(output.Stdout) : [];
        }
        catch (JsonException e)
        {
            return new CaseScore(manifest, [], [], [], $"stdout is not JSON: {e.Message}");
        }

        var error = output.ExitCode == 0 ? null : $"exit {output.ExitCode}: {FirstLine(output.Stderr)}";
        return Match(manifest, found, error);
    }

    internal static CaseScore Match(CaseManifest manifest, IReadOnlyList<FoundIncident> found, string? error)
    {
        var used = new HashSet<FoundIncident>(ReferenceEqualityComparer.Instance);
        var unnamed = found.Where(f => f.Upstream == UnnamedUpstream).ToList();
        var named = found.Except(unnamed).ToList();
        var matches = new List<LabelMatch>();
        foreach (var label in manifest.Incidents.OrderBy(l => l.StartUtc))
        {
            matches.Add(new LabelMatch(label, Best(label, named.Where(f => Matches(label, f)))));
        }

        // The format cannot name the upstream: what the named incidents left is matched by host and time alone.
        var upstreamLogged = manifest.LogFormat.Contains("$upstream_addr", StringComparison.Ordinal);
        for (var i = 0; i < matches.Count && !upstreamLogged; i++)
        {
            if (matches[i].Found is null && Best(matches[i].Label, unnamed.Where(f => HostAndTimeMatch(matches[i].Label, f))) is { } best)
            {
                matches[i] = new LabelMatch(matches[i].Label, best) { UpstreamUnnamed = true };
            }
        }

        // Two scenarios that failed one upstream of one host the same way, less than the quiet period apart, are one
        // outage in the logs (nothing was served between to end it): the incident that spans both matches both.
        for (var i = 0; i < matches.Count; i++)
        {
            var label = matches[i].Label;
            if (matches[i].Found is null
                && matches.FirstOrDefault(m => m.Found is { } f && m.Label.Host == label.Host && Normalize(m.Label.Upstream) == Normalize(label.Upstream)
                    && m.Label.Cause == label.Cause && Matches(label, f)) is { Found: { } spanning } other)
            {
                matches[i] = new LabelMatch(label, spanning) { UpstreamUnnamed = other.UpstreamUnnamed };
            }
        }

        var rest = found.Where(f => !used.Contains(f)).ToList();
        var duplicates = rest.Where(f => manifest.Incidents.Any(l => Matches(l, f) || (!upstreamLogged && f.Upstream == UnnamedUpstream && HostAndTimeMatch(l, f)))).ToList();
        var spurious = rest.Except(duplicates).ToList();
        return new CaseScore(manifest, matches, spurious, duplicates, error);

        FoundIncident? Best(CaseLabel label, IEnumerable<FoundIncident> candidates)
        {
            var best = candidates
                .Where(f => !used.Contains(f))
                .OrderByDescending(f => f.Cause == label.Cause)
                .ThenByDescending(f => f.Status == label.Status)
                .ThenByDescending(f => Overlap(label, f))
                .FirstOrDefault();
            if (best is not null)
            {
                used.Add(best);
            }

            return best;
        }
    }

    private const string UnnamedUpstream = "(unknown)";

    private static bool Matches(CaseLabel label, FoundIncident found)
    {
        var upstream = Normalize(found.Upstream);
        var upstreamMatches = upstream == Normalize(label.Upstream) || label.UpstreamAlternates.Any(a => Normalize(a) == upstream);
        return upstreamMatches && HostAndTimeMatch(label, found);
    }

    private static bool HostAndTimeMatch(CaseLabel label, FoundIncident found) =>
        (string.IsNullOrEmpty(found.Host) || found.Host == "-" || found.Host == label.Host) && Overlap(label, found) >= TimeSpan.Zero;

    private static TimeSpan Overlap(CaseLabel label, FoundIncident found)
    {
        var start = Max(label.StartUtc - Slack, found.Start);
        var end = Min(label.EndUtc + Slack, found.End ?? found.Start);
        return end - start;
    }

    private static string Normalize(string? upstream) => (upstream ?? string.Empty).Trim().TrimEnd(':') switch
    {
        "" => "-",
        var u => u,
    };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
}

/// <summary>An incident from <c>analyze --json</c>.</summary>
internal sealed record FoundIncident(string Upstream, string? Host, string Cause, int Status, DateTimeOffset Start, DateTimeOffset? End)
{
    public static List<FoundIncident> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var incidents = new List<FoundIncident>();
        foreach (var incident in document.RootElement.GetProperty("incidents").EnumerateArray())
        {
            string? Text(string name) => incident.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            incidents.Add(new FoundIncident(
                Text("upstream") ?? "-",
                Text("host"),
                Text("cause") ?? "unknown",
                incident.TryGetProperty("status", out var status) && status.TryGetInt32(out var code) ? code : 0,
                DateTimeOffset.Parse(Text("start")!, CultureInfo.InvariantCulture),
                Text("end") is { } end ? DateTimeOffset.Parse(end, CultureInfo.InvariantCulture) : null));
        }

        return incidents;
    }

    public override string ToString() =>
        $"{Upstream} host {Host ?? "-"} {Cause}/{Status} {Start.UtcDateTime:HH:mm:ss}–{End?.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? "open"}";
}

/// <summary>A label and the incident matched to it (null: missed).</summary>
internal sealed record LabelMatch(CaseLabel Label, FoundIncident? Found)
{
    /// <summary>Matched to an <c>(unknown)</c> incident: the format logs no <c>$upstream_addr</c> to name it by.</summary>
    public bool UpstreamUnnamed { get; init; }

    public bool RightCause => Found?.Cause == Label.Cause;

    public bool RightStatus => Found?.Status == Label.Status;
}

/// <summary>One case scored in one mode.</summary>
internal sealed record CaseScore(
    CaseManifest Manifest,
    IReadOnlyList<LabelMatch> Matches,
    IReadOnlyList<FoundIncident> Spurious,
    IReadOnlyList<FoundIncident> Duplicates,
    string? AnalyzeError);

/// <summary>Per-cause counts.</summary>
internal sealed record CauseCounts(string Cause, int Expected, int Found, int RightCause, int RightStatus, int Right, int Missed);

/// <summary>One mode's figures.</summary>
internal sealed record ModeReport(
    string Mode,
    int Cases,
    IReadOnlyList<CauseCounts> Causes,
    CauseCounts Total,
    IReadOnlyList<string> Spurious,
    IReadOnlyList<string> Duplicates,
    IReadOnlyList<string> Wrong,
    IReadOnlyList<string> AnalyzeErrors,
    IReadOnlyList<string> Unnamed)
{
    /// <summary>Labels with the right cause and the right status, over all labels.</summary>
    public double Accuracy => Total.Expected == 0 ? 1 : (double)Total.Right / Total.Expected;

    public static ModeReport From(string mode, IReadOnlyList<CaseScore> scores)
    {
        var matches = scores.SelectMany(s => s.Matches).ToList();
        CauseCounts Count(string cause, IReadOnlyList<LabelMatch> m) => new(
            cause,
            m.Count,
            m.Count(x => x.Found is not null),
            m.Count(x => x.RightCause),
            m.Count(x => x.RightStatus),
            m.Count(x => x.RightCause && x.RightStatus),
            m.Count(x => x.Found is null));
        var causes = matches.GroupBy(m => m.Label.Cause).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Count(g.Key, [.. g])).ToList();
        var wrong = scores.SelectMany(s => s.Matches.Where(m => !(m.RightCause && m.RightStatus)).Select(m =>
            $"{s.Manifest.Id} {m.Label.Scenario} {m.Label.Host} {m.Label.Upstream}: expected {m.Label.Cause}/{m.Label.Status}, "
            + (m.Found is null ? "missed" : $"found {m.Found.Cause}/{m.Found.Status}") + $" ({s.Manifest.FormatFamily}, {s.Manifest.Prefix})")).ToList();
        return new ModeReport(
            mode,
            scores.Count,
            causes,
            Count("total", matches),
            [.. scores.SelectMany(s => s.Spurious.Select(f => $"{s.Manifest.Id} {f} ({s.Manifest.FormatFamily}, {s.Manifest.Prefix})"))],
            [.. scores.SelectMany(s => s.Duplicates.Select(f => $"{s.Manifest.Id} {f}"))],
            wrong,
            [.. scores.Where(s => s.AnalyzeError is not null).Select(s => $"{s.Manifest.Id} ({s.Manifest.FormatFamily}, {s.Manifest.Prefix}): {s.AnalyzeError}")],
            [.. scores.SelectMany(s => s.Matches.Where(m => m.UpstreamUnnamed).Select(m =>
                $"{s.Manifest.Id} {m.Label.Scenario} {m.Label.Host} {m.Label.Upstream}: found {m.Found!.Cause}/{m.Found.Status} under (unknown) ({s.Manifest.FormatFamily})"))]);
    }
}

/// <summary>The scorecard of a corpus, every mode.</summary>
internal sealed record ScorecardReport(string Corpus, int Cases, IReadOnlyList<ModeReport> Modes)
{
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Corpus {Corpus}: {Cases} cases");
        foreach (var mode in Modes)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"mode {mode.Mode} ({mode.Cases} cases)");
            text.AppendLine(CultureInfo.InvariantCulture, $"{"cause",-18} {"expected",8} {"found",6} {"cause ok",8} {"status ok",9} {"both ok",8} {"missed",6}");
            foreach (var c in mode.Causes.Append(mode.Total))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{c.Cause,-18} {c.Expected,8} {c.Found,6} {c.RightCause,8} {c.RightStatus,9} {c.Right,8} {c.Missed,6}");
            }

            var t = mode.Total;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"right cause {Percent(t.RightCause, t.Expected)}, right status {Percent(t.RightStatus, t.Expected)}, both {Percent(t.Right, t.Expected)}, missed {Percent(t.Missed, t.Expected)}; upstream unnamed {mode.Unnamed.Count}; spurious {mode.Spurious.Count}, duplicates {mode.Duplicates.Count}, analyze failed on {mode.AnalyzeErrors.Count} case(s)");
            Section(text, "upstream unnamed (the format logs no $upstream_addr; matched by host and time)", mode.Unnamed);
            Section(text, "spurious (found, matching no label)", mode.Spurious);
            Section(text, "duplicates (a second incident for a matched label)", mode.Duplicates);
            Section(text, "wrong or missed", mode.Wrong);
            Section(text, "analyze failed", mode.AnalyzeErrors);
        }

        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            corpus = Corpus,
            cases = Cases,
            modes = Modes.Select(m => new
            {
                mode = m.Mode,
                cases = m.Cases,
                accuracy = m.Accuracy,
                rightCause = Ratio(m.Total.RightCause, m.Total.Expected),
                rightStatus = Ratio(m.Total.RightStatus, m.Total.Expected),
                missed = Ratio(m.Total.Missed, m.Total.Expected),
                causes = m.Causes,
                total = m.Total,
                spurious = m.Spurious,
                duplicates = m.Duplicates,
                upstreamUnnamed = m.Unnamed,
                wrong = m.Wrong,
                analyzeErrors = m.AnalyzeErrors,
            }),
        },
        CaseManifest.JsonOptions);

    private static double Ratio(int part, int whole) => whole == 0 ? 1 : (double)part / whole;

    private static string Percent(int part, int whole) => Ratio(part, whole).ToString("P1", CultureInfo.InvariantCulture);

    private static void Section(StringBuilder text, string title, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  {title}:");
        foreach (var line in lines)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {line}");
        }
    }
}
