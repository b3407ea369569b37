using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// The clients of one case: browsers and API clients behind a load balancer (their address in <c>X-Forwarded-For</c>,
/// which nginx's realip module turns into <c>$remote_addr</c>), impatient clients (499), and scanners that send
/// whatever they like. All traffic goes to nginx on 127.0.0.1.
/// </summary>
internal sealed class CorpusTrafficClient(int port) : IDisposable
{
    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "okhttp/4.12.0", "python-requests/2.32.3", "Go-http-client/1.1", "curl/8.5.0", "kube-probe/1.30",
    ];

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = 256,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };

    private int _sent;

    public int Sent => Volatile.Read(ref _sent);

    /// <summary>One request; returns the status, 0 when the connection failed, -1 when this client gave up.</summary>
    public async Task<int> SendAsync(Random random, string host, string path, string method = "GET", TimeSpan? giveUpAfter = null)
    {
        Interlocked.Increment(ref _sent);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri($"http://127.0.0.1:{port}{path}"));
        request.Headers.Host = host;
        string userAgent;
        string forwardedFor;
        lock (random)
        {
            userAgent = UserAgents[random.Next(UserAgents.Length)];
            forwardedFor = ClientAddress(random);
        }

        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        if (method == "POST")
        {
            request.Content = new StringContent("{\"quantity\":1}", Encoding.UTF8, "application/json");
        }

        using var giveUp = new CancellationTokenSource(giveUpAfter ?? TimeSpan.FromSeconds(20));
        try
        {
            using var response = await _client.SendAsync(request, giveUp.Token);
            await response.Content.ReadAsByteArrayAsync(giveUp.Token);
            return (int)response.StatusCode;
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>Sends raw bytes on a new connection (a request line nginx rejects with 400) and reads until nginx closes.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        Interlocked.Increment(ref _sent);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            await socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
            var buffer = new byte[4096];
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // nginx closed or reset: what scanners get.
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>One of a few hundred documentation addresses (RFC 5737), as a load balancer would forward them.</summary>
    private static string ClientAddress(Random random)
    {
        var net = random.Next(3) switch { 0 => "203.0.113", 1 => "198.51.100", _ => "192.0.2" };
        return $"{net}.{random.Next(1, 120)}";
    }
}
