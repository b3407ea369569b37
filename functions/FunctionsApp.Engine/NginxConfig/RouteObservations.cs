using System.Buffers.Text;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.NginxConfig;

/// <summary>
/// The access log read against the configuration: each request routed to its server and location (as nginx would
/// have), with traffic, gateway errors and latency per route. Streams the logs; memory grows with the number of
/// routes, not of lines (the route of a path is cached, up to a bound).
/// </summary>
public sealed class RouteObservations
{
    private const int MaxCachedPaths = 8192;

    private readonly Dictionary<ConfigDirective, RouteStats> _stats = new(ReferenceEqualityComparer.Instance);

    private RouteObservations()
    {
    }

    /// <summary>Lines that could not be routed (no host where several servers could answer, or no request line).</summary>
    public long Unrouted { get; private set; }

    public long Lines { get; private set; }

    /// <summary>Every route seen, in the order of first sight.</summary>
    public IReadOnlyCollection<RouteStats> Routes => _stats.Values;

    public RouteStats? For(ConfigRoute route) => _stats.GetValueOrDefault(route.Context);

    internal static RouteObservations Collect(NginxConfigModel model, IReadOnlyList<LogInput> access, AccessLogFormat format, CancellationToken cancellationToken)
    {
        var observations = new RouteObservations();
        var cache = new Dictionary<string, ConfigRoute?>(StringComparer.Ordinal);
        foreach (var input in access)
        {
            using var stream = input.Open();
            using var reader = new LineReader(stream);
            while (reader.TryReadLine(out var line, out var oversized))
            {
                cancellationToken.ThrowIfCancellationRequested();
                observations.Lines++;
                if (oversized || !format.TryParse(line, out var entry))
                {
                    continue;
                }

                var status = entry.Status;
                var request = entry.RequestLine;
                var host = entry.Has(AccessField.Host) ? entry.Text(AccessField.Host) : entry.Has(AccessField.ServerName) ? entry.Text(AccessField.ServerName) : null;
                var path = PathOf(request);
                if (path is null)
                {
                    observations.Unrouted++;
                    continue;
                }

                var key = (host ?? "-") + " " + path;
                if (!cache.TryGetValue(key, out var route))
                {
                    route = model.Route(host, path);
                    if (cache.Count < MaxCachedPaths)
                    {
                        cache[key] = route;
                    }
                }

                if (route is null)
                {
                    observations.Unrouted++;
                    continue;
                }

                if (!observations._stats.TryGetValue(route.Context, out var stats))
                {
                    observations._stats[route.Context] = stats = new RouteStats(route);
                }

                double? upstream = Utf8Parser.TryParse(UpstreamTries.Last(entry.Get(AccessField.UpstreamHeaderTime)), out double header, out _) ? header
                    : Utf8Parser.TryParse(UpstreamTries.Last(entry.Get(AccessField.UpstreamResponseTime)), out double response, out _) ? response
                    : null;
                stats.Add(status, entry.RequestTime, upstream);
            }
        }

        return observations;
    }

    /// <summary>The path of a request line (<c>GET /a?b HTTP/1.1</c> → <c>/a?b</c>); null when it has none.</summary>
    public static string? PathOf(string requestLine)
    {
        var parts = requestLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var target = parts.Length >= 2 ? parts[1] : parts.Length == 1 && parts[0].StartsWith('/') ? parts[0] : null;
        return target is not null && (target.StartsWith('/') || target.StartsWith("http", StringComparison.OrdinalIgnoreCase)) ? target : null;
    }
}
