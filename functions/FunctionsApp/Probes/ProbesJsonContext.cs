using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsApp.Probes;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProbeResult))]
[JsonSerializable(typeof(ProbeReport))]
[JsonSerializable(typeof(ProbeRequest))]
internal sealed partial class ProbesJsonContext : JsonSerializerContext;
