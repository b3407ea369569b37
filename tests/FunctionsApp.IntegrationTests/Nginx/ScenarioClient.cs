using System.Collections.Concurrent;
using System.Globalization;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>Sends a scenario's requests to nginx with its Host header and records what came back.</summary>
internal sealed class ScenarioClient(int port, string host, string name)
{
    /// <summary>Recorded instead of a status when the response could not be read as HTTP.</summary>
    public const int TransportError = 0;

    /// <summary>Recorded when nginx did not answer within the client timeout.</summary>
    public const int ClientTimeout = -1;

    private readonly ConcurrentQueue<int> _statuses = new();
    private int _sequence;

    /// <summary>Client-visible statuses in completion order.</summary>
    public IReadOnlyList<int> Statuses => [.. _statuses];

    /// <summary>Sends <paramref name="count"/> requests one after another.</summary>
    public async Task SendSequentialAsync(int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await SendOneAsync(cancellationToken);
        }
    }

    /// <summary>Sends <paramref name="count"/> requests at once.</summary>
    public Task SendConcurrentAsync(int count, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(_ => SendOneAsync(cancellationToken)));

    private async Task SendOneAsync(CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);
        int status;
        try
        {
            status = (int)await LabHttp.GetAsync(port, host, $"/{name}/{n}", cancellationToken);
        }
        catch (HttpRequestException)
        {
            // nginx relayed something that is not HTTP/1.x (an HTTP/0.9 pass-through of garbage).
            status = TransportError;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            status = ClientTimeout;
        }

        _statuses.Enqueue(status);
    }
}
