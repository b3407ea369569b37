using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionsApp.NginxConfig;

namespace FunctionsApp.Cli;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AnalysisWithConfig))]
[JsonSerializable(typeof(ConfigReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>Options for output people read: quotes and angle brackets in log lines stay as they are.</summary>
    public static JsonSerializerOptions Readable => field ??= new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = Default,
    };
}
