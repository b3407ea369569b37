using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Ingestion;

/// <summary>
/// Storage dies in the middle of a batch (after the idempotency marker, before the batch blob): the shipper gets
/// 503 + Retry-After and nothing is acknowledged; after storage returns, the retry is stored exactly once.
/// Own Azurite: this test kills it.
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly StopStorageAfterMarkerPolicy _fault;
    private TestApp _app = null!;

    public StorageOutageTests() => _fault = new StopStorageAfterMarkerPolicy(_azurite.StopAsync);

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _app = await TestApp.StartAsync(_azurite, services: s => s.AddSingleton<HttpPipelinePolicy>(_fault));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task Ingest_StorageLostMidBatch_Answers503ThenStoresTheRetryExactlyOnce()
    {
        var lines = Enumerable.Range(0, 1000).Select(i => $"10.1.1.1 - - [24/Nov/2026:05:00:01 +0000] \"GET /o/{i} HTTP/1.1\" 502 0 \"-\" \"-\"").ToArray();
        var body = Bodies.Encode(string.Join('\n', lines) + "\n", "gzip");
        _fault.Armed = true;

        using var failed = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(body, "gzip"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), failed.Headers.RetryAfter?.Delta);
        Assert.Equal("urn:nginx-502-diagnostics:problem:storage-unavailable", (await ProblemBody.ReadAsync(failed)).Type);
        Assert.True(_fault.Fired);

        using (var stillDown = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(body, "gzip")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stillDown.StatusCode);
            Assert.NotNull(stillDown.Headers.RetryAfter);
        }

        using (var health = await _app.Anonymous.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }

        await _azurite.StartAsync();
        using var retried = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(body, "gzip"));
        using var retriedAgain = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(body, "gzip"));

        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retriedAgain.StatusCode);
        Assert.True((await IngestResponseBody.ReadAsync(retriedAgain)).Duplicate);
        var stored = Assert.Single(await BatchBlobs.ListAsync(_app.Logs));
        Assert.Equal(lines, await BatchBlobs.ReadLinesAsync(_app.Logs, stored.Name));
    }

    /// <summary>Kills Azurite right after a successful idempotency-marker write, once, when armed.</summary>
    private sealed class StopStorageAfterMarkerPolicy(Func<Task> stop) : HttpPipelinePolicy
    {
        public volatile bool Armed;
        public volatile bool Fired;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (ShouldFire(message))
            {
                await stop();
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            if (ShouldFire(message))
            {
                stop().GetAwaiter().GetResult();
            }
        }

        private bool ShouldFire(HttpMessage message)
        {
            if (!Armed || message.Request.Method != RequestMethod.Put || message.Response.Status != 201 ||
                !message.Request.Uri.Path.Contains("/dedup/", StringComparison.Ordinal))
            {
                return false;
            }

            Armed = false;
            Fired = true;
            return true;
        }
    }
}
