namespace FunctionsApp.Metrics;

/// <summary>A resource to read for an upstream, with what to read and how to scale it.</summary>
internal sealed record MappedResource(
    AzureResourceId Resource,
    string? Region,
    IReadOnlyList<MetricDefinition> Metrics,
    double? CpuCores,
    long? MemoryBytes);
