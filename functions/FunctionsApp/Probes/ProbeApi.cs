using System.Text.Json;
using FunctionsApp.Hosting;
using FunctionsApp.Incidents;
using FunctionsApp.SiteConfig;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FunctionsApp.Probes;

/// <summary><c>POST /api/sites/{site}/probe</c>: check an upstream from where the app runs, as <c>curl -v</c> would.</summary>
internal static class ProbeApi
{
    public static IEndpointRouteBuilder MapProbeApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/sites/{site}").WithTags("Probes")
            .MapPost("/probe", ProbeAsync)
            .WithName("ProbeUpstream")
            .WithSummary("Probes an upstream of the site (DNS, TCP, TLS, HTTP); with an incident id, stores the result with that incident.")
            .DisableAntiforgery();
        return app;
    }

    public static async Task<Results<Ok<ProbeReport>, ProblemHttpResult>> ProbeAsync(
        string site, HttpRequest request, Sites sites, ProbeService probes, IIncidentStore incidents, CancellationToken cancellationToken)
    {
        if (!sites.IsKnown(site))
        {
            return NginxConfigApi.UnknownSite(site, sites);
        }

        ProbeRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, ProbesJsonContext.Default.ProbeRequest, cancellationToken);
        }
        catch (JsonException)
        {
            return Problems.Create(400, ProblemTypes.MalformedJson, "Malformed JSON", "Send {\"upstream\":\"10.0.0.5:8080\",\"healthPath\":\"/health\",\"incident\":\"<id>\"}.");
        }

        if (body?.Upstream is not { Length: > 0 and <= 512 } upstream)
        {
            return Problems.Create(400, ProblemTypes.InvalidProbeRequest, "Missing upstream",
                "Name the upstream as nginx does: {\"upstream\":\"10.0.0.5:8080\"}, \"unix:/run/app.sock\", an upstream group, or \"https://api.internal:8443\".");
        }

        if (body.HealthPath is { } path && (path.Length > 2048 || path.AsSpan().ContainsAny("\r\n ")))
        {
            return Problems.Create(400, ProblemTypes.InvalidProbeRequest, "Invalid health path", "healthPath is a path such as /health, without spaces or line breaks.");
        }

        Incident? incident = null;
        if (body.Incident is { } id)
        {
            if (!IncidentIds.IsWellFormed(id))
            {
                return Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid incident id", "Incident ids are lower-case hexadecimal, as returned by GET /api/incidents.");
            }

            incident = await incidents.GetAsync(id, cancellationToken);
            if (incident is null || (incident.Site is not null && incident.Site != site))
            {
                return Problems.Create(404, ProblemTypes.IncidentNotFound, "Incident not found", $"Site '{site}' has no incident '{id}'.");
            }
        }

        var (report, refused) = await probes.ProbeAsync(site, upstream, body.HealthPath, incident?.Id, namedByIncident: false, cancellationToken);
        if (report is null)
        {
            return Problems.Create(403, ProblemTypes.ProbeTargetNotAllowed, "Upstream not allowed", refused);
        }

        if (incident is not null)
        {
            // Applied to the incident as it is now: the analyzer may have written it while the probe ran.
            await incidents.UpdateAsync(incident.Id, current => IncidentProbes.Apply(current, report.Results), cancellationToken);
        }

        return TypedResults.Ok(report);
    }
}
