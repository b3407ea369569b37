using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// What runtimes and shippers put around nginx's lines when people copy them: docker compose's
/// <c>nginx-1  | </c>, <c>docker logs -t</c>'s RFC 3339 nanosecond stamp, <c>kubectl logs --prefix</c>'s
/// <c>[pod/…/container] </c>, journald's <c>Nov 30 10:00:00 web01 nginx[1234]: </c>; and the records a node keeps or a
/// shipper writes, with nginx's line inside: containerd's CRI file (<c>2026-11-30T09:00:00.5Z stderr F …</c>), Docker's
/// json-file (<c>{"log":"…\n","stream":"stdout","time":"…"}</c>), Filebeat's and Vector's events (<c>message</c>).
/// The error log is the container's stderr (the official image links it there), the access log its stdout.
/// </summary>
internal sealed class LinePrefixes
{
    private readonly Func<string, DateTimeOffset?, bool, string> _apply;

    private LinePrefixes(string kind, Func<string, DateTimeOffset?, bool, string> apply)
    {
        Kind = kind;
        _apply = apply;
    }

    private LinePrefixes(string kind, Func<string, DateTimeOffset?, string> apply)
        : this(kind, (line, time, _) => apply(line, time))
    {
    }

    public string Kind { get; }

    public string Example => _apply(string.Empty, new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero), false);

    public static LinePrefixes Create(string kind, string timeZone, Random random)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var service = new[] { "nginx", "web", "proxy", "frontend" }[random.Next(4)];
        var pod = $"ingress-nginx-controller-{random.Next(0x1000000):x6}{random.Next(10)}-{(char)('a' + random.Next(26))}{random.Next(10)}{(char)('a' + random.Next(26))}{(char)('a' + random.Next(26))}{random.Next(10)}";
        var host = new[] { "web01", "ip-10-0-3-17", "lb-prod-2", "nginx-a" }[random.Next(4)];
        var pid = random.Next(300, 40000);
        var nanos = new Random(random.Next());
        long[] offsets = [0, 0]; // Filebeat's byte offset in each file: access, error
        return kind switch
        {
            "none" => new LinePrefixes(kind, (line, _, _) => line),
            // docker compose v2 pads the service name to the longest one in the project.
            "compose" => new LinePrefixes(kind, (line, _) => $"{service}-1  | {line}"),
            "docker-t" => new LinePrefixes(kind, (line, time) => $"{Rfc3339(time, nanos, trim: false)} {line}"),
            "kubectl" => new LinePrefixes(kind, (line, _) => $"[pod/{pod}/controller] {line}"),
            "journald" => new LinePrefixes(kind, (line, time) =>
                $"{Local(time, zone).ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture)} {host} nginx[{pid}]: {line}"),
            // containerd's CRI log: the time as Go's RFC3339Nano writes it (trailing zeros dropped), the stream, F(ull).
            "cri" => new LinePrefixes(kind, (line, time, error) => $"{Rfc3339(time, nanos, trim: true)} {(error ? "stderr" : "stdout")} F {line}"),
            "docker-json" => new LinePrefixes(kind, (line, time, error) =>
                $"{{\"log\":{GoJson(line + "\n")},\"stream\":\"{(error ? "stderr" : "stdout")}\",\"time\":\"{Rfc3339(time, nanos, trim: true)}\"}}"),
            // Filebeat's event as its file or console output writes it: the time it read the line (milliseconds), then the line.
            "filebeat" => new LinePrefixes(kind, (line, time, error) =>
                $"{{\"@timestamp\":\"{Shipped(time, nanos).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}\","
                + "\"@metadata\":{\"beat\":\"filebeat\",\"type\":\"_doc\",\"version\":\"8.11.3\"},"
                + $"\"log\":{{\"offset\":{Offset(offsets, error, line)},\"file\":{{\"path\":\"/var/log/nginx/{(error ? "error" : "access")}.log\"}}}},"
                + $"\"message\":{JsonSerializer.Serialize(line, ShipperJson)},\"input\":{{\"type\":\"filestream\"}},\"host\":{{\"name\":\"{host}\"}}}}"),
            // Vector's file source through a json encoder: keys in order, the time it read the line.
            "vector" => new LinePrefixes(kind, (line, time, error) =>
                $"{{\"file\":\"/var/log/nginx/{(error ? "error" : "access")}.log\",\"host\":\"{host}\",\"message\":{JsonSerializer.Serialize(line, ShipperJson)},"
                + $"\"source_type\":\"file\",\"timestamp\":\"{Shipped(time, nanos).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)}\"}}"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown prefix."),
        };
    }

    /// <summary>Lines through a shipper's JSON: quotes and backslashes escaped, other text as it is.</summary>
    private static readonly JsonSerializerOptions ShipperJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Apply(string line, DateTimeOffset? time, bool error) => _apply(line, time, error);

    /// <summary>A string as Go's encoding/json writes it (Docker's json-file): <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> as \u escapes.</summary>
    private static string GoJson(string value) =>
        JsonSerializer.Serialize(value, ShipperJson).Replace("<", "\\u003c", StringComparison.Ordinal)
            .Replace(">", "\\u003e", StringComparison.Ordinal).Replace("&", "\\u0026", StringComparison.Ordinal);

    /// <summary>UTC with nanoseconds, as Docker and containerd stamp a line; Go's RFC3339Nano drops trailing zeros.</summary>
    private static string Rfc3339(DateTimeOffset? time, Random nanos, bool trim)
    {
        var fraction = Nanos(nanos);
        fraction = trim ? fraction.TrimEnd('0') : fraction;
        var seconds = (time ?? DateTimeOffset.UnixEpoch).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return fraction.Length == 0 ? $"{seconds}Z" : $"{seconds}.{fraction}Z";
    }

    /// <summary>When a shipper read the line: within the second after nginx wrote it.</summary>
    private static DateTime Shipped(DateTimeOffset? time, Random random)
    {
        lock (random)
        {
            return (time ?? DateTimeOffset.UnixEpoch).UtcDateTime.AddMilliseconds(random.Next(5, 900));
        }
    }

    /// <summary>Where <paramref name="line"/> starts in its file (UTF-8 bytes, newlines counted), and moves past it.</summary>
    private static long Offset(long[] offsets, bool error, string line)
    {
        lock (offsets)
        {
            var start = offsets[error ? 1 : 0];
            offsets[error ? 1 : 0] = start + System.Text.Encoding.UTF8.GetByteCount(line) + 1;
            return start;
        }
    }

    private static DateTime Local(DateTimeOffset? time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(time ?? DateTimeOffset.UnixEpoch, zone).DateTime;

    private static string Nanos(Random random)
    {
        lock (random)
        {
            return random.Next(0, 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture);
        }
    }
}
