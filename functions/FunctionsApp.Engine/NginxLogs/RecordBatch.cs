using System.Text;
using System.Text.Json;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// A line that is not one record as a shipper wrote it: several records in one JSON array (Fluent Bit's <c>stdout</c>
/// and <c>file</c> outputs with <c>format json</c>), an OTLP/JSON export request (the OpenTelemetry Collector's
/// <c>file</c> exporter writes one per line: <c>resourceLogs[].scopeLogs[].logRecords[]</c>), or Fluent Bit's default
/// <c>stdout</c> print of a record (<c>[0] tag: [[1700000000.123456789, {}], {"log"=>"…"}]</c>, msgpack printed with
/// <c>=&gt;</c>), or a log platform's search response copied whole: CloudWatch Logs' <c>filter-log-events</c> and
/// <c>get-log-events</c> (<c>events[]</c>) and Logs Insights' <c>get-query-results</c> (<c>results[]</c> of
/// field/value pairs), Elasticsearch's <c>_search</c> (<c>hits.hits[]._source</c>, or one hit a line as export tools
/// write them), Splunk's results (<c>results[]</c>), Graylog's search (<c>messages[].message</c>) and Loki's
/// <c>query_range</c> (<c>data.result[].values[]</c>, each a time and a line). Each record becomes a JSON object of
/// its own line, which <see cref="LineEnvelope"/> then unwraps. Decided once per input from its first lines, like the
/// envelope.
/// </summary>
internal static class RecordBatch
{
    /// <summary>Whether most of the sample's non-blank lines are batches (at least half).</summary>
    public static bool Detect(IReadOnlyList<byte[]> sample)
    {
        var lines = 0;
        var batches = 0;
        foreach (var line in sample)
        {
            var trimmed = line.AsSpan().Trim(" \t\r"u8);
            if (trimmed.IsEmpty)
            {
                continue;
            }

            lines++;
            // A response is told by its records, which the split then reads again: only the sample pays for both.
            batches += Shape(trimmed) is var shape && shape != BatchShape.None && (shape != BatchShape.Response || HasRecords(trimmed)) ? 1 : 0;
        }

        return lines > 0 && batches * 2 >= lines;
    }

