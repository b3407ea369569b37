using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>
/// A tiny TCP server on 127.0.0.1 that hands every accepted connection to a behavior
/// (see <see cref="UpstreamBehaviors"/>). Stopping it stops listening, so later connects are refused; the port stays
/// held (<see cref="HeldPort"/>) until dispose, so no other server can be given it meanwhile.
/// </summary>
internal sealed class LoopbackTcpServer : IAsyncDisposable
{
    private readonly HeldPort _port;
    private readonly TcpListener _listener;
    private readonly Func<Socket, CancellationToken, Task> _behavior;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _acceptLoop;
    private int _accepted;

    private LoopbackTcpServer(Func<Socket, CancellationToken, Task> behavior)
    {
        _behavior = behavior;
        _port = HeldPort.Shareable();
        // .NET sets SO_REUSEADDR on every TCP bind, which is what sharing the held port takes. Setting ReuseAddress
        // here would add SO_REUSEPORT, and Linux would then let later SO_REUSEPORT binds skip the hold.
        _listener = new TcpListener(IPAddress.Loopback, _port.Port);
        _listener.Start(backlog: 128);
        _port.MakeExclusive();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>How nginx names this upstream in <c>$upstream_addr</c> and the error log.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public int AcceptedConnections => Volatile.Read(ref _accepted);

    public static LoopbackTcpServer Start(Func<Socket, CancellationToken, Task> behavior) => new(behavior);

    /// <summary>Stops listening and ends open connections; the port refuses connections afterwards (and stays held).</summary>
    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_connections);
        await WaitUntilRefusedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
        _port.Dispose();
    }

    /// <summary>
    /// Returns once a connect to the port is refused. The listening descriptor is closed only when the cancelled accept
    /// lets go of it; until then the kernel still completes handshakes into the backlog and resets them at the close,
    /// and nginx logs <c>recv() failed (104: Connection reset by peer)</c> where the scenario means a refusal (seen
    /// once in CI, under load).
    /// </summary>
    private async Task WaitUntilRefusedAsync()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // The very state waited out: the handshake went into the backlog of a listener being closed.
            }

            await Task.Delay(25);
        }

        throw new InvalidOperationException($"127.0.0.1:{Port} still accepts connections 5 s after its server stopped.");
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            _connections.Add(ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        // Yield first so that a slow behavior never blocks the accept loop.
        await Task.Yield();
        try
        {
            await _behavior(socket, _stopping.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException
                                      or System.Security.Authentication.AuthenticationException)
        {
            // nginx hung up or the server is stopping: both are part of the scenarios.
        }
        finally
        {
            socket.Dispose();
        }
    }
}
