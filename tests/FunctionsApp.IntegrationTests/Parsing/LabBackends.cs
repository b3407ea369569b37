using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FunctionsApp.IntegrationTests.Parsing;

/// <summary>
/// Upstreams for nginx on loopback: a plain HTTP server on a TCP port the system chose (bound to port 0 and held,
/// so no other test can take it) answering 200 (404 under <c>/missing</c>), and a unix socket that accepts
/// connections into its backlog but never answers (nginx times out reading the header: 504).
/// </summary>
internal sealed class LabBackends : IDisposable
{
    private readonly TcpListener _http = new(IPAddress.Loopback, 0);
    private readonly Socket _silent = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LabBackends(string directory)
    {
        _http.Start(128);
        SilentSocket = Path.Combine(directory, "silent.sock");
        _silent.Bind(new UnixDomainSocketEndPoint(SilentSocket));
        _silent.Listen(128);
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary><c>127.0.0.1:PORT</c>: how nginx writes this upstream in <c>$upstream_addr</c>.</summary>
    public string HttpAddress => $"127.0.0.1:{((IPEndPoint)_http.LocalEndpoint).Port}";

    public string SilentSocket { get; }

    public void Dispose()
    {
        _stop.Cancel();
        _http.Stop();
        _silent.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped while accepting.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _http.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[8192];
                var head = new StringBuilder();
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                var requestLine = head.ToString()[..head.ToString().IndexOf('\r', StringComparison.Ordinal)];
                var missing = requestLine.Contains(" /missing", StringComparison.Ordinal);
                var body = missing ? "not here\n" : "ok\n";
                var response = $"HTTP/1.1 {(missing ? "404 Not Found" : "200 OK")}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
                // nginx gave up on the connection; nothing to answer.
            }
        }
    }
}
