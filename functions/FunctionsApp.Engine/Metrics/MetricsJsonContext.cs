using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsApp.Metrics;

/// <summary>camelCase JSON of the <c>metrics</c> object (API and <c>analyze --json</c>), source-generated for Native AOT.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(IncidentMetrics))]
public sealed partial class MetricsJsonContext : JsonSerializerContext;
