using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsApp.SiteConfig;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NginxConfigDocument))]
internal sealed partial class SiteConfigJsonContext : JsonSerializerContext;
