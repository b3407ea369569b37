using System.Text.Json.Serialization;

namespace FunctionsApp.Metrics;

/// <summary>What a metric measures, as far as overload is concerned.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MetricKind>))]
public enum MetricKind
{
    [JsonStringEnumMemberName("cpu")] Cpu,
    [JsonStringEnumMemberName("memory")] Memory,
    [JsonStringEnumMemberName("other")] Other,
}
