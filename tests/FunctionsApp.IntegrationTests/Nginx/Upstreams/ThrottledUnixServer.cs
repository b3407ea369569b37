using System.Net.Sockets;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>
/// An app server on a unix socket with a tiny accept backlog that serves one request at a time, each taking
/// <c>serviceTime</c>: at a steady trickle every request succeeds; under a burst Linux refuses connects to the full
/// queue with EAGAIN (nginx: <c>(11: Resource temporarily unavailable)</c>) while the requests it did queue succeed.
/// </summary>
internal sealed class ThrottledUnixServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly TimeSpan _serviceTime;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public ThrottledUnixServer(string path, int backlog, TimeSpan serviceTime)
    {
        SocketPath = path;
        _serviceTime = serviceTime;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(backlog);
        _loop = ServeAsync();
    }

    public string SocketPath { get; }

    /// <summary>How nginx names it: <c>unix:/path</c>.</summary>
    public string Address => $"unix:{SocketPath}";

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _loop;
        _stopping.Dispose();
        if (File.Exists(SocketPath))
        {
            File.Delete(SocketPath);
        }
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            using (connection)
            {
                try
                {
                    await using var stream = new NetworkStream(connection, ownsSocket: false);
                    await UpstreamBehaviors.ReadRequestHeadAsync(stream, _stopping.Token);
                    await Task.Delay(_serviceTime, _stopping.Token);
                    await UpstreamBehaviors.WriteResponseAsync(stream, 200, "OK", _stopping.Token);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
                {
                    // nginx gave up on this one (timeout) or we are stopping.
                }
            }
        }
    }
}
