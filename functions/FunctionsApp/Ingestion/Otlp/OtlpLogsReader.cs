using System.Globalization;
using System.Text;
using System.Text.Json;
using FunctionsApp.Ingestion.Internal;
using FunctionsApp.Ingestion.Otlp.Proto;
using Google.Protobuf;

namespace FunctionsApp.Ingestion.Otlp;

/// <summary>
/// Reads an OTLP/HTTP logs export (<c>ExportLogsServiceRequest</c>, protobuf or its JSON mapping) into lines: a log
/// record's body is the line; its <c>log.file.path</c>/<c>log.file.name</c> attribute (the Collector's
/// <c>filelog</c> receiver sets the name by default) says which file; the resource's <c>host.name</c> or
/// <c>service.instance.id</c> names the instance. Records without a body are counted as rejected (OTLP partial success).
/// </summary>
internal sealed class OtlpLogsReader(IReadOnlyList<string> lineKeys)
{
    private const int SpillThreshold = 8 * 1024 * 1024;

    /// <summary>Log records that had no body to store.</summary>
    public long Rejected { get; private set; }

    /// <summary>
    /// Protobuf: the body is buffered (spilling to a temp file) because the parser reads synchronously, then read one
    /// <c>ResourceLogs</c> at a time (field 1 of the request), each parsed by the generated code.
    /// </summary>
    public async Task ReadProtobufAsync(Stream body, PartitionedSink sink, CancellationToken cancellationToken)
    {
        await using var buffered = new SpillStream(SpillThreshold);
        await body.CopyToAsync(buffered, cancellationToken);
        buffered.Position = 0;
        using var input = new CodedInputStream(buffered, leaveOpen: true);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == ExportLogsServiceRequest.ResourceLogsFieldNumber
                && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var resourceLogs = new ResourceLogs();
                input.ReadMessage(resourceLogs);
                Write(resourceLogs, sink);
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    /// <summary>The OTLP/JSON mapping, read into typed records and then the same messages as protobuf.</summary>
    public async Task ReadJsonAsync(Stream body, PartitionedSink sink, CancellationToken cancellationToken)
    {
        OtlpJsonRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(body, OtlpJsonContext.Default.OtlpJsonRequest, cancellationToken);
        }
        catch (JsonException)
        {
            throw new MalformedBodyException("The body is not an OTLP/JSON ExportLogsServiceRequest (invalid or truncated JSON).");
        }

        foreach (var resourceLogs in request?.ResourceLogs ?? [])
        {
            Write(resourceLogs.ToProto(), sink);
        }
    }

    private void Write(ResourceLogs resourceLogs, PartitionedSink sink)
    {
        var resourceAttributes = resourceLogs.Resource?.Attributes;
        var instance = StringAttribute(resourceAttributes, "host.name") ?? StringAttribute(resourceAttributes, "service.instance.id");
        var resourceHint = FileHint(resourceAttributes);
        foreach (var scopeLogs in resourceLogs.ScopeLogs)
        {
            foreach (var record in scopeLogs.LogRecords)
            {
                if (BodyText(record.Body) is not { } text)
                {
                    Rejected++;
                    continue;
                }

                // Alloy's otelcol.receiver.loki turns Loki labels (host, filename) into record attributes.
                sink.WriteRecord(
                    text,
                    FileHint(record.Attributes) ?? resourceHint,
                    instance ?? StringAttribute(record.Attributes, "host.name") ?? StringAttribute(record.Attributes, "host"));
            }
        }
    }

    private static LogKind? FileHint(IEnumerable<KeyValue>? attributes) =>
        StringAttribute(attributes, "log.file.path") is { } path ? LineKindClassifier.FromFileName(path)
        : StringAttribute(attributes, "log.file.name") is { } name ? LineKindClassifier.FromFileName(name)
        : StringAttribute(attributes, "filename") is { } label ? LineKindClassifier.FromFileName(label)
        : null;

    private static string? StringAttribute(IEnumerable<KeyValue>? attributes, string key)
    {
        if (attributes is null)
        {
            return null;
        }

        foreach (var attribute in attributes)
        {
            if (attribute.Key == key && attribute.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue && attribute.Value.StringValue.Length > 0)
            {
                return attribute.Value.StringValue;
            }
        }

        return null;
    }

    /// <summary>The line a body holds: a string as it is; a map's line key (as in JSON records); anything else as JSON text.</summary>
    private string? BodyText(AnyValue? body)
    {
        switch (body?.ValueCase)
        {
            case null or AnyValue.ValueOneofCase.None:
                return null;
            case AnyValue.ValueOneofCase.StringValue:
                return body.StringValue.Length > 0 ? body.StringValue : null;
            case AnyValue.ValueOneofCase.BytesValue:
                return body.BytesValue.Length > 0 ? body.BytesValue.ToStringUtf8() : null;
            case AnyValue.ValueOneofCase.KvlistValue:
                foreach (var key in lineKeys)
                {
                    foreach (var pair in body.KvlistValue.Values)
                    {
                        if (pair.Key == key && pair.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue)
                        {
                            return pair.Value.StringValue;
                        }
                    }
                }

                break;
        }

        using var text = new MemoryStream();
        using (var writer = new Utf8JsonWriter(text))
        {
            WriteJson(writer, body);
        }

        return Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }

    private static void WriteJson(Utf8JsonWriter writer, AnyValue? value)
    {
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                writer.WriteStringValue(value.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                writer.WriteBooleanValue(value.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                writer.WriteNumberValue(value.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                if (double.IsFinite(value.DoubleValue))
                {
                    writer.WriteNumberValue(value.DoubleValue);
                }
                else
                {
                    writer.WriteStringValue(value.DoubleValue.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case AnyValue.ValueOneofCase.BytesValue:
                writer.WriteBase64StringValue(value.BytesValue.Span);
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                writer.WriteStartArray();
                foreach (var item in value.ArrayValue.Values)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                writer.WriteStartObject();
                foreach (var pair in value.KvlistValue.Values)
                {
                    writer.WritePropertyName(pair.Key);
                    WriteJson(writer, pair.Value);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
