using System.ComponentModel.DataAnnotations;

namespace FunctionsApp.Storage;

/// <summary>Where raw batches, analyzer state and incidents live (section <c>Storage</c>).</summary>
internal sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Connection string (Azurite locally). Either this or <see cref="ServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Blob service endpoint used with <c>DefaultAzureCredential</c> (managed identity) in Azure.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>Container of raw batches (<c>raw/</c>) and idempotency markers (<c>dedup/</c>).</summary>
    [Required]
    [RegularExpression(ContainerNamePattern)]
    public string LogsContainer { get; set; } = "logs";

    /// <summary>Container of the analyzer's checkpoint and engine state.</summary>
    [Required]
    [RegularExpression(ContainerNamePattern)]
    public string StateContainer { get; set; } = "state";

    /// <summary>Container of incident documents.</summary>
    [Required]
    [RegularExpression(ContainerNamePattern)]
    public string IncidentsContainer { get; set; } = "incidents";

    /// <summary>
    /// Table service endpoint used with <c>DefaultAzureCredential</c>; defaults to <see cref="ServiceUri"/> with
    /// <c>.blob.</c> replaced by <c>.table.</c> (the same account). With a connection string, its <c>TableEndpoint</c>.
    /// </summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>
    /// Table of the incident index: the rows <c>/api/incidents</c> filters and pages through. The rows by site, upstream,
    /// host, cause and of open incidents are in tables of this name followed by <c>site</c>, <c>upstream</c>,
    /// <c>host</c>, <c>cause</c> and <c>open</c> (so it is at most 55 characters).
    /// </summary>
    [Required]
    [RegularExpression(IndexTableNamePattern)]
    public string IncidentIndexTable { get; set; } = "incidentindex";

    /// <summary>Table of the per-minute timeline of every upstream (<c>/api/timeline</c>).</summary>
    [Required]
    [RegularExpression(TableNamePattern)]
    public string TimelineTable { get; set; } = "timeline";

    /// <summary>How long the per-minute timeline is kept (1 day to 400 days).</summary>
    public TimeSpan TimelineRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Retries of one storage call before the request fails (a shipper retries the batch after 503).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Timeout of one storage network call (1 s to 10 min).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>Retry-After</c> sent with 503 when storage is unreachable (1 s to 1 h).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    // Azure table names: 3-63 letters and digits, starting with a letter.
    private const string TableNamePattern = "^[A-Za-z][A-Za-z0-9]{2,62}$";

    // The same, with room for the longest suffix of the index's tables ("upstream").
    private const string IndexTableNamePattern = "^[A-Za-z][A-Za-z0-9]{2,54}$";

    // Azure container names: 3-63 lower-case letters, digits and single hyphens.
    private const string ContainerNamePattern = "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$";
}
