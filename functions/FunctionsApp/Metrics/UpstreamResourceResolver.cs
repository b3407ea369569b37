using Microsoft.Extensions.Options;

namespace FunctionsApp.Metrics;

/// <summary>Maps an nginx upstream to the Azure resources behind it; the first matching mapping wins.</summary>
internal sealed class UpstreamResourceResolver
{
    private readonly IReadOnlyList<(UpstreamMatcher Matcher, IReadOnlyList<MappedResource> Resources)> _mappings;

    public UpstreamResourceResolver(IOptions<MetricsOptions> options)
        : this(options.Value)
    {
    }

    public UpstreamResourceResolver(MetricsOptions options)
    {
        var mappings = new List<(UpstreamMatcher, IReadOnlyList<MappedResource>)>();
        foreach (var mapping in options.Upstreams)
        {
            // Options are validated at start, so every pattern and id parses here.
            if (!UpstreamMatcher.TryCreate(mapping.Match, out var matcher, out _))
            {
                continue;
            }

            var resources = mapping.ResourceIds
                .Select(AzureResourceId.Parse)
                .Select(id => new MappedResource(id, mapping.Region, MetricDefaults.Resolve(id.ResourceType, mapping.Metrics), mapping.CpuCores, mapping.MemoryBytes))
                .ToList();
            mappings.Add((matcher, resources));
        }

        _mappings = mappings;
    }

    public IReadOnlyList<MappedResource> Resolve(string upstream)
    {
        foreach (var (matcher, resources) in _mappings)
        {
            if (matcher.IsMatch(upstream))
            {
                return resources;
            }
        }

        return [];
    }
}
