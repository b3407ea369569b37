using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionsApp.Hosting;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Worker.Tests.Host;
using FunctionsApp.Worker.Tests.Host.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace FunctionsApp.Worker.Tests.Rpc;

/// <summary>
/// HTTP functions invoked the way the Functions host invokes a worker with the ASP.NET Core integration: the request
/// forwarded to the worker's own Kestrel with the invocation id, the invocation sent over gRPC. The worker answers
/// through the features' handlers, as the standalone app does on the same storage.
/// </summary>
[Collection(WorkerHostCollection.Name)]
public sealed class HttpInvocationTests(WorkerHostFixture fixture)
{
    private const string CombinedLine = "203.0.113.7 - - [30/Nov/2026:09:00:00 +0000] \"GET /smoke HTTP/1.1\" 200 612 \"-\" \"curl/7.88.1\"";

    [Fact]
    public async Task Health_Anonymous_AnswersHealthyAsTheFunctionsHost()
    {
        // A cold process on a busy machine may take longer than the health check's storage probe allows (5 s) and
        // answer 503 "unhealthy", rightly: ask again, as a load balancer's probe would, until it answers 200.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await fixture.Host.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/health"));

            Assert.Equal("health", response.Function?.Name);
            Assert.Equal(StatusResult.Types.Status.Success, response.Invocation?.Result.Status);
            using var body = JsonDocument.Parse(response.Body);
            Assert.Equal("functions-host", body.RootElement.GetProperty("mode").GetString());
            if (response.Response.StatusCode == HttpStatusCode.OK || waited.Elapsed > TimeSpan.FromMinutes(1))
            {
                Assert.Equal(HttpStatusCode.OK, response.Response.StatusCode);
                Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
                return;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Response.StatusCode);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task Ingest_WithKey_Accepted_AndTheBatchIsStored()
    {
        var lines = Enumerable.Range(1, 3).Select(i => CombinedLine.Replace("/smoke", $"/smoke/{Guid.NewGuid():N}/{i}", StringComparison.Ordinal)).ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/smoke-access")
        {
            Content = new StringContent(string.Join('\n', lines) + "\n", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("x-functions-key", FunctionsHostEmulator.FunctionKey);

        using var response = await fixture.Host.SendAsync(request);

        Assert.Equal("ingest", response.Function?.Name);
        Assert.True(HttpStatusCode.Accepted == response.Response.StatusCode, $"{(int)response.Response.StatusCode}: {response.Body}");
        Assert.Equal(StatusResult.Types.Status.Success, response.Invocation?.Result.Status);
        using var body = JsonDocument.Parse(response.Body);
        Assert.Equal(3, body.RootElement.GetProperty("accepted").GetInt64());
        var blob = body.RootElement.GetProperty("blob").GetString()!;
        Assert.Equal(lines, await BatchBlobs.ReadLinesAsync(fixture.Logs, blob));
    }

    /// <summary>
    /// A gzip body cut short (a shipper's connection dropped mid-upload): the worker's runtime, like the standalone
    /// app's, validates deflate streams strictly, so the batch is refused whole and the shipper resends it, instead of
    /// a prefix of its lines being stored and acknowledged.
    /// </summary>
    [Fact]
    public async Task Ingest_GzipBodyCutShort_IsRefusedAndNothingIsStored()
    {
        var lines = Enumerable.Range(1, 2_000).Select(i => CombinedLine.Replace("/smoke", $"/smoke/{Guid.NewGuid():N}/{i}", StringComparison.Ordinal));
        using var compressed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        }

        var cut = compressed.ToArray()[..(int)(compressed.Length * 2 / 3)];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/smoke-access") { Content = new ByteArrayContent(cut) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.Add("x-functions-key", FunctionsHostEmulator.FunctionKey);
        var before = await BatchBlobs.ListAsync(fixture.Logs, "raw/smoke-access/");

        using var response = await fixture.Host.SendAsync(request);

        Assert.True(HttpStatusCode.BadRequest == response.Response.StatusCode, $"{(int)response.Response.StatusCode}: {response.Body}");
        Assert.Equal("application/problem+json", response.Response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.EndsWith("corrupt-compression", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(before.Count, (await BatchBlobs.ListAsync(fixture.Logs, "raw/smoke-access/")).Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-key")]
    public async Task FunctionLevel_WithoutTheKey_RefusedByTheHost_WorkerNotInvoked(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/smoke-access") { Content = new StringContent(CombinedLine + "\n") };
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        var before = await BatchBlobs.ListAsync(fixture.Logs, "raw/smoke-access/");
        using var response = await fixture.Host.SendAsync(request);

        // The key check is the host's, by the auth level the worker declared over RPC; the worker never sees the call.
        Assert.Equal("function", response.Function?.AuthLevel, ignoreCase: true);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Response.StatusCode);
        Assert.Null(response.Invocation);
        Assert.Equal(before.Count, (await BatchBlobs.ListAsync(fixture.Logs, "raw/smoke-access/")).Count);
    }

    [Fact]
    public async Task Ingest_KeyInCodeQuery_Accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ingest/smoke-access?code={FunctionsHostEmulator.FunctionKey}")
        {
            Content = new StringContent(CombinedLine.Replace("/smoke", $"/smoke/{Guid.NewGuid():N}", StringComparison.Ordinal) + "\n", Encoding.UTF8, "text/plain"),
        };

        using var response = await fixture.Host.SendAsync(request);

        Assert.True(HttpStatusCode.Accepted == response.Response.StatusCode, $"{(int)response.Response.StatusCode}: {response.Body}");
    }

    [Fact]
    public async Task Route_Unknown_IsTheHostsNotFound()
    {
        using var response = await fixture.Host.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/no-such-function"));

        Assert.Null(response.Function);
        Assert.Equal(HttpStatusCode.NotFound, response.Response.StatusCode);
    }

    public static TheoryData<string, string, string?> SameAsStandaloneRequests() => new()
    {
        { "GET", "/api/incidents", null },
        { "GET", "/api/incidents/no-such-incident", null },
        { "GET", "/api/upstreams", null },
        { "GET", "/api/timeline", null },
        { "GET", "/api/silences", null },
        { "POST", "/api/silences", "{\"matchers\":[{\"label\":\"colour\",\"value\":\"red\"}]}" },
        { "POST", "/api/silences", "{not json" },
        { "GET", "/api/notifications/dead-letters", null },
        { "POST", "/api/incidents/no-such-incident/ack", "{\"by\":\"oncall\"}" },
        { "GET", "/api/sites/no-such-site/nginx-config", null },
        { "POST", "/api/analyze", "" },
        { "GET", "/api/ingest/smoke-access", null },
        { "GET", "/api/ingest/smoke-access/services/collector/health", null },
        { "POST", "/api/ingest/no-such-source", "x\n" },
    };

    [Theory]
    [MemberData(nameof(SameAsStandaloneRequests))]
    public async Task Request_ThroughTheWorker_AnswersAsStandalone(string method, string path, string? body)
    {
        await using var standalone = await StartStandaloneAsync();
        using var viaStandalone = await SendStandaloneAsync(standalone, method, path, body);
        using var viaWorker = await fixture.Host.SendAsync(Request(method, path, body, FunctionsHostEmulator.FunctionKey));

        Assert.Equal(StatusResult.Types.Status.Success, viaWorker.Invocation?.Result.Status);
        Assert.Equal(viaStandalone.StatusCode, viaWorker.Response.StatusCode);
        Assert.Equal(viaStandalone.Content.Headers.ContentType?.MediaType, viaWorker.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Comparable(await viaStandalone.Content.ReadAsStringAsync()), Comparable(viaWorker.Body));
    }

    private static HttpRequestMessage Request(string method, string path, string? body, string key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        request.Headers.Add("x-functions-key", key);
        return request;
    }

    private async Task<WebApplication> StartStandaloneAsync()
    {
        var settings = WorkerHostFixture.Settings(fixture.Azurite, "unused").ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        settings["Storage:LogsContainer"] = fixture.LogsContainer;
        settings["Storage:StateContainer"] = fixture.StateContainer;
        settings["Storage:IncidentsContainer"] = fixture.IncidentsContainer;
        settings["Storage:IncidentIndexTable"] = fixture.IncidentIndexTable;
        settings["Storage:TimelineTable"] = fixture.TimelineTable;
        settings["Hosting:Urls"] = "http://127.0.0.1:0";
        settings["Hosting:RunTimers"] = "false";
        settings.Remove("Analysis:FanOut"); // the worker's setting: the standalone host refuses it
        settings["Auth:FunctionKeys:test"] = FunctionsHostEmulator.FunctionKey;
        var app = AppHost.Build(AppHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(settings)));
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpResponseMessage> SendStandaloneAsync(WebApplication app, string method, string path, string? body)
    {
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var request = Request(method, path, body, FunctionsHostEmulator.FunctionKey);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    // A problem's traceId names the request, which differs between any two requests.
    private static string Comparable(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject json)
            {
                json.Remove("traceId");
                return json.ToJsonString();
            }
        }
        catch (JsonException)
        {
            // Not JSON: compared as it is.
        }

        return body;
    }
}
