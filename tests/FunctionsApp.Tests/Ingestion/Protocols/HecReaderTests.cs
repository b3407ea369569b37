using System.Text;
using FunctionsApp.Ingestion;
using FunctionsApp.Ingestion.Splunk;

namespace FunctionsApp.Tests.Ingestion.Protocols;

/// <summary>Splunk HEC event and raw bodies.</summary>
public sealed class HecReaderTests
{
    [Fact]
    public async Task ReadEvents_ConcatenatedEvents_LineLogAndSite()
    {
        var body = string.Concat(
            """{"time":1764496800,"host":"web-1","source":"/var/log/nginx/error.log","sourcetype":"nginx","event":"e 1"}""",
            "\n",
            """{"host":"web-2","sourcetype":"nginx:access","event":{"message":"a 1","severity":"info"}}""",
            """  {"event":{"status":502},"fields":{"log.file.path":"/var/log/nginx/access.log"}}""",
            """{"host":"web-1","event":"2026/11/30 10:00:00 [warn] 1#1: *3 an upstream response is buffered"}""");
        var reader = new HecReader(Parts.LineKeys);

        var lines = await Parts.ReadAsync(Parts.AutoShared(), Encoding.UTF8.GetBytes(body), reader.ReadEventsAsync, readSize: 9);

        Assert.Equal(
            [
                new("fleet.web-1", LogKind.Error, "e 1"),
                new("fleet.web-1", LogKind.Error, "2026/11/30 10:00:00 [warn] 1#1: *3 an upstream response is buffered"),
                new("fleet.web-2", LogKind.Access, "a 1"),
                new("fleet", LogKind.Access, """{"status":502}"""),
            ],
            lines);
        Assert.Equal(4, reader.Events);
        Assert.Null(reader.InvalidEvent);
    }

    [Fact]
    public async Task ReadEvents_EventMissingOrBlank_OthersStoredFirstInvalidReported()
    {
        var body = """{"event":"a"}{"host":"x"}{"event":""}{"event":"b"}""";
        var reader = new HecReader(Parts.LineKeys);

        var lines = await Parts.ReadAsync(Parts.AutoShared(), Encoding.UTF8.GetBytes(body), reader.ReadEventsAsync);

        Assert.Equal(["a", "b"], lines.Select(l => l.Line));
        Assert.Equal(1, reader.InvalidEvent);
        Assert.True(reader.InvalidEventMissing);
    }

    [Theory]
    [InlineData("{\"event\":\"a\"}{\"event\":")]
    [InlineData("[\"a\"]")]
    public async Task ReadEvents_NotEvents_IsMalformed(string body)
    {
        var reader = new HecReader(Parts.LineKeys);

        await Assert.ThrowsAnyAsync<Exception>(() => Parts.ReadAsync(Parts.AutoShared(), Encoding.UTF8.GetBytes(body), reader.ReadEventsAsync));
    }

    [Fact]
    public async Task ReadRaw_QueryNamesHostAndSource_AppliesToEveryLine()
    {
        var lines = await Parts.ReadAsync(
            Parts.AutoShared(), "x 1\ny 2\r\n"u8.ToArray(),
            (body, sink, ct) => HecReader.ReadRawAsync(body, sink, "web-9", "/var/log/nginx/error.log", null, ct));

        Assert.Equal([new("fleet.web-9", LogKind.Error, "x 1"), new("fleet.web-9", LogKind.Error, "y 2")], lines);
    }
}
