using System.Text.Json.Serialization;

namespace FunctionsApp.Incidents;

/// <summary>Serializes <see cref="EngineState"/> between timer runs (AOT-safe, source-generated).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(EngineState))]
internal sealed partial class EngineStateJsonContext : JsonSerializerContext;
