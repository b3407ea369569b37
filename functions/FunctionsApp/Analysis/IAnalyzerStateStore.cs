namespace FunctionsApp.Analysis;

/// <summary>Where the analyzer keeps each site's checkpoint and engine state, and the per-site leases that let one run
/// at a time analyze a site while runs on other instances analyze other sites.</summary>
internal interface IAnalyzerStateStore
{
    /// <summary>Loads a site's state, or a new one; the version guards the save against a concurrent writer.</summary>
    Task<VersionedSiteState> LoadAsync(string site, CancellationToken cancellationToken);

    /// <summary>Saves a site's state if nobody saved it since it was loaded (else <see cref="Storage.StaleWriterException"/>).</summary>
    Task SaveAsync(VersionedSiteState state, CancellationToken cancellationToken);

    /// <summary>Every site's saved state (for the upstream and timeline queries).</summary>
    IAsyncEnumerable<SiteState> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>Takes the site's lease, or returns null when a run elsewhere holds it.</summary>
    Task<IRunLease?> TryAcquireSiteLeaseAsync(string site, TimeSpan duration, CancellationToken cancellationToken);
}

/// <summary>A site's state with the storage version it was read at (null: not stored yet).</summary>
internal sealed record VersionedSiteState(SiteState State, string? Version);

/// <summary>
/// The exclusive right to analyze one site; renew it during long runs and before each write, dispose to release it.
/// </summary>
internal interface IRunLease : IAsyncDisposable
{
    /// <summary>
    /// The site's fencing token: one more than the previous holder's, so a write carrying it can be refused where a later
    /// holder has written (see <see cref="Incidents.IIncidentStore.UpsertFencedAsync"/>).
    /// </summary>
    long Fence { get; }

    /// <summary>
    /// Makes sure the lease is still this run's and extends it (storage is asked only once a third of the lease has
    /// passed since it was last taken or extended); throws <see cref="Storage.StaleWriterException"/> when another run
    /// has taken it.
    /// </summary>
    Task RenewAsync(CancellationToken cancellationToken);
}
