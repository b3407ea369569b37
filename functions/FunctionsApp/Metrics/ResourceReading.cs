namespace FunctionsApp.Metrics;

/// <summary>What came back for one resource: its series, or why there are none.</summary>
internal sealed record ResourceReading(MappedResource Resource, MetricsNoDataReason? Error, IReadOnlyList<RawMetricSeries> Metrics);
