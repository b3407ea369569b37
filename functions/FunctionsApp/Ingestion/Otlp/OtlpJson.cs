using System.Text.Json.Serialization;
using FunctionsApp.Ingestion.Otlp.Proto;
using Google.Protobuf;

namespace FunctionsApp.Ingestion.Otlp;

// The OTLP/JSON mapping of the fields ingest reads (lowerCamelCase keys; 64-bit integers as strings or numbers;
// unknown keys ignored, as the specification requires of receivers). Converted to the generated messages so one
// code path reads both encodings.

internal sealed record OtlpJsonRequest(IReadOnlyList<OtlpJsonResourceLogs>? ResourceLogs);

internal sealed record OtlpJsonResourceLogs(OtlpJsonResource? Resource, IReadOnlyList<OtlpJsonScopeLogs>? ScopeLogs)
{
    public ResourceLogs ToProto()
    {
        var proto = new ResourceLogs();
        if (Resource is not null)
        {
            proto.Resource = new Proto.Resource();
            proto.Resource.Attributes.AddRange(OtlpJsonKeyValue.ToProto(Resource.Attributes));
        }

        foreach (var scope in ScopeLogs ?? [])
        {
            var scopeLogs = new ScopeLogs();
            foreach (var record in scope.LogRecords ?? [])
            {
                var log = new LogRecord { Body = record.Body?.ToProto() };
                log.Attributes.AddRange(OtlpJsonKeyValue.ToProto(record.Attributes));
                scopeLogs.LogRecords.Add(log);
            }

            proto.ScopeLogs.Add(scopeLogs);
        }

        return proto;
    }
}

internal sealed record OtlpJsonResource(IReadOnlyList<OtlpJsonKeyValue>? Attributes);

internal sealed record OtlpJsonScopeLogs(IReadOnlyList<OtlpJsonLogRecord>? LogRecords);

internal sealed record OtlpJsonLogRecord(OtlpJsonAnyValue? Body, IReadOnlyList<OtlpJsonKeyValue>? Attributes);

internal sealed record OtlpJsonKeyValue(string? Key, OtlpJsonAnyValue? Value)
{
    public static IEnumerable<KeyValue> ToProto(IReadOnlyList<OtlpJsonKeyValue>? values) =>
        (values ?? []).Select(v => new KeyValue { Key = v.Key ?? "", Value = v.Value?.ToProto() });
}

internal sealed record OtlpJsonArrayValue(IReadOnlyList<OtlpJsonAnyValue>? Values);

internal sealed record OtlpJsonKeyValueList(IReadOnlyList<OtlpJsonKeyValue>? Values);

internal sealed record OtlpJsonAnyValue(
    string? StringValue,
    bool? BoolValue,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] long? IntValue,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals)] double? DoubleValue,
    OtlpJsonArrayValue? ArrayValue,
    OtlpJsonKeyValueList? KvlistValue,
    string? BytesValue)
{
    public AnyValue ToProto()
    {
        var value = new AnyValue();
        if (StringValue is not null)
        {
            value.StringValue = StringValue;
        }
        else if (BoolValue is { } b)
        {
            value.BoolValue = b;
        }
        else if (IntValue is { } i)
        {
            value.IntValue = i;
        }
        else if (DoubleValue is { } d)
        {
            value.DoubleValue = d;
        }
        else if (ArrayValue is not null)
        {
            value.ArrayValue = new ArrayValue();
            value.ArrayValue.Values.AddRange((ArrayValue.Values ?? []).Select(v => v.ToProto()));
        }
        else if (KvlistValue is not null)
        {
            value.KvlistValue = new KeyValueList();
            value.KvlistValue.Values.AddRange(OtlpJsonKeyValue.ToProto(KvlistValue.Values));
        }
        else if (BytesValue is not null)
        {
            value.BytesValue = ByteString.FromBase64(BytesValue);
        }

        return value;
    }
}

/// <summary>The OTLP/JSON success body: <c>{}</c>, or a partial success.</summary>
internal sealed record OtlpJsonResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OtlpJsonPartialSuccess? PartialSuccess);

internal sealed record OtlpJsonPartialSuccess(
    [property: JsonNumberHandling(JsonNumberHandling.WriteAsString)] long RejectedLogRecords,
    string ErrorMessage);

/// <summary>google.rpc.Status in JSON: the OTLP/HTTP error body for a JSON request.</summary>
internal sealed record OtlpJsonStatus(int Code, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(OtlpJsonRequest))]
[JsonSerializable(typeof(OtlpJsonResponse))]
[JsonSerializable(typeof(OtlpJsonStatus))]
internal sealed partial class OtlpJsonContext : JsonSerializerContext;
