using Refit;

namespace FunctionsApp.Metrics.AzureMonitor;

/// <summary>Azure Monitor "Metrics Batch" on the regional data plane <c>https://{region}.metrics.monitor.azure.com</c> (api-version 2024-02-01).</summary>
internal interface IAzureMonitorBatchMetricsApi
{
    /// <param name="subscriptionId">Subscription of every resource in <paramref name="body"/>.</param>
    /// <param name="metricNamespace">The resource type, e.g. <c>Microsoft.Compute/virtualMachines</c>.</param>
    /// <param name="metricNames">Comma-separated metric names.</param>
    /// <param name="startTime">ISO 8601 start.</param>
    /// <param name="endTime">ISO 8601 end.</param>
    /// <param name="interval">Time grain, <c>PT1M</c>.</param>
    /// <param name="aggregation">Comma-separated aggregations.</param>
    /// <param name="body">Up to 50 resource ids of one type and region.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    [Post("/subscriptions/{subscriptionId}/metrics:getBatch?api-version=2024-02-01")]
    Task<AzureMetricsBatchResponse> GetBatchAsync(
        string subscriptionId,
        [AliasAs("metricnamespace")] string metricNamespace,
        [AliasAs("metricnames")] string metricNames,
        [AliasAs("starttime")] string startTime,
        [AliasAs("endtime")] string endTime,
        [AliasAs("interval")] string interval,
        [AliasAs("aggregation")] string aggregation,
        [Body] AzureMetricsBatchRequest body,
        CancellationToken cancellationToken);
}
