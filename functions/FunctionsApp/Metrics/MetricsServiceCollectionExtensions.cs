using Azure.Core;
using FunctionsApp.Metrics.AzureMonitor;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace FunctionsApp.Metrics;

public static class MetricsServiceCollectionExtensions
{
    internal const string ArmHttpClientName = "AzureMonitorArm";

    /// <summary>
    /// Registers <see cref="IMetricsCorrelator"/> with its Azure Monitor clients. Tokens come from the
    /// <see cref="TokenCredential"/> in the container: the app registers its one <c>DefaultAzureCredential</c>
    /// (<c>services.AddSingleton&lt;TokenCredential&gt;(new DefaultAzureCredential())</c>), tests a fake.
    /// </summary>
    /// <remarks>
    /// This feature deliberately never names <c>DefaultAzureCredential</c>: Azure.Core 1.60 (from Azure.Storage.Blobs
    /// 12.30) now carries the <c>Azure.Identity</c> types too, so with the Azure.Identity package also referenced
    /// (e.g. through Microsoft.Extensions.Azure) every such name is ambiguous (CS0433). The host resolves that once.
    /// </remarks>
    public static IServiceCollection AddMetricsCorrelation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<MetricsOptions>()
            .Bind(configuration.GetSection(MetricsOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricsOptions>, ValidateMetricsOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenCredential>(_ => throw new InvalidOperationException(
            "Metrics correlation needs a TokenCredential: register the app's DefaultAzureCredential as TokenCredential."));

        services.TryAddSingleton<UpstreamResourceResolver>();
        services.TryAddSingleton<MetricsCache>();
        services.TryAddSingleton<AzureMonitorBatchClientFactory>();
        services.TryAddTransient<IMetricsReader, AzureMonitorMetricsReader>();
        services.TryAddTransient<IMetricsCorrelator, MetricsCorrelator>();

        // A plain named client + RestService.ForGenerated: with AddRefitGeneratedClient the primary handler from
        // ConfigureHttpClientDefaults (TLS pinning in tests, proxies in the app) was not applied to the Refit client.
        services.AddHttpClient(ArmHttpClientName)
            .ConfigureHttpClient((sp, client) => client.BaseAddress = sp.GetRequiredService<IOptions<MetricsOptions>>().Value.ArmBaseUri)
            .AddAzureMonitorPipeline(o => o.ArmScope);
        services.TryAddTransient(sp => RestService.ForGenerated<IAzureMonitorMetricsApi>(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ArmHttpClientName), AzureMonitorJsonContext.Default));
        services.AddHttpClient(AzureMonitorBatchClientFactory.HttpClientName)
            .AddAzureMonitorPipeline(o => o.BatchScope);
        return services;
    }

    private static IHttpClientBuilder AddAzureMonitorPipeline(this IHttpClientBuilder builder, Func<MetricsOptions, string> scope)
    {
        // Outermost: retries (429 with Retry-After, 5xx, timeouts), then a fresh bearer token per attempt.
        builder.AddResilienceHandler("azure-monitor", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
            if (options.MaxRetryAttempts > 0)
            {
                // The default predicate treats 408, 429, 5xx, HttpRequestException and attempt timeouts as transient.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    ShouldRetryAfterHeader = true,
                    Delay = options.RetryBaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    MaxDelay = TimeSpan.FromSeconds(60),
                });
            }

            pipeline.AddTimeout(options.AttemptTimeout);
        });
        builder.AddHttpMessageHandler(sp => new BearerTokenHandler(
            new Lazy<TokenCredential>(sp.GetRequiredService<TokenCredential>),
            scope(sp.GetRequiredService<IOptions<MetricsOptions>>().Value),
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
