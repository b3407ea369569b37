using System.Net;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Ingestion;

/// <summary>Every rejection is a ProblemDetails with a stable type, and nothing is stored.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class IngestErrorTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string ProblemPrefix = "urn:nginx-502-diagnostics:problem:";
    private const int Limit = 64 * 1024;
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Ingestion:MaxDecodedBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string, byte[], string?, HttpStatusCode, string> Rejections()
    {
        var overLimit = new string('a', 100) + "\n";
        var big = string.Concat(Enumerable.Repeat(overLimit, (Limit / overLimit.Length) + 10));
        var zstd = Bodies.Encode(string.Concat(Enumerable.Range(0, 5000).Select(i => $"line of text number {i}\n")), "zstd");
        var truncatedZstd = zstd[..(zstd.Length / 2)];
        var gzip = Bodies.Encode(string.Concat(Enumerable.Range(0, 2000).Select(i => $"line of text number {i}\n")), "gzip");
        var truncatedGzip = gzip[..(gzip.Length / 2)];
        var gzipWithoutTrailer = gzip[..^4];
        return new TheoryData<string, string, byte[], string?, HttpStatusCode, string>
        {
            { "too large plain", "/api/ingest/nginx-access", Bodies.Encode(big, null), null, HttpStatusCode.RequestEntityTooLarge, "payload-too-large" },
            { "too large after gunzip", "/api/ingest/nginx-access", Bodies.Encode(big, "gzip"), "gzip", HttpStatusCode.RequestEntityTooLarge, "payload-too-large" },
            { "too large after zstd", "/api/ingest/nginx-access", Bodies.Encode(big, "zstd"), "zstd", HttpStatusCode.RequestEntityTooLarge, "payload-too-large" },
            { "corrupt gzip", "/api/ingest/nginx-access", "not gzip at all, just text"u8.ToArray(), "gzip", HttpStatusCode.BadRequest, "corrupt-compression" },
            { "corrupt deflate", "/api/ingest/nginx-access", [0x78, 0x9c, 0xff, 0xff, 0xff, 0x00, 0x01], "deflate", HttpStatusCode.BadRequest, "corrupt-compression" },
            { "corrupt zstd", "/api/ingest/nginx-access", "garbage garbage garbage"u8.ToArray(), "zstd", HttpStatusCode.BadRequest, "corrupt-compression" },
            { "truncated zstd", "/api/ingest/nginx-access", truncatedZstd, "zstd", HttpStatusCode.BadRequest, "corrupt-compression" },
            { "truncated gzip", "/api/ingest/nginx-access", truncatedGzip, "gzip", HttpStatusCode.BadRequest, "corrupt-compression" },
            { "gzip without trailer", "/api/ingest/nginx-access", gzipWithoutTrailer, "gzip", HttpStatusCode.BadRequest, "corrupt-compression" },
            { "unknown encoding", "/api/ingest/nginx-access", "x"u8.ToArray(), "br", HttpStatusCode.UnsupportedMediaType, "unsupported-content-encoding" },
            { "binary body", "/api/ingest/nginx-access", [0x00, 0x01, 0x02, 0x03, 0x10, 0x00], null, HttpStatusCode.UnsupportedMediaType, "unsupported-body" },
            { "json numbers", "/api/ingest/nginx-access", "[1,2,3]"u8.ToArray(), null, HttpStatusCode.UnsupportedMediaType, "unsupported-body" },
            { "truncated json", "/api/ingest/nginx-access", "[{\"log\":\"a\"},{\"log\":"u8.ToArray(), null, HttpStatusCode.BadRequest, "malformed-json" },
            { "broken ndjson", "/api/ingest/nginx-access", "{\"log\":\"a\"}\n{log: b}\n"u8.ToArray(), null, HttpStatusCode.BadRequest, "malformed-json" },
            { "unknown source", "/api/ingest/nope", "x\n"u8.ToArray(), null, HttpStatusCode.NotFound, "unknown-source" },
            { "traversal source", "/api/ingest/..%2F..%2Fx", "x\n"u8.ToArray(), null, HttpStatusCode.NotFound, "unknown-source" },
            { "bad kind", "/api/ingest/nginx-access?kind=debug", "x\n"u8.ToArray(), null, HttpStatusCode.BadRequest, "invalid-kind" },
            { "kind mismatch", "/api/ingest/nginx-access?kind=error", "x\n"u8.ToArray(), null, HttpStatusCode.BadRequest, "invalid-kind" },
        };
    }

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Ingest_InvalidRequest_IsRejectedWithProblemAndStoresNothing(
        string scenario, string path, byte[] body, string? encoding, HttpStatusCode status, string problem)
    {
        using var response = await _app.Client.PostAsync(path, Bodies.Content(body, encoding));

        Assert.True(status == response.StatusCode, $"{scenario}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var details = await ProblemBody.ReadAsync(response);
        Assert.Equal(ProblemPrefix + problem, details.Type);
        Assert.Equal((int)status, details.Status);
        Assert.False(string.IsNullOrEmpty(details.Detail));
        Assert.Empty(await BatchBlobs.ListAsync(_app.Logs, string.Empty));
    }

    [Fact]
    public async Task Ingest_WithoutKey_Is401Problem()
    {
        using var response = await _app.Anonymous.PostAsync("/api/ingest/nginx-access", Bodies.Content("x\n"u8.ToArray(), null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ProblemPrefix + "unauthorized", (await ProblemBody.ReadAsync(response)).Type);
    }

    [Fact]
    public async Task Ingest_WrongKey_Is401Problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/nginx-access") { Content = Bodies.Content("x\n"u8.ToArray(), null) };
        request.Headers.Add("x-functions-key", TestApp.FunctionKey + "x");

        using var response = await _app.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await BatchBlobs.ListAsync(_app.Logs, string.Empty));
    }

    [Fact]
    public async Task Ingest_KeyInCodeQuery_IsAccepted()
    {
        using var response = await _app.Anonymous.PostAsync(
            "/api/ingest/nginx-access?code=" + TestApp.FunctionKey, Bodies.Content("x\n"u8.ToArray(), null));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Ingest_EmptyBody_IsAcceptedWithoutABlob()
    {
        using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content([], null));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await IngestResponseBody.ReadAsync(response);
        Assert.Equal(0, result.Lines);
        Assert.Null(result.Blob);
        Assert.Empty(await BatchBlobs.ListAsync(_app.Logs, string.Empty));
    }
}
