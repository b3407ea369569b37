using System.ComponentModel.DataAnnotations;

namespace FunctionsApp.Metrics;

/// <summary>One upstream (or family of upstreams) and the Azure resources behind it.</summary>
public sealed class UpstreamResourceMapping
{
    /// <summary>
    /// Exact <c>host:port</c> (<c>10.0.1.4:8080</c>), a CIDR (<c>10.0.1.0/24</c>, any port),
    /// or a hostname glob with <c>*</c> and <c>?</c> (<c>api-*.internal</c>, matched against the host part;
    /// include <c>:port</c> in the pattern to match the port too).
    /// </summary>
    [Required]
    public string Match { get; set; } = "";

    /// <summary>Full ARM resource ids, e.g. <c>/subscriptions/…/resourceGroups/…/providers/Microsoft.Compute/virtualMachines/vm1</c>.</summary>
    [Required]
    public List<string> ResourceIds { get; set; } = [];

    /// <summary>Azure region of the resources (<c>westeurope</c>). Needed for the batch endpoint; without it each resource is read on its own.</summary>
    public string? Region { get; set; }

    /// <summary>Metric names to read instead of the defaults for the resource type.</summary>
    public List<string> Metrics { get; set; } = [];

    /// <summary>CPU cores per resource; turns <c>NanoCores</c> into a percent of capacity.</summary>
    [Range(0.01, 10_000.0)]
    public double? CpuCores { get; set; }

    /// <summary>Memory per resource in bytes; turns byte metrics into a percent of capacity.</summary>
    [Range(1L, long.MaxValue)]
    public long? MemoryBytes { get; set; }
}
