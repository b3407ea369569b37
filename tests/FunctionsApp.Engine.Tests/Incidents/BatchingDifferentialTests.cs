using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// Same logs, same incidents: the engine fed the way the analyzer timer feeds it — the logs cut into random batches,
/// a random number of batches per run, access batches before error batches in a run, the engine advanced only to what
/// both logs have reached, its state saved to JSON and loaded again between runs — concludes exactly what one offline
/// pass over the whole files concludes.
/// </summary>
public sealed class BatchingDifferentialTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static TheoryData<string, string?, int> Cases()
    {
        var data = new TheoryData<string, string?, int>();
        foreach (var seed in new[] { 1, 7, 42 })
        {
            data.Add("nginx/mixed-custom", "custom", seed);
            data.Add("nginx/mixed-json", "json", seed);
            data.Add("nginx/mixed-combined", null, seed);
            data.Add("handwritten/php-fpm-and-timeouts-ist", "handwritten", seed);
            data.Add("handwritten/json-keys-pst", "handwritten", seed);
        }

        return data;
    }

    /// <summary>Bursts on one upstream a little more than a quiet period apart, and overlapping ones on another: a run
    /// that reads two bursts at once must still see two incidents.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(99)]
    public void RandomBatchesAcrossRuns_RepeatedBurstsStaySeparateIncidents(int seed)
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var second = 0; second < 900; second++)
        {
            var burst = second % 300 < 20 || (second >= 130 && second < 140);
            var cid = 1000 + second;
            if (burst && second % 2 == 0)
            {
                access.Add(EngineTestKit.Access(second, 502, connect: "-", header: "-", cid: cid));
                errors.Add(EngineTestKit.Error(second, "connect() failed (111: Connection refused) while connecting to upstream", cid: cid));
            }
            else
            {
                access.Add(EngineTestKit.Access(second, 200, cid: cid));
            }

            if (second % 200 is >= 50 and < 70)
            {
                access.Add(EngineTestKit.Access(second, 504, upstream: "10.0.0.2:8080", host: "shop.test", header: "-", cid: 5000 + second));
                errors.Add(EngineTestKit.Error(second, "upstream timed out (110: Connection timed out) while reading response header from upstream", upstream: "10.0.0.2:8080", host: "shop.test", cid: 5000 + second));
            }
        }

        var format = Format(EngineTestKit.UpstreamFormat);
        var options = new DiagnosisOptions();
        var offline = LogAnalyzer.Analyze([EngineTestKit.Input("access", access)], [EngineTestKit.Input("error", errors)], format, options, CancellationToken.None);
        var batched = RunInBatches(access, errors, format, options, new Random(seed));

        Assert.Equal(8, offline.Incidents.Count);
        Assert.Equal(Summaries(offline.Incidents), Summaries(batched));
    }

    /// <summary>A format with hosts but no upstream: what the failing route served second by second is engine state
    /// too, and a saturated location reads as one whatever runs its successes and resets came in.</summary>
    [Theory]
    [InlineData(5)]
    [InlineData(23)]
    [InlineData(64)]
    public void RandomBatchesAcrossRuns_TheFailingRoutesSuccessesCarryOver(int seed)
    {
        const string Spec = "$remote_addr [$time_local] \"$request\" $status $host";
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        string Line(int second, string path, int status) =>
            $"10.9.8.7 [{start.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" {status} shop.test";
        var access = new List<string>();
        var errors = new List<string>();
        for (var second = 0; second < 400; second++)
        {
            access.Add(Line(second, $"/shop/{second}", 200));
            var saturated = second is >= 120 and < 170 or >= 330 and < 350;
            if (saturated && second % 2 == 0)
            {
                access.Add(Line(second, $"/sessions/{second}", 502));
                errors.Add(EngineTestKit.Error(second, "recv() failed (104: Connection reset by peer) while reading response header from upstream",
                    upstream: "127.0.0.1:45057", host: "shop.test", cid: 100 + second, path: $"/sessions/{second}"));
            }

            access.Add(Line(second, $"/sessions/{second}/ok", 200));
        }

        var format = Format(Spec);
        var options = new DiagnosisOptions();
        var offline = LogAnalyzer.Analyze([EngineTestKit.Input("access", access)], [EngineTestKit.Input("error", errors)], format, options, CancellationToken.None);
        var batched = RunInBatches(access, errors, format, options, new Random(seed));

        Assert.Equal([IncidentCause.Overload, IncidentCause.Overload], offline.Incidents.Select(i => i.Cause));
        Assert.Equal(Summaries(offline.Incidents), Summaries(batched));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RandomBatchesAcrossRuns_GiveTheIncidentsOfOneOfflinePass(string fixture, string? formatId, int seed)
    {
        var directory = Path.Combine(Fixtures, fixture);
        var access = ReadLines(directory, "access.log");
        var errors = ReadLines(directory, "error.log");
        var options = new DiagnosisOptions { ErrorLogUtcOffset = fixture.EndsWith("-pst", StringComparison.Ordinal) ? TimeSpan.Zero : null };
        var format = Format(directory, formatId);

        var offline = LogAnalyzer.Analyze([EngineTestKit.Input("access", access)], [EngineTestKit.Input("error", errors)], format, options, CancellationToken.None);
        var batched = RunInBatches(access, errors, format, options, new Random(seed));

        Assert.NotEmpty(offline.Incidents);
        Assert.Equal(Summaries(offline.Incidents), Summaries(batched));
    }

    /// <summary>What the analyzer timer does, minus storage: batches per run, access first, advance to the lagging log.</summary>
    private static List<Incident> RunInBatches(List<string> access, List<string> errors, AccessLogFormat? format, DiagnosisOptions options, Random random)
    {
        var accessBatches = new Queue<List<string>>(Split(access, random));
        var errorBatches = new Queue<List<string>>(Split(errors, random));
        var found = new Dictionary<string, Incident>(StringComparer.Ordinal);
        var state = new EngineState();
        var learned = format;
        while (accessBatches.Count > 0 || errorBatches.Count > 0)
        {
            var engine = new DiagnosisEngine(options, EngineTestKit.RoundTrip(state));
            for (var n = random.Next(0, 4); n > 0 && accessBatches.Count > 0; n--)
            {
                learned = Feed(engine, accessBatches.Dequeue(), [], learned);
            }

            // Error times are local: wait for an access line to tell their zone, as the analyzer does.
            if (engine.State.AccessWatermark is not null || accessBatches.Count == 0)
            {
                for (var n = random.Next(0, 4); n > 0 && errorBatches.Count > 0; n--)
                {
                    Feed(engine, [], errorBatches.Dequeue(), learned);
                }
            }

            if (engine.State.AccessWatermark is { } a && engine.State.ErrorWatermark is { } e)
            {
                engine.AdvanceTo(a < e ? a : e);
            }

            Collect(engine.DrainResolved().Concat(engine.OpenIncidents()));
            state = engine.State;
        }

        var last = new DiagnosisEngine(options, EngineTestKit.RoundTrip(state));
        Collect(last.Complete());
        return [.. found.Values];

        void Collect(IEnumerable<Incident> incidents)
        {
            foreach (var incident in incidents)
            {
                found[incident.Id] = incident;
            }
        }
    }

    private static AccessLogFormat? Feed(DiagnosisEngine engine, List<string> access, List<string> errors, AccessLogFormat? format)
    {
        var feed = new LogFeed(engine, advance: false);
        feed.Run(access.Count == 0 ? [] : [EngineTestKit.Input("a", access)], errors.Count == 0 ? [] : [EngineTestKit.Input("e", errors)], format, CancellationToken.None);
        return format ?? feed.Format;
    }

    private static IEnumerable<List<string>> Split(List<string> lines, Random random)
    {
        for (var i = 0; i < lines.Count;)
        {
            var size = random.Next(1, Math.Max(2, lines.Count / 4));
            yield return lines.GetRange(i, Math.Min(size, lines.Count - i));
            i += size;
        }
    }

    private static List<string> Summaries(IEnumerable<Incident> incidents) =>
    [
        .. incidents
            .Select(i => $"{i.Id} {i.Upstream} {i.Host} {i.Cause} {i.Status} {i.FailedRequests}/{i.FailedTriesRecovered} {i.Start:O}..{i.End:O} "
                + string.Join(",", i.Evidence.Select(e => $"{e.Signature}={e.Count}")))
            .Order(StringComparer.Ordinal),
    ];

    private static List<string> ReadLines(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        using Stream stream = File.Exists(path) ? File.OpenRead(path) : new GZipStream(File.OpenRead(path + ".gz"), CompressionMode.Decompress);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static AccessLogFormat? Format(string directory, string? formatId)
    {
        string? spec = formatId switch
        {
            null => null,
            "handwritten" => File.ReadAllText(Path.Combine(directory, "log_format.txt")),
            _ => JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "nginx", "formats.json")))
                .RootElement.GetProperty("formats").GetProperty(formatId).GetProperty("declaration").GetString(),
        };
        return spec is null ? null : Format(spec);
    }

    private static AccessLogFormat Format(string spec)
    {
        Assert.True(AccessLogFormat.TryCompile(spec, out var format, out var error), error);
        return format;
    }
}
