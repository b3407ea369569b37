using System.Text.Json.Serialization;

namespace FunctionsApp.Incidents;

[JsonConverter(typeof(JsonStringEnumConverter<IncidentState>))]
public enum IncidentState
{
    /// <summary>Failures are still arriving, or the quiet period since the last one has not passed.</summary>
    [JsonStringEnumMemberName("open")] Open,

    /// <summary>No failure for the quiet period: the incident is over.</summary>
    [JsonStringEnumMemberName("resolved")] Resolved,
}
