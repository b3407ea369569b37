using System.Text.Json;
using FunctionsApp.Ingestion.Internal;

namespace FunctionsApp.Ingestion.Splunk;

/// <summary>
/// Reads Splunk HTTP Event Collector bodies
/// (<see href="https://docs.splunk.com/Documentation/Splunk/latest/Data/FormateventsforHTTPEventCollector"/>).
/// <c>/event</c>: JSON event objects one after another, <c>{"time","host","source","sourcetype","event","fields"}</c>;
/// the line is <c>event</c> (a string, or a record's line key, else the record), <c>host</c> names the instance and
/// <c>source</c> (the file, by Splunk's convention) or <c>sourcetype</c> the log. <c>/raw</c>: plain lines, with
/// <c>?host=</c>, <c>?source=</c>, <c>?sourcetype=</c> for all of them. An event without an <c>event</c> is not
/// stored; the first such is reported (HEC codes 12/13) after the others are stored, as Splunk does for the events
/// before it.
/// </summary>
internal sealed class HecReader(IReadOnlyList<string> lineKeys)
{
    private static readonly JsonReaderOptions ReaderOptions = new() { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The number (from 0) of the first event without an <c>event</c> field, if any.</summary>
    public int? InvalidEvent { get; private set; }

    /// <summary>Whether that event had no <c>event</c> (code 12) rather than a blank one (code 13).</summary>
    public bool InvalidEventMissing { get; private set; }

    /// <summary>Events read.</summary>
    public int Events { get; private set; }

    public async Task ReadEventsAsync(Stream body, PartitionedSink sink, CancellationToken cancellationToken)
    {
        using var buffer = new ByteBuffer();
        using var fields = new JsonRecordFields(lineKeys);
        var state = new JsonReaderState(ReaderOptions);
        while (true)
        {
            await buffer.FillAsync(body, cancellationToken);
            var data = buffer.Data;
            var reader = new Utf8JsonReader(data, buffer.IsEndOfStream, state);
            while (true)
            {
                var before = reader;
                if (!reader.Read())
                {
                    break;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new MalformedBodyException($"HEC event {Events} is not a JSON object.");
                }

                var start = (int)reader.TokenStartIndex;
                if (!reader.TrySkip())
                {
                    reader = before;
                    break;
                }

                WriteEvent(data[start..(int)reader.BytesConsumed], sink, fields);
                Events++;
            }

            state = reader.CurrentState;
            buffer.Consume((int)reader.BytesConsumed);
            if (buffer.IsEndOfStream)
            {
                if (buffer.Data.TrimStart(" \t\r\n"u8).Length > 0)
                {
                    throw new MalformedBodyException($"HEC event {Events} is not complete JSON.");
                }

                return;
            }
        }
    }

    /// <summary>Plain lines; the query's <c>host</c>, <c>source</c> and <c>sourcetype</c> apply to all of them.</summary>
    public static Task ReadRawAsync(Stream body, PartitionedSink sink, string? host, string? source, string? sourceType, CancellationToken cancellationToken)
    {
        sink.SetRequestOrigin(HintOf(source, sourceType), string.IsNullOrEmpty(host) ? null : host);
        return PlainTextReader.ReadAllAsync(body, sink, cancellationToken);
    }

    private void WriteEvent(ReadOnlySpan<byte> record, PartitionedSink sink, JsonRecordFields fields)
    {
        var reader = new Utf8JsonReader(record);
        reader.Read();
        string? host = null;
        string? source = null;
        string? sourceType = null;
        LogKind? fieldsHint = null;
        var hasEvent = false;
        var eventStart = -1;
        var eventEnd = -1;
        var eventIsString = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("event"u8))
            {
                reader.Read();
                hasEvent = reader.TokenType != JsonTokenType.Null;
                eventIsString = reader.TokenType == JsonTokenType.String;
                eventStart = (int)reader.TokenStartIndex;
                reader.Skip();
                eventEnd = (int)reader.BytesConsumed;
            }
            else if (reader.ValueTextEquals("host"u8))
            {
                host = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("source"u8))
            {
                source = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("sourcetype"u8))
            {
                sourceType = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("fields"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (reader.TokenType == JsonTokenType.EndObject && fields.Read(record[start..(int)reader.BytesConsumed]))
                {
                    fieldsHint = fields.Hint;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var hint = HintOf(source, sourceType) ?? fieldsHint;
        if (!hasEvent)
        {
            NoteInvalid(missing: true);
            return;
        }

        var value = record[eventStart..eventEnd];
        if (eventIsString)
        {
            var text = new Utf8JsonReader(value);
            text.Read();
            var line = text.GetString();
            if (string.IsNullOrEmpty(line))
            {
                NoteInvalid(missing: false);
                return;
            }

            sink.WriteRecord(line, hint, host);
        }
        else if (fields.Read(value) && fields.HasLine)
        {
            sink.WriteRecord(fields.Line, hint ?? fields.Hint, host ?? fields.Instance);
        }
        else
        {
            sink.WriteRecordBytes(value, hint, host);
        }
    }

    private void NoteInvalid(bool missing)
    {
        if (InvalidEvent is null)
        {
            InvalidEvent = Events;
            InvalidEventMissing = missing;
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static LogKind? HintOf(string? source, string? sourceType) =>
        (string.IsNullOrEmpty(source) ? null : LineKindClassifier.FromFileName(source))
        ?? (string.IsNullOrEmpty(sourceType) ? null : LineKindClassifier.FromFileName(sourceType));
}
