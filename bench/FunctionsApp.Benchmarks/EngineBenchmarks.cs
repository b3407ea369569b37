using BenchmarkDotNet.Attributes;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;
using LogGenerator;

namespace FunctionsApp.Benchmarks;

/// <summary>
/// The engine: one successful access line into <see cref="DiagnosisEngine.AddAccess(in AccessLogEntry, AccessLogFormat, DateTimeOffset)"/>
/// (the hot path, expected 0 B), and a whole generated log through <see cref="LogFeed"/> from memory
/// (per operation = the whole log; divide by <see cref="Lines"/> for per-line figures).
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private static readonly byte[] Served = System.Text.Encoding.UTF8.GetBytes(
        "203.0.113.7 - - [24/Nov/2026:10:00:01 +0100] \"GET /api/v1/users/42 HTTP/1.1\" 200 5120 \"-\" \"curl/8.5.0\" "
        + "\"api.example.com\" 0.046 10.0.1.11:8080 200 0.001 0.045 0.046");

    private DiagnosisEngine _engine = null!;
    private DateTimeOffset _time;
    private byte[] _access = [];
    private byte[] _errors = [];

    [Params("upstream", "json")]
    public string Format { get; set; } = "upstream";

    public static int Lines => 200_000;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new DiagnosisEngine(new DiagnosisOptions());
        Samples.UpstreamFormat.TryParse(Served, out var entry);
        entry.TryGetTime(out _time);
        _engine.AddAccess(in entry, Samples.UpstreamFormat, _time); // creates the upstream's history entry
        (_access, _errors) = Samples.Generate(Lines, Format == "json" ? GeneratedFormat.Json : GeneratedFormat.Upstream);
    }

    [Benchmark]
    public bool AddAccess_Served()
    {
        Samples.UpstreamFormat.TryParse(Served, out var entry);
        return _engine.AddAccess(in entry, Samples.UpstreamFormat, _time);
    }

    [Benchmark]
    public int LogFeed_AccessOnly() => Feed(withErrors: false);

    [Benchmark]
    public int LogFeed_AccessAndErrors() => Feed(withErrors: true);

    private int Feed(bool withErrors)
    {
        var engine = new DiagnosisEngine(new DiagnosisOptions());
        var feed = new LogFeed(engine);
        LogInput[] errors = withErrors ? [new LogInput("error", () => new MemoryStream(_errors, writable: false))] : [];
        var format = Format == "json" ? AccessLogFormat.CreateJson() : Samples.UpstreamFormat;
        feed.Run([new LogInput("access", () => new MemoryStream(_access, writable: false))], errors, format, CancellationToken.None);
        return engine.Complete().Count;
    }
}
