using System.Text.Json.Serialization;

namespace FunctionsApp.Metrics;

/// <summary>Why there are no metrics for a resource or an incident. Part of the public API.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MetricsNoDataReason>))]
public enum MetricsNoDataReason
{
    /// <summary>No <c>Metrics:Upstreams</c> mapping matches the upstream (or metrics are disabled).</summary>
    [JsonStringEnumMemberName("no_mapping")] NoMapping,

    /// <summary>401/403: the identity lacks <c>Monitoring Reader</c> on the resource.</summary>
    [JsonStringEnumMemberName("forbidden")] Forbidden,

    /// <summary>429 after every retry.</summary>
    [JsonStringEnumMemberName("throttled")] Throttled,

    /// <summary>404: the resource or metric does not exist.</summary>
    [JsonStringEnumMemberName("not_found")] NotFound,

    /// <summary>The API answered but no minute in the window had a value.</summary>
    [JsonStringEnumMemberName("empty_series")] EmptySeries,

    /// <summary>Anything else: 5xx after retries, timeouts, malformed responses.</summary>
    [JsonStringEnumMemberName("error")] Error,
}
