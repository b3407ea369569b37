namespace FunctionsApp.Metrics;

/// <summary>What was read for one Azure resource.</summary>
/// <param name="ResourceId">The ARM resource id.</param>
/// <param name="ResourceType"><c>Microsoft.Compute/virtualMachines</c> etc.</param>
/// <param name="Error">Why nothing was read, or null.</param>
/// <param name="Series">One entry per metric read.</param>
public sealed record ResourceMetrics(string ResourceId, string ResourceType, MetricsNoDataReason? Error, IReadOnlyList<MetricSeries> Series);
