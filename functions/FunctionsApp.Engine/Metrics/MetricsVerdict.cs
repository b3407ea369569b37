using System.Text.Json.Serialization;

namespace FunctionsApp.Metrics;

/// <summary>What the upstream's CPU and memory say about overload. Part of the public API.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MetricsVerdict>))]
public enum MetricsVerdict
{
    /// <summary>No usable metrics; <see cref="IncidentMetrics.Reason"/> says why.</summary>
    [JsonStringEnumMemberName("no_data")] NoData = 0,

    /// <summary>CPU or memory was saturated, or rose with the errors: overload is supported.</summary>
    [JsonStringEnumMemberName("corroborated")] Corroborated,

    /// <summary>Resources stayed near their baseline: this argues against overload.</summary>
    [JsonStringEnumMemberName("normal")] Normal,
}
