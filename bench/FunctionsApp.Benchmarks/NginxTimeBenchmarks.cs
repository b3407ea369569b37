using BenchmarkDotNet.Attributes;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Benchmarks;

[MemoryDiagnoser]
public class NginxTimeBenchmarks
{
    private static readonly byte[] TimeLocal = "24/Nov/2026:10:00:01 +0100"u8.ToArray();
    private static readonly byte[] Iso8601 = "2026-11-24T10:00:01+01:00"u8.ToArray();
    private static readonly byte[] Msec = "1764000001.123"u8.ToArray();
    private static readonly byte[] ErrorLogTime = "2026/11/24 10:00:01"u8.ToArray();

    [Benchmark]
    public long ParseTimeLocal() => NginxTime.TryParseTimeLocal(TimeLocal, out var t) ? t.UtcTicks : 0;

    [Benchmark]
    public long ParseTimeIso8601() => NginxTime.TryParseIso8601(Iso8601, out var t) ? t.UtcTicks : 0;

    [Benchmark]
    public long ParseMsec() => NginxTime.TryParseMsec(Msec, out var t) ? t.UtcTicks : 0;

    [Benchmark]
    public long ParseErrorLogTime() => NginxTime.TryParseErrorLogTime(ErrorLogTime, TimeSpan.FromHours(1), out var t) ? t.UtcTicks : 0;
}
