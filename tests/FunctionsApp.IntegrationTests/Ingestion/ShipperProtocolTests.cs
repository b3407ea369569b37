using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FunctionsApp.Ingestion.Otlp.Proto;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Ingestion;

/// <summary>
/// Each protocol's own answers on the wire, for what its clients act on: success bodies, error shapes and statuses
/// (4xx not retried, 503 retried), the Elasticsearch handshake, and the function key carried as each client's
/// credentials (on the shipper routes only).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ShipperProtocolTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite, new Dictionary<string, string?>
    {
        ["Ingestion:Sources:edge:Kind"] = "Auto",
        ["Ingestion:MaxDecodedBytes"] = "65536",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Otlp_TruncatedProtobuf_400WithAProtobufStatus()
    {
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(new ResourceLogs());
        request.ResourceLogs[0].ScopeLogs.Add(new ScopeLogs());
        request.ResourceLogs[0].ScopeLogs[0].LogRecords.Add(new LogRecord { Body = new AnyValue { StringValue = new string('x', 300) } });
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(request);

        using var response = await PostAsync("/api/ingest/edge/v1/logs", bytes[..^20], "application/x-protobuf");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var status = Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, status.Code);
        Assert.Contains("protobuf", status.Message, StringComparison.Ordinal);
        Assert.Empty(await BatchBlobs.ListAsync(_app.Logs));
    }

    [Fact]
    public async Task OtlpJson_RecordWithoutBody_PartialSuccessCountsIt()
    {
        const string body = """{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a line"}},{"severityText":"INFO"}]}]}]}""";

        using var response = await PostAsync("/api/ingest/edge/v1/logs", Encoding.UTF8.GetBytes(body), "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("1", json.RootElement.GetProperty("partialSuccess").GetProperty("rejectedLogRecords").GetString());
        Assert.Equal(["a line"], await BatchBlobs.ReadAllLinesAsync(_app.Logs));
    }

    [Fact]
    public async Task Otlp_OtherContentType_415()
    {
        using var response = await PostAsync("/api/ingest/edge/v1/logs", "a line\n"u8.ToArray(), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Loki_SnappyBlockDeclaringMoreThanTheLimit_413AsText()
    {
        var push = new FunctionsApp.Ingestion.Loki.Proto.PushRequest();
        push.Streams.Add(new FunctionsApp.Ingestion.Loki.Proto.StreamAdapter { Labels = "{}" });
        push.Streams[0].Entries.Add(new FunctionsApp.Ingestion.Loki.Proto.EntryAdapter { Line = new string('x', 100_000) });
        var compressed = Snappier.Snappy.CompressToArray(Google.Protobuf.MessageExtensions.ToByteArray(push));

        using var response = await PostAsync("/api/ingest/edge/loki/api/v1/push", compressed, "application/x-protobuf");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("65536", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Elasticsearch_Handshake_ReportsTheVersionAndProduct(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/ingest/edge/");
        using var response = await _app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Elasticsearch", response.Headers.GetValues("X-Elastic-Product").Single());
        if (method == "GET")
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("8.19.0", json.RootElement.GetProperty("version").GetProperty("number").GetString());
        }
    }

    [Fact]
    public async Task ElasticsearchBulk_UnknownAction_400InElasticsearchsShapeNothingStored()
    {
        using var response = await PostAsync("/api/ingest/edge/_bulk", "{\"index\":{}}\n{\"message\":\"a\"}\n{\"upsert\":{}}\n{}\n"u8.ToArray(), "application/x-ndjson");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("parse_exception", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("[upsert]", json.RootElement.GetProperty("error").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await BatchBlobs.ListAsync(_app.Logs));
    }

    [Fact]
    public async Task ElasticsearchBulk_Retry_SameItemIdsAndStoredOnce()
    {
        var body = "{\"create\":{\"_index\":\"nginx\"}}\n{\"message\":\"a 1\"}\n{\"delete\":{\"_id\":\"x\"}}\n"u8.ToArray();

        using var first = await PostAsync("/api/ingest/edge/_bulk", body, "application/x-ndjson");
        using var retry = await PostAsync("/api/ingest/edge/_bulk", body, "application/x-ndjson");

        var firstJson = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(firstJson, (await retry.Content.ReadAsStringAsync()).Replace(Took(await retry.Content.ReadAsStringAsync()), Took(firstJson), StringComparison.Ordinal));
        using var json = JsonDocument.Parse(firstJson);
        Assert.False(json.RootElement.GetProperty("errors").GetBoolean());
        Assert.Equal(201, json.RootElement.GetProperty("items")[0].GetProperty("create").GetProperty("status").GetInt32());
        Assert.Equal(404, json.RootElement.GetProperty("items")[1].GetProperty("delete").GetProperty("status").GetInt32());
        Assert.Equal(["a 1"], await BatchBlobs.ReadAllLinesAsync(_app.Logs));
    }

    [Theory]
    [InlineData("", 400, 5)]
    [InlineData("{\"event\":\"a\"}{\"host\":\"x\"}", 400, 12)]
    [InlineData("{\"event\":\"a\"}{\"event\":", 400, 6)]
    [InlineData("{\"event\":\"a\"}", 200, 0)]
    public async Task Hec_Bodies_AnswerHecCodes(string body, int status, int code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/edge/services/collector/event") { Content = new StringContent(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Splunk", TestApp.FunctionKey);
        using var response = await _app.Anonymous.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, json.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Hec_HealthAndUnknownEndpoints()
    {
        using var health = await _app.Client.GetAsync("/api/ingest/edge/services/collector/health/1.0");
        using var unknown = await _app.Client.PostAsync("/api/ingest/edge/services/collector/ack", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"code\":17", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("Splunk", "wrong-key", HttpStatusCode.Unauthorized)]
    [InlineData("Bearer", TestApp.FunctionKey, HttpStatusCode.OK)]
    [InlineData("Basic", "user:" + TestApp.FunctionKey, HttpStatusCode.OK)]
    [InlineData("Basic", "user:wrong-key", HttpStatusCode.Unauthorized)]
    public async Task ShipperRoutes_KeyAsTheClientsCredentials(string scheme, string credentials, HttpStatusCode expected)
    {
        var value = scheme == "Basic" ? Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)) : credentials;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ingest/edge/services/collector/health");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, value);

        using var response = await _app.Anonymous.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task OtherRoutes_AuthorizationHeaderIsNotAKey()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/incidents");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestApp.FunctionKey);

        using var response = await _app.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static string Took(string json) => "\"took\":" + JsonDocument.Parse(json).RootElement.GetProperty("took").GetInt64();

    private async Task<HttpResponseMessage> PostAsync(string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await _app.Client.PostAsync(path, content);
    }
}
