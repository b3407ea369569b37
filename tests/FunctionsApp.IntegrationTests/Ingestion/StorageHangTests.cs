using System.Net;
using System.Net.Sockets;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Ingestion;

/// <summary>Storage that accepts connections but never answers: the network timeout becomes 503 + Retry-After.</summary>
public sealed class StorageHangTests : IAsyncLifetime
{
    private readonly TcpListener _blackHole = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _blackHole.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _blackHole.AcceptTcpClientAsync(_stop.Token);
                lock (_held)
                {
                    _held.Add(client);
                }
            }
        });
        var port = ((IPEndPoint)_blackHole.LocalEndpoint).Port;
        _app = await TestApp.StartAsync(
            new AzuriteFixture(),
            new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;",
                ["Storage:NetworkTimeout"] = "00:00:01",
                ["Storage:MaxRetries"] = "0",
            },
            storageUp: false);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _stop.CancelAsync();
        _blackHole.Stop();
        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }

        _stop.Dispose();
    }

    [Fact]
    public async Task Ingest_StorageNeverAnswers_Is503WithRetryAfter()
    {
        using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content("line\n"u8.ToArray(), null));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("urn:nginx-502-diagnostics:problem:storage-unavailable", (await ProblemBody.ReadAsync(response)).Type);
    }
}
