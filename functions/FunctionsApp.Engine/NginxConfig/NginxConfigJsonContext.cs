using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsApp.NginxConfig;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConfigReport))]
[JsonSerializable(typeof(ConfigFinding))]
internal sealed partial class NginxConfigJsonContext : JsonSerializerContext;
