using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class LineEnvelopeTests
{
    private static byte[][] Lines(params string[] lines) => [.. lines.Select(Encoding.UTF8.GetBytes)];

    [Fact]
    public void TryUnwrap_DockerJsonFile_UnescapesTheLineDropsTheNewlineAndKeepsTheTime()
    {
        var line = """{"log":"2026/11/24 05:22:04 [error] 31#31: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: \"GET /a\\b?x=\u00e9 HTTP/1.1\", upstream: \"http://10.0.0.2:80/a\", host: \"x\"\n","stream":"stderr","time":"2026-11-24T05:22:04.434123456Z"}""";
        var envelope = LineEnvelope.Detect(Lines(line));

        Assert.NotNull(envelope);
        Assert.Equal("json:log", envelope.Name);
        Assert.True(envelope.TryUnwrap(Encoding.UTF8.GetBytes(line), out var inner, out var time));
        var text = Encoding.UTF8.GetString(inner);
        Assert.StartsWith("2026/11/24 05:22:04 [error] 31#31: *7 connect() failed", text, StringComparison.Ordinal);
        Assert.Contains("request: \"GET /a\\b?x=é HTTP/1.1\"", text, StringComparison.Ordinal);
        Assert.EndsWith("host: \"x\"", text, StringComparison.Ordinal);
        Assert.NotNull(time);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 5, 22, 4, 434, TimeSpan.Zero), time.Value, TimeSpan.FromMilliseconds(1));
        Assert.True(ErrorLogParser.TryParse(inner, out _));
    }

    [Theory]
    [InlineData("nginx.error: [1795584124.434123456, {\"log\":\"LINE\"}]", "fluent-bit+json:log", "Fluent Bit's file output (out_file)")]
    [InlineData("2026-11-25T05:22:04.434+00:00\tnginx.error\t{\"message\":\"LINE\",\"path\":\"/var/log/nginx/error.log\"}", "fluentd+json:message", "Fluentd's file output (out_file)")]
    [InlineData("{\"textPayload\":\"LINE\",\"timestamp\":\"2026-11-25T05:22:04.434Z\",\"severity\":\"ERROR\"}", "json:textPayload", "Google Cloud Logging's export")]
    [InlineData("{\"time\":1795584124.434,\"host\":\"vm\",\"sourcetype\":\"nginx\",\"event\":\"LINE\"}", "json:event", "Splunk's HTTP Event Collector")]
    [InlineData("{\"version\":\"1.1\",\"host\":\"vm\",\"short_message\":\"LINE\",\"timestamp\":1795584124.434,\"level\":3}", "json:short_message", "Graylog's GELF")]
    [InlineData("{\"labels\":{\"job\":\"nginx\"},\"line\":\"LINE\",\"timestamp\":\"2026-11-25T05:22:04.434+00:00\"}", "json:line", "logcli --output jsonl")]
    [InlineData("{\"log\":{\"file\":\"/var/log/nginx/error.log\",\"message\":\"LINE\"},\"timestamp\":\"2026-11-25T05:22:04.434Z\"}", "json:log.message", "a Vector remap that nested the line")]
    [InlineData("{\"@timestamp\":\"2026-11-25T05:22:04.434Z\",\"event\":{\"dataset\":\"nginx.error\",\"original\":\"LINE\"},\"log\":{\"level\":\"error\"}}", "json:event.original", "an ECS document that kept the raw line")]
    [InlineData("{\"jsonPayload\":{\"message\":\"LINE\",\"pid\":\"31\"},\"severity\":\"ERROR\",\"timestamp\":\"2026-11-25T05:22:04.434Z\"}", "json:jsonPayload.message", "Cloud Logging's export of a parsed entry")]
    [InlineData("{\"body\":\"LINE\",\"attributes\":{\"log.file.name\":\"error.log\"},\"timestamp\":\"2026-11-25T05:22:04.434Z\"}", "json:body", "an OpenTelemetry log record a pipeline flattened")]
    [InlineData("{\"timestamp\":\"2026-11-25T05:22:04.434Z\",\"body\":{\"stringValue\":\"LINE\"},\"severityText\":\"ERROR\"}", "json:body.stringValue", "an OTLP/JSON log record, one a line")]
    [InlineData("{\"_time\":\"x\",\"timestamp\":\"2026-11-25T05:22:04.434Z\",\"_raw\":\"LINE\",\"sourcetype\":\"nginx:plus:error\"}", "json:_raw", "Splunk's JSON export")]
    [InlineData("{\"TimeGenerated\":\"2026-11-25T05:22:04.434Z\",\"ContainerAppName_s\":\"web\",\"Stream_s\":\"stderr\",\"Log_s\":\"LINE\",\"Type\":\"ContainerAppConsoleLogs_CL\"}", "json:Log_s", "Azure Container Apps' console logs exported from Log Analytics")]
    [InlineData("{\"TimeGenerated\":\"2026-11-25T05:22:04.434Z\",\"Computer\":\"aks-nodepool1-1\",\"LogMessage\":\"LINE\",\"LogSource\":\"stderr\",\"Type\":\"ContainerLogV2\"}", "json:LogMessage", "AKS's ContainerLogV2 exported from Log Analytics")]
    [InlineData("2026-11-25 05:22:04.434123456 +0000 kubernetes.var.log.containers.nginx: {\"log\":\"LINE\",\"stream\":\"stderr\"}", "fluentd+json:log", "Fluentd's stdout output")]
    [InlineData("{\"TimeGenerated\":\"x\",\"RawData\":\"LINE\",\"timestamp\":\"2026-11-25T05:22:04.434Z\"}", "json:RawData", "an Azure Monitor custom-log export")]
    public void TryUnwrap_ShippersFileOutputs_ReadTheRecordAndTheirTime(string wrapped, string name, string source)
    {
        const string Error = "2026/11/25 05:22:04 [error] 31#31: *7 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: _, request: \"GET /a HTTP/1.1\", upstream: \"http://10.0.0.2:80/a\", host: \"x\"";
        var line = wrapped.Replace("LINE", Error.Replace("\"", "\\\"", StringComparison.Ordinal), StringComparison.Ordinal);

        var envelope = LineEnvelope.Detect(Lines(line, line));

        Assert.True(name == envelope?.Name, $"{source}: found {envelope?.Name ?? "none"}");
        Assert.NotNull(envelope);
        Assert.True(envelope.TryUnwrap(Encoding.UTF8.GetBytes(line), out var inner, out var time));
        Assert.Equal(Error, Encoding.UTF8.GetString(inner));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 5, 22, 4, 434, TimeSpan.Zero), time!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Theory]
    [InlineData("""{"time":"2026-11-24T05:22:04+00:00","status":"502","message":"GET / HTTP/1.1","upstream":"10.0.0.2:80"}""")]
    [InlineData("""{"@timestamp":"2026-11-24T05:22:04+00:00","http":{"status":502},"status":502,"log":"x"}""")]
    // A log_format written as GELF (Graylog's shape) whose status key is another name: it has a short_message too.
    [InlineData("""{"version":"1.1","host":"vm","short_message":"GET / HTTP/1.1","timestamp":1796180008.349,"request_status":502,"upstream_addr":"127.0.0.1:21999"}""")]
    [InlineData("""{"msg":"GET / HTTP/1.1","time":"2026-11-24T05:22:04+00:00","http_status_code":"504"}""")]
    public void Detect_NginxJsonAccessLines_AreNotAnEnvelope(string line) =>
        Assert.Null(LineEnvelope.Detect(Lines(line, line)));

    [Fact]
    public void Detect_FewerThanHalfWrapped_IsNone() =>
        Assert.Null(LineEnvelope.Detect(Lines("""{"log":"a b c"}""", "10.0.0.1 - - [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", "plain line two")));

    [Fact]
    public void TryUnwrap_LineCutShortOrNotAnObject_IsReadAsItIs()
    {
        var envelope = LineEnvelope.Detect(Lines("""{"log":"a"}"""))!;

        Assert.False(envelope.TryUnwrap("""{"log":"2026/11/24 05:22:04 [error] cut"""u8, out _, out _));
        Assert.False(envelope.TryUnwrap("2026/11/24 05:22:04 [error] 1#1: bare"u8, out _, out _));
        Assert.False(envelope.TryUnwrap("""{"stream":"stderr"}"""u8, out _, out _));
    }

    [Theory]
    [InlineData("""{"id":"AQAAAX","content":{"timestamp":"2026-11-25T05:22:04.000Z","tags":["source:nginx"],"host":"lb-2","service":"nginx","message":"LINE","attributes":{"http":{"method":"GET"}}}}""", "json:content.message")]
    [InlineData("""{"id":"AQAAAX","type":"log","attributes":{"service":"nginx","host":"lb-2","message":"LINE","timestamp":"2026-11-25T05:22:04.000Z"}}""", "json:attributes.message")]
    // Pasted from a log viewer up to the line: the record stops before its braces close.
    [InlineData("""{"id":"AQAAAX","content":{"timestamp":"2026-11-25T05:22:04.000Z","tags":["source:nginx"],"host":"lb-2","message":"LINE","attributes":{""", "json:content.message")]
    [InlineData("""{"log":"LINE\n","stream":"stderr","ti""", "json:log")]
    public void TryUnwrap_DatadogEventsAndRecordsCutAfterTheirLine_GiveTheLine(string wrapped, string name)
    {
        const string Error = "2026/11/25 05:22:04 [error] 31#31: *7 upstream sent too big header while reading response header from upstream, client: 10.0.0.1, server: _, request: \"GET /a HTTP/1.1\", upstream: \"http://10.0.0.2:80/a\", host: \"x\"";
        var line = wrapped.Replace("LINE", Error.Replace("\"", "\\\"", StringComparison.Ordinal), StringComparison.Ordinal);

        var envelope = LineEnvelope.Detect(Lines(line));

        Assert.Equal(name, envelope?.Name);
        Assert.True(envelope!.TryUnwrap(Encoding.UTF8.GetBytes(line), out var inner, out _));
        Assert.Equal(Error, Encoding.UTF8.GetString(inner));
    }
}
