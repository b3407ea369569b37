using System.Net;
using System.Net.Sockets;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a real server (Azurite) that can freeze the network: <see cref="Hang"/> stops
/// forwarding bytes in both directions on every connection, old and new (connections stay open, nothing answers, as
/// with a storage account that hangs); <see cref="Resume"/> lets the held bytes through again.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private TaskCompletionSource _open = Opened();

    public FaultProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>
    /// Azurite's connection string with the proxy as the blob endpoint, and <paramref name="tables"/> (a proxy in front
    /// of Azurite's table service) as the table endpoint when given; otherwise tables are reached directly.
    /// </summary>
    public string ConnectionString(AzuriteFixture azurite, FaultProxy? tables = null)
    {
        var connection = azurite.ConnectionString.Replace($"127.0.0.1:{azurite.Port}/", $"127.0.0.1:{Port}/", StringComparison.Ordinal);
        return tables is null
            ? connection
            : connection.Replace($"127.0.0.1:{azurite.TablePort}/", $"127.0.0.1:{tables.Port}/", StringComparison.Ordinal);
    }

    /// <summary>Stops forwarding: every byte sent from now on is held until <see cref="Resume"/>.</summary>
    public void Hang()
    {
        lock (_connections)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Resume()
    {
        lock (_connections)
        {
            _open.TrySetResult();
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private Task Gate()
    {
        lock (_connections)
        {
            return _open.Task;
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var upstream = new TcpClient();
                lock (_connections)
                {
                    _connections.Add(client);
                    _connections.Add(upstream);
                }

                _ = Task.Run(async () =>
                {
                    try
                    {
                        await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
                        await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        // A side closed or the proxy stopped.
                    }
                    finally
                    {
                        client.Dispose();
                        upstream.Dispose();
                    }
                });
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[64 * 1024];
        var source = from.GetStream();
        var target = to.GetStream();
        while (true)
        {
            var read = await source.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            await Gate().WaitAsync(_stop.Token);
            await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
        }

        await _accepting;
        _stop.Dispose();
    }
}
