using System.Net;
using System.Net.Sockets;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>
/// A loopback port that refuses connections for as long as this lives: a socket bound to it that never listens, so
/// connects get a reset (111: Connection refused) and no other server in the test run can be given the port.
/// (A port found free and released at once may be handed to the next server that binds port 0.)
/// </summary>
internal sealed class RefusingPort : IAsyncDisposable
{
    private readonly Socket _socket;

    private RefusingPort(Socket socket, int port)
    {
        _socket = socket;
        Port = port;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>A fresh port that refuses connections.</summary>
    public static RefusingPort Reserve() => Bind(0);

    /// <summary>Holds <paramref name="port"/> (one that just stopped listening) so that it keeps refusing.</summary>
    public static RefusingPort Bind(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Connections the old listener accepted may linger in TIME_WAIT on this port.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return new RefusingPort(socket, ((IPEndPoint)socket.LocalEndPoint!).Port);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