    /// <summary>The records of <paramref name="line"/>, each a JSON object, added to <paramref name="records"/>; false
    /// when the line is no batch (it is then read as it is).</summary>
    public static bool TrySplit(ReadOnlySpan<byte> line, Queue<byte[]?> records)
    {
        line = line.Trim(" \t\r"u8);
        try
        {
            return Shape(line) switch
            {
                BatchShape.Array => SplitArray(line, records),
                BatchShape.Otlp => SplitOtlp(line, records),
                BatchShape.FluentBitPrint => ConvertFluentBitPrint(line, records),
                BatchShape.Response => SplitResponse(line, records),
                _ => false,
            };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private enum BatchShape
    {
        None,
        Array,
        Otlp,
        FluentBitPrint,
        Response,
    }

    private static BatchShape Shape(ReadOnlySpan<byte> line)
    {
        if (line.Length < 2)
        {
            return BatchShape.None;
        }

        if (line[0] == '[' && line[^1] == ']' && line[1..].TrimStart(" \t"u8) is [(byte)'{', ..])
        {
            return BatchShape.Array;
        }

        if (line[0] == '{' && line[1..].TrimStart(" \t"u8).StartsWith("\"resourceLogs\""u8))
        {
            return BatchShape.Otlp;
        }

        if (line[0] == '{' && line[^1] == '}' && NamesRecordKey(line))
        {
            return BatchShape.Response;
        }

        // "[0] tag: [" — an index in brackets, a tag without blanks, then the record's array.
        var close = line.IndexOf("] "u8);
        return line[0] == '[' && line[^1] == ']' && close > 1 && line[1..close].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
            && line[(close + 2)..].IndexOf(": ["u8) is var colon and > 0 && line.Slice(close + 2, colon).IndexOfAny(" \t\""u8) < 0
            && line.IndexOf("\"=>"u8) > 0
            ? BatchShape.FluentBitPrint
            : BatchShape.None;
    }

    private static bool SplitArray(ReadOnlySpan<byte> line, Queue<byte[]?> records)
    {
        var reader = new Utf8JsonReader(line);
        var found = new List<byte[]>();
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            found.Add(line[start..(int)reader.BytesConsumed].ToArray());
        }

        found.ForEach(records.Enqueue);
        return found.Count > 0;
    }

    private static bool SplitOtlp(ReadOnlySpan<byte> line, Queue<byte[]?> records)
    {
        using var document = JsonDocument.Parse(line.ToArray());
        var found = 0;
        foreach (var resource in Items(document.RootElement, "resourceLogs"))
        {
            foreach (var scope in Items(resource, "scopeLogs"))
            {
                foreach (var record in Items(scope, "logRecords"))
                {
                    records.Enqueue(Encoding.UTF8.GetBytes(record.GetRawText()));
                    found++;
                }
            }
        }

        return found > 0;
    }

    /// <summary>The keys a search response keeps its records under (a cheap test before parsing).</summary>
    private static readonly byte[][] ResponseKeys =
        [.. new[] { "\"events\"", "\"hits\"", "\"results\"", "\"messages\"", "\"data\"", "\"_source\"" }.Select(Encoding.UTF8.GetBytes)];

    private static bool NamesRecordKey(ReadOnlySpan<byte> line)
    {
        foreach (var key in ResponseKeys)
        {
            if (line.IndexOf(key) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasRecords(ReadOnlySpan<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            return Records(document.RootElement).Any();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool SplitResponse(ReadOnlySpan<byte> line, Queue<byte[]?> records)
    {
        using var document = JsonDocument.Parse(line.ToArray());
        var found = 0;
        foreach (var record in Records(document.RootElement))
        {
            records.Enqueue(record);
            found++;
        }

        return found > 0;
    }

    /// <summary>The records of a search response, each a JSON object; none when <paramref name="root"/> is no response.</summary>
    private static IEnumerable<byte[]> Records(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        // One Elasticsearch hit: the document is its _source.
        if (root.TryGetProperty("_source", out var source) && source.ValueKind == JsonValueKind.Object && root.TryGetProperty("_index", out _))
        {
            yield return Encoding.UTF8.GetBytes(source.GetRawText());
            yield break;
        }

        foreach (var item in Items(root, "events").Concat(Items(root, "results")))
        {
            if (item.ValueKind == JsonValueKind.Object)
            {
                yield return Encoding.UTF8.GetBytes(item.GetRawText());
            }
            else if (item.ValueKind == JsonValueKind.Array && FieldValues(item) is { } fields)
            {
                yield return fields;
            }
        }

        if (root.TryGetProperty("hits", out var hits))
        {
            foreach (var hit in Items(hits, "hits"))
            {
                if (hit.ValueKind == JsonValueKind.Object)
                {
                    yield return Encoding.UTF8.GetBytes((hit.TryGetProperty("_source", out var document) ? document : hit).GetRawText());
                }
            }
        }

        // Graylog's messages hold each record under "message"; Splunk's hold its notices ({"type", "text"}), no records.
        foreach (var item in Items(root, "messages"))
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
            {
                yield return Encoding.UTF8.GetBytes(message.GetRawText());
            }
        }

        // Loki: each stream's values are [nanoseconds, line] pairs.
        if (root.TryGetProperty("data", out var data))
        {
            foreach (var stream in Items(data, "result"))
            {
                foreach (var value in Items(stream, "values"))
                {
                    if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() >= 2
                        && value[0].ValueKind == JsonValueKind.String && value[1].ValueKind == JsonValueKind.String)
                    {
                        yield return Write(writer =>
                        {
                            writer.WriteString("timestamp", value[0].GetString());
                            writer.WriteString("line", value[1].GetString());
                        });
                    }
                }
            }
        }
    }

    /// <summary>Logs Insights' row, <c>[{"field":"@timestamp","value":"…"}, {"field":"@message","value":"…"}]</c>, as an
    /// object of its fields; null when it is not one.</summary>
    private static byte[]? FieldValues(JsonElement row)
    {
        foreach (var cell in row.EnumerateArray())
        {
            if (cell.ValueKind != JsonValueKind.Object || !cell.TryGetProperty("field", out var field) || field.ValueKind != JsonValueKind.String
                || !cell.TryGetProperty("value", out _))
            {
                return null;
            }
        }

        return Write(writer =>
        {
            foreach (var cell in row.EnumerateArray())
            {
                writer.WritePropertyName(cell.GetProperty("field").GetString()!);
                cell.GetProperty("value").WriteTo(writer);
            }
        });
    }

    private static byte[] Write(Action<Utf8JsonWriter> properties)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static IEnumerable<JsonElement> Items(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : [];

    /// <summary>
    /// Fluent Bit's print of a record, <c>[0] tag: [[seconds.nanos, {metadata}], {"key"=>"value", …}]</c> (or, before
    /// 2.1, <c>[0] tag: [seconds.nanos, {…}]</c>), as the JSON object <c>{"date":seconds.nanos,"key":"value",…}</c>.
    /// </summary>
    private static bool ConvertFluentBitPrint(ReadOnlySpan<byte> line, Queue<byte[]?> records)
    {
        var rest = line[(line.IndexOf(": ["u8) + 3)..^1].TrimStart(" "u8);
        if (!rest.IsEmpty && rest[0] == '[')
        {
            rest = rest[1..];
        }

        var comma = rest.IndexOf((byte)',');
        if (comma <= 0)
        {
            return false;
        }

        var seconds = rest[..comma].Trim(" "u8);
        if (seconds.IndexOfAnyExcept("0123456789."u8) >= 0)
        {
            return false;
        }

        // The record is the last object: after the metadata's "{...}]," in the newer form.
        var body = rest[(comma + 1)..].TrimStart(" "u8);
        if (body.StartsWith("{}],"u8) || body.StartsWith("{"u8) && body.IndexOf("}], {"u8) is > 0)
        {
            body = body[(body.IndexOf("}],"u8) + 3)..].TrimStart(" "u8);
        }

        if (body.IsEmpty || body[0] != '{' || body[^1] != '}')
        {
            return false;
        }

        var json = new List<byte>(body.Length + 32);
        json.AddRange("{\"date\":"u8);
        json.AddRange(seconds);
        var inString = false;
        for (var i = 1; i < body.Length; i++)
        {
            var c = body[i];
            if (inString)
            {
                json.Add(c);
                if (c == '\\' && i + 1 < body.Length)
                {
                    json.Add(body[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                if (json.Count > 0 && json[^1] is not (byte)',' and not (byte)':' and not (byte)' ')
                {
                    json.Add((byte)',');
                }

                inString = true;
                json.Add(c);
            }
            else if (c == '=' && i + 1 < body.Length && body[i + 1] == '>')
            {
                json.Add((byte)':');
                i++;
            }
            else
            {
                json.Add(c);
            }
        }

        var record = json.ToArray();
        var check = new Utf8JsonReader(record);
        check.Read();
        check.Skip();
        records.Enqueue(record);
        return true;
    }
}
