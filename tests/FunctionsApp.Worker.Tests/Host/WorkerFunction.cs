using System.Text.Json;
using FunctionsApp.Worker.Tests.Host.Rpc;

namespace FunctionsApp.Worker.Tests.Host;

/// <summary>
/// A function as the worker described it in its <c>FunctionMetadataResponse</c>: what the host needs to route to it
/// and invoke it, read from the trigger's raw binding (the JSON that <c>functions.metadata</c> holds).
/// </summary>
internal sealed record WorkerFunction(
    string Name,
    string FunctionId,
    string TriggerType,
    string TriggerName,
    string? Route,
    IReadOnlyList<string> Methods,
    string? AuthLevel,
    string? Schedule,
    RpcFunctionMetadata Metadata)
{
    public bool IsHttp => TriggerType.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase);

    public bool IsTimer => TriggerType.Equals("timerTrigger", StringComparison.OrdinalIgnoreCase);

    public bool IsQueue => TriggerType.Equals("queueTrigger", StringComparison.OrdinalIgnoreCase);

    public static WorkerFunction From(RpcFunctionMetadata metadata)
    {
        foreach (var raw in metadata.RawBindings)
        {
            using var binding = JsonDocument.Parse(raw);
            var root = binding.RootElement;
            var type = Text(root, "type") ?? "";
            if (!type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var methods = root.TryGetProperty("methods", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToArray()
                : [];
            return new WorkerFunction(
                metadata.Name,
                // The host gives each function an id when the worker does not (it does, from its source generator).
                string.IsNullOrEmpty(metadata.FunctionId) ? Guid.NewGuid().ToString() : metadata.FunctionId,
                type,
                Text(root, "name") ?? throw new InvalidOperationException($"{metadata.Name}: the trigger binding has no name."),
                Text(root, "route"),
                methods,
                Text(root, "authLevel"),
                Text(root, "schedule"),
                metadata);
        }

        throw new InvalidOperationException($"{metadata.Name}: no trigger among its bindings ({string.Join(", ", metadata.RawBindings)}).");
    }

    // functions.metadata spells its properties in camelCase; the host reads them case-insensitively.
    private static string? Text(JsonElement binding, string name)
    {
        foreach (var property in binding.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
            {
                return property.Value.GetString();
            }
        }

        return null;
    }
}
