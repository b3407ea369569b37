using Refit;

namespace FunctionsApp.Metrics.AzureMonitor;

/// <summary>Azure Monitor "Metrics - List" on Azure Resource Manager (api-version 2023-10-01).</summary>
internal interface IAzureMonitorMetricsApi
{
    /// <param name="resourceId">ARM id without its leading slash (<c>subscriptions/…/virtualMachines/vm1</c>).</param>
    /// <param name="metricNames">Comma-separated metric names.</param>
    /// <param name="timespan"><c>{start}/{end}</c> in ISO 8601.</param>
    /// <param name="interval">Time grain, <c>PT1M</c>.</param>
    /// <param name="aggregation">Comma-separated aggregations, <c>Average,Maximum</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    [Get("/{**resourceId}/providers/Microsoft.Insights/metrics?api-version=2023-10-01")]
    Task<AzureMetricsResponse> ListAsync(
        string resourceId,
        [AliasAs("metricnames")] string metricNames,
        [AliasAs("timespan")] string timespan,
        [AliasAs("interval")] string interval,
        [AliasAs("aggregation")] string aggregation,
        CancellationToken cancellationToken);
}
