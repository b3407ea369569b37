using System.Globalization;
using System.Text.RegularExpressions;
using FunctionsApp.Incidents;

namespace FunctionsApp.NginxConfig;

/// <summary>
/// Applied after the engine to its incidents: finds the configuration behind each one (the route of its requests,
/// or the lines that name its upstream), and adds what the configuration says — the route, the directive that
/// decided the outcome with its file:line, an upstream for incidents whose access log named none, and remediation
/// that names the line to change. Adds evidence items with source <c>config</c>; never changes the cause.
/// </summary>
public static partial class IncidentConfigEnricher
{
    public const string EvidenceSource = "config";

    /// <summary>Enriches each incident; <paramref name="observations"/> (the access log routed) adds how long 504s took.</summary>
    public static IReadOnlyList<Incident> Enrich(IReadOnlyList<Incident> incidents, NginxConfigModel model, RouteObservations? observations = null) =>
        [.. incidents.Select(i => Enrich(i, model, observations))];

    public static Incident Enrich(Incident incident, NginxConfigModel model, RouteObservations? observations = null)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(model);
        if (incident.Evidence.Any(e => e.Source == EvidenceSource))
        {
            return incident;
        }

        var routes = RoutesOf(incident, model);
        var evidence = new List<EvidenceItem>();
        var notes = new List<string>();
        var steps = new List<string>();
        var upstream = incident.Upstream;
        var host = incident.Host;

        // A gateway error comes from a location that passes to an upstream: routes that pass nowhere cannot be it.
        var passing = routes.Where(r => r.Target is not null).ToList();
        var targets = passing.Select(r => r.Target).Distinct().ToList();
        if (targets.Count == 1 && targets[0] is { } routed && upstream is "(unknown)")
        {
            upstream = routed.Address;
            notes.Add($"The access log names no upstream; the configuration routes these requests to {upstream} ({routed.Directive.Where}).");
        }
        else if (upstream is "(unknown)" && host is "-" or "" && OnlySpecificRoute(passing) is { Target: { } guessed } specific)
        {
            // Without the Host, every server is a candidate; a location that only one server has for this URI
            // (the others would take it only through their catch-all) is where these requests went.
            upstream = guessed.Address;
            host = specific.Server.DisplayName;
            passing = [specific];
            notes.Add($"The access log names neither the upstream nor the host; only server {host} has a location for these requests "
                + $"({specific.Location!.Display}, {specific.Location.Directive.Where}), which passes to {upstream}. This is inferred from the URI: "
                + "log $host and $upstream_addr to know it.");
        }

        var route = routes.Count == 1 ? routes[0] : passing.Count == 1 ? passing[0] : passing.FirstOrDefault(r => Names(r.Target!, upstream));
        if (route is not null)
        {
            evidence.Add(Item("route", route.Describe()));
        }

        if (NginxLimited(incident, route) is { } limiter)
        {
            // No upstream, no error line: a 503 nginx made itself where it passes nowhere. Its limits are what makes one.
            notes.Add($"The configuration passes these requests to no upstream ({route!.Describe()}) and limits them "
                + $"(`{limiter}`, {limiter.Where}): nginx answered the 503s itself, rejecting requests over the limit. The error log's "
                + "`limiting requests` or `limiting connections` lines (at `limit_req_log_level`, `error` by default) would say so for each.");
            RateLimit(model, route, evidence, notes, steps);
            return incident with
            {
                Cause = IncidentCause.RateLimited,
                Confidence = Math.Max(incident.Confidence, 0.6),
                Summary = string.Join(' ', notes),
                Evidence = [.. incident.Evidence, .. evidence],
                Remediation =
                [
                    .. steps,
                    "If the rejected clients are legitimate (a load test, a monitor, many users behind one NAT address or a proxy whose address nginx sees: `set_real_ip_from` with `real_ip_header`), raise the zone's rate or exempt them with a key that is empty for them (`geo` or `map`); `limit_req_status 429` tells clients to back off.",
                ],
            };
        }

