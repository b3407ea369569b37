using System.Globalization;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// What runtimes and shippers put in front of nginx's lines when people copy them: docker compose's
/// <c>nginx-1  | </c>, <c>docker logs -t</c>'s RFC 3339 nanosecond stamp, <c>kubectl logs --prefix</c>'s
/// <c>[pod/…/container] </c>, journald's <c>Nov 30 10:00:00 web01 nginx[1234]: </c>.
/// </summary>
internal sealed class LinePrefixes
{
    private readonly Func<string, DateTimeOffset?, string> _apply;
    private readonly TimeZoneInfo _zone;

    private LinePrefixes(string kind, TimeZoneInfo zone, Func<string, DateTimeOffset?, string>? apply)
    {
        Kind = kind;
        _zone = zone;
        _apply = apply ?? ((line, _) => line);
    }

    public string Kind { get; }

    public string Example => _apply(string.Empty, new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));

    public static LinePrefixes Create(string kind, string timeZone, Random random)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var service = new[] { "nginx", "web", "proxy", "frontend" }[random.Next(4)];
        var pod = $"ingress-nginx-controller-{random.Next(0x1000000):x6}{random.Next(10)}-{(char)('a' + random.Next(26))}{random.Next(10)}{(char)('a' + random.Next(26))}{(char)('a' + random.Next(26))}{random.Next(10)}";
        var host = new[] { "web01", "ip-10-0-3-17", "lb-prod-2", "nginx-a" }[random.Next(4)];
        var pid = random.Next(300, 40000);
        var nanos = new Random(random.Next());
        return kind switch
        {
            "none" => new LinePrefixes(kind, zone, null),
            // docker compose v2 pads the service name to the longest one in the project.
            "compose" => new LinePrefixes(kind, zone, (line, _) => $"{service}-1  | {line}"),
            "docker-t" => new LinePrefixes(kind, zone, (line, time) =>
                $"{(time ?? DateTimeOffset.UnixEpoch).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)}.{Nanos(nanos)}Z {line}"),
            "kubectl" => new LinePrefixes(kind, zone, (line, _) => $"[pod/{pod}/controller] {line}"),
            "journald" => new LinePrefixes(kind, zone, (line, time) =>
                $"{Local(time, zone).ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture)} {host} nginx[{pid}]: {line}"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown prefix."),
        };
    }

    public string Apply(string line, DateTimeOffset? time) => _apply(line, time);

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
