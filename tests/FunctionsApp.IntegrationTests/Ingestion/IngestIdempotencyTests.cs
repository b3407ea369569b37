using System.Net;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Storage;

namespace FunctionsApp.IntegrationTests.Ingestion;

/// <summary>Retries, concurrent duplicates and half-finished attempts store a batch exactly once.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class IngestIdempotencyTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Ingestion:AllowUnknownSources"] = "true" });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Ingest_SameContentTwice_IsStoredOnceAndSecondIsDuplicate()
    {
        var body = "10.0.0.1 - - [24/Nov/2026:05:00:01 +0000] \"GET / HTTP/1.1\" 502 0 \"-\" \"-\"\n"u8.ToArray();

        using var first = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(body, null));
        // Same lines, different encoding: still the same content.
        using var second = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(Bodies.Encode(body, "gzip"), "gzip"));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var (a, b) = (await IngestResponseBody.ReadAsync(first), await IngestResponseBody.ReadAsync(second));
        Assert.False(a.Duplicate);
        Assert.True(b.Duplicate);
        Assert.Equal(a.Blob, b.Blob);
        Assert.Single(await BatchBlobs.ListAsync(_app.Logs));
    }

    [Fact]
    public async Task Ingest_SameIdempotencyKeyTwice_IsStoredOnce()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/nginx-error")
            {
                Content = Bodies.Content("2026/11/24 05:00:01 [error] 7#7: *1 connect() failed (111: Connection refused)\n"u8.ToArray(), null),
            };
            request.Headers.Add("Idempotency-Key", "batch-0001");

            using var response = await _app.Client.SendAsync(request);

            Assert.Equal(attempt == 0 ? HttpStatusCode.Accepted : HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(attempt > 0, (await IngestResponseBody.ReadAsync(response)).Duplicate);
        }

        Assert.Single(await BatchBlobs.ListAsync(_app.Logs));
    }

    [Fact]
    public async Task Ingest_IdempotencyKeyReusedForOtherContent_Is422AndStoresNothingNew()
    {
        foreach (var (line, expected) in new[] { ("first\n", HttpStatusCode.Accepted), ("second\n", HttpStatusCode.UnprocessableEntity) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/nginx-access")
            {
                Content = Bodies.Content(System.Text.Encoding.UTF8.GetBytes(line), null),
            };
            request.Headers.Add("Idempotency-Key", "reused");

            using var response = await _app.Client.SendAsync(request);

            Assert.Equal(expected, response.StatusCode);
        }

        Assert.Equal(["first"], await BatchBlobs.ReadAllLinesAsync(_app.Logs));
    }

    [Fact]
    public async Task Ingest_ConcurrentDuplicates_AreStoredExactlyOnce()
    {
        var body = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"10.0.0.{i % 250} - - [24/Nov/2026:05:00:01 +0000] \"GET /{i} HTTP/1.1\" 200 1 \"-\" \"-\"\n"));
        var encoded = Bodies.Encode(body, "gzip");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(encoded, "gzip"));
            return (response.StatusCode, Body: await IngestResponseBody.ReadAsync(response));
        }));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK));
        Assert.Single(responses, r => !r.Body.Duplicate);
        Assert.Single(responses.Select(r => r.Body.Blob).Distinct());
        var stored = Assert.Single(await BatchBlobs.ListAsync(_app.Logs));
        Assert.Equal(20_000, (await BatchBlobs.ReadLinesAsync(_app.Logs, stored.Name)).Length);
    }

    [Fact]
    public async Task Ingest_RetryAfterCrashBetweenMarkerAndBatch_CompletesTheNamedBatch()
    {
        // What a crash right after the marker write leaves behind: a marker naming a batch that does not exist.
        var body = "crash-test line\n"u8.ToArray();
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
        // Named a moment ago: the earlier attempt may still be within its deadline, so its name is kept.
        var batchName = BlobNames.Batch("nginx-access", TimeProvider.System.GetUtcNow().AddSeconds(-5), "0000000000000000");
        var marker = _app.Logs.GetBlobClient(BlobNames.DedupMarker("nginx-access", null, hash));
        await marker.UploadAsync(BinaryData.FromString(batchName), new Azure.Storage.Blobs.Models.BlobUploadOptions
        {
            Metadata = new Dictionary<string, string> { ["batch"] = batchName, ["contentHash"] = hash },
        });

        using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(body, null));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(batchName, (await IngestResponseBody.ReadAsync(response)).Blob);
        Assert.Equal(["crash-test line"], await BatchBlobs.ReadLinesAsync(_app.Logs, batchName));
        Assert.Single(await BatchBlobs.ListAsync(_app.Logs));
    }

    [Theory]
    [InlineData("..%2F..%2Fx")]
    [InlineData("..%5C..%5Cetc")]
    [InlineData("a.b%5Cc")]
    [InlineData("%E2%9C%93")]
    public async Task Ingest_HostileUnknownSourceName_StaysUnderItsOwnPrefix(string source)
    {
        using var response = await _app.Client.PostAsync($"/api/ingest/{source}?kind=access", Bodies.Content("line\n"u8.ToArray(), null));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var blob = (await IngestResponseBody.ReadAsync(response)).Blob!;
        Assert.Matches(@"^raw/[A-Za-z0-9_-]+/\d{4}/\d{2}/\d{2}/\d{2}/[0-9TZ]+-[0-9a-f]{16}\.log\.gz$", blob);
        Assert.DoesNotContain("..", blob, StringComparison.Ordinal);
        Assert.All(await BatchBlobs.ListAsync(_app.Logs, string.Empty), b => Assert.True(b.Name.StartsWith("raw/", StringComparison.Ordinal) || b.Name.StartsWith("dedup/", StringComparison.Ordinal), b.Name));
    }

    [Fact]
    public async Task Ingest_UnknownSourceWithoutKind_Is400()
    {
        using var response = await _app.Client.PostAsync("/api/ingest/new-source", Bodies.Content("line\n"u8.ToArray(), null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
