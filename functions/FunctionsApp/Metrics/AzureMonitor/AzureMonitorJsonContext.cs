using System.Text.Json.Serialization;

namespace FunctionsApp.Metrics.AzureMonitor;

/// <summary>Source-generated JSON for the Azure Monitor wire types (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AzureMetricsResponse))]
[JsonSerializable(typeof(AzureMetricsBatchRequest))]
[JsonSerializable(typeof(AzureMetricsBatchResponse))]
internal sealed partial class AzureMonitorJsonContext : JsonSerializerContext;
