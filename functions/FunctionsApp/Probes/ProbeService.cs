using FunctionsApp.Analysis;
using FunctionsApp.Hosting;
using FunctionsApp.Incidents;
using FunctionsApp.NginxConfig;
using FunctionsApp.Probes.Internal;
using FunctionsApp.SiteConfig;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Probes;

/// <summary>
/// Turns "probe this upstream of this site" into probes: checks that the site's logs or configuration name the
/// upstream (or that it is allow-listed), expands an upstream group into its servers, takes from the site's
/// configuration how nginx talks to it (scheme, SNI and certificate name, verification, buffer size, read
/// timeout), runs the probes one after another, and stores each result.
/// </summary>
internal sealed class ProbeService(
    IOptions<ProbeOptions> options,
    HostingContext hosting,
    NginxConfigProvider configs,
    IAnalyzerStateStore states,
    IIncidentStore incidents,
    IProbeStore store,
    TimeProvider time,
    ILogger<ProbeService> logger)
{
    /// <summary>How many of a site's newest incidents name upstreams it may probe (besides its configuration and state).</summary>
    private const int RecentIncidents = 50;

    /// <summary>Probes <paramref name="upstream"/> for <paramref name="site"/>; <c>Refused</c> says why not when it may not be probed.</summary>
    public async Task<(ProbeReport? Report, string? Refused)> ProbeAsync(
        string site, string upstream, string? healthPath, string? incidentId, bool namedByIncident, CancellationToken cancellationToken)
    {
        var model = await configs.GetModelAsync(site, cancellationToken);
        var request = ParseUpstream(upstream.Trim());
        var policy = Policy();
        if (!namedByIncident && !policy.IsListed(request.Name) && !policy.IsListed(request.Host ?? string.Empty)
            && !(await NamesAsync(site, model, cancellationToken)).Contains(request.Name))
        {
            var reason = $"'{request.Name}' is not named by site {site}'s logs or nginx configuration, nor listed in Probes:AllowedTargets";
            Log.ProbeRefused(logger, site, request.Name, reason);
            return (null, reason);
        }

        var prober = new UpstreamProber(options.Value, policy, time);
        var results = new List<ProbeResult>();
        foreach (var target in Targets(request, model, healthPath ?? options.Value.HealthPath).Take(options.Value.MaxAddresses))
        {
            var result = await prober.ProbeAsync(target, cancellationToken);
            Log.Probed(logger, site, target.Display, result.Outcome, result.DurationMs);
            await store.SaveAsync(site, incidentId, result, cancellationToken);
            results.Add(result);
        }

        return (new ProbeReport(site, upstream, incidentId, results), null);
    }

    private AddressPolicy Policy() =>
        new(options.Value.AllowedTargets, options.Value.AllowLoopback ?? hosting.Mode == HostingMode.Standalone);

    /// <summary>Every upstream the site's configuration or logs name, as nginx names them.</summary>
    private async Task<HashSet<string>> NamesAsync(string site, NginxConfigModel? model, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (model is not null)
        {
            foreach (var target in model.Targets)
            {
                names.Add(target.Address);
                names.UnionWith(target.ServerAddresses);
            }

            foreach (var server in model.Upstreams.SelectMany(u => u.Servers))
            {
                names.Add(server.Address);
            }
        }

        var state = await states.LoadAsync(site, cancellationToken);
        names.UnionWith(state.State.Engine.Upstreams().Select(u => u.Upstream));
        names.UnionWith(state.State.Engine.Trackers.Values.Select(t => t.Upstream));
        // Upstreams of the site's recent incidents (from the index: the newest ones, not every incident ever stored).
        foreach (var incident in await incidents.QueryAsync(new IncidentQuery { Site = site }, null, RecentIncidents, cancellationToken))
        {
            names.Add(incident.Upstream);
        }

        names.Remove("-");
        names.Remove("(unknown)");
        return names;
    }

    private static IEnumerable<ProbeTarget> Targets(UpstreamRequest request, NginxConfigModel? model, string healthPath)
    {
        var group = request.UnixPath is null && request.Port is null && request.Host is { } name ? model?.FindUpstream(name) : null;
        var addresses = group is not null ? group.Servers.Where(s => !s.Down).Select(s => s.Address).ToList() : [request.Name];
        foreach (var address in addresses)
        {
            var pass = model?.Targets.FirstOrDefault(t => ReferenceEquals(t.Group, group) && group is not null)
                ?? model?.TargetsOf(address).FirstOrDefault();
            var context = pass is null ? null : NginxConfigModel.EnclosingBlock(pass.Directive) ?? pass.Directive;
            var scheme = request.Scheme ?? (pass is null ? "http" : pass.IsTls && pass.Module == "proxy" ? "https" : pass.Module == "proxy" ? "http" : "tcp");
            string? unix = address.StartsWith("unix:", StringComparison.Ordinal) ? address[5..] : null;
            var (host, port, _) = unix is null ? SplitAddress(address, scheme == "https" ? 443 : 80) : (null, 0, false);
            string? tlsName = null;
            var sendSni = true;
            bool? verifies = null;
            EffectiveSetting? bufferSize = null;
            EffectiveSetting? readTimeout = null;
            var hostHeader = host is null ? "localhost" : port is 80 or 443 ? host : $"{host}:{port}";
            if (pass is not null && context is not null && model is not null)
            {
                var prefix = pass.Module == "grpc" ? "grpc" : "proxy";
                var sslName = model.Effective(context, prefix + "_ssl_name");
                tlsName = sslName.IsDefault || sslName.Value.Contains('$', StringComparison.Ordinal) ? pass.Group?.Name ?? pass.Host : sslName.Value;
                sendSni = model.Effective(context, prefix + "_ssl_server_name").IsOn;
                verifies = model.Effective(context, prefix + "_ssl_verify").IsOn;
                bufferSize = pass.Module == "proxy" ? model.Effective(context, "proxy_buffer_size") : null;
                readTimeout = model.Effective(context, pass.Module + "_read_timeout");
                var hostSetting = model.EffectiveAll(context, "proxy_set_header").LastOrDefault(h => string.Equals(h.Arg0, "Host", StringComparison.OrdinalIgnoreCase));
                hostHeader = hostSetting is { Args.Count: 2 } literal && !literal.Args[1].Contains('$', StringComparison.Ordinal) ? literal.Args[1]
                    : pass.Group is not null ? pass.Group.Name : hostHeader;
            }

            yield return new ProbeTarget
            {
                Display = (request.Scheme is null ? string.Empty : request.Scheme + "://") + address,
                Scheme = unix is not null && scheme == "https" ? "http" : scheme,
                Host = host,
                Port = port,
                UnixPath = unix,
                TlsName = tlsName,
                SendSni = sendSni,
                Verifies = verifies,
                HealthPath = healthPath.StartsWith('/') ? healthPath : "/" + healthPath,
                HostHeader = hostHeader,
                BufferSize = bufferSize,
                ReadTimeout = readTimeout,
            };
        }
    }

    private static (string? Host, int Port, bool Given) SplitAddress(string address, int defaultPort)
    {
        var hostPort = address;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            var port = close > 0 && close + 2 < hostPort.Length && int.TryParse(hostPort[(close + 2)..], out var p) ? p : defaultPort;
            return (hostPort[1..Math.Max(1, close)], port, port != defaultPort);
        }

        var colon = hostPort.LastIndexOf(':');
        return colon > 0 && int.TryParse(hostPort[(colon + 1)..], out var given) ? (hostPort[..colon], given, true) : (hostPort, defaultPort, false);
    }

    private static UpstreamRequest ParseUpstream(string text)
    {
        string? scheme = null;
        var rest = text;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            scheme = text[..schemeEnd].ToLowerInvariant();
            rest = text[(schemeEnd + 3)..].TrimEnd('/');
        }

        if (rest.StartsWith("unix:", StringComparison.Ordinal))
        {
            return new UpstreamRequest(scheme, rest, null, null, rest[5..].TrimEnd(':'));
        }

        var (host, port, given) = SplitAddress(rest, scheme == "https" ? 443 : 80);
        var name = given || scheme is not null ? $"{(rest.StartsWith('[') ? "[" + host + "]" : host)}:{port}" : rest;
        return new UpstreamRequest(scheme, name, host, given ? port : null, null);
    }

    /// <summary>The upstream as asked for: <c>Name</c> is how nginx would name it (<c>host:port</c>, <c>unix:/x</c>, a group).</summary>
    private sealed record UpstreamRequest(string? Scheme, string Name, string? Host, int? Port, string? UnixPath);
}
