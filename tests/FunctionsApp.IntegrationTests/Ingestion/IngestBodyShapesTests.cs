using System.Net;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Ingestion;

/// <summary>Every body shape real shippers send, in every encoding, lands in Blob Storage line for line.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class IngestBodyShapesTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Line1 = "203.0.113.7 - - [24/Nov/2026:05:00:01 +0000] \"GET /api/orders HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"";
    private const string Line2 = "203.0.113.8 - - [24/Nov/2026:05:00:02 +0000] \"POST /api/pay HTTP/1.1\" 200 12 \"-\" \"Mozilla/5.0 \\\"quoted\\\"\"";
    private TestApp _app = null!;

    public static TheoryData<string, string, string?> Shapes()
    {
        var data = new TheoryData<string, string, string?>();
        var json1 = Line1.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        var json2 = Line2.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        var bodies = new Dictionary<string, string>
        {
            ["plain"] = $"{Line1}\n{Line2}\n",
            ["plain-crlf-no-final-newline"] = $"{Line1}\r\n{Line2}",
            ["ndjson-log"] = $"{{\"date\":1.5,\"log\":\"{json1}\\n\"}}\n{{\"date\":1.6,\"log\":\"{json2}\"}}\n",
            ["json-array-message"] = $"[{{\"message\":\"{json1}\",\"host\":\"web1\"}},\n  {{\"message\":\"{json2}\"}}]",
            ["concatenated-objects"] = $"{{\"log\":\"{json1}\"}}{{\"log\":\"{json2}\"}}",
            ["logstash-json-batch"] = $"[{{\"@timestamp\":\"2026-11-24T05:00:01Z\",\"message\":\"{json1}\",\"@version\":\"1\"}},{{\"@timestamp\":\"2026-11-24T05:00:02Z\",\"message\":\"{json2}\",\"@version\":\"1\"}}]",
            ["journald-MESSAGE"] = $"{{\"MESSAGE\":\"{json1}\",\"_PID\":\"1\"}}\n{{\"MESSAGE\":\"{json2}\"}}",
            ["msg-key"] = $"{{\"msg\":\"{json1}\"}}\n{{\"msg\":\"{json2}\"}}",
            ["key-priority"] = $"{{\"msg\":\"wrong\",\"log\":\"{json1}\"}}\n{{\"message\":\"{json2}\",\"msg\":\"wrong\"}}",
            ["loki-push"] = $"{{\"streams\":[{{\"stream\":{{\"job\":\"nginx\"}},\"values\":[[\"1764000001000000000\",\"{json1}\"]]}},{{\"stream\":{{\"job\":\"nginx\",\"x\":\"y\"}},\"values\":[[\"1764000002000000000\",\"{json2}\",{{\"trace_id\":\"abc\"}}]]}}]}}",
            ["array-of-strings"] = $"[\"{json1}\",\"{json2}\"]",
            ["bom-plain"] = $"\uFEFF{Line1}\n{Line2}\n",
        };
        foreach (var (shape, body) in bodies)
        {
            foreach (var encoding in new string?[] { null, "gzip", "deflate", "zstd" })
            {
                data.Add(shape, body, encoding);
            }
        }

        return data;
    }

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Ingest_BodyShapeAndEncoding_StoresEveryLineOnce(string shape, string body, string? encoding)
    {
        var content = Bodies.Content(Bodies.Encode(body, encoding), encoding, "text/plain");

        using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", content);

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{shape}/{encoding}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var result = await IngestResponseBody.ReadAsync(response);
        Assert.Equal(2, result.Lines);
        Assert.Equal(2, result.Accepted);
        Assert.False(result.Duplicate);
        Assert.NotNull(result.Blob);
        Assert.Equal([Line1, Line2], await BatchBlobs.ReadLinesAsync(_app.Logs, result.Blob));
    }

    [Fact]
    public async Task Ingest_CompressedWithoutContentEncoding_IsRecognisedByMagicBytes()
    {
        foreach (var encoding in new[] { "gzip", "zstd" })
        {
            using var response = await _app.Client.PostAsync(
                "/api/ingest/nginx-access", Bodies.Content(Bodies.Encode($"{Line1}\n{encoding}\n", encoding), null));

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var result = await IngestResponseBody.ReadAsync(response);
            Assert.Equal([Line1, encoding], await BatchBlobs.ReadLinesAsync(_app.Logs, result.Blob!));
        }
    }

    [Fact]
    public async Task Ingest_RawDeflate_IsAcceptedAsDeflate()
    {
        using var response = await _app.Client.PostAsync(
            "/api/ingest/nginx-access", Bodies.Content(Bodies.Encode($"{Line1}\n", "deflate-raw"), "deflate"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Ingest_JsonLineWithInnerLineBreaks_StoresOneLineWithSpaces()
    {
        using var response = await _app.Client.PostAsync(
            "/api/ingest/nginx-error",
            Bodies.Content(Bodies.Encode("{\"log\":\"2026/11/24 05:00:01 [error] 7#7: *1 upstream\\r\\nprematurely closed\\n\"}", null), null));

        var result = await IngestResponseBody.ReadAsync(response);
        Assert.Equal(["2026/11/24 05:00:01 [error] 7#7: *1 upstream  prematurely closed"], await BatchBlobs.ReadLinesAsync(_app.Logs, result.Blob!));
    }

    [Fact]
    public async Task Ingest_RecordWithoutLineKey_StoresTheRecordItself()
    {
        const string record = "{\"time\":\"2026-11-24T05:00:01+00:00\",\"status\":502,\"upstream\":\"10.0.0.5:8080\"}";

        using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(Bodies.Encode(record + "\n", null), null));

        var result = await IngestResponseBody.ReadAsync(response);
        Assert.Equal([record], await BatchBlobs.ReadLinesAsync(_app.Logs, result.Blob!));
    }

    [Fact]
    public async Task Ingest_MalformedLines_AreCountedAndKept()
    {
        var longLine = new string('x', (64 * 1024) + 1);
        var body = new List<byte>();
        body.AddRange(System.Text.Encoding.UTF8.GetBytes($"{Line1}\n\n{longLine}\n"));
        body.AddRange([0x41, 0xC3, 0x28, 0x42, (byte)'\n']);

        using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(body.ToArray(), null));

        var result = await IngestResponseBody.ReadAsync(response);
        Assert.Equal((4, 1, 3), (result.Lines, result.Accepted, result.Malformed));
        var stored = await BatchBlobs.ReadLinesAsync(_app.Logs, result.Blob!);
        Assert.Equal([Line1, string.Empty, longLine, "A\uFFFD(B"], stored);
    }

    [Fact]
    public async Task Ingest_StoredBatch_HasMetadataAndAPartitionedName()
    {
        using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(Bodies.Encode($"{Line1}\n", null), null));

        var result = await IngestResponseBody.ReadAsync(response);
        Assert.Matches(@"^raw/nginx-access/\d{4}/\d{2}/\d{2}/\d{2}/\d{8}T\d{13}Z-[0-9a-f]{16}\.log\.gz$", result.Blob);
        var item = Assert.Single(await BatchBlobs.ListAsync(_app.Logs, result.Blob!));
        var metadata = new Dictionary<string, string>(item.Metadata, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("nginx-access", metadata["source"]);
        Assert.Equal("access", metadata["kind"]);
        Assert.Equal("combined", metadata["format"]);
        Assert.Equal("web", metadata["site"]);
        Assert.Equal("1", metadata["lineCount"]);
        Assert.Equal("0", metadata["malformedCount"]);
        Assert.True(DateTimeOffset.TryParse(metadata["receivedAt"], System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task Ingest_FormatQueryParameter_OverridesConfiguredFormatAndIsStoredAsBase64()
    {
        const string format = "$remote_addr [$time_local] \"$request\" $status";

        using var response = await _app.Client.PostAsync(
            "/api/ingest/nginx-access?kind=access&format=" + Uri.EscapeDataString(format), Bodies.Content(Bodies.Encode($"{Line1}\n", null), null));

        var result = await IngestResponseBody.ReadAsync(response);
        var item = Assert.Single(await BatchBlobs.ListAsync(_app.Logs, result.Blob!));
        var stored = new Dictionary<string, string>(item.Metadata, StringComparer.OrdinalIgnoreCase)["format"];
        Assert.Equal("base64:" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(format)), stored);
    }

    [Fact]
    public async Task Ingest_UncompressedBodyLargerThanKestrelsDefaultLimit_IsAcceptedUpToTheConfiguredLimit()
    {
        // Kestrel's default limit is 30,000,000 bytes; the ingest limit is 32 MiB decoded.
        var line = new string('x', 1023) + "\n";
        var body = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, 31 * 1024)));

        using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(body, null));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(31 * 1024, (await IngestResponseBody.ReadAsync(response)).Lines);
    }

    [Fact]
    public async Task Ingest_LargeBatchOverManyReads_IsStoredWhole()
    {
        var lines = Enumerable.Range(0, 150_000).Select(i => $"{Line1} {i}").ToArray();
        var body = string.Join('\n', lines.Select((l, i) => $"{{\"log\":\"{l.Replace("\"", "\\\"", StringComparison.Ordinal)}\",\"n\":{i}}}"));

        using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(Bodies.Encode(body, "gzip"), "gzip"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await IngestResponseBody.ReadAsync(response);
        Assert.Equal(lines.Length, result.Lines);
        Assert.Equal(lines, await BatchBlobs.ReadLinesAsync(_app.Logs, result.Blob!));
    }
}
