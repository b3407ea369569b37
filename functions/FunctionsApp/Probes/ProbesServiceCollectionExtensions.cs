using FunctionsApp.SiteConfig;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Probes;

internal static class ProbesServiceCollectionExtensions
{
    /// <summary>Site nginx configurations, upstream probes, and the step that adds both to the analyzer's incidents.</summary>
    public static IServiceCollection AddSiteDiagnostics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProbeOptions>().Bind(configuration.GetSection(ProbeOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProbeOptions>, ProbeOptionsValidator>();
        services.AddSingleton<Sites>();
        services.AddSingleton<INginxConfigStore, BlobNginxConfigStore>();
        services.AddSingleton<NginxConfigProvider>();
        services.AddSingleton<IProbeStore, BlobProbeStore>();
        services.AddSingleton<ProbeService>();
        services.AddSingleton<SiteDiagnostics>();
        return services;
    }
}

/// <summary>Cross-field checks of <see cref="ProbeOptions"/>, with messages that name the bad value.</summary>
internal sealed class ProbeOptionsValidator : IValidateOptions<ProbeOptions>
{
    public ValidateOptionsResult Validate(string? name, ProbeOptions options)
    {
        var failures = new List<string>();
        Range(failures, "Timeout", options.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Range(failures, "ConnectTimeout", options.ConnectTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30));
        Range(failures, "DnsTimeout", options.DnsTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30));
        Range(failures, "HttpTimeout", options.HttpTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        if (options.MaxAddresses is < 1 or > 16)
        {
            failures.Add($"Probes:MaxAddresses must be from 1 to 16, not {options.MaxAddresses}.");
        }

        if (options.ConnectTimeout > options.Timeout || options.HttpTimeout > options.Timeout)
        {
            failures.Add($"Probes:ConnectTimeout ({options.ConnectTimeout}) and Probes:HttpTimeout ({options.HttpTimeout}) must not exceed Probes:Timeout ({options.Timeout}).");
        }

        if (string.IsNullOrEmpty(options.HealthPath) || !options.HealthPath.StartsWith('/'))
        {
            failures.Add($"Probes:HealthPath must start with '/', not '{options.HealthPath}'.");
        }

        foreach (var entry in options.AllowedTargets.Where(e => string.IsNullOrWhiteSpace(e) || e.Contains(' ', StringComparison.Ordinal)))
        {
            failures.Add($"Probes:AllowedTargets has an invalid entry '{entry}': use host, host:port or a CIDR such as 10.0.0.0/8.");
        }

        if (options.DnsServer is { Length: > 0 } dns && !System.Net.IPEndPoint.TryParse(dns, out _))
        {
            failures.Add($"Probes:DnsServer '{dns}' is not an IP address (optionally with :port).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"Probes:{name} must be from {min} to {max}, not {value}.");
        }
    }
}
