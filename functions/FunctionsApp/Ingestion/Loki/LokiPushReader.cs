using System.Buffers;
using System.Text.Json;
using FunctionsApp.Ingestion.Internal;
using FunctionsApp.Ingestion.Loki.Proto;
using Google.Protobuf;
using Snappier;

namespace FunctionsApp.Ingestion.Loki;

/// <summary>
/// Reads a Loki push (<see href="https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs"/>): the
/// protobuf <c>PushRequest</c> compressed with snappy's block format (Grafana Alloy, Promtail, most clients), or the
/// JSON form (Fluent Bit's <c>loki</c> output). Each entry's line is a line; the stream's labels say which file
/// (<c>filename</c>, as Alloy's and Promtail's file sources set it) and which instance (<c>host</c>, else <c>instance</c>).
/// </summary>
internal sealed class LokiPushReader(long maxDecodedBytes)
{
    /// <summary>
    /// Snappy's block format cannot be decoded in pieces, so the compressed body is read whole (the transport limit
    /// bounds it) and its declared length checked against the decoded-size limit before anything is allocated for it.
    /// Streams are then parsed one at a time.
    /// </summary>
    public async Task ReadProtobufAsync(Stream body, PartitionedSink sink, CancellationToken cancellationToken)
    {
        using var compressed = new MemoryStream();
        await body.CopyToAsync(compressed, cancellationToken);
        var input = compressed.GetBuffer().AsMemory(0, (int)compressed.Length);
        int length;
        try
        {
            length = Snappy.GetUncompressedLength(input.Span);
        }
        catch (InvalidDataException)
        {
            throw new InvalidDataException("Not a snappy block.");
        }

        if (length < 0)
        {
            throw new InvalidDataException("Not a snappy block.");
        }

        if (length > maxDecodedBytes)
        {
            throw new PayloadTooLargeException(maxDecodedBytes);
        }

        var decoded = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var written = Snappy.Decompress(input.Span, decoded);
            var reader = new CodedInputStream(decoded, 0, written);
            uint tag;
            while ((tag = reader.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == PushRequest.StreamsFieldNumber
                    && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    var stream = new StreamAdapter();
                    reader.ReadMessage(stream);
                    var labels = LokiLabels.Parse(stream.Labels);
                    foreach (var entry in stream.Entries)
                    {
                        sink.WriteRecord(entry.Line, labels.Hint, labels.Instance);
                    }
                }
                else
                {
                    reader.SkipLastField();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    /// <summary>The JSON push: <c>{"streams":[{"stream":{labels},"values":[["&lt;ns&gt;","&lt;line&gt;", {metadata}?]]}]}</c>.</summary>
    public static async Task ReadJsonAsync(Stream body, PartitionedSink sink, CancellationToken cancellationToken)
    {
        LokiJsonPush? push;
        try
        {
            push = await JsonSerializer.DeserializeAsync(body, LokiJsonContext.Default.LokiJsonPush, cancellationToken);
        }
        catch (JsonException)
        {
            throw new MalformedBodyException("The body is not a Loki JSON push (invalid or truncated JSON).");
        }

        foreach (var stream in push?.Streams ?? [])
        {
            var labels = LokiLabels.From(stream.Stream);
            foreach (var value in stream.Values ?? [])
            {
                if (value.Count < 2 || value[1].ValueKind != JsonValueKind.String)
                {
                    throw new MalformedBodyException("A Loki value is not [\"<timestamp>\", \"<line>\"].");
                }

                sink.WriteRecord(value[1].GetString(), labels.Hint, labels.Instance);
            }
        }
    }
}
