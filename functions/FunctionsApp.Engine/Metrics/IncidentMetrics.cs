using System.Text.Json.Serialization;
using FunctionsApp.Incidents;

namespace FunctionsApp.Metrics;

/// <summary>
/// The <c>metrics</c> object of an incident: CPU/memory of the upstream's Azure resources around the
/// incident and what they say about overload. Serialized camelCase by <see cref="MetricsJsonContext"/>.
/// </summary>
public sealed record IncidentMetrics
{
    public required MetricsVerdict Verdict { get; init; }

    /// <summary>Why there is no data; set only with <see cref="MetricsVerdict.NoData"/>.</summary>
    public MetricsNoDataReason? Reason { get; init; }

    /// <summary>One sentence for humans: "CPU of vm-api-1 peaked at 98% (baseline 35%), r=0.91 with the 502s".</summary>
    public required string Summary { get; init; }

    [JsonConverter(typeof(UntimedAsNullConverter))]
    public required DateTimeOffset BaselineStart { get; init; }

    [JsonConverter(typeof(UntimedAsNullConverter))]
    public required DateTimeOffset IncidentStart { get; init; }

    [JsonConverter(typeof(UntimedAsNullConverter))]
    public required DateTimeOffset IncidentEnd { get; init; }

    public IReadOnlyList<ResourceMetrics> Resources { get; init; } = [];

    public static IncidentMetrics NoData(MetricsNoDataReason reason, string summary, DateTimeOffset baselineStart, DateTimeOffset start, DateTimeOffset end,
        IReadOnlyList<ResourceMetrics>? resources = null) => new()
        {
            Verdict = MetricsVerdict.NoData,
            Reason = reason,
            Summary = summary,
            BaselineStart = baselineStart,
            IncidentStart = start,
            IncidentEnd = end,
            Resources = resources ?? [],
        };
}
