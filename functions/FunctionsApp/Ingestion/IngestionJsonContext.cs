using System.Text.Json.Serialization;

namespace FunctionsApp.Ingestion;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IngestResponse))]
internal sealed partial class IngestionJsonContext : JsonSerializerContext;
