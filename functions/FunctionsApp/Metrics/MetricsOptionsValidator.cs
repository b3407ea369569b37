using Microsoft.Extensions.Options;

namespace FunctionsApp.Metrics;

/// <summary>Cross-field rules the attributes cannot express; each message names the bad value.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var failures = new List<string>();
        if (options.ArmBaseUri is { } arm && arm.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"Metrics:ArmBaseUri must be https (bearer tokens are never sent in clear), got '{arm}'.");
        }

        if (!options.BatchEndpointTemplate.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || !options.BatchEndpointTemplate.Contains("{region}", StringComparison.Ordinal))
        {
            failures.Add($"Metrics:BatchEndpointTemplate must be an https URL containing '{{region}}', got '{options.BatchEndpointTemplate}'.");
        }

        CheckRange(failures, nameof(options.BaselinePeriod), options.BaselinePeriod, TimeSpan.FromMinutes(5), TimeSpan.FromDays(1));
        CheckRange(failures, nameof(options.CacheDuration), options.CacheDuration, TimeSpan.Zero, TimeSpan.FromDays(1));
        CheckRange(failures, nameof(options.AttemptTimeout), options.AttemptTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        CheckRange(failures, nameof(options.RetryBaseDelay), options.RetryBaseDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));

        for (var i = 0; i < options.Upstreams.Count; i++)
        {
            var mapping = options.Upstreams[i];
            if (mapping.ResourceIds.Count == 0)
            {
                failures.Add($"Metrics:Upstreams:{i}:ResourceIds must list at least one resource id (Match '{mapping.Match}').");
            }

            if (!UpstreamMatcher.TryCreate(mapping.Match, out _, out var error))
            {
                failures.Add($"Metrics:Upstreams:{i}:Match '{mapping.Match}' is not valid: {error}");
            }

            foreach (var id in mapping.ResourceIds)
            {
                if (!AzureResourceId.TryParse(id, out _))
                {
                    failures.Add($"Metrics:Upstreams:{i}:ResourceIds '{id}' is not an ARM resource id (/subscriptions/{{sub}}/resourceGroups/{{rg}}/providers/{{namespace}}/{{type}}/{{name}}).");
                }
                else if (mapping.Metrics.Count == 0 && MetricDefaults.For(AzureResourceId.Parse(id).ResourceType) is null)
                {
                    failures.Add($"Metrics:Upstreams:{i}: resource type of '{id}' has no default metrics; list them in Metrics:Upstreams:{i}:Metrics.");
                }
            }

            if (mapping.Region is { } region && (region.Length == 0 || !region.All(char.IsAsciiLetterOrDigit)))
            {
                failures.Add($"Metrics:Upstreams:{i}:Region '{region}' must be an Azure region name such as 'westeurope'.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRange(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"Metrics:{name} must be between {min} and {max}, got {value}.");
        }
    }
}
