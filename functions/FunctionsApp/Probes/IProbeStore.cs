namespace FunctionsApp.Probes;

/// <summary>Probe results, kept per site and per incident.</summary>
internal interface IProbeStore
{
    Task SaveAsync(string site, string? incidentId, ProbeResult result, CancellationToken cancellationToken);

    /// <summary>The results stored for an incident, oldest first.</summary>
    Task<IReadOnlyList<ProbeResult>> ListAsync(string site, string incidentId, CancellationToken cancellationToken);
}
