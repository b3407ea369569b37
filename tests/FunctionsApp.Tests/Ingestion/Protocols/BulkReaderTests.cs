using System.Text;
using FunctionsApp.Ingestion;
using FunctionsApp.Ingestion.Elasticsearch;
using FunctionsApp.Ingestion.Internal;

namespace FunctionsApp.Tests.Ingestion.Protocols;

/// <summary>Elasticsearch <c>_bulk</c> bodies as the shippers write them.</summary>
public sealed class BulkReaderTests
{
    [Fact]
    public async Task Read_DocumentsOfEveryShipper_LineLogAndSiteFromTheirFields()
    {
        var body = string.Join('\n',
            // Filebeat: ECS, nested.
            """{"create":{"_index":"filebeat-8"}}""",
            """{"@timestamp":"2026-11-30T10:00:00Z","message":"f 1","log":{"offset":7,"file":{"path":"/var/log/nginx/error.log"}},"host":{"name":"web-1"}}""",
            // Vector: flat, file and host.
            """{"index":{}}""",
            """{"message":"v 1","file":"/var/log/nginx/access.log","host":"web-2"}""",
            // Fluent Bit: log key, its Path_Key.
            """{"index":{"_index":"fluent-bit","_type":"_doc"}}""",
            """{"log":"b 1","filename":"/var/log/nginx/error.log"}""",
            // syslog-ng's format-json with dotted keys made nested objects, and the flat dotted form.
            """{"index":{"_index":"nginx"}}""",
            """{"message":"s 1","log.file.path":"/var/log/nginx/access.log","host.name":"web-1"}""",
            """{"delete":{"_index":"nginx","_id":"1"}}""",
            // No line key: the document is the line; not JSON: kept as it is.
            """{"create":{}}""",
            """{"status":502,"upstream":"10.0.0.5:8080"}""",
            """{"create":{}}""",
            """not json at all""",
            "");

        var reader = new BulkReader(Parts.LineKeys);
        var lines = await Parts.ReadAsync(Parts.AutoShared(), Encoding.UTF8.GetBytes(body.Replace("\n", "\r\n", StringComparison.Ordinal)), reader.ReadAsync, readSize: 11);

        Assert.Equal(
            [
                new("fleet.web-1", LogKind.Error, "f 1"),
                new("fleet.web-2", LogKind.Access, "v 1"),
                new("fleet", LogKind.Error, "b 1"),
                new("fleet.web-1", LogKind.Access, "s 1"),
                new("fleet", LogKind.Access, """{"status":502,"upstream":"10.0.0.5:8080"}"""),
                new("fleet", LogKind.Access, "not json at all"),
            ],
            lines.OrderBy(l => l.Line.StartsWith('{') || l.Line.StartsWith('n') ? 1 : 0).ToList());
        Assert.Equal(["create", "index", "index", "index", "delete", "create", "create"], reader.Items.Select(i => i.Action));
        Assert.Equal("fluent-bit", reader.Items[2].Index);
    }

    [Theory]
    [InlineData("{\"upsert\":{}}\n{\"message\":\"x\"}\n")]
    [InlineData("[1]\n{\"message\":\"x\"}\n")]
    [InlineData("{\"index\":{}}\n")]
    public async Task Read_NotABulkRequest_IsMalformed(string body)
    {
        var reader = new BulkReader(Parts.LineKeys);

        await Assert.ThrowsAsync<MalformedBodyException>(() => Parts.ReadAsync(Parts.AutoShared(), Encoding.UTF8.GetBytes(body), reader.ReadAsync));
    }
}
