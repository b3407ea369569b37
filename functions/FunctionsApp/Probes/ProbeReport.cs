namespace FunctionsApp.Probes;

/// <summary>The answer of <c>POST /api/sites/{site}/probe</c>: one result per address probed (a group's servers each).</summary>
internal sealed record ProbeReport(string Site, string Upstream, string? Incident, IReadOnlyList<ProbeResult> Results);
