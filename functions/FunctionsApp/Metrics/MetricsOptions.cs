using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Metrics;

/// <summary>
/// Where incident metrics come from (Azure Monitor) and how they are judged.
/// Bound from the <c>Metrics</c> section and validated at start.
/// </summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Turns metrics correlation off entirely: incidents then carry <c>no_data</c> / <c>no_mapping</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Azure Resource Manager endpoint for the per-resource metrics API. Must be HTTPS.</summary>
    [Required]
    public Uri ArmBaseUri { get; set; } = new("https://management.azure.com");

    /// <summary>Token scope for <see cref="ArmBaseUri"/>.</summary>
    [Required]
    public string ArmScope { get; set; } = "https://management.azure.com/.default";

    /// <summary>Regional data-plane endpoint of the batch API; <c>{region}</c> is replaced by the mapping's region. Must be HTTPS.</summary>
    [Required]
    public string BatchEndpointTemplate { get; set; } = "https://{region}.metrics.monitor.azure.com";

    /// <summary>Token scope for the batch endpoint.</summary>
    [Required]
    public string BatchScope { get; set; } = "https://metrics.monitor.azure.com/.default";

    /// <summary>How much history before the incident is read as the baseline.</summary>
    public TimeSpan BaselinePeriod { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a (resource, window) result is cached.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Most (resource, window) results kept in the cache.</summary>
    [Range(1, 100_000)]
    public int CacheSizeLimit { get; set; } = 1024;

    /// <summary>Timeout of one attempt against Azure Monitor.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Retries on 429/5xx/timeouts; a 429's <c>Retry-After</c> sets the delay.</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>First retry delay; later ones back off exponentially. A 429's <c>Retry-After</c> overrides it.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A percent metric at or above this peak counts as saturated.</summary>
    [Range(1.0, 100.0)]
    public double SaturationPercent { get; set; } = 90;

    /// <summary>A percent metric whose incident mean is this many points above its baseline mean counts as elevated.</summary>
    [Range(0.0, 100.0)]
    public double ElevatedPercentPoints { get; set; } = 15;

    /// <summary>A metric without a percent scale counts as elevated when its incident mean is this many times its baseline mean.</summary>
    [Range(1.0, 100.0)]
    public double ElevatedRatio { get; set; } = 1.5;

    /// <summary>Pearson correlation between per-minute gateway errors and load at or above which the two move together.</summary>
    [Range(0.0, 1.0)]
    public double CorrelationThreshold { get; set; } = 0.6;

    /// <summary>Fewest paired minutes for a correlation to be computed at all.</summary>
    [Range(3, 1440)]
    public int MinimumCorrelationPoints { get; set; } = 5;

    // TimeSpan ranges are checked in MetricsOptionsValidator: [Range(typeof(TimeSpan), …)] needs reflection that trimming breaks.

    /// <summary>Upstreams mapped to the Azure resources that serve them; the first mapping that matches wins.</summary>
    [ValidateEnumeratedItems]
    public List<UpstreamResourceMapping> Upstreams { get; set; } = [];
}
