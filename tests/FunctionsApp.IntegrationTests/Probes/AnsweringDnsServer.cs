using System.Net;
using System.Net.Sockets;

namespace FunctionsApp.IntegrationTests.Probes;

/// <summary>A UDP DNS server on 127.0.0.1 that answers A queries for its names with 127.0.0.1 and a fixed TTL, and
/// NXDOMAIN for any other name (the lab's StubDnsServer only refuses or stays silent).</summary>
internal sealed class AnsweringDnsServer : IAsyncDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly HashSet<string> _names;
    private readonly int _ttl;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public AnsweringDnsServer(int ttl, params string[] names)
    {
        _ttl = ttl;
        _names = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        Port = ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;
        _loop = LoopAsync();
    }

    public int Port { get; }

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
                await _udp.SendAsync(Answer(received.Buffer), received.RemoteEndPoint, _stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private byte[] Answer(byte[] query)
    {
        var position = 12;
        var labels = new List<string>();
        while (query[position] != 0)
        {
            labels.Add(System.Text.Encoding.ASCII.GetString(query, position + 1, query[position]));
            position += query[position] + 1;
        }

        var questionEnd = position + 1 + 4;
        var type = (query[position + 1] << 8) | query[position + 2];
        var known = _names.Contains(string.Join('.', labels));
        var response = new List<byte>(query[..questionEnd]);
        response[2] = (byte)(0x80 | (query[2] & 0x79));
        response[3] = (byte)(0x80 | (known ? 0 : 3));
        response[6] = 0;
        response[7] = (byte)(known && type == 1 ? 1 : 0);
        response[8] = response[9] = response[10] = response[11] = 0;
        if (known && type == 1)
        {
            // Name as a pointer to the question, type A, class IN, TTL, 4 bytes of 127.0.0.1.
            response.AddRange([0xC0, 12, 0, 1, 0, 1, (byte)(_ttl >> 24), (byte)(_ttl >> 16), (byte)(_ttl >> 8), (byte)_ttl, 0, 4, 127, 0, 0, 1]);
        }

        return [.. response];
    }
}
