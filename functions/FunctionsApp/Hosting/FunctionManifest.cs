using System.Text.Json;

namespace FunctionsApp.Hosting;

/// <summary>Reads the <c>&lt;root&gt;/&lt;Name&gt;/function.json</c> files next to <c>host.json</c>.</summary>
internal static class FunctionManifest
{
    public static IReadOnlyList<FunctionDefinition> Load(string root)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        var functions = new List<FunctionDefinition>();
        foreach (var directory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(directory, "function.json");
            if (!File.Exists(file))
            {
                continue;
            }

            using var stream = File.OpenRead(file);
            var json = JsonSerializer.Deserialize(stream, HostingJsonContext.Default.FunctionJson)
                ?? throw new InvalidDataException($"'{file}' is empty.");
            functions.Add(new FunctionDefinition(Path.GetFileName(directory), json.Bindings ?? []));
        }

        return functions;
    }
}