        string? configuredDown = null;
        switch (incident.Cause)
        {
            case IncidentCause.Timeout:
                Timeout(incident, route, observations, evidence, notes, steps);
                break;
            case IncidentCause.Misconfiguration:
                Misconfiguration(incident, model, route, upstream, evidence, notes, steps);
                break;
            case IncidentCause.TlsHandshake:
                Tls(incident, model, route, upstream, evidence, notes, steps);
                break;
            case IncidentCause.Dns:
                Dns(route, model, upstream, evidence, notes, steps);
                break;
            case IncidentCause.UpstreamDown or IncidentCause.Overload or IncidentCause.InvalidResponse:
                configuredDown = Upstream(incident, model, route, upstream, evidence, notes, steps);
                break;
            case IncidentCause.RateLimited:
                RateLimit(model, route, evidence, notes, steps);
                break;
            case IncidentCause.UpstreamReturned:
                if (route is not null)
                {
                    var intercept = route.ModuleSetting("intercept_errors");
                    evidence.Add(Item("setting", intercept.Describe()));
                }

                break;
        }

        if (evidence.Count == 0 && notes.Count == 0)
        {
            return incident;
        }

        if (configuredDown is not null)
        {
            // The configuration, not the upstream, turned these requests away: whatever runs at the addresses, nginx
            // tries no server marked `down`. What the logs alone could only guess at (servers failed earlier, or the
            // configuration) is now known.
            return incident with
            {
                Upstream = upstream,
                Host = host,
                Cause = IncidentCause.Misconfiguration,
                Summary = string.Join(' ', notes),
                Evidence = [.. incident.Evidence, .. evidence],
                Remediation = [.. steps, .. incident.Remediation],
            };
        }

