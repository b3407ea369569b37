using System.Net;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsApp.IntegrationTests.Ingestion;

/// <summary>
/// What deduplication holds: an <c>Idempotency-Key</c> is the identity of a batch (the same key is one batch for good;
/// a new key is a new batch, even for the same lines); without a key, identical content is one batch only within
/// <c>Ingestion:ContentDedupWindow</c> of its first arrival, since real logs repeat.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DedupWindowTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(
            azurite,
            new Dictionary<string, string?> { ["Ingestion:ContentDedupWindow"] = "00:03:00" },
            s => s.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Ingest_SameContentWithoutKey_DuplicateWithinTheWindowStoredAgainAfterIt()
    {
        var body = "10.0.0.1 - - [24/Nov/2026:05:00:01 +0000] \"GET /health HTTP/1.1\" 200 2 \"-\" \"-\"\n"u8.ToArray();

        var first = await PostAsync(body, key: null);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var retry = await PostAsync(body, key: null);
        _clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var repeated = await PostAsync(body, key: null);
        var repeatedRetry = await PostAsync(body, key: null);

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.OK], [first, retry, repeated, repeatedRetry]);
        var stored = await BatchBlobs.ListAsync(_app.Logs);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, b => Assert.Single(BatchBlobs.ReadLinesAsync(_app.Logs, b.Name).GetAwaiter().GetResult()));
    }

    [Fact]
    public async Task Ingest_SameKeyLongAfterTheWindow_IsStillADuplicate()
    {
        var body = "10.0.0.2 - - [24/Nov/2026:05:00:01 +0000] \"GET / HTTP/1.1\" 502 0 \"-\" \"-\"\n"u8.ToArray();

        var first = await PostAsync(body, key: "batch-7");
        _clock.Advance(TimeSpan.FromDays(3));
        var retry = await PostAsync(body, key: "batch-7");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK), (first, retry));
        Assert.Single(await BatchBlobs.ListAsync(_app.Logs));
    }

    [Fact]
    public async Task Ingest_SameContentUnderANewKey_IsStoredAsANewBatch()
    {
        var body = "10.0.0.3 - - [24/Nov/2026:05:00:01 +0000] \"GET / HTTP/1.1\" 502 0 \"-\" \"-\"\n"u8.ToArray();

        var first = await PostAsync(body, key: "a");
        var second = await PostAsync(body, key: "b");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first, second));
        Assert.Equal(2, (await BatchBlobs.ListAsync(_app.Logs)).Count);
    }

    private async Task<HttpStatusCode> PostAsync(byte[] body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/nginx-access") { Content = Bodies.Content(body, null) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var response = await _app.Client.SendAsync(request);
        return response.StatusCode;
    }
}
