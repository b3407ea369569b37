using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>What a <see cref="LoopbackTcpServer"/> does with each connection nginx opens.</summary>
internal static class UpstreamBehaviors
{
    /// <summary>A well-behaved HTTP/1.1 answer with <paramref name="status"/> (200 healthy, 502/503 passed through).</summary>
    public static Func<Socket, CancellationToken, Task> Respond(int status, string reason) =>
        async (socket, ct) =>
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await ReadRequestHeadAsync(stream, ct);
            await WriteResponseAsync(stream, status, reason, ct);
        };

    /// <summary>
    /// An application: 404 for what it does not serve (scanners' favourite paths), otherwise 200 after
    /// <paramref name="delay"/> (none by default).
    /// </summary>
    public static Func<Socket, CancellationToken, Task> App(TimeSpan delay = default) =>
        async (socket, ct) =>
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var head = await ReadRequestHeadTextAsync(stream, ct);
            var target = head.Split(' ', 3) is { Length: >= 2 } parts ? parts[1] : "/";
            if (target.Contains("wp-", StringComparison.Ordinal) || target.Contains(".env", StringComparison.Ordinal)
                || target.Contains(".php", StringComparison.Ordinal) || target.Contains("/.git", StringComparison.Ordinal)
                || target.Contains("/missing", StringComparison.Ordinal))
            {
                await WriteResponseAsync(stream, 404, "Not Found", ct);
                return;
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, ct);
            }

            await WriteResponseAsync(stream, 200, "OK", ct);
        };

    /// <summary>A plain HTTP server that answers whatever arrives first (a TLS ClientHello, too) with a 400.</summary>
    public static Func<Socket, CancellationToken, Task> PlainHttpRejectingAnything() =>
        async (socket, ct) =>
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var buffer = new byte[4096];
            if (await stream.ReadAsync(buffer, ct) > 0)
            {
                await WriteResponseAsync(stream, 400, "Bad Request", ct);
            }
        };

    /// <summary>Not HTTP at all: something else listens on the upstream port.</summary>
    public static Func<Socket, CancellationToken, Task> Garbage() =>
        async (socket, ct) =>
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await ReadRequestHeadAsync(stream, ct);
            await stream.WriteAsync("\0\u0001\u0002garbage \u00ff\u00fe not http\r\n\r\n"u8.ToArray(), ct);
            socket.Shutdown(SocketShutdown.Send);
        };

    /// <summary>A valid status line followed by a header line nginx rejects.</summary>
    public static Func<Socket, CancellationToken, Task> InvalidHeader() =>
        async (socket, ct) =>
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await ReadRequestHeadAsync(stream, ct);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nBroken Header Line\r\n\r\nok"u8.ToArray(), ct);
            socket.Shutdown(SocketShutdown.Send);
        };

    /// <summary>Reads the request and closes cleanly (FIN) without a response: a crashing worker.</summary>
    public static Func<Socket, CancellationToken, Task> CloseWithoutResponse() =>
        async (socket, ct) =>
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await ReadRequestHeadAsync(stream, ct);
            socket.Shutdown(SocketShutdown.Both);
        };

    /// <summary>Reads the request and resets the connection (RST via SO_LINGER 0).</summary>
    public static Func<Socket, CancellationToken, Task> Reset() =>
        async (socket, ct) =>
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await ReadRequestHeadAsync(stream, ct);
            socket.LingerState = new LingerOption(enable: true, seconds: 0);
            socket.Close();
        };

    /// <summary>
    /// A server that handles <paramref name="limit"/> requests at a time, each taking <paramref name="serviceTime"/>,
    /// and resets (RST) every connection beyond that: at once, before reading the request (<paramref name="resetUnread"/>),
    /// or after reading it. Under bursts, successes and resets interleave: it keeps serving while it turns others away.
    /// </summary>
    public static Func<Socket, CancellationToken, Task> Throttled(int limit, TimeSpan serviceTime, bool resetUnread)
    {
        var inFlight = 0;
        return async (socket, ct) =>
        {
            try
            {
                await using var stream = new NetworkStream(socket, ownsSocket: false);
                if (Interlocked.Increment(ref inFlight) > limit)
                {
                    if (!resetUnread)
                    {
                        await ReadRequestHeadAsync(stream, ct);
                    }

                    socket.LingerState = new LingerOption(enable: true, seconds: 0);
                    socket.Close();
                    return;
                }

                await ReadRequestHeadAsync(stream, ct);
                await Task.Delay(serviceTime, ct);
                await WriteResponseAsync(stream, 200, "OK", ct);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        };
    }

    /// <summary>A response header far larger than nginx's <c>proxy_buffer_size</c>.</summary>
    public static Func<Socket, CancellationToken, Task> BigHeader(int headerBytes) =>
        async (socket, ct) =>
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await ReadRequestHeadAsync(stream, ct);
            var head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n");
            head.Append("X-Session-State: ").Append('a', headerBytes).Append("\r\n\r\nok");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct);
        };

    /// <summary>Reads the request, then says nothing for <paramref name="delay"/> (longer than <c>proxy_read_timeout</c>).</summary>
    public static Func<Socket, CancellationToken, Task> Slow(TimeSpan delay) =>
        async (socket, ct) =>
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await ReadRequestHeadAsync(stream, ct);
            await Task.Delay(delay, ct);
            await WriteResponseAsync(stream, 200, "OK", ct);
        };

    /// <summary>TLS with <paramref name="certificate"/>, then a 200: nginx decides whether to trust it.</summary>
    public static Func<Socket, CancellationToken, Task> Tls(X509Certificate2 certificate) =>
        async (socket, ct) =>
        {
            await using var stream = new SslStream(new NetworkStream(socket, ownsSocket: false));
            await stream.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions { ServerCertificate = certificate }, ct);
            await ReadRequestHeadAsync(stream, ct);
            await WriteResponseAsync(stream, 200, "OK", ct);
        };

    internal static async Task WriteResponseAsync(Stream stream, int status, string reason, CancellationToken ct)
    {
        var body = $"{status} from upstream\n";
        var response = $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), ct);
        await stream.FlushAsync(ct);
    }

    /// <summary>Reads the request head and returns its first line.</summary>
    private static async Task<string> ReadRequestHeadTextAsync(Stream stream, CancellationToken ct)
    {
        var head = await ReadRequestHeadAsync(stream, ct);
        var end = head.IndexOf("\r\n", StringComparison.Ordinal);
        return end < 0 ? head : head[..end];
    }

    /// <summary>Reads up to the blank line that ends the request head (nginx sends no body for GET); returns the head as ASCII.</summary>
    internal static async Task<string> ReadRequestHeadAsync(Stream stream, CancellationToken ct)
    {
        var text = new StringBuilder();
        var buffer = new byte[8192];
        var seen = 0;
        var tail = 0u;
        while (true)
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0)
            {
                throw new IOException($"Connection closed after {seen} bytes of the request head.");
            }

            for (var i = 0; i < read; i++)
            {
                tail = (tail << 8) | buffer[i];
                if (tail == 0x0D0A0D0A)
                {
                    text.Append(Encoding.ASCII.GetString(buffer, 0, i + 1));
                    return text.ToString();
                }
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));

            seen += read;
        }
    }
}
