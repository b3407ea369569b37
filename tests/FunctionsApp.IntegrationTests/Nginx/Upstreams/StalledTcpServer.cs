using System.Net;
using System.Net.Sockets;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>
/// A process that listens but never accepts (hung, or stopped with SIGSTOP): the first connects complete into the
/// tiny backlog and then wait for an answer (nginx: timed out while reading the response header); once the queue is
/// full Linux drops further SYNs (nginx: timed out while connecting to upstream).
/// </summary>
internal sealed class StalledTcpServer : IDisposable
{
    private readonly HeldPort _port;
    private readonly Socket _listener;

    public StalledTcpServer()
    {
        _port = HeldPort.Shareable();
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, _port.Port));
        _listener.Listen(0);
        _port.MakeExclusive();
    }

    public string Address => _port.Address;

    public void Dispose()
    {
        _listener.Dispose();
        _port.Dispose();
    }
}
