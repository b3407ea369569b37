using System.Buffers.Text;
using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>The upstream lists of an access line ($upstream_addr, $upstream_status and the times): one entry per try.</summary>
internal sealed partial class DiagnosisEngine
{
    private static bool HasFailedTry(ReadOnlySpan<byte> statuses)
    {
        var tries = new UpstreamTries(statuses);
        while (tries.MoveNext(out var item))
        {
            if (item.SequenceEqual("502"u8) || item.SequenceEqual("503"u8) || item.SequenceEqual("504"u8))
            {
                return true;
            }
        }

        return false;
    }

    private static List<UpstreamTry> ReadTries(in AccessLogEntry entry)
    {
        var result = new List<UpstreamTry>();
        var addrs = new UpstreamTries(entry.Get(AccessField.UpstreamAddr));
        var statuses = new UpstreamTries(entry.Get(AccessField.UpstreamStatus));
        var connects = new UpstreamTries(entry.Get(AccessField.UpstreamConnectTime));
        var headers = new UpstreamTries(entry.Get(AccessField.UpstreamHeaderTime));
        var responses = new UpstreamTries(entry.Get(AccessField.UpstreamResponseTime));
        var received = new UpstreamTries(entry.Has(AccessField.UpstreamBytesReceived)
            ? entry.Get(AccessField.UpstreamBytesReceived) : entry.Get(AccessField.UpstreamResponseLength));
        while (addrs.MoveNext(out var addr))
        {
            statuses.MoveNext(out var status);
            connects.MoveNext(out var connect);
            headers.MoveNext(out var header);
            responses.MoveNext(out var response);
            received.MoveNext(out var bytes);
            if (addr.SequenceEqual("-"u8))
            {
                continue;
            }

            result.Add(new UpstreamTry(
                Encoding.UTF8.GetString(addr),
                Utf8Parser.TryParse(status, out int code, out _) ? code : 0,
                Seconds(connect),
                Seconds(header),
                Seconds(response),
                Utf8Parser.TryParse(bytes, out long count, out var consumed) && consumed == bytes.Length ? count : null));
        }

        return result;
    }

    private static double? Seconds(ReadOnlySpan<byte> value) =>
        value.IsEmpty || value[0] == '-' || !Utf8Parser.TryParse(value, out double s, out _) ? null : s;
}
