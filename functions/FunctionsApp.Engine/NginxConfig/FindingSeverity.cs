using System.Text.Json.Serialization;

namespace FunctionsApp.NginxConfig;

/// <summary>How directly a finding leads to gateway errors.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FindingSeverity>))]
public enum FindingSeverity
{
    /// <summary>Makes outages longer or harder to diagnose (no bypass, missing log fields).</summary>
    [JsonStringEnumMemberName("info")] Info,

    /// <summary>Causes 502/503/504s under conditions that happen in normal operation (a redeploy, a burst, a slow request).</summary>
    [JsonStringEnumMemberName("warning")] Warning,

    /// <summary>Causes 502/503/504s on every request it applies to.</summary>
    [JsonStringEnumMemberName("error")] Error,
}
