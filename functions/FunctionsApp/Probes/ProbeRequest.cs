namespace FunctionsApp.Probes;

/// <summary>The body of <c>POST /api/sites/{site}/probe</c>.</summary>
/// <param name="Upstream">As nginx names it (<c>10.0.0.5:8080</c>, <c>unix:/run/app.sock</c>, an upstream group) or with a
/// scheme (<c>https://api.internal:8443</c>). Must be named by the site's logs or configuration, or allow-listed.</param>
/// <param name="HealthPath">The path to request; default <c>Probes:HealthPath</c>.</param>
/// <param name="Incident">An incident id: store the result with that incident as evidence.</param>
internal sealed record ProbeRequest(string? Upstream, string? HealthPath, string? Incident);
