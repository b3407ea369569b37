using System.Net;
using System.Net.Sockets;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback TCP port that stays ours until disposed: a socket bound to <c>127.0.0.1:0</c> that never listens, so a
/// connect to it is refused (111: Connection refused) and the kernel never hands the port to another bind to port 0.
/// </summary>
/// <remarks>
/// A port found free and released at once (bind, read, close) can be given to any other server before its new owner
/// binds it: a dead upstream then answers, or nginx cannot bind. Holding the port closes that window. A
/// <em>shareable</em> hold keeps <c>SO_REUSEADDR</c> (which .NET sets on every TCP bind): Linux then lets the one
/// listener we mean (nginx's <c>listen</c>, an app server, Azurite, the app, our own server) bind and listen on the
/// port, while an automatic bind to port 0 anywhere still skips it. Once that listener is up, <see cref="MakeExclusive"/> clears the
/// option: from then on nobody else can bind the port, and it keeps refusing after the listener closes, until this
/// hold is disposed. An exclusive hold from the start (<see cref="Refusing"/>) is a port where nothing ever listens.
/// </remarks>
internal sealed class HeldPort : IDisposable
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    private readonly Socket _socket;

    private HeldPort(Socket socket)
    {
        _socket = socket;
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary>How nginx names a server on this port: <c>127.0.0.1:PORT</c>.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>A port that refuses connections and that no one else can bind while this lives.</summary>
    public static HeldPort Refusing()
    {
        var port = Shareable();
        port.MakeExclusive();
        return port;
    }

    /// <summary>A port that one listener of ours (nginx, an app server, a <c>LoopbackTcpServer</c>) may still bind with SO_REUSEADDR.</summary>
    public static HeldPort Shareable()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return new HeldPort(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A loopback UDP port for a receiver of ours (syslog-ng's <c>udp()</c> source, which sets SO_REUSEADDR): no
    /// automatic bind takes it meanwhile. Dispose the hold once the receiver has bound it, so that datagrams reach
    /// the receiver alone; its bound socket keeps the port from then on.
    /// </summary>
    public static HeldPort Udp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // SO_REUSEADDR alone (SocketOptionName.ReuseAddress would add SO_REUSEPORT on Linux).
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return new HeldPort(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Clears SO_REUSEADDR (and SO_REUSEPORT): no socket bound from now on can share the port.</summary>
    public void MakeExclusive() => _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);

    public void Dispose() => _socket.Dispose();
}
