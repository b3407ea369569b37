namespace FunctionsApp.Metrics;

/// <summary>One metric as Azure Monitor returned it.</summary>
internal sealed record RawMetricSeries(string Name, string Unit, IReadOnlyList<MetricPoint> Points);
