using System.Text.Json.Serialization;

namespace FunctionsApp.Metrics;

/// <summary>How one metric behaved during the incident.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MetricAssessment>))]
public enum MetricAssessment
{
    [JsonStringEnumMemberName("no_data")] NoData,
    [JsonStringEnumMemberName("normal")] Normal,
    [JsonStringEnumMemberName("elevated")] Elevated,
    [JsonStringEnumMemberName("saturated")] Saturated,
}
