using System.Text.Json.Serialization;

namespace FunctionsApp.Ingestion.Elasticsearch;

/// <summary>The <c>GET /</c> answer clients read the version from.</summary>
internal sealed record ElasticsearchInfo(
    string Name,
    [property: JsonPropertyName("cluster_name")] string ClusterName,
    [property: JsonPropertyName("cluster_uuid")] string ClusterUuid,
    ElasticsearchVersion Version,
    string Tagline);

internal sealed record ElasticsearchVersion(
    string Number,
    [property: JsonPropertyName("build_flavor")] string BuildFlavor,
    [property: JsonPropertyName("build_type")] string BuildType,
    [property: JsonPropertyName("build_hash")] string BuildHash,
    [property: JsonPropertyName("build_date")] string BuildDate,
    [property: JsonPropertyName("build_snapshot")] bool BuildSnapshot,
    [property: JsonPropertyName("lucene_version")] string LuceneVersion,
    [property: JsonPropertyName("minimum_wire_compatibility_version")] string MinimumWireCompatibilityVersion,
    [property: JsonPropertyName("minimum_index_compatibility_version")] string MinimumIndexCompatibilityVersion);

internal sealed record ElasticsearchErrorResponse(ElasticsearchError Error, int Status);

internal sealed record ElasticsearchError(
    [property: JsonPropertyName("root_cause")] IReadOnlyList<ElasticsearchErrorCause> RootCause,
    string Type,
    string Reason);

internal sealed record ElasticsearchErrorCause(string Type, string Reason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ElasticsearchInfo))]
[JsonSerializable(typeof(ElasticsearchErrorResponse))]
internal sealed partial class ElasticsearchJsonContext : JsonSerializerContext;
