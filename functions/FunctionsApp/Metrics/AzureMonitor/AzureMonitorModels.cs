using System.Text.Json.Serialization;

namespace FunctionsApp.Metrics.AzureMonitor;

// Wire shapes of the Azure Monitor metrics REST API (Metrics - List, api-version 2023-10-01, and
// Metrics Batch, api-version 2024-02-01): https://learn.microsoft.com/rest/api/monitor/metrics/list
// and https://learn.microsoft.com/rest/api/monitor/metrics-batch/batch. Only the fields we read.

/// <summary>Response of <c>GET {resourceId}/providers/Microsoft.Insights/metrics</c>.</summary>
internal sealed record AzureMetricsResponse(
    [property: JsonPropertyName("timespan")] string? Timespan,
    [property: JsonPropertyName("interval")] string? Interval,
    [property: JsonPropertyName("namespace")] string? Namespace,
    [property: JsonPropertyName("resourceregion")] string? ResourceRegion,
    [property: JsonPropertyName("value")] IReadOnlyList<AzureMetric>? Value);

internal sealed record AzureMetric(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] AzureLocalizableString? Name,
    [property: JsonPropertyName("unit")] string? Unit,
    [property: JsonPropertyName("errorCode")] string? ErrorCode,
    [property: JsonPropertyName("timeseries")] IReadOnlyList<AzureTimeSeries>? Timeseries);

internal sealed record AzureLocalizableString(
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("localizedValue")] string? LocalizedValue);

internal sealed record AzureTimeSeries(
    [property: JsonPropertyName("data")] IReadOnlyList<AzureMetricValue>? Data);

internal sealed record AzureMetricValue(
    [property: JsonPropertyName("timeStamp")] DateTimeOffset TimeStamp,
    [property: JsonPropertyName("average")] double? Average,
    [property: JsonPropertyName("maximum")] double? Maximum);

/// <summary>Body of <c>POST …/metrics:getBatch</c>.</summary>
internal sealed record AzureMetricsBatchRequest(
    [property: JsonPropertyName("resourceids")] IReadOnlyList<string> ResourceIds);

/// <summary>Response of <c>POST …/metrics:getBatch</c>: one entry per resource.</summary>
internal sealed record AzureMetricsBatchResponse(
    [property: JsonPropertyName("values")] IReadOnlyList<AzureMetricsBatchItem>? Values);

internal sealed record AzureMetricsBatchItem(
    [property: JsonPropertyName("starttime")] string? StartTime,
    [property: JsonPropertyName("endtime")] string? EndTime,
    [property: JsonPropertyName("interval")] string? Interval,
    [property: JsonPropertyName("namespace")] string? Namespace,
    [property: JsonPropertyName("resourceregion")] string? ResourceRegion,
    [property: JsonPropertyName("resourceid")] string? ResourceId,
    [property: JsonPropertyName("value")] IReadOnlyList<AzureMetric>? Value);
