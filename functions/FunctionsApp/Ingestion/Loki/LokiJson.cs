using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsApp.Ingestion.Loki;

/// <summary>The Loki JSON push body.</summary>
internal sealed record LokiJsonPush(IReadOnlyList<LokiJsonStream>? Streams);

/// <summary>One stream: labels and <c>[timestamp, line, structured metadata?]</c> values.</summary>
internal sealed record LokiJsonStream(IReadOnlyDictionary<string, string>? Stream, IReadOnlyList<IReadOnlyList<JsonElement>>? Values);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LokiJsonPush))]
internal sealed partial class LokiJsonContext : JsonSerializerContext;
