using FunctionsApp.Incidents;
using FunctionsApp.NginxConfig;
using FunctionsApp.SiteConfig;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Probes;

/// <summary>
/// The step the analyzer applies to each incident it writes, after the engine: the site's stored nginx
/// configuration (route, directive, file:line; the upstream of an access log that names none), then the probe
/// results stored for the incident — probing it first, once, when <c>Probes:OnIncidentOpen</c> is on and the
/// incident is open. Applied on every write, so what the engine recomputes is enriched again.
/// </summary>
internal sealed class SiteDiagnostics(
    NginxConfigProvider configs, IProbeStore probes, ProbeService prober, IOptions<ProbeOptions> options, ILogger<SiteDiagnostics> logger)
{
    public async Task<Incident> EnrichAsync(string site, Incident incident, CancellationToken cancellationToken)
    {
        if (await configs.GetModelAsync(site, cancellationToken) is { } model)
        {
            incident = IncidentConfigEnricher.Enrich(incident, model);
        }

        var results = await probes.ListAsync(site, incident.Id, cancellationToken);
        if (results.Count == 0 && options.Value.OnIncidentOpen && incident.State == IncidentState.Open && incident.Upstream is not ("-" or "(unknown)"))
        {
            try
            {
                var (report, _) = await prober.ProbeAsync(site, incident.Upstream, null, incident.Id, namedByIncident: true, cancellationToken);
                results = report?.Results ?? [];
            }
            catch (Exception e) when (e is Azure.RequestFailedException or IOException)
            {
                Log.AutomaticProbeFailed(logger, e, site, incident.Id);
            }
        }

        return results.Count == 0 ? incident : IncidentProbes.Apply(incident, results);
    }
}
