namespace FunctionsApp.Metrics;

/// <summary>Reads per-minute metrics of Azure resources. Never throws for a remote failure: it reports it per resource.</summary>
internal interface IMetricsReader
{
    /// <param name="resources">Resources with the metrics to read.</param>
    /// <param name="start">First minute (inclusive, UTC, minute-aligned).</param>
    /// <param name="end">End (exclusive, UTC, minute-aligned).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<ResourceReading>> ReadAsync(IReadOnlyList<MappedResource> resources, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken);
}
