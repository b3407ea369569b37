using System.Diagnostics;
using System.Net;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionsApp.IntegrationTests.Reliability;

/// <summary>
/// Storage that hangs (real Azurite behind a proxy on 127.0.0.1 that stops forwarding): ingest answers 503 with
/// <c>Retry-After</c> within 10 s although one try may wait 30 s and three are allowed (one deadline per request, not
/// per try); a client that gives up leaves no error in the logs; once storage answers again the retry is stored once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageHangDeadlineTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly LogCapture _logs = new();
    private FaultProxy _proxy = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _proxy = new FaultProxy(azurite.Port);
        _app = await TestApp.StartAsync(
            azurite,
            new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = _proxy.ConnectionString(azurite),
                ["Storage:NetworkTimeout"] = "00:00:30",
                ["Storage:MaxRetries"] = "2",
            },
            s => s.AddSingleton<ILoggerProvider>(_logs));
    }

    public async Task DisposeAsync()
    {
        _proxy.Resume();
        await _app.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task Ingest_StorageHangs_Answers503WithinTenSecondsThenStoresTheRetryOnce()
    {
        using (var warm = await PostAsync("10.2.0.1 - - [24/Nov/2026:05:00:01 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"\n", "warm"))
        {
            Assert.Equal(HttpStatusCode.Accepted, warm.StatusCode);
        }

        const string body = "10.2.0.2 - - [24/Nov/2026:05:00:02 +0000] \"GET /a HTTP/1.1\" 502 0 \"-\" \"-\"\n";
        _proxy.Hang();
        var clock = Stopwatch.StartNew();
        using (var hung = await PostAsync(body, "hung"))
        {
            clock.Stop();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, hung.StatusCode);
            Assert.NotNull(hung.Headers.RetryAfter);
            Assert.Equal("urn:nginx-502-diagnostics:problem:storage-unavailable", (await ProblemBody.ReadAsync(hung)).Type);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"answered after {clock.Elapsed}");
        }

        _proxy.Resume();
        using var retried = await PostAsync(body, "hung");
        using var again = await PostAsync(body, "hung");

        Assert.True(retried.IsSuccessStatusCode, $"{retried.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var lines = await BatchBlobs.ReadAllLinesAsync(_app.Logs);
        Assert.Single(lines, l => l.Contains("/a HTTP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_ClientGoesAwayWhileStorageHangs_LogsNoError()
    {
        using (var warm = await PostAsync("10.2.1.1 - - [24/Nov/2026:05:00:01 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"\n", "warm-2"))
        {
            Assert.Equal(HttpStatusCode.Accepted, warm.StatusCode);
        }

        _proxy.Hang();
        using (var impatient = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                PostAsync("10.2.1.2 - - [24/Nov/2026:05:00:02 +0000] \"GET /b HTTP/1.1\" 502 0 \"-\" \"-\"\n", "gone", impatient.Token));
        }

        // Past the storage deadline: whatever the app does with the abandoned request has happened by now.
        await Task.Delay(TimeSpan.FromSeconds(10));
        _proxy.Resume();
        using (var after = await PostAsync("10.2.1.3 - - [24/Nov/2026:05:00:03 +0000] \"GET /c HTTP/1.1\" 200 1 \"-\" \"-\"\n", "after"))
        {
            Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        }

        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string key, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/nginx-access")
        {
            Content = Bodies.Content(System.Text.Encoding.UTF8.GetBytes(body), null),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await _app.Client.SendAsync(request, cancellationToken);
    }
}
