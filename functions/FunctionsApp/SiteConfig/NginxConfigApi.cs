using System.Security.Cryptography;
using System.Text;
using FunctionsApp.Hosting;
using FunctionsApp.NginxConfig;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FunctionsApp.SiteConfig;

/// <summary>
/// <c>PUT /api/sites/{site}/nginx-config</c> stores a site's nginx configuration (the output of <c>nginx -T</c>, sent after
/// each reload); <c>GET</c> returns it with its findings. The analyzer routes the site's incidents through it.
/// </summary>
internal static class NginxConfigApi
{
    /// <summary>Largest configuration accepted: <c>nginx -T</c> of a large ingress controller is a few MiB.</summary>
    public const int MaxBytes = 8 * 1024 * 1024;

    public static IEndpointRouteBuilder MapNginxConfigApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sites/{site}").WithTags("Configuration");
        api.MapPut("/nginx-config", PutAsync)
            .WithName("PutNginxConfig")
            .WithSummary("Stores the site's nginx configuration (the output of `nginx -T`) and returns its findings.")
            .DisableAntiforgery();
        api.MapGet("/nginx-config", GetAsync)
            .WithName("GetNginxConfig")
            .WithSummary("The site's stored nginx configuration with its findings.");
        return app;
    }

    public static async Task<Results<Ok<NginxConfigDocument>, ProblemHttpResult>> PutAsync(
        string site, HttpRequest request, Sites sites, INginxConfigStore store, NginxConfigProvider models, TimeProvider time, ILogger<NginxConfigDocument> logger,
        CancellationToken cancellationToken)
    {
        if (!sites.IsKnown(site))
        {
            return UnknownSite(site, sites);
        }

        var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > MaxBytes)
            {
                return Problems.Create(413, ProblemTypes.PayloadTooLarge, "Configuration too large",
                    $"An nginx configuration may be at most {MaxBytes / 1024 / 1024} MiB; send the output of nginx -T, not logs or binaries.");
            }

            body.Write(buffer, 0, read);
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.GetBuffer(), 0, (int)body.Length);
        }
        catch (DecoderFallbackException)
        {
            return Problems.Create(422, ProblemTypes.InvalidNginxConfig, "Not an nginx configuration", "The body is not UTF-8 text: send the output of `nginx -T`.");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return Problems.Create(422, ProblemTypes.InvalidNginxConfig, "Empty configuration", "The body is empty: send the output of `nginx -T`.");
        }

        var parsed = NginxConfigParser.ParseText(text);
        if (!parsed.Succeeded)
        {
            return Problems.Create(422, ProblemTypes.InvalidNginxConfig, "The nginx configuration cannot be read",
                $"{parsed.Errors[0]}. Nothing was stored; send the output of `nginx -T` (which nginx -t accepts).");
        }

        var stored = new StoredNginxConfig(site, text, time.GetUtcNow(), Convert.ToHexStringLower(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length))), string.Empty);
        await store.SaveAsync(stored, cancellationToken);
        models.Forget(site);
        var report = ConfigReport.Create(parsed.Model!, ConfigChecks.Run(parsed.Model!), parsed.Warnings);
        Log.ConfigStored(logger, site, report.Files.Count, report.Findings.Count);
        return TypedResults.Ok(new NginxConfigDocument(site, stored.ReceivedAt, stored.Sha256, report, null));
    }

    public static async Task<Results<Ok<NginxConfigDocument>, ProblemHttpResult>> GetAsync(
        string site, Sites sites, INginxConfigStore store, CancellationToken cancellationToken)
    {
        if (!sites.IsKnown(site))
        {
            return UnknownSite(site, sites);
        }

        var stored = await store.GetAsync(site, cancellationToken);
        if (stored is null)
        {
            return Problems.Create(404, ProblemTypes.NginxConfigNotFound, "No configuration stored",
                $"Site '{site}' has no nginx configuration yet: `nginx -T | curl -X PUT --data-binary @- -H 'x-functions-key: …' …/api/sites/{site}/nginx-config`.");
        }

        var parsed = NginxConfigParser.ParseText(stored.Text);
        var report = parsed.Model is { } model
            ? ConfigReport.Create(model, ConfigChecks.Run(model), parsed.Warnings)
            : new ConfigReport([], 0, 0, [], [.. parsed.Errors.Select(e => e.ToString())]);
        return TypedResults.Ok(new NginxConfigDocument(site, stored.ReceivedAt, stored.Sha256, report, stored.Text));
    }

    internal static ProblemHttpResult UnknownSite(string site, Sites sites) =>
        Problems.Create(404, ProblemTypes.UnknownSite, "Unknown site",
            $"No configured source belongs to site '{site}'. Sites: {string.Join(", ", sites.Names())} (Ingestion:Sources:<name>:Site).");
}
