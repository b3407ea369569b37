using System.Text;
using System.Text.Json;
using FunctionsApp.Ingestion.Internal;

namespace FunctionsApp.Ingestion.Elasticsearch;

/// <summary>
/// Reads an Elasticsearch <c>_bulk</c> body (<see href="https://www.elastic.co/docs/api/doc/elasticsearch/operation/operation-bulk"/>):
/// NDJSON pairs of an action line (<c>{"index":{"_index":"…"}}</c>, <c>create</c>, <c>update</c>) and a document
/// line, or a lone <c>delete</c>. A document's line is its line key (<c>message</c> from Beats, Vector and Logstash,
/// <c>log</c> from Fluent Bit, <c>MESSAGE</c> from syslog-ng), else the whole document; its ECS <c>log.file.path</c>
/// and <c>host.name</c> (or the shippers' own names, <see cref="JsonRecordFields"/>) say which file and instance.
/// A document line that is not JSON is kept as a line. Streamed line by line; only the actions' names are held
/// for the answer.
/// </summary>
internal sealed class BulkReader(IReadOnlyList<string> lineKeys)
{
    private static readonly string[] Actions = ["index", "create", "update", "delete"];

    /// <summary>The actions read, in order.</summary>
    public List<BulkItem> Items { get; } = [];

    public async Task ReadAsync(Stream body, PartitionedSink sink, CancellationToken cancellationToken)
    {
        using var buffer = new ByteBuffer();
        using var fields = new JsonRecordFields(lineKeys);
        BulkItem? pending = null;
        while (true)
        {
            await buffer.FillAsync(body, cancellationToken);
            var data = buffer.Data;
            var consumed = 0;
            while (true)
            {
                var newline = data[consumed..].IndexOf((byte)'\n');
                if (newline < 0 && !(buffer.IsEndOfStream && consumed < data.Length))
                {
                    break;
                }

                var end = newline < 0 ? data.Length : consumed + newline;
                var line = data[consumed..end];
                consumed = newline < 0 ? data.Length : end + 1;
                if (line.Length > 0 && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                if (line.Trim(" \t"u8).IsEmpty)
                {
                    continue;
                }

                if (pending is { } item)
                {
                    WriteDocument(line, sink, fields);
                    Items.Add(item);
                    pending = null;
                }
                else
                {
                    var action = ReadAction(line, Items.Count);
                    if (action.Action == "delete")
                    {
                        Items.Add(action);
                    }
                    else
                    {
                        pending = action;
                    }
                }
            }

            buffer.Consume(consumed);
            if (buffer.IsEndOfStream)
            {
                if (pending is not null)
                {
                    throw new MalformedBodyException($"The bulk request ends after action line {Items.Count + 1} without its document.");
                }

                return;
            }
        }
    }

    private static void WriteDocument(ReadOnlySpan<byte> line, PartitionedSink sink, JsonRecordFields fields)
    {
        if (!fields.Read(line))
        {
            sink.WriteRecordBytes(line, hint: null, instance: null);
        }
        else if (fields.HasLine)
        {
            sink.WriteRecord(fields.Line, fields.Hint, fields.Instance);
        }
        else
        {
            sink.WriteRecordBytes(line, fields.Hint, fields.Instance);
        }
    }

    private static BulkItem ReadAction(ReadOnlySpan<byte> line, int index)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string? action = null;
                foreach (var candidate in Actions)
                {
                    if (reader.ValueTextEquals(candidate))
                    {
                        action = candidate;
                    }
                }

                if (action is null)
                {
                    throw new MalformedBodyException(
                        $"Malformed action/metadata line [{index + 1}]: expected one of [create, delete, index, update] but found [{Encoding.UTF8.GetString(reader.ValueSpan)}].");
                }

                var target = "";
                if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isIndex = reader.ValueTextEquals("_index"u8);
                        reader.Read();
                        if (isIndex && reader.TokenType == JsonTokenType.String)
                        {
                            target = reader.GetString() ?? "";
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }

                return new BulkItem(action, target);
            }
        }
        catch (JsonException)
        {
        }

        throw new MalformedBodyException($"Malformed action/metadata line [{index + 1}]: expected a JSON object naming one action.");
    }
}
