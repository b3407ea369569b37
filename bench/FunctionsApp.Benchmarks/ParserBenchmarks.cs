using BenchmarkDotNet.Attributes;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Benchmarks;

/// <summary>One line per operation: ns/line and bytes allocated per line (expected: 0 B for the text formats).</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private readonly AccessLogFormat _json = AccessLogFormat.CreateJson();

    [GlobalSetup]
    public void Setup() => _json.TryParse(Samples.Json, out _); // learn the keys once, as a real run does on its first line

    [Benchmark]
    public int AccessLog_Combined() => AccessLogFormat.Combined.TryParse(Samples.Combined, out var entry) ? entry.Status : -1;

    [Benchmark]
    public int AccessLog_CustomUpstream() => Samples.UpstreamFormat.TryParse(Samples.Upstream, out var entry) ? entry.Status : -1;

    [Benchmark]
    public int AccessLog_Json() => _json.TryParse(Samples.Json, out var entry) ? entry.Status : -1;

    [Benchmark]
    public long ErrorLog() => ErrorLogParser.TryParse(Samples.ErrorLine, out var entry) ? entry.ConnectionId : -1;
}
