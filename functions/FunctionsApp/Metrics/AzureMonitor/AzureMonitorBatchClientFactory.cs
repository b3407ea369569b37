using Microsoft.Extensions.Options;
using Refit;

namespace FunctionsApp.Metrics.AzureMonitor;

/// <summary>
/// The batch endpoint's host depends on the region, so its Refit client is built per region on a pooled
/// <see cref="HttpClient"/> from the factory (handlers, token and resilience come from the named client).
/// </summary>
internal sealed class AzureMonitorBatchClientFactory(IHttpClientFactory httpClientFactory, IOptions<MetricsOptions> options)
{
    public const string HttpClientName = "AzureMonitorBatch";

    public IAzureMonitorBatchMetricsApi Create(string region)
    {
        var client = httpClientFactory.CreateClient(HttpClientName);
        client.BaseAddress = new Uri(options.Value.BatchEndpointTemplate.Replace("{region}", region.ToLowerInvariant(), StringComparison.Ordinal));
        return RestService.ForGenerated<IAzureMonitorBatchMetricsApi>(client, AzureMonitorJsonContext.Default);
    }
}
