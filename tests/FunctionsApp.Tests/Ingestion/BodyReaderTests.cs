using System.IO.Compression;
using System.Text;
using FunctionsApp.Ingestion;
using FunctionsApp.Ingestion.Internal;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Tests.Ingestion;

/// <summary>Body sniffing and parsing, in memory: what lines come out of each shape.</summary>
public sealed class BodyReaderTests
{
    private static readonly string[] LineKeys = ["log", "message", "MESSAGE", "msg"];

    [Theory]
    [InlineData("a\nb\n", new[] { "a", "b" })]
    [InlineData("a\r\nb", new[] { "a", "b" })]
    [InlineData("{\"log\":\"a\"}\n{\"log\":\"b\"}", new[] { "a", "b" })]
    [InlineData("{\"log\":\"a\"}{\"log\":\"b\"}", new[] { "a", "b" })]
    [InlineData("  [ {\"message\":\"a\"} , {\"message\":\"b\"} ]  ", new[] { "a", "b" })]
    [InlineData("[\"a\",\"b\"]", new[] { "a", "b" })]
    [InlineData("{\"streams\":[{\"stream\":{\"k\":\"v\"},\"values\":[[\"1\",\"a\"],[\"2\",\"b\",{\"m\":\"x\"}]]}]}", new[] { "a", "b" })]
    [InlineData("{\"msg\":\"low\",\"log\":\"a\"}", new[] { "a" })]
    [InlineData("{\"log\":1,\"n\":2}", new[] { "{\"log\":1,\"n\":2}" })]
    [InlineData("{\"log\":\"a\\nb\\r\\n\"}", new[] { "a b" })]
    [InlineData("[]", new string[0])]
    [InlineData("", new string[0])]
    public async Task ReadAsync_Shape_YieldsItsLines(string body, string[] expected)
    {
        Assert.Equal(expected, await ReadLinesAsync(Encoding.UTF8.GetBytes(body), readSize: 1 << 20));
        Assert.Equal(expected, await ReadLinesAsync(Encoding.UTF8.GetBytes(body), readSize: 3));
    }

    [Fact]
    public async Task ReadAsync_RecordsSplitAcrossTinyReads_AreReassembled()
    {
        var body = string.Concat(Enumerable.Range(0, 300).Select(i => $"{{\"log\":\"line {i} \\\"q\\\"\",\"pad\":\"{new string('x', i)}\"}}\n"));

        var lines = await ReadLinesAsync(Encoding.UTF8.GetBytes(body), readSize: 7);

        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"line {i} \"q\""), lines);
    }

    [Fact]
    public async Task ReadAsync_BinaryBody_IsUnsupported()
    {
        await Assert.ThrowsAsync<UnsupportedBodyException>(() => ReadLinesAsync([0x00, 0x01, 0x02], 1024));
    }

    [Fact]
    public async Task ReadAsync_TruncatedJson_IsAJsonException()
    {
        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(() => ReadLinesAsync("[{\"log\":\"a\"},"u8.ToArray(), 1024));
    }

    private static async Task<string[]> ReadLinesAsync(byte[] body, int readSize)
    {
        using var output = new MemoryStream();
        var validator = new Utf8LogLineValidator(Options.Create(new IngestionOptions()));
        using (var sink = new LineSink(output, validator, new LogLineContext("s", LogKind.Access, "auto")))
        {
            await BodyReader.ReadAsync(new ChunkedStream(body, readSize), sink, LineKeys, CancellationToken.None);
            sink.Complete();
        }

        output.Position = 0;
        using var gzip = new GZipStream(output, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        return text.Length == 0 ? [] : text[..^1].Split('\n');
    }

    /// <summary>Returns at most <c>readSize</c> bytes per read, like a slow network.</summary>
    private sealed class ChunkedStream(byte[] data, int readSize) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, readSize));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);
    }
}
