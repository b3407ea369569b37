using System.Text;
using FunctionsApp.Ingestion;
using FunctionsApp.Ingestion.Internal;
using FunctionsApp.Ingestion.Loki;
using FunctionsApp.Ingestion.Loki.Proto;
using Google.Protobuf;
using Snappier;

namespace FunctionsApp.Tests.Ingestion.Protocols;

/// <summary>Loki pushes: snappy-compressed protobuf and JSON, labels picking log and site.</summary>
public sealed class LokiPushReaderTests
{
    private const string ErrorLine = "2026/11/30 10:00:00 [error] 31#31: *7 upstream timed out (110: Connection timed out) while reading response header from upstream";

    [Fact]
    public async Task ReadProtobuf_SnappyPush_LinesByLabels()
    {
        var push = new PushRequest();
        push.Streams.Add(Stream("{host=\"web-1\", filename=\"/var/log/nginx/access.log\", job=\"nginx\"}", "a 1", "a 2"));
        push.Streams.Add(Stream("{filename=\"/var/log/nginx/error.log\",instance=\"web-2:9100\"}", "e continued"));
        push.Streams.Add(Stream("{job=\"nginx\"}", ErrorLine));
        var reader = new LokiPushReader(maxDecodedBytes: 1 << 20);

        var lines = await Parts.ReadAsync(Parts.AutoShared(), Snappy.CompressToArray(push.ToByteArray()), reader.ReadProtobufAsync, readSize: 3);

        Assert.Equal(
            [
                new("fleet.web-1", LogKind.Access, "a 1"),
                new("fleet.web-1", LogKind.Access, "a 2"),
                new("fleet.web-2_9100", LogKind.Error, "e continued"),
                new("fleet", LogKind.Error, ErrorLine),
            ],
            lines);
    }

    [Fact]
    public async Task ReadProtobuf_DeclaredLengthOverTheLimit_IsTooLargeBeforeDecoding()
    {
        var push = new PushRequest();
        push.Streams.Add(Stream("{}", new string('x', 5000)));
        var reader = new LokiPushReader(maxDecodedBytes: 1024);

        await Assert.ThrowsAsync<PayloadTooLargeException>(
            () => Parts.ReadAsync(Parts.AutoShared(), Snappy.CompressToArray(push.ToByteArray()), reader.ReadProtobufAsync));
    }

    [Fact]
    public async Task ReadProtobuf_NotSnappy_IsCorruptCompression()
    {
        var push = new PushRequest();
        push.Streams.Add(Stream("{}", "line"));
        var reader = new LokiPushReader(maxDecodedBytes: 1 << 20);

        await Assert.ThrowsAnyAsync<InvalidDataException>(
            () => Parts.ReadAsync(Parts.AutoShared(), [0x64, 0xfe, 0xff, 0xff, 0xff, 0x01], reader.ReadProtobufAsync));
    }

    [Fact]
    public async Task ReadJson_PushWithLabelsAndMetadata_LinesByLabels()
    {
        var json = """
            {"streams":[{"stream":{"host":"web-1","filename":"/var/log/nginx/error.log"},"values":[["1764496800000000000","e 1"],["1764496800000000001","e 2",{"trace_id":"x"}]]},
                        {"stream":{"job":"nginx"},"values":[["1","a 1"]]}]}
            """;

        var lines = await Parts.ReadAsync(Parts.AutoShared(), Encoding.UTF8.GetBytes(json), LokiPushReader.ReadJsonAsync);

        Assert.Equal([new("fleet.web-1", LogKind.Error, "e 1"), new("fleet.web-1", LogKind.Error, "e 2"), new("fleet", LogKind.Access, "a 1")], lines);
    }

    [Theory]
    [InlineData("{host=\"a\\\"b\"}", null, "a\"b")]
    [InlineData("{ filename=\"C:\\\\logs\\\\error.log\" , host=\"\" , instance=\"i-1\" }", "Error", "i-1")]
    [InlineData("not labels", null, null)]
    [InlineData("{host=\"unterminated}", null, null)]
    public void Parse_PrometheusLabelText(string text, string? hint, string? instance)
    {
        Assert.Equal(new LokiLabels(hint is null ? null : Enum.Parse<LogKind>(hint), instance), LokiLabels.Parse(text));
    }

    private static StreamAdapter Stream(string labels, params string[] lines)
    {
        var stream = new StreamAdapter { Labels = labels };
        var i = 0;
        foreach (var line in lines)
        {
            stream.Entries.Add(new EntryAdapter { Timestamp = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1764496800 + i++ }, Line = line });
        }

        return stream;
    }
}
