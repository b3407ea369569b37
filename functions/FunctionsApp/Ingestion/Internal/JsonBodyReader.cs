using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FunctionsApp.Ingestion.Internal;

/// <summary>
/// Streams the JSON shapes shippers send, one record at a time: NDJSON and concatenated objects (Fluent Bit
/// <c>json_lines</c>/<c>json_stream</c>), an array of records (Fluent Bit and Vector <c>json</c>, Logstash
/// <c>json_batch</c>), arrays of strings, and the Loki push form <c>{"streams":[{"stream":{...},"values":[["ns","line"]]}]}</c>.
/// A record's line is its first string under the configured keys in priority order; a record without one is kept
/// whole (compact, one line). Only one record is ever held in memory (a Loki push is one record).
/// </summary>
internal sealed class JsonBodyReader : IDisposable
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowMultipleValues = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    private readonly ILineWriter _sink;
    private readonly byte[][] _lineKeys;
    private JsonReaderState _state = new(ReaderOptions);
    private bool _inArray;
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);

    public JsonBodyReader(ILineWriter sink, IReadOnlyList<string> lineKeys)
    {
        _sink = sink;
        _lineKeys = lineKeys.Select(Encoding.UTF8.GetBytes).ToArray();
    }

    public async Task ReadAsync(ByteBuffer buffer, Stream body, CancellationToken cancellationToken)
    {
        while (true)
        {
            buffer.Consume(ReadRecords(buffer.Data, buffer.IsEndOfStream));
            if (buffer.IsEndOfStream)
            {
                if (_inArray || buffer.Data.TrimStart(" \t\r\n"u8).Length > 0)
                {
                    throw new JsonException("The JSON body ends in the middle of a value.");
                }

                return;
            }

            await buffer.FillAsync(body, cancellationToken);
        }
    }

    public void Dispose()
    {
        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }

    private int ReadRecords(ReadOnlySpan<byte> data, bool final)
    {
        var reader = new Utf8JsonReader(data, final, _state);
        while (true)
        {
            // A copy to rewind to when a record is not complete in this window yet.
            var beforeToken = reader;
            if (!reader.Read())
            {
                break;
            }

            var recordDepth = _inArray ? 1 : 0;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray when reader.CurrentDepth == 0:
                    _inArray = true;
                    break;
                case JsonTokenType.EndArray when reader.CurrentDepth == 0:
                    _inArray = false;
                    break;
                case JsonTokenType.StartObject when reader.CurrentDepth == recordDepth:
                    var start = (int)reader.TokenStartIndex;
                    var read = TryWriteRecord(ref reader, data, start, topLevel: recordDepth == 0);
                    if (read == RecordRead.LokiPush)
                    {
                        // Rare and whole-body: buffer the push, then walk its streams.
                        reader = beforeToken;
                        reader.Read();
                        read = reader.TrySkip() ? RecordRead.Written : RecordRead.NeedMoreData;
                        if (read == RecordRead.Written)
                        {
                            WriteRecord(data[start..(int)reader.BytesConsumed], topLevel: true);
                        }
                    }

                    if (read == RecordRead.NeedMoreData)
                    {
                        reader = beforeToken;
                        _state = reader.CurrentState;
                        return (int)reader.BytesConsumed;
                    }

                    break;
                case JsonTokenType.String when reader.CurrentDepth == recordDepth:
                    _sink.WriteFromJson(CopyString(ref reader));
                    break;
                default:
                    throw new UnsupportedBodyException(
                        $"A JSON {reader.TokenType} where a record (object) or a line (string) was expected.");
            }
        }

        _state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    /// <summary>
    /// One pass over a record (the reader is on its StartObject): keeps the best line-key string, writes the line at
    /// the record's end. Nothing is written unless the whole record is in this window.
    /// </summary>
    private RecordRead TryWriteRecord(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, int start, bool topLevel)
    {
        var depth = reader.CurrentDepth;
        var bestRank = int.MaxValue;
        var lineLength = -1;
        while (true)
        {
            if (!reader.Read())
            {
                return RecordRead.NeedMoreData;
            }

            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                break;
            }

            if (topLevel && reader.ValueTextEquals("streams"u8))
            {
                return RecordRead.LokiPush;
            }

            var rank = RankOf(ref reader);
            if (!reader.Read())
            {
                return RecordRead.NeedMoreData;
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                if (rank < bestRank)
                {
                    lineLength = CopyString(ref reader).Length;
                    bestRank = rank;
                }
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
            {
                return RecordRead.NeedMoreData;
            }
        }

        if (lineLength >= 0)
        {
            _sink.WriteFromJson(_scratch.AsSpan(0, lineLength));
            return RecordRead.Written;
        }

        // No line key: the record itself is the line (nginx `escape=json` formats shipped as-is).
        var record = data[start..(int)reader.BytesConsumed];
        EnsureScratch(record.Length);
        record.CopyTo(_scratch);
        _sink.WriteFromJson(_scratch.AsSpan(0, record.Length));
        return RecordRead.Written;
    }

    private void WriteRecord(ReadOnlySpan<byte> record, bool topLevel)
    {
        var reader = new Utf8JsonReader(record, ReaderOptions);
        reader.Read();
        var bestRank = int.MaxValue;
        var lineLength = -1;
        var isLokiPush = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (topLevel && reader.ValueTextEquals("streams"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    WriteLokiStreams(ref reader);
                    isLokiPush = true;
                    continue;
                }

                reader.Skip();
                continue;
            }

            var rank = RankOf(ref reader);
            reader.Read();
            if (rank < bestRank && reader.TokenType == JsonTokenType.String)
            {
                lineLength = CopyString(ref reader).Length;
                bestRank = rank;
            }
            else
            {
                reader.Skip();
            }
        }

        if (isLokiPush)
        {
            return;
        }

        if (lineLength >= 0)
        {
            _sink.WriteFromJson(_scratch.AsSpan(0, lineLength));
            return;
        }

        // No line key: the record itself is the line (nginx `escape=json` formats shipped as-is).
        EnsureScratch(record.Length);
        record.CopyTo(_scratch);
        _sink.WriteFromJson(_scratch.AsSpan(0, record.Length));
    }

    // reader is on the StartArray of "streams"; leaves it on the matching EndArray.
    private void WriteLokiStreams(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isValues = reader.ValueTextEquals("values"u8);
                reader.Read();
                if (!isValues || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                // [["<unix ns>", "<line>", {structured metadata}?], ...]
                while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                {
                    reader.Read();
                    reader.Skip();
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new UnsupportedBodyException("A Loki value is not [\"<timestamp>\", \"<line>\"].");
                    }

                    _sink.WriteFromJson(CopyString(ref reader));
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        reader.Skip();
                    }
                }
            }
        }
    }

    private int RankOf(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _lineKeys.Length; i++)
        {
            if (reader.ValueTextEquals(_lineKeys[i]))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private Span<byte> CopyString(ref Utf8JsonReader reader)
    {
        EnsureScratch(reader.ValueSpan.Length);
        var length = reader.CopyString(_scratch);
        return _scratch.AsSpan(0, length);
    }

    private void EnsureScratch(int length)
    {
        if (_scratch.Length < length)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent(length);
        }
    }

    private enum RecordRead
    {
        Written,
        NeedMoreData,
        LokiPush,
    }
}
