using System.Text;
using FunctionsApp.Ingestion;
using FunctionsApp.Ingestion.Otlp;
using FunctionsApp.Ingestion.Otlp.Proto;
using Google.Protobuf;

namespace FunctionsApp.Tests.Ingestion.Protocols;

/// <summary>OTLP logs, protobuf and JSON, into parts by log and site.</summary>
public sealed class OtlpLogsReaderTests
{
    private const string AccessLine = "192.0.2.1 - - [30/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"curl/8.5\"";
    private const string ErrorLine = "2026/11/30 10:00:00 [error] 31#31: *7 connect() failed (111: Connection refused) while connecting to upstream";

    [Fact]
    public async Task ReadProtobuf_ResourcesOfTwoHosts_PartsPerHostAndLog()
    {
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(Resource("web-1", Record(AccessLine), Record(ErrorLine), Record("continued text", file: "/var/log/nginx/error.log")));
        request.ResourceLogs.Add(Resource("web-2", Record(AccessLine + " 2")));
        request.ResourceLogs.Add(Resource(null, Record(ErrorLine + " 3")));
        var reader = new OtlpLogsReader(Parts.LineKeys);

        var lines = await Parts.ReadAsync(Parts.AutoShared(), request.ToByteArray(), reader.ReadProtobufAsync, readSize: 5);

        Assert.Equal(
            [
                new("fleet.web-1", LogKind.Access, AccessLine),
                new("fleet.web-1", LogKind.Error, ErrorLine),
                new("fleet.web-1", LogKind.Error, "continued text"),
                new("fleet.web-2", LogKind.Access, AccessLine + " 2"),
                new("fleet", LogKind.Error, ErrorLine + " 3"),
            ],
            lines);
        Assert.Equal(0, reader.Rejected);
    }

    [Fact]
    public async Task ReadProtobuf_BodiesOfEveryType_OneLineEachAndNoBodyRejected()
    {
        var map = new AnyValue { KvlistValue = new KeyValueList() };
        map.KvlistValue.Values.Add(new KeyValue { Key = "message", Value = new AnyValue { StringValue = "from a map" } });
        var other = new AnyValue { KvlistValue = new KeyValueList() };
        other.KvlistValue.Values.Add(new KeyValue { Key = "n", Value = new AnyValue { IntValue = 5 } });
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(Resource(
            "web-1",
            new LogRecord { Body = map },
            new LogRecord { Body = other },
            new LogRecord { Body = new AnyValue { StringValue = "multi\nline\r\n" } },
            new LogRecord { Body = new AnyValue { BytesValue = ByteString.CopyFromUtf8("bytes") } },
            new LogRecord(),
            new LogRecord { Body = new AnyValue { StringValue = "" } }));
        var reader = new OtlpLogsReader(Parts.LineKeys);

        var lines = await Parts.ReadAsync(Parts.AutoShared() with { Kind = LogKind.Access }, request.ToByteArray(), reader.ReadProtobufAsync);

        Assert.Equal(["from a map", "{\"n\":5}", "multi line", "bytes"], lines.Select(l => l.Line));
        Assert.Equal(2, reader.Rejected);
    }

    [Fact]
    public async Task ReadJson_OtlpJsonMapping_SameAsProtobuf()
    {
        var json = $$$"""
            {"resourceLogs":[{"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"web-1"}}]},
              "scopeLogs":[{"scope":{"name":"filelog"},"logRecords":[
                {"timeUnixNano":"1764496800000000000","body":{"stringValue":{{{Json(AccessLine)}}}},"attributes":[{"key":"log.file.name","value":{"stringValue":"access.log"}}]},
                {"body":{"stringValue":{{{Json(ErrorLine)}}}},"traceId":"5b8efff798038103d269b633813fc60c"},
                {"body":{"intValue":"42"}},
                {"severityNumber":9}
              ]}]}]}
            """;
        var reader = new OtlpLogsReader(Parts.LineKeys);

        var lines = await Parts.ReadAsync(Parts.AutoShared(), Encoding.UTF8.GetBytes(json), reader.ReadJsonAsync, readSize: 7);

        Assert.Equal(
            [
                new("fleet.web-1", LogKind.Access, AccessLine),
                new("fleet.web-1", LogKind.Access, "42"),
                new("fleet.web-1", LogKind.Error, ErrorLine),
            ],
            lines);
        Assert.Equal(1, reader.Rejected);
    }

    [Fact]
    public async Task ReadJson_NotOtlp_IsMalformed()
    {
        var reader = new OtlpLogsReader(Parts.LineKeys);

        await Assert.ThrowsAsync<FunctionsApp.Ingestion.Internal.MalformedBodyException>(
            () => Parts.ReadAsync(Parts.AutoShared(), "{\"resourceLogs\":[{\"scopeLogs\":"u8.ToArray(), reader.ReadJsonAsync));
    }

    [Fact]
    public async Task ReadProtobuf_Truncated_IsAProtobufError()
    {
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(Resource("web-1", Record(AccessLine)));
        var bytes = request.ToByteArray();
        var reader = new OtlpLogsReader(Parts.LineKeys);

        await Assert.ThrowsAsync<InvalidProtocolBufferException>(
            () => Parts.ReadAsync(Parts.AutoShared(), bytes[..^5], reader.ReadProtobufAsync));
    }

    private static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    private static LogRecord Record(string line, string? file = null)
    {
        var record = new LogRecord { Body = new AnyValue { StringValue = line } };
        if (file is not null)
        {
            record.Attributes.Add(new KeyValue { Key = "log.file.path", Value = new AnyValue { StringValue = file } });
        }

        return record;
    }

    private static ResourceLogs Resource(string? host, params LogRecord[] records)
    {
        var resourceLogs = new ResourceLogs { Resource = new FunctionsApp.Ingestion.Otlp.Proto.Resource() };
        if (host is not null)
        {
            resourceLogs.Resource.Attributes.Add(new KeyValue { Key = "host.name", Value = new AnyValue { StringValue = host } });
        }

        var scope = new ScopeLogs();
        scope.LogRecords.AddRange(records);
        resourceLogs.ScopeLogs.Add(scope);
        return resourceLogs;
    }
}
