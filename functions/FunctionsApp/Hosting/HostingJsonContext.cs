using System.Text.Json.Serialization;

namespace FunctionsApp.Hosting;

/// <summary>Source-generated JSON for the custom-handler payloads and function.json (host sends PascalCase, files use camelCase).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(TimerInvocationRequest))]
[JsonSerializable(typeof(TimerInfo))]
[JsonSerializable(typeof(InvocationResponse))]
[JsonSerializable(typeof(FunctionJson))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
