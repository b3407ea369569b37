using System.Net;
using System.Net.Sockets;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>
/// A UDP DNS server on 127.0.0.1 for nginx's <c>resolver</c>: it answers every query with one error RCODE
/// (NXDOMAIN 3, SERVFAIL 2, REFUSED 5) or never answers at all (resolver timeout).
/// </summary>
internal sealed class StubDnsServer : IAsyncDisposable
{
    private const int HeaderLength = 12;

    private readonly UdpClient _udp;
    private readonly bool _answer;
    private readonly byte _rcode;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _queries;

    private StubDnsServer(bool answer, byte rcode = 3)
    {
        _answer = answer;
        _rcode = rcode;
        _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;
        _loop = LoopAsync();
    }

    public int Port { get; }

    public int Queries => Volatile.Read(ref _queries);

    public static StubDnsServer StartNxDomain() => new(answer: true);

    public static StubDnsServer StartSilent() => new(answer: false);

    /// <summary>Answers every query with <paramref name="rcode"/> (2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED).</summary>
    public static StubDnsServer StartAnswering(byte rcode) => new(answer: true, rcode);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _udp.Dispose();
        await _loop;
        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _udp.ReceiveAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _queries);
            if (!_answer || received.Buffer.Length < HeaderLength)
            {
                continue;
            }

            try
            {
                await _udp.SendAsync(ErrorAnswer(received.Buffer, _rcode), received.RemoteEndPoint, _stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    /// <summary>The query echoed back as a response: same id and question, QR=1, RA=1, the RCODE, no records.</summary>
    private static byte[] ErrorAnswer(byte[] query, byte rcode)
    {
        var questionEnd = HeaderLength;
        while (questionEnd < query.Length && query[questionEnd] != 0)
        {
            questionEnd += query[questionEnd] + 1;
        }

        questionEnd = Math.Min(questionEnd + 1 + 4, query.Length); // root label, QTYPE, QCLASS
        var response = query[..questionEnd];
        response[2] = (byte)(0x80 | (query[2] & 0x79)); // QR, keep opcode and RD, clear AA/TC
        response[3] = (byte)(0x80 | rcode); // RA, RCODE
        response[4] = 0;
        response[5] = 1; // QDCOUNT
        response.AsSpan(6, 6).Clear(); // ANCOUNT, NSCOUNT, ARCOUNT
        return response;
    }
}
