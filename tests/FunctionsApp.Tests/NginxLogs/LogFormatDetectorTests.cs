using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Tests.NginxLogs;

public sealed class LogFormatDetectorTests
{
    private static byte[][] Lines(params string[] lines) => [.. lines.Select(Encoding.UTF8.GetBytes)];

    [Fact]
    public void Detect_CombinedLines_PicksCombined()
    {
        var format = LogFormatDetector.Detect(Lines(
            "10.0.0.1 - - [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8.0\""));
        Assert.Equal("combined", format?.Name);
    }

    [Fact]
    public void Detect_MainLines_PicksMainOverCombined()
    {
        var format = LogFormatDetector.Detect(Lines(
            "10.0.0.1 - - [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8.0\" \"203.0.113.1\""));
        Assert.Equal("main", format?.Name);
    }

    [Fact]
    public void Detect_IngressNginxLines_PicksIngressNginx()
    {
        var format = LogFormatDetector.Detect(Lines(
            "10.0.0.1 - - [24/Nov/2026:10:00:01 +0000] \"GET /api HTTP/1.1\" 502 150 \"-\" \"curl/8.0\" 78 0.002 [default-api-80] [] 10.244.0.7:8080, 10.244.0.8:8080 0, 150 0.001, 0.001 502, 502 5f2c"));
        Assert.Equal("ingress-nginx", format?.Name);
    }

    [Fact]
    public void Detect_JsonLines_PicksJson()
    {
        var format = LogFormatDetector.Detect(Lines("{\"time_iso8601\":\"2026-11-24T10:00:01+00:00\",\"status\":200}"));
        Assert.Equal("json", format?.Name);
    }

    [Fact]
    public void Detect_Garbage_ReturnsNull() =>
        Assert.Null(LogFormatDetector.Detect(Lines("hello", "world", "")));
}
