using System.Net.Sockets;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>
/// A unix socket that listens with a tiny backlog and never accepts, with its queue already
/// filled by other clients: the shape of an app server (php-fpm, gunicorn) that cannot keep up.
/// Linux answers a connect to a full unix-socket queue with EAGAIN instead of queueing it.
/// </summary>
internal sealed class SaturatedUnixSocket : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _queued = [];

    public SaturatedUnixSocket(string path)
    {
        Path = path;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(1);

        // Fill the accept queue: a non-blocking connect fails with EAGAIN once it is full.
        for (var i = 0; i < 64; i++)
        {
            var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
            try
            {
                client.Connect(new UnixDomainSocketEndPoint(path));
                _queued.Add(client);
            }
            catch (SocketException)
            {
                client.Dispose();
                break;
            }
        }

        if (_queued.Count == 0)
        {
            throw new InvalidOperationException($"Could not queue any connection on {path}.");
        }
    }

    public string Path { get; }

    /// <summary>How nginx names this upstream: <c>unix:/path</c>.</summary>
    public string Address => $"unix:{Path}";

    public int QueuedConnections => _queued.Count;

    public void Dispose()
    {
        foreach (var client in _queued)
        {
            client.Dispose();
        }

        _listener.Dispose();
        File.Delete(Path);
    }
}
