using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FunctionsApp.Probes.Internal;

/// <summary>
/// Looks a name up the way the system would (/etc/hosts first, then DNS), and keeps what <c>getaddrinfo</c> hides:
/// which server answered, each record's TTL, and the exact failure (NXDOMAIN, SERVFAIL, no answer). A minimal
/// RFC 1035 client over UDP: one question, A then AAAA.
/// </summary>
internal sealed class DnsLookup(string? server, TimeSpan timeout, string hostsFile = "/etc/hosts", string resolvConf = "/etc/resolv.conf")
{
    private const ushort TypeA = 1;
    private const ushort TypeAaaa = 28;

    public async Task<ProbeDns> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var fromHosts = FromHosts(name);
        if (fromHosts.Count > 0)
        {
            return new ProbeDns(name, "hosts", hostsFile, [.. fromHosts.Select(a => new ProbeDnsAnswer(a.ToString(), null))], stopwatch.Elapsed.TotalMilliseconds, null);
        }

        var endpoint = ServerEndpoint();
        if (endpoint is null)
        {
            return new ProbeDns(name, "dns", null, [], stopwatch.Elapsed.TotalMilliseconds, "no DNS server known: set Probes:DnsServer");
        }

        var answers = new List<ProbeDnsAnswer>();
        string? error = null;
        foreach (var type in new[] { TypeA, TypeAaaa })
        {
            var (records, rcode, failure) = await QueryAsync(endpoint, name, type, cancellationToken);
            if (failure is not null)
            {
                error = failure;
                break;
            }

            if (rcode == 3)
            {
                error = $"NXDOMAIN: {name} does not exist (answer from {endpoint})";
                break;
            }

            if (rcode != 0)
            {
                error = $"{RcodeName(rcode)} from {endpoint}";
                break;
            }

            answers.AddRange(records);
            if (answers.Count > 0)
            {
                break;
            }
        }

        if (error is null && answers.Count == 0)
        {
            error = $"{endpoint} has no A or AAAA record for {name}";
        }

        return new ProbeDns(name, "dns", endpoint.ToString(), answers, stopwatch.Elapsed.TotalMilliseconds, error);
    }

    private IPEndPoint? ServerEndpoint()
    {
        var text = server;
        if (string.IsNullOrWhiteSpace(text))
        {
            try
            {
                text = File.Exists(resolvConf)
                    ? File.ReadLines(resolvConf).Select(l => l.Trim()).Where(l => l.StartsWith("nameserver", StringComparison.Ordinal))
                        .Select(l => l["nameserver".Length..].Trim()).FirstOrDefault()
                    : null;
            }
            catch (IOException)
            {
                text = null;
            }
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (IPEndPoint.TryParse(text, out var endpoint))
        {
            if (endpoint.Port == 0)
            {
                endpoint.Port = 53;
            }

            return endpoint;
        }

        return null;
    }

    private List<IPAddress> FromHosts(string name)
    {
        var found = new List<IPAddress>();
        try
        {
            if (!File.Exists(hostsFile))
            {
                return found;
            }

            foreach (var raw in File.ReadLines(hostsFile))
            {
                var line = raw.Split('#')[0];
                var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && parts.Skip(1).Contains(name, StringComparer.OrdinalIgnoreCase) && IPAddress.TryParse(parts[0], out var address))
                {
                    found.Add(address);
                }
            }
        }
        catch (IOException)
        {
            // An unreadable hosts file is as good as none.
        }

        return found;
    }

    private async Task<(List<ProbeDnsAnswer> Records, int Rcode, string? Failure)> QueryAsync(IPEndPoint endpoint, string name, ushort type, CancellationToken cancellationToken)
    {
        var id = (ushort)Random.Shared.Next(ushort.MaxValue);
        var query = BuildQuery(id, name, type);
        using var udp = new UdpClient(endpoint.AddressFamily);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await udp.SendAsync(query, endpoint, timer.Token);
            while (true)
            {
                var received = await udp.ReceiveAsync(timer.Token);
                if (received.Buffer.Length >= 12 && BinaryPrimitives.ReadUInt16BigEndian(received.Buffer) == id)
                {
                    return Parse(received.Buffer, type);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ([], 0, string.Create(CultureInfo.InvariantCulture, $"no answer from {endpoint} within {timeout.TotalSeconds:0.#} s"));
        }
        catch (SocketException e)
        {
            return ([], 0, $"querying {endpoint} failed: {e.SocketErrorCode}");
        }
    }

    private static byte[] BuildQuery(ushort id, string name, ushort type)
    {
        var bytes = new List<byte>(32 + name.Length);
        bytes.AddRange([(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]); // RD; one question
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            var encoded = Encoding.ASCII.GetBytes(label);
            bytes.Add((byte)Math.Min(encoded.Length, 63));
            bytes.AddRange(encoded.Take(63));
        }

        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return [.. bytes];
    }

    private static (List<ProbeDnsAnswer> Records, int Rcode, string? Failure) Parse(byte[] message, ushort type)
    {
        var records = new List<ProbeDnsAnswer>();
        var rcode = message[3] & 0x0F;
        var questions = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(4));
        var answers = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6));
        var position = 12;
        try
        {
            for (var i = 0; i < questions; i++)
            {
                position = SkipName(message, position) + 4;
            }

            for (var i = 0; i < answers; i++)
            {
                position = SkipName(message, position);
                var recordType = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(position));
                var ttl = BinaryPrimitives.ReadInt32BigEndian(message.AsSpan(position + 4));
                var length = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(position + 8));
                var data = message.AsSpan(position + 10, length);
                if (recordType == type && ((type == TypeA && length == 4) || (type == TypeAaaa && length == 16)))
                {
                    records.Add(new ProbeDnsAnswer(new IPAddress(data).ToString(), ttl));
                }

                position += 10 + length;
            }
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return (records, rcode, "the DNS answer is truncated or malformed");
        }

        return (records, rcode, null);
    }

    private static int SkipName(byte[] message, int position)
    {
        while (true)
        {
            var length = message[position];
            if (length == 0)
            {
                return position + 1;
            }

            if ((length & 0xC0) == 0xC0)
            {
                return position + 2;
            }

            position += length + 1;
        }
    }

    private static string RcodeName(int rcode) => rcode switch
    {
        1 => "FORMERR",
        2 => "SERVFAIL",
        4 => "NOTIMP",
        5 => "REFUSED",
        _ => "RCODE " + rcode.ToString(CultureInfo.InvariantCulture),
    };
}
