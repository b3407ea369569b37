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

    /// <summary>The tries <c>$upstream_addr</c> lists. Without <c>$upstream_status</c> in the line, the last try's status
    /// is the request's (see <see cref="ReadUnaddressed"/>) and earlier ones' unknown (0: nginx moved past them).</summary>
    private static List<UpstreamTry> ReadTries(in AccessLogEntry entry, int status)
    {
        var result = new List<UpstreamTry>();
        var statusLogged = entry.Has(AccessField.UpstreamStatus);
        var addrs = new UpstreamTries(entry.Get(AccessField.UpstreamAddr));
        var statuses = new UpstreamTries(entry.Get(AccessField.UpstreamStatus));
        var connects = new UpstreamTries(entry.Get(AccessField.UpstreamConnectTime));
        var headers = new UpstreamTries(entry.Get(AccessField.UpstreamHeaderTime));
        var responses = new UpstreamTries(entry.Get(AccessField.UpstreamResponseTime));
        var received = new UpstreamTries(entry.Has(AccessField.UpstreamBytesReceived)
            ? entry.Get(AccessField.UpstreamBytesReceived) : entry.Get(AccessField.UpstreamResponseLength));
        while (addrs.MoveNext(out var addr))
        {
            statuses.MoveNext(out var tryStatus);
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
                Utf8Parser.TryParse(tryStatus, out int code, out _) ? code : 0,
                Seconds(connect),
                Seconds(header),
                Seconds(response),
                Utf8Parser.TryParse(bytes, out long count, out var consumed) && consumed == bytes.Length ? count : null,
                addrs.Group));
        }

        if (!statusLogged && result.Count > 0 && result[^1].Status == 0)
        {
            result[^1] = result[^1] with { Status = status };
        }

        return result;
    }

    /// <summary>
    /// The last try, when the format logs the upstream's status or times but not its address (Elastic Beanstalk's
    /// <c>healthd</c>, the NGINX blog's <c>upstream_time</c> and <c>json_analytics</c>). Without
    /// <c>$upstream_status</c>, the request's status stands for the last try's: the client got what that try ended with,
    /// unless an <c>error_page</c> changed it. Null when none of the fields holds a value (nginx contacted no upstream).
    /// </summary>
    private static UpstreamTry? ReadUnaddressed(in AccessLogEntry entry, int status)
    {
        var statusText = UpstreamTries.Last(entry.Get(AccessField.UpstreamStatus));
        var connect = UpstreamTries.Last(entry.Get(AccessField.UpstreamConnectTime));
        var header = UpstreamTries.Last(entry.Get(AccessField.UpstreamHeaderTime));
        var response = UpstreamTries.Last(entry.Get(AccessField.UpstreamResponseTime));
        var bytes = UpstreamTries.Last(entry.Has(AccessField.UpstreamBytesReceived) ? entry.Get(AccessField.UpstreamBytesReceived) : entry.Get(AccessField.UpstreamResponseLength));
        if (!(HasValue(statusText) || HasValue(connect) || HasValue(header) || HasValue(response) || HasValue(bytes)))
        {
            return null;
        }

        return new UpstreamTry(
            "(unknown)",
            Utf8Parser.TryParse(statusText, out int code, out _) ? code : entry.Has(AccessField.UpstreamStatus) ? 0 : status,
            Seconds(connect),
            Seconds(header),
            Seconds(response),
            Utf8Parser.TryParse(bytes, out long count, out var consumed) && consumed == bytes.Length ? count : null);

        static bool HasValue(ReadOnlySpan<byte> value) => !value.IsEmpty && value[0] != '-';
    }

    /// <summary>Whether the format logs any of a try's variables other than its address.</summary>
    private static bool LogsTries(AccessLogFormat format) =>
        format.Has(AccessField.UpstreamStatus) || format.Has(AccessField.UpstreamConnectTime) || format.Has(AccessField.UpstreamHeaderTime)
        || format.Has(AccessField.UpstreamResponseTime) || format.Has(AccessField.UpstreamBytesReceived) || format.Has(AccessField.UpstreamResponseLength);

    private static double? Seconds(ReadOnlySpan<byte> value) =>
        value.IsEmpty || value[0] == '-' || !Utf8Parser.TryParse(value, out double s, out _) ? null : s;
}
