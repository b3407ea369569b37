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

    private readonly AccessLogFormat _jsonNested = Samples.Compile(Samples.JsonNestedFormat);
    private readonly AccessLogFormat _inferred = LogFormatDetector.Detect([Samples.Upstream])!;
    private readonly LinePrefix _prefix = LinePrefix.Find(Samples.Prefixed);

    [Benchmark]
    public int AccessLog_JsonNested() => _jsonNested.TryParse(Samples.JsonNested, out var entry) ? entry.Status : -1;

    /// <summary>The upstream line read with the format detection inferred from it (it compiles like a given one).</summary>
    [Benchmark]
    public int AccessLog_Inferred() => _inferred.TryParse(Samples.Upstream, out var entry) ? entry.Status : -1;

    /// <summary>Removing a <c>docker compose logs -t</c> prefix, then parsing.</summary>
    [Benchmark]
    public int AccessLog_PrefixStripped()
    {
        var line = Samples.Prefixed.AsSpan();
        line = line[_prefix.Strip(line, out _)..];
        return Samples.UpstreamFormat.TryParse(line, out var entry) ? entry.Status : -1;
    }

    [Benchmark]
    public long ErrorLog() => ErrorLogParser.TryParse(Samples.ErrorLine, out var entry) ? entry.ConnectionId : -1;
}
