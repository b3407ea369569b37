using System.Text;
using System.Text.Json;
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

    // Sixty formats in CI; SYNTHETIC_FORMAT_SEEDS=first:count explores more (every seed must pass).
    public static TheoryData<int> Seeds()
    {
        var range = (Environment.GetEnvironmentVariable("SYNTHETIC_FORMAT_SEEDS") ?? "1:60").Split(':');
        return [.. Enumerable.Range(int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture))];
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Detect_RandomFormatOfEveryFamily_ReadsStatusTimeHostAndUpstreamLikeTheGivenFormat(int seed)
    {
        var logs = new SyntheticAccessLogs(seed);
        var lines = logs.Lines(300).Select(Encoding.UTF8.GetBytes).ToList();
        Assert.True(AccessLogFormat.TryCompile(logs.Directive, out var truth, out var error), error);

        var detected = LogFormatDetector.Detect(lines.Take(LogFormatDetector.SampleLines).ToList());

        Assert.True(detected is not null, $"{logs.Family}: nothing detected for {logs.Directive}");
        var wrong = lines.Where(line => !SameReading(truth, detected, line)).Select(Encoding.UTF8.GetString).ToList();
        Assert.True(wrong.Count * 20 <= lines.Count,
            $"{logs.Family}: {wrong.Count} of {lines.Count} lines read differently.\nformat:   {logs.Directive}\ndetected: {detected.Definition}\ne.g. {wrong.FirstOrDefault()}");
    }

    [Fact]
    public void Detect_CapturedFixtures_ReadEveryLineLikeTheirFormat()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "formats.json")));
        foreach (var dir in new[] { "mixed-custom", "mixed-json", "mixed-combined" })
        {
            var id = manifest.RootElement.GetProperty("fixtures").EnumerateArray().Single(f => f.GetProperty("dir").GetString() == dir).GetProperty("format").GetString()!;
            var declaration = manifest.RootElement.GetProperty("formats").GetProperty(id).GetProperty("declaration").GetString()!;
            Assert.True(AccessLogFormat.TryCompile(declaration.Length == 0 ? "combined" : declaration, out var truth, out _));
            var lines = File.ReadAllLines(Path.Combine(root, dir, "access.log")).Select(Encoding.UTF8.GetBytes).ToList();

            var detected = LogFormatDetector.Detect(lines.Take(LogFormatDetector.SampleLines).ToList());

            Assert.NotNull(detected);
            Assert.All(lines, line => Assert.True(SameReading(truth, detected, line), $"{dir}: {detected.Definition}\n{Encoding.UTF8.GetString(line)}"));
        }
    }

    [Fact]
    public void Detect_LabCustomFormat_InfersItsTemplate()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx", "mixed-custom");
        var lines = File.ReadAllLines(Path.Combine(root, "access.log")).Select(Encoding.UTF8.GetBytes).ToList();

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.Equal("inferred", detected.Name);
        Assert.Equal(
            "$time_iso8601 $host $status \"$request\" rt=$request_time ua=\"$upstream_addr\" us=\"$upstream_status\" uct=\"$upstream_connect_time\" urt=\"$upstream_response_time\" cid=$connection rid=$request_id $remote_addr",
            detected.Definition);
    }

    [Fact]
    public void Detect_CombinedWithUpstreamFieldsAppended_PrefersTheRicherInferredFormat()
    {
        // bench/'s "upstream" format: combined parses these lines too, but without host and upstream fields.
        var lines = Lines(
            "203.0.113.7 - - [24/Nov/2026:10:00:01 +0100] \"GET /a HTTP/1.1\" 200 5120 \"-\" \"curl/8.5.0\" \"api.example.com\" 0.046 10.0.1.11:8080, 10.0.1.12:8080 502, 200 -, 0.001 -, 0.045 0.001, 0.046",
            "203.0.113.8 - - [24/Nov/2026:10:00:02 +0100] \"GET /b HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\" \"api.example.com\" 0.001 10.0.1.11:8080 502 - - 0.000",
            "203.0.113.9 - - [24/Nov/2026:10:00:03 +0100] \"GET /c HTTP/1.1\" 200 12 \"-\" \"curl/8.5.0\" \"static.example.com\" 0.000 - - - - -",
            "203.0.113.7 - - [24/Nov/2026:10:00:04 +0100] \"GET /d HTTP/1.1\" 200 900 \"https://x.test/\" \"Mozilla/5.0 (X11)\" \"api.example.com\" 0.020 10.0.1.12:8080 200 0.001 0.019 0.020");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.Equal("inferred", detected.Name);
        Assert.True(detected.TryParse(lines[0], out var entry));
        Assert.Equal("10.0.1.11:8080, 10.0.1.12:8080", entry.Text(AccessField.UpstreamAddr));
        Assert.Equal("502, 200", entry.Text(AccessField.UpstreamStatus));
        Assert.Equal("api.example.com", entry.HostName);
        Assert.Equal(0.046, entry.RequestTime);
        Assert.Equal("0.001, 0.046", entry.Text(AccessField.UpstreamResponseTime));
    }

    [Fact]
    public void Detect_RandomBytesAndMixedGarbage_NeverThrows()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var sample = Enumerable.Range(0, random.Next(1, 30)).Select(_ =>
            {
                var bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
                return random.Next(3) == 0 ? Encoding.UTF8.GetBytes("{\"status\":" + random.Next(1000) + ",\"a\":[{\"b\":\"" + Encoding.Latin1.GetString(bytes)) : bytes;
            }).ToList();

            var format = LogFormatDetector.DetectWithPrefix(sample).Format;
            foreach (var line in sample)
            {
                format?.TryParse(line, out _);
            }
        }
    }

    private static bool SameReading(AccessLogFormat truth, AccessLogFormat detected, byte[] line)
    {
        if (!truth.TryParse(line, out var expected) || !expected.TryGetTime(out var time))
        {
            return true;
        }

        return detected.TryParse(line, out var actual) && actual.Status == expected.Status
            && actual.TryGetTime(out var detectedTime) && detectedTime == time
            && actual.HostName == expected.HostName
            && (!truth.Has(AccessField.UpstreamAddr) || actual.Text(AccessField.UpstreamAddr) == expected.Text(AccessField.UpstreamAddr));
    }
}
