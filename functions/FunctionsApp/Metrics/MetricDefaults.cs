namespace FunctionsApp.Metrics;

/// <summary>
/// The metrics read per resource type unless a mapping names its own. Names and units are those of
/// the Azure Monitor supported-metrics reference for each resource type.
/// </summary>
internal static class MetricDefaults
{
    private static readonly MetricDefinition VmCpu = new("Percentage CPU", MetricKind.Cpu, "Percent");
    private static readonly MetricDefinition VmMemory = new("Available Memory Bytes", MetricKind.Memory, "Bytes", LowerIsWorse: true);

    /// <summary>Resource type (case-insensitive) → default metrics.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<MetricDefinition>> ByResourceType { get; } =
        new Dictionary<string, IReadOnlyList<MetricDefinition>>(StringComparer.OrdinalIgnoreCase)
        {
            ["Microsoft.Compute/virtualMachines"] = [VmCpu, VmMemory],
            ["Microsoft.Compute/virtualMachineScaleSets"] = [VmCpu, VmMemory],
            ["Microsoft.Web/serverfarms"] =
            [
                new("CpuPercentage", MetricKind.Cpu, "Percent"),
                new("MemoryPercentage", MetricKind.Memory, "Percent"),
            ],
            ["Microsoft.App/containerApps"] =
            [
                new("UsageNanoCores", MetricKind.Cpu, "NanoCores"),
                new("WorkingSetBytes", MetricKind.Memory, "Bytes"),
            ],
            ["Microsoft.ContainerService/managedClusters"] =
            [
                new("node_cpu_usage_percentage", MetricKind.Cpu, "Percent"),
                new("node_memory_working_set_percentage", MetricKind.Memory, "Percent"),
            ],
        };

    /// <summary>Other metrics a mapping may name whose meaning is known.</summary>
    private static readonly Dictionary<string, MetricDefinition> Known = BuildKnown();

    public static IReadOnlyList<MetricDefinition>? For(string resourceType) =>
        ByResourceType.TryGetValue(resourceType, out var list) ? list : null;

    /// <summary>The metrics to read for a resource: the mapping's override, else the defaults.</summary>
    public static IReadOnlyList<MetricDefinition> Resolve(string resourceType, IReadOnlyList<string> overrides)
    {
        if (overrides.Count == 0)
        {
            return For(resourceType) ?? [];
        }

        return [.. overrides.Select(Describe)];
    }

    /// <summary>A metric by name: known names keep their kind and unit; others are guessed from the name.</summary>
    public static MetricDefinition Describe(string name)
    {
        if (Known.TryGetValue(name, out var known))
        {
            return known;
        }

        var kind = name.Contains("cpu", StringComparison.OrdinalIgnoreCase) || name.Contains("core", StringComparison.OrdinalIgnoreCase)
            ? MetricKind.Cpu
            : name.Contains("memory", StringComparison.OrdinalIgnoreCase) || name.Contains("workingset", StringComparison.OrdinalIgnoreCase)
                ? MetricKind.Memory
                : MetricKind.Other;
        var lowerIsWorse = name.Contains("available", StringComparison.OrdinalIgnoreCase);
        return new MetricDefinition(name, kind, ExpectedUnit: "", lowerIsWorse);
    }

    private static Dictionary<string, MetricDefinition> BuildKnown()
    {
        var known = new Dictionary<string, MetricDefinition>(StringComparer.OrdinalIgnoreCase)
        {
            ["Available Memory Percentage"] = new("Available Memory Percentage", MetricKind.Memory, "Percent", LowerIsWorse: true),
            ["CpuTime"] = new("CpuTime", MetricKind.Cpu, "Seconds"),
            ["MemoryWorkingSet"] = new("MemoryWorkingSet", MetricKind.Memory, "Bytes"),
        };
        foreach (var definition in ByResourceType.Values.SelectMany(d => d))
        {
            known.TryAdd(definition.Name, definition);
        }

        return known;
    }
}