        return incident with
        {
            Upstream = upstream,
            Host = host,
            Summary = notes.Count == 0 ? incident.Summary : incident.Summary + " " + string.Join(' ', notes),
            Evidence = [.. incident.Evidence, .. evidence],
            Remediation = [.. steps, .. incident.Remediation],
        };
    }

    /// <summary>
    /// Among the routes of every server (the Host unknown), the one whose location is specific to the URI while every
    /// other server would take it only through a catch-all (<c>location /</c>, or no location at all); null when
    /// none or several are.
    /// </summary>
    private static ConfigRoute? OnlySpecificRoute(IReadOnlyList<ConfigRoute> passing)
    {
        var specific = passing.Where(r => r.Location is { } l && !IsCatchAll(l)).Take(2).ToList();
        return specific.Count == 1 ? specific[0] : null;
    }

    private static bool IsCatchAll(LocationBlock location) =>
        location.Parent is null && location.Modifier is "" or "^~" && location.Pattern == "/";

    /// <summary>The routes of the incident's requests: from the request and host of its sample lines, else the
    /// locations that pass to its upstream.</summary>
    public static IReadOnlyList<ConfigRoute> RoutesOf(Incident incident, NginxConfigModel model)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(model);
        foreach (var item in incident.Evidence.Where(e => e.Source != EvidenceSource))
        {
            // The request as the engine read it with the format (any format), else an error line's request: "…".
            var sample = item.Sample;
            var request = RequestField().Match(sample);
            var path = item.Request is { } read ? RouteObservations.PathOf(read)
                : request.Success ? RouteObservations.PathOf(request.Groups["request"].Value) : null;
            if (path is null)
            {
                continue;
            }

            var host = incident.Host is not ("-" or "") ? incident.Host : HostField().Match(sample) is { Success: true } h ? h.Groups["host"].Value
                : ServerField().Match(sample) is { Success: true } s ? s.Groups["server"].Value : null;
            var routes = model.Routes(host, path);
            if (routes.Count > 0)
            {
                return routes;
            }
        }

        if (incident.Upstream is not ("-" or "(unknown)"))
        {
            var passing = model.TargetsOf(incident.Upstream);
            return [.. model.Servers.SelectMany(s => AllRoutes(model, s)).Where(r => r.Target is { } t && passing.Contains(t))
                .Where(r => incident.Host is "-" or "" || r.Server.Match(incident.Host.ToLowerInvariant(), out _) > 0 || model.Servers.Count == 1)];
        }

        return [];
    }

    private static IEnumerable<ConfigRoute> AllRoutes(NginxConfigModel model, ServerBlock server)
    {
        // One representative route per location that passes somewhere: route its own prefix.
        foreach (var location in Flatten(server.Locations))
        {
            if (location.IsRegex || location.Pattern.Length == 0)
            {
                var target = model.Targets.FirstOrDefault(t => ReferenceEquals(NginxConfigModel.EnclosingBlock(t.Directive), location.Directive));
                if (target is not null)
                {
                    yield return new ConfigRoute(model, server, location, target, []);
                }

                continue;
            }

            var route = model.Routes(server.Names.FirstOrDefault(n => !n.StartsWith('~') && !n.Contains('*', StringComparison.Ordinal)) ?? server.DisplayName, location.Pattern)
                .FirstOrDefault(r => ReferenceEquals(r.Server, server));
            if (route is not null && ReferenceEquals(route.Location, location))
            {
                yield return route;
            }
            else if (model.Targets.FirstOrDefault(t => ReferenceEquals(NginxConfigModel.EnclosingBlock(t.Directive), location.Directive)) is { } own)
            {
                yield return new ConfigRoute(model, server, location, own, []);
            }
        }
    }

    private static IEnumerable<LocationBlock> Flatten(IEnumerable<LocationBlock> locations)
    {
        foreach (var location in locations)
        {
            yield return location;
            foreach (var child in Flatten(location.Children))
            {
                yield return child;
            }
        }
    }

    private static void Timeout(Incident incident, ConfigRoute? route, RouteObservations? observations, List<EvidenceItem> evidence, List<string> notes, List<string> steps)
    {
        if (route?.Target is null)
        {
            return;
        }

        // The error line's phase says which timer fired: connecting, sending the request, or waiting for the response.
        // The line itself, as a long errno text (Winsock's 10060) cuts the signature before its phase.
        var phase = incident.Evidence.Where(e => e.Signature.Contains("timed out", StringComparison.Ordinal)).Select(e => e.Sample.Length > 0 ? e.Sample : e.Signature).FirstOrDefault() ?? string.Empty;
        var which = phase.Contains("while connecting", StringComparison.Ordinal) ? "connect_timeout"
            : phase.Contains("while sending", StringComparison.Ordinal) ? "send_timeout"
            : "read_timeout";
        var timeout = route.ModuleSetting(which);
        evidence.Add(Item("timeout", timeout.Describe()));
        var stats = observations?.For(route);
        var limit = timeout.Time?.TotalSeconds;
        if (stats is { Timed504: > 0, Min504Seconds: { } min, Max504Seconds: { } max } && limit is { } seconds && min >= seconds * 0.9)
        {
            notes.Add(max <= seconds * 1.1 + 0.5
                ? string.Create(CultureInfo.InvariantCulture,
                    $"All {stats.Timed504} 504(s) took {min:0.000}–{max:0.000} s: the configured {timeout.Name} {timeout.Value} ({timeout.Where}); the upstream was still working when nginx gave up.")
                : string.Create(CultureInfo.InvariantCulture,
                    $"All {stats.Timed504} 504(s) took at least {timeout.Name} {timeout.Value} ({timeout.Where}): {min:0.000}–{max:0.000} s, longer ones after trying more than one server."));
        }
        else
        {
            notes.Add($"nginx gave up after {timeout.Describe()}.");
        }

        var slowest = stats?.P99AnsweredSeconds;
        steps.Add(timeout.IsDefault
            ? $"`{timeout.Name}` is not set, so nginx waits its default {timeout.Value}: set it in {route.Location?.Display ?? "the server"} ({route.Context.Where}) above the upstream's real response time, or make the upstream answer sooner."
            : string.Create(CultureInfo.InvariantCulture, $"Raise `{timeout.Name} {timeout.Value}` at {timeout.Where} above the upstream's real response time{(slowest is { } p99 ? $" (answered requests here take up to {p99:0.###} s at p99)" : string.Empty)}, or make the upstream answer sooner."));
    }

    private static void Misconfiguration(Incident incident, NginxConfigModel model, ConfigRoute? route, string upstream, List<EvidenceItem> evidence, List<string> notes, List<string> steps)
    {
        var signatures = string.Join('\n', incident.Evidence.Select(e => e.Signature));
        if (signatures.Contains("too big header", StringComparison.Ordinal) && route?.Target is not null)
        {
            var bufferSize = route.ModuleSetting("buffer_size");
            var buffers = route.ModuleSetting("buffers");
            evidence.Add(Item("buffer", bufferSize.Describe()));
            evidence.Add(Item("buffer", buffers.Describe()));
            notes.Add($"The response headers do not fit {bufferSize.Describe()}.");
            steps.Add($"Raise `{bufferSize.Name}` ({bufferSize.Where}, now {bufferSize.Value}) to e.g. 16k, and `{buffers.Name}` to e.g. `8 16k`; a probe of {upstream} measures the real header size.");
            return;
        }

        if (signatures.Contains("no resolver", StringComparison.Ordinal) && route?.Target is { } variable)
        {
            evidence.Add(Item("pass", $"{variable.Directive} ({variable.Directive.Where})"));
            notes.Add($"{variable.Directive.Name} at {variable.Directive.Where} has variables and no `resolver` is in effect there.");
            steps.Add($"Add `resolver <dns-ip> valid=30s;` to the http block or to {route.Context.Where}: {variable.Directive.Name} at {variable.Directive.Where} resolves its name per request.");
            return;
        }

        var lines = model.DirectivesNaming(upstream);
        if (lines.Count == 0 && route?.Target is { } target)
        {
            lines = [target.Directive];
        }

        foreach (var line in lines)
        {
            evidence.Add(Item("address", $"{line} ({line.Where})"));
        }

        if (lines.Count > 0)
        {
            var where = string.Join(", ", lines.Select(l => l.Where));
            notes.Add($"{upstream} is named at {where}.");

            // Only a connect that found nothing (refused, no socket, an address that is none) says the address is
            // wrong; a socket nginx may not open, a protocol the server does not speak or a buffer is there and answered.
            var kinds = IncidentVerdict.EvidenceOf(incident).Kinds;
            if (kinds.Count == 0 || kinds.Keys.Any(k => k is FailureKind.Refused or FailureKind.MissingSocket or FailureKind.SocketPathWithUri or FailureKind.Unreachable
                or FailureKind.InvalidAddress or FailureKind.UpstreamUrlInvalid))
            {
                steps.Insert(0, $"Fix the address at {where} (`{lines[0]}`): nothing accepts connections at {upstream}; compare with where the service really listens ({Remediation.ListenCommand(NginxHost.Unknown, upstream)}), then `nginx -t && nginx -s reload`.");
            }
        }
    }

    private static void Tls(Incident incident, NginxConfigModel model, ConfigRoute? route, string upstream, List<EvidenceItem> evidence, List<string> notes, List<string> steps)
    {
        var target = route?.Target ?? model.TargetsOf(upstream).FirstOrDefault(t => t.IsTls);
        if (target is null)
        {
            return;
        }

        var context = route?.Context ?? NginxConfigModel.EnclosingBlock(target.Directive) ?? target.Directive;
        var prefix = target.Module == "grpc" ? "grpc" : "proxy";
        evidence.Add(Item("pass", $"{target.Directive} ({target.Directive.Where})"));
        var settings = new[] { "ssl_server_name", "ssl_name", "ssl_verify", "ssl_trusted_certificate", "ssl_protocols" }
            .Select(s => model.Effective(context, prefix + "_" + s)).ToList();
        foreach (var setting in settings.Where(s => !s.IsDefault))
        {
            evidence.Add(Item("tls", setting.Describe()));
        }

        var signatures = string.Join('\n', incident.Evidence.Select(e => e.Signature + " " + e.Sample));
        var serverName = settings[0];
        var sslName = settings[1];
        var name = sslName.IsDefault ? target.Group?.Name ?? target.Host : sslName.Value;
        if (signatures.Contains("does not match", StringComparison.Ordinal))
        {
            notes.Add($"nginx checks the certificate against \"{name}\" ({sslName.Describe()}).");
            steps.Add($"Make `{sslName.Name}` ({sslName.Where}) the name on the upstream's certificate, or give the upstream a certificate for \"{name}\".");
        }
        else if (signatures.Contains("verify error", StringComparison.Ordinal))
        {
            var trusted = settings[3];
            notes.Add($"nginx verifies the certificate against {trusted.Describe()}.");
            steps.Add($"Point `{trusted.Name}` ({trusted.Where}) at the CA that signs the upstream's certificate, or renew the certificate if it expired.");
        }
        else if (!serverName.IsOn && !IsAddress(name))
        {
            notes.Add($"nginx sends no SNI ({serverName.Describe()}).");
            steps.Add($"Set `{serverName.Name} on;` in {route?.Location?.Display ?? "the server"} ({context.Where}) so that {name} can pick its certificate.");
        }
        else
        {
            notes.Add($"{target.Directive.Name} at {target.Directive.Where} speaks TLS to {upstream}.");
            steps.Add($"Check that {upstream} speaks TLS at all; if it is plain HTTP, change `{target.Directive}` at {target.Directive.Where} to `http://`.");
        }
    }

    private static void Dns(ConfigRoute? route, NginxConfigModel model, string upstream, List<EvidenceItem> evidence, List<string> notes, List<string> steps)
    {
        if (route?.Target is not { } target)
        {
            return;
        }

        var resolver = model.Effective(route.Context, "resolver");
        var timeout = model.Effective(route.Context, "resolver_timeout");
        evidence.Add(Item("pass", $"{target.Directive} ({target.Directive.Where})"));
        evidence.Add(Item("resolver", resolver.IsDefault ? "resolver: none in effect" : resolver.Describe()));
        evidence.Add(Item("resolver", timeout.Describe()));
        if (!resolver.IsDefault)
        {
            notes.Add($"nginx asked {resolver.Describe()} for {upstream}.");
            steps.Add($"Check that the resolver at {resolver.Where} ({resolver.Value}) answers for {upstream} from the nginx host (`dig @{resolver.Args[0].Split(':')[0]} {upstream}`).");
        }
    }

    /// <returns>The name of the upstream block whose every server the configuration marks <c>down</c>, when the
    /// incident is nginx finding no live server in it; else null.</returns>
    private static string? Upstream(Incident incident, NginxConfigModel model, ConfigRoute? route, string upstream, List<EvidenceItem> evidence, List<string> notes, List<string> steps)
    {
        var target = route?.Target ?? model.TargetsOf(upstream).FirstOrDefault();
        if (target is null)
        {
            return null;
        }

        string? configuredDown = null;

        evidence.Add(Item("pass", $"{target.Directive} ({target.Directive.Where})"));
        var context = route?.Context ?? NginxConfigModel.EnclosingBlock(target.Directive) ?? target.Directive;
        if (target.Group is { } group)
        {
            evidence.Add(Item("upstream", $"upstream {group.Name} ({group.Directive.Where}): " + string.Join("; ", group.Servers.Select(s => $"{s.Directive} ({s.Directive.Where})"))));
            if (group.Keepalive is { } keepalive)
            {
                evidence.Add(Item("upstream", $"{keepalive} ({keepalive.Where})"));
            }
        }

        if (incident.Cause == IncidentCause.UpstreamDown && target.Group is { Servers.Count: > 0 } marked && marked.Servers.All(s => s.Down))
        {
            // Every server marked down: nginx has none to try (no live upstreams), whatever runs at the addresses.
            // nginx-proxy's template writes `down` for a container it found no reachable address or port for.
            var lines = string.Join(", ", marked.Servers.Select(s => s.Directive.Where));
            notes.Insert(0, $"Every server of upstream {marked.Name} is marked `down` in the configuration ({lines}): nginx has no server to send these requests to, and answers them itself (no live upstreams).");
            configuredDown = marked.Name;
            steps.Insert(0, $"Remove `down` from the servers of upstream {marked.Name} ({lines}) once the service runs there; where a generator wrote it (nginx-proxy: a container it found no reachable network or port for), check that the container is running, shares a network with nginx and exposes the port (`VIRTUAL_PORT`), then let the configuration be generated again.");
        }

        if (incident.Cause == IncidentCause.UpstreamDown && incident.SuccessesBefore == 0 && model.DirectivesNaming(upstream) is { Count: > 0 } naming)
        {
            // Nothing in the logs ever answered there: a stopped service, or the wrong address (the alternative the verdict names).
            var where = string.Join(", ", naming.Select(l => l.Where));
            notes.Add($"{upstream} is named at {where}.");
            steps.Add($"If the service is running, check the address at {where} (`{naming[0]}`) against where it really listens (`ss -ltnp`): nothing answered at {upstream} in these logs.");
        }

        var next = model.Effective(context, target.Module + "_next_upstream");
        evidence.Add(Item("setting", next.Describe()));
        var servers = target.Group?.Servers.Count(s => !s.Down) ?? 1;
        var backup = target.Group?.Servers.Any(s => s.Backup) ?? false;
        if (incident.Cause == IncidentCause.UpstreamDown && servers <= 1 && !backup)
        {
            var at = target.Group?.Directive ?? target.Directive;
            notes.Add($"{upstream} is the only server behind {target.Directive.Name} at {target.Directive.Where}: nginx had nowhere else to send the requests.");
            steps.Add($"Give {(target.Group is null ? "this location an upstream group" : $"upstream {target.Group.Name} ({at.Where})")} a second server or a `backup` server so that one failure is not an outage.");
        }

        return configuredDown;
    }

    /// <summary>
    /// The limit that made an incident of 503s no line explains: nginx answered them itself (no upstream, no error line)
    /// in a location that passes to none, and a <c>limit_req</c> or <c>limit_conn</c> there rejects with 503
    /// (<c>limit_req_status</c>, <c>limit_conn_status</c>). Null for any other incident.
    /// </summary>
    private static ConfigDirective? NginxLimited(Incident incident, ConfigRoute? route)
    {
        if (incident.Cause != IncidentCause.Unknown || incident.Status != 503 || incident.Upstream is not ("(unknown)" or "-")
            || route is not { Target: null } || incident.Evidence.Any(e => e.Source == "error"))
        {
            return null;
        }

        foreach (var (limit, status) in (ReadOnlySpan<(string, string)>)[("limit_req", "limit_req_status"), ("limit_conn", "limit_conn_status")])
        {
            if (route.Model.EffectiveAll(route.Context, limit) is [var first, ..] && route.Effective(status).Value == "503")
            {
                return first;
            }
        }

        return null;
    }

    private static void RateLimit(NginxConfigModel model, ConfigRoute? route, List<EvidenceItem> evidence, List<string> notes, List<string> steps)
    {
        if (route is null)
        {
            return;
        }

        var limits = model.EffectiveAll(route.Context, "limit_req");
        foreach (var limit in limits)
        {
            evidence.Add(Item("limit", $"{limit} ({limit.Where})"));
            var zoneName = limit.Args.FirstOrDefault(a => a.StartsWith("zone=", StringComparison.Ordinal))?["zone=".Length..];
            var zone = model.Descendants().FirstOrDefault(d => d.Name == "limit_req_zone" && d.Args.Any(a => a.StartsWith("zone=" + zoneName + ":", StringComparison.Ordinal)));
            if (zone is not null)
            {
                evidence.Add(Item("limit", $"{zone} ({zone.Where})"));
            }

            if (!limit.Args.Any(a => a.StartsWith("burst=", StringComparison.Ordinal)))
            {
                notes.Add($"`{limit}` at {limit.Where} has no burst: any request sooner than 1/rate after the previous one is rejected.");
                steps.Insert(0, $"Add `burst=` (with `nodelay`) to `{limit}` at {limit.Where}{(zone is null ? string.Empty : $", or raise the rate of {zone.Where}")}.");
            }
        }
    }

    private static bool Names(PassTarget target, string upstream) =>
        string.Equals(target.Address, upstream, StringComparison.OrdinalIgnoreCase) || target.ServerAddresses.Contains(upstream, StringComparer.OrdinalIgnoreCase);

    private static bool IsAddress(string name) => System.Net.IPAddress.TryParse(name.Trim('[', ']'), out _);

    private static EvidenceItem Item(string kind, string text) => new($"config {kind}", 0, text, EvidenceSource);

    [GeneratedRegex("""request: "(?<request>[^"]*)"|"(?<request>(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE) [^"\s]+(?: HTTP/[0-9.]+)?)""", RegexOptions.CultureInvariant)]
    private static partial Regex RequestField();

    [GeneratedRegex("""host: "(?<host>[^"]*)"|"host":"(?<host>[^"]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex HostField();

    [GeneratedRegex("""server: (?<server>[^,\s]+)""", RegexOptions.CultureInvariant)]
    private static partial Regex ServerField();
}
