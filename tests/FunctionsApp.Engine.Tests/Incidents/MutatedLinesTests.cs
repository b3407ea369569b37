using System.Text;
using System.Text.Json;
using FunctionsApp.Incidents;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// Log content is anyone's: the committed real-nginx lines, cut, spliced with the values that sit at the edges of what
/// the readers parse (year 0001, 1e308 seconds, a message that starts where nginx would have named the host), and
/// wrapped in the shippers' shapes, never stop a run. What does not parse is counted, never thrown.
/// </summary>
public sealed class MutatedLinesTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx");

    private static readonly string[] Edges =
    [
        "0001", "9999", "0000", "99", "-1", "60", "13", "32", "+1400", "-1400", "+9999", "0", "18446744073709551616", "1e308",
        "-1e308", "NaN", "Infinity", "\u001b[", "\0", "\"", "\\", "[", "]", "{", "}", "=>", ": [", "?", "%", "%zz", "\t", ", ",
        " : ", "unix:", "[::1]:", "-", ":65536", "*", "#", "\u2028", "could not be resolved",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Analyze_MutatedRealLines_CountWhatDoesNotParseAndNeverThrow(int seed)
    {
        var random = new Random(seed);
        var access = Lines("access.log").Select(line => random.Next(2) == 0 ? Mutate(line, random) : line).ToList();
        var errors = Lines("error.log").Select(line => random.Next(2) == 0 ? Mutate(line, random) : line).ToList();
        var wrapped = access.Concat(errors).Take(600).Select(line => Wrap(line, random)).ToList();

        foreach (var (accessLines, errorLines) in new (List<string>?, List<string>?)[] { (access, errors), (access, null), (null, errors), (wrapped, null), (null, wrapped) })
        {
            var report = LogAnalyzer.Analyze(
                accessLines is null ? [] : [EngineTestKit.Input("access.log", accessLines)],
                errorLines is null ? [] : [EngineTestKit.Input("error.log", errorLines)],
                format: null, new DiagnosisOptions { MinFailures = 1 }, CancellationToken.None);

            Assert.True(report.Stats.AccessLines + report.Stats.ErrorLines + report.Stats.MalformedLines > 0);
        }
    }

    /// <summary>
    /// A paste's leftovers: a line of only a closing quote (a log quoted whole), a quote mark (<c>&gt;</c>), an ellipsis
    /// where the poster cut, a blank. Every line of up to three such characters, alone and among nginx's lines, is read
    /// or counted, never thrown on.
    /// </summary>
    [Fact]
    public void Analyze_LinesOfAPastesPunctuation_AreCountedAndNeverThrow()
    {
        const string Alphabet = "'\"`>.…-*#[]:| \t#0";
        var shortLines = new List<string>();
        foreach (var a in Alphabet)
        {
            shortLines.Add($"{a}");
            foreach (var b in Alphabet)
            {
                shortLines.Add($"{a}{b}");
                shortLines.AddRange(Alphabet.Select(c => $"{a}{b}{c}"));
            }
        }

        const string Refused = "2026/11/24 10:00:01 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: a, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.2:80/\", host: \"a\"";
        IReadOnlyList<string>[] runs = [.. shortLines.Take(Alphabet.Length).Select(line => (IReadOnlyList<string>)[line]), shortLines];
        foreach (var lines in runs)
        {
            var access = LogAnalyzer.Analyze([EngineTestKit.Input("access.log", lines)], [], format: null, new DiagnosisOptions { MinFailures = 1 }, CancellationToken.None);
            var errors = LogAnalyzer.Analyze([], [EngineTestKit.Input("error.log", lines)], format: null, new DiagnosisOptions { MinFailures = 1 }, CancellationToken.None);

            Assert.Equal(0, access.Stats.AccessLines);
            Assert.Empty(access.Incidents);
            Assert.Empty(errors.Incidents);
        }

        // Among nginx's lines they take nothing from them: the refusals still make their incident.
        var interleaved = shortLines.SelectMany((line, i) => new[] { Refused.Replace("*1 ", $"*{i + 1} ", StringComparison.Ordinal), line }).ToList();
        var report = LogAnalyzer.Analyze([], [EngineTestKit.Input("error.log", interleaved)], format: null, new DiagnosisOptions { MinFailures = 1 }, CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("10.0.0.2:80", IncidentCause.UpstreamDown), (incident.Upstream, incident.Cause));
        Assert.Equal(shortLines.Count, incident.FailedRequests);
    }

    [Theory]
    [InlineData("2026/11/24 10:00:01 [error] 7#7: *1 could not be resolved (3: Host not found), client: 10.0.0.1, server: a, request: \"GET / HTTP/1.1\", host: \"a\"")]
    [InlineData("0001/01/01 00:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: a, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.2:80/\", host: \"a\"")]
    public void Analyze_ErrorLinesAtTheEdges_AreReadOrCounted(string line)
    {
        var report = LogAnalyzer.Analyze([], [EngineTestKit.Input("error.log", [line, line])], format: null,
            new DiagnosisOptions { ErrorLogUtcOffset = TimeSpan.FromHours(5) }, CancellationToken.None);

        Assert.Equal(2, report.Stats.ErrorLines + report.Stats.MalformedLines);
    }

    [Theory]
    [InlineData("1e308")]
    [InlineData("-5")]
    [InlineData("18446744073709551616")]
    public void Analyze_RequestTimeNoRequestTakes_IsNoDuration(string seconds)
    {
        var access = Enumerable.Range(0, 6).Select(i =>
            $"10.0.0.{i} - - [24/Nov/2026:10:00:0{i} +0000] \"GET /a HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\" rt={seconds}").ToList();

        var report = EngineTestKit.Analyze(access, errors: null, format: "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" rt=$request_time");

        Assert.Equal(6, report.Stats.AccessLines);
    }

    private static List<string> Lines(string file) =>
        [.. Directory.GetDirectories(Root).OrderBy(d => d, StringComparer.Ordinal)
            .Select(dir => Path.Combine(dir, file)).Where(File.Exists)
            .SelectMany(path => File.ReadLines(path).Take(150))];

    private static string Mutate(string line, Random random)
    {
        var text = new StringBuilder(line);
        for (var n = random.Next(1, 6); n > 0 && text.Length > 0; n--)
        {
            var i = random.Next(text.Length);
            switch (random.Next(5))
            {
                case 0:
                case 1:
                    text.Insert(i, Edges[random.Next(Edges.Length)]);
                    break;
                case 2:
                    text.Remove(i, Math.Min(random.Next(1, 11), text.Length - i));
                    break;
                case 3:
                    text.Length = i;
                    break;
                default:
                    text[i] = (char)random.Next(1, 0x2ff);
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>The line in one of the shapes shippers write (with a mutation of the shape itself, sometimes).</summary>
    private static string Wrap(string line, Random random)
    {
        var quoted = JsonSerializer.Serialize(line);
        var wrapped = random.Next(4) switch
        {
            0 => $"{{\"log\":{quoted},\"time\":\"{(random.Next(2) == 0 ? "0001-01-01T00:00:00+05:00" : "2026-01-01T00:00:00Z")}\"}}",
            1 => $"[{{\"date\":{(random.Next(2) == 0 ? "99999999999" : "1764000000.1")},\"log\":{quoted}}},{{\"date\":-1,\"log\":{quoted}}}]",
            2 => $"{{\"resourceLogs\":[{{\"scopeLogs\":[{{\"logRecords\":[{{\"timeUnixNano\":\"99999999999999999999\",\"body\":{{\"stringValue\":{quoted}}}}}]}}]}}]}}",
            _ => $"[0] tail.0: [[1764000000.123, {{}}], {{\"log\"=>{quoted}}}]",
        };
        return random.Next(3) == 0 ? Mutate(wrapped, random) : wrapped;
    }
}
