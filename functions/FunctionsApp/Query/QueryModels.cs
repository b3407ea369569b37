using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionsApp.Incidents;

namespace FunctionsApp.Query;

/// <summary>A page of incidents, newest first; <see cref="Continuation"/> fetches the next page.</summary>
public sealed record IncidentPage(IReadOnlyList<IncidentSummary> Items, string? Continuation);

/// <summary>One upstream's health as the analyzer last saw it.</summary>
public sealed record UpstreamHealth(
    string Upstream,
    string Site,
    string Health,
    long Served,
    long GatewayFailures,
    long FailedTries,
    DateTimeOffset? LastServed,
    DateTimeOffset? LastFailure,
    IncidentSummary? LastIncident);

/// <summary>Request and 5xx counts of one upstream per time bucket.</summary>
public sealed record Timeline(string Upstream, string Bucket, IReadOnlyList<TimelinePoint> Points);

/// <summary>One bucket: all requests, the 5xx the upstream answered itself, and gateway errors by status.</summary>
public sealed record TimelinePoint(DateTimeOffset Time, long Requests, long Upstream5xx, IReadOnlyDictionary<string, long> GatewayErrors);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IncidentPage))]
[JsonSerializable(typeof(IReadOnlyList<UpstreamHealth>))]
[JsonSerializable(typeof(Timeline))]
[JsonSerializable(typeof(Incident))]
[JsonSerializable(typeof(AnalysisReport))]
internal sealed partial class QueryJsonContext : JsonSerializerContext;
