namespace FunctionsApp.Incidents;

/// <summary>Incident documents: one per incident id, overwritten as the incident evolves.</summary>
internal interface IIncidentStore
{
    /// <summary>Writes (or overwrites) the incident; writing the same incident twice leaves one document.</summary>
    Task UpsertAsync(Incident incident, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the incident for an analyzer run holding fencing token <paramref name="fence"/>, unless a run with a later
    /// token wrote it or anyone changed it since it was read (then <see cref="Storage.StaleWriterException"/>): a run
    /// that lost its lease cannot overwrite what the next one wrote.
    /// </summary>
    Task UpsertFencedAsync(Incident incident, long fence, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the incident as stored and writes the result only if nothing wrote it in
    /// between, applying the change again to what did: a change made outside the analyzer (a probe's result) never
    /// overwrites a newer analyzer write. Returns the incident as written, or null when there is none.
    /// </summary>
    Task<Incident?> UpdateAsync(string id, Func<Incident, Incident> change, CancellationToken cancellationToken);

    /// <summary>The full incident, or null.</summary>
    Task<Incident?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="count"/> incidents matching <paramref name="query"/>, newest first (then by id), after
    /// <paramref name="after"/>; reads an index only, never every document.
    /// </summary>
    Task<IReadOnlyList<IncidentSummary>> QueryAsync(IncidentQuery query, IncidentCursor? after, int count, CancellationToken cancellationToken);

    /// <summary>Every incident's summary (read from metadata, without downloading the documents).</summary>
    IAsyncEnumerable<IncidentSummary> ListAsync(CancellationToken cancellationToken);
}

/// <summary>An incident without its evidence and remediation: what lists show.</summary>
public sealed record IncidentSummary(
    string Id,
    string Upstream,
    string Host,
    int Status,
    IncidentCause Cause,
    double Confidence,
    IncidentState State,
    DateTimeOffset Start,
    DateTimeOffset End,
    int FailedRequests,
    string? Site)
{
    /// <summary>When the service first found it (see <see cref="Incident.DetectedAt"/>).</summary>
    public DateTimeOffset? DetectedAt { get; init; }

    public static IncidentSummary Of(Incident incident) => new(
        incident.Id, incident.Upstream, incident.Host, incident.Status, incident.Cause, incident.Confidence,
        incident.State, incident.Start, incident.End, incident.FailedRequests, incident.Site) { DetectedAt = incident.DetectedAt };
}
