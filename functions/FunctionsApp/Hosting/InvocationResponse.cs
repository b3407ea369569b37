using System.Text.Json.Serialization;

namespace FunctionsApp.Hosting;

/// <summary>The custom-handler invocation response: <c>{"Outputs":{},"Logs":[],"ReturnValue":null}</c>.</summary>
internal sealed record InvocationResponse(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, string> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] string? ReturnValue);
