using System.Globalization;
using FunctionsApp.Incidents;

namespace FunctionsApp.NginxConfig;

/// <summary>
/// The checks that need the logs as well as the configuration: timeouts shorter than the latencies the access log
/// shows, buffers smaller than the headers the error log complains about, and the bypasses the seed article names
/// (stale cache, an error page) missing on the locations that actually failed.
/// </summary>
public static class LogChecks
{
    /// <summary>The share of the timeout at which answered requests are "close to it".</summary>
    private const double NearTimeout = 0.8;

    public static IReadOnlyList<ConfigFinding> Run(NginxConfigModel model, RouteObservations? observations, IReadOnlyList<Incident> incidents)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(incidents);
        var findings = new List<ConfigFinding>();
        if (observations is not null)
        {
            foreach (var stats in observations.Routes.Where(s => s.Route.Target is not null))
            {
                Latency(stats, findings);
            }
        }

        var failing = new Dictionary<ConfigDirective, (ConfigRoute Route, List<Incident> Incidents)>(ReferenceEqualityComparer.Instance);
        foreach (var incident in incidents.Where(i => i.Cause != IncidentCause.RateLimited))
        {
            foreach (var route in IncidentConfigEnricher.RoutesOf(incident, model).Where(r => r.Target is not null))
            {
                if (!failing.TryGetValue(route.Context, out var entry))
                {
                    failing[route.Context] = entry = (route, []);
                }

                entry.Incidents.Add(incident);
            }
        }

        foreach (var (route, failed) in failing.Values)
        {
            Buffers(route, failed, findings);
            Bypasses(model, route, failed, findings);
        }

        return [.. findings.OrderBy(f => model.FileOrder(f.File)).ThenBy(f => f.Line).ThenBy(f => f.Rule, StringComparer.Ordinal)];
    }

    private static void Latency(RouteStats stats, List<ConfigFinding> findings)
    {
        var route = stats.Route;
        var timeout = route.ModuleSetting("read_timeout");
        if (timeout.Time is not { } limit || limit <= TimeSpan.Zero)
        {
            return;
        }

        var seconds = limit.TotalSeconds;
        var timedOut = stats.Timed504 > 0 && stats.Min504Seconds >= seconds * 0.9 ? stats.Timed504 : 0;
        var slowest = stats.MaxAnsweredSeconds ?? 0;
        if (timedOut == 0 && slowest < seconds * NearTimeout)
        {
            return;
        }

        var at = timeout.Directive ?? route.Context;
        var observed = string.Create(CultureInfo.InvariantCulture,
            $"{stats.Answered} answered request(s) took up to {slowest:0.###} s (p99 ≤ {stats.P99AnsweredSeconds ?? 0:0.###} s)");
        var cut = timedOut > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {timedOut} request(s) hit the limit and got 504 after {stats.Min504Seconds:0.###}–{stats.Max504Seconds:0.###} s") : string.Empty;
        findings.Add(ConfigFinding.At(
            at, "timeout-below-latency", timedOut > 0 ? FindingSeverity.Error : FindingSeverity.Warning,
            $"In {route.Location?.Display ?? "server " + route.Server.DisplayName}, {observed}{cut}, against {timeout.Describe()}: the slowest requests are cut off as 504 Gateway Timeout.",
            string.Create(CultureInfo.InvariantCulture,
                $"Make the slow requests faster, or raise `{timeout.Name}` for this location above them (e.g. `{timeout.Name} {ConfigValues.FormatTime(TimeSpan.FromSeconds(Math.Ceiling(Math.Max(slowest, stats.Max504Seconds ?? 0) * 2)))};`)."),
            route.Context));
    }

    private static void Buffers(ConfigRoute route, List<Incident> failed, List<ConfigFinding> findings)
    {
        var tooBig = failed.Where(i => i.Evidence.Any(e => e.Signature.Contains("too big header", StringComparison.Ordinal))).ToList();
        if (tooBig.Count == 0)
        {
            return;
        }

        var bufferSize = route.ModuleSetting("buffer_size");
        var lines = tooBig.Sum(i => i.Evidence.Where(e => e.Signature.Contains("too big header", StringComparison.Ordinal)).Sum(e => e.Count));
        findings.Add(ConfigFinding.At(
            bufferSize.Directive ?? route.Context, "buffer-below-headers", FindingSeverity.Error,
            $"The error log says \"upstream sent too big header\" {lines} time(s) for requests handled here: the upstream's response headers do not fit {bufferSize.Describe()}, so nginx answers 502.",
            $"`{bufferSize.Name} 16k;` and `{route.Target!.Module}_buffers 8 16k;` (a probe of the upstream measures the real header size).",
            route.Context));
    }

    private static void Bypasses(NginxConfigModel model, ConfigRoute route, List<Incident> failed, List<ConfigFinding> findings)
    {
        var module = route.Target!.Module;
        if (module is not ("proxy" or "fastcgi" or "uwsgi" or "scgi"))
        {
            return;
        }

        var context = route.Context;
        var failures = failed.Sum(i => i.FailedRequests);
        var where = route.Location?.Display ?? "server " + route.Server.DisplayName;
        var cache = model.Effective(context, module + "_cache");
        var stale = model.Effective(context, module + "_cache_use_stale");
        var staleCovers = !cache.IsDefault && cache.Value != "off" && stale.Args.Contains("error") && stale.Args.Contains("timeout") && stale.Args.Contains("http_502");
        if (!staleCovers)
        {
            findings.Add(ConfigFinding.At(
                context, "no-stale-cache", FindingSeverity.Info,
                $"{where} failed {failures} request(s) in the logs, and {(cache.IsDefault || cache.Value == "off" ? $"has no `{module}_cache`" : $"`{stale.Describe()}` does not cover errors and 502s")}: while the upstream is down every request fails, even for content nginx could have served from cache.",
                $"`{module}_cache <zone>;` (with `{module}_cache_path … keys_zone=<zone>:10m` at http level) and `{module}_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;` for cacheable responses.",
                cache.Directive, stale.Directive));
        }

        var pages = model.EffectiveAll(context, "error_page");
        var gatewayCodes = new[] { "502", "503", "504" };
        var covered = gatewayCodes.Where(code => pages.Any(p => p.Args.Take(p.Args.Count - 1).Contains(code))).ToList();
        if (covered.Count < gatewayCodes.Length)
        {
            var missing = gatewayCodes.Except(covered).ToList();
            findings.Add(ConfigFinding.At(
                context, "no-error-page", FindingSeverity.Info,
                $"{where} failed {failures} request(s) in the logs and has no `error_page` for {string.Join(", ", missing)}: clients get nginx's bare \"502 Bad Gateway\" page instead of a maintenance page that says what is happening.",
                "`error_page 502 503 504 /50x.html;` with `location = /50x.html { root /usr/share/nginx/html; internal; }`.",
                pages.FirstOrDefault()));
        }
    }
}
