using System.IO.Compression;
using System.Text;
using FunctionsApp.Ingestion;
using FunctionsApp.Ingestion.Internal;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Tests.Ingestion.Protocols;

/// <summary>Runs a body reader into a <see cref="PartitionedSink"/> and returns the parts' lines, in memory.</summary>
internal static class Parts
{
    public static readonly string[] LineKeys = ["log", "message", "MESSAGE", "msg"];

    /// <summary>One stored line: the part's stored source, its kind, the line.</summary>
    public sealed record StoredLine(string Source, LogKind Kind, string Line);

    public static IngestSource AutoShared(string name = "fleet") => new(name, LogKind.Auto, "auto", "fleet-default", SiteFromAttributes: true);

    public static async Task<List<StoredLine>> ReadAsync(
        IngestSource source, byte[] body, Func<Stream, PartitionedSink, CancellationToken, Task> read, int readSize = 1 << 20)
    {
        var validator = new Utf8LogLineValidator(Options.Create(new IngestionOptions()));
        using var sink = new PartitionedSink(source, validator, memoryThreshold: 1 << 20);
        await read(new TrickleStream(body, readSize), sink, CancellationToken.None);
        var lines = new List<StoredLine>();
        foreach (var part in sink.Complete())
        {
            part.Content.Position = 0;
            using var gzip = new GZipStream(part.Content, CompressionMode.Decompress, leaveOpen: true);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            Assert.EndsWith("\n", text, StringComparison.Ordinal);
            lines.AddRange(text[..^1].Split('\n').Select(l => new StoredLine(part.StoredSource, part.Kind, l)));
        }

        return lines;
    }

    /// <summary>A stream that hands out at most <c>readSize</c> bytes per read, so records straddle reads.</summary>
    private sealed class TrickleStream(byte[] data, int readSize) : MemoryStream(data)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, readSize)]);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, readSize));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, readSize)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, readSize), cancellationToken);
    }
}
