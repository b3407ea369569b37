using System.Text.Json.Nodes;

namespace FunctionsApp.InfraTests.Support;

/// <summary>
/// An ARM template compiled by <c>bicep build</c>, with lookups that work whether resources are
/// an array (language version 1) or keyed by symbolic name (2.0), and across nested modules.
/// </summary>
internal sealed class ArmTemplate(JsonObject root)
{
    public JsonObject Root { get; } = root;

    public static ArmTemplate Parse(string json) =>
        new(JsonNode.Parse(json)?.AsObject() ?? throw new ArgumentException("The template is not a JSON object.", nameof(json)));

    public JsonObject Parameters => Root["parameters"]?.AsObject() ?? [];

    public JsonObject Variables => Root["variables"]?.AsObject() ?? [];

    public JsonObject Outputs => Root["outputs"]?.AsObject() ?? [];

    /// <summary>This template's own resources, not those of nested deployments.</summary>
    public IEnumerable<JsonObject> OwnResources =>
        Root["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(),
            _ => [],
        };

    /// <summary>Every resource of a type, in this template and all nested module templates.</summary>
    public IEnumerable<JsonObject> AllResources(string type) =>
        Descendants(Root).Where(o =>
            o["apiVersion"] is not null &&
            string.Equals((string?)o["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>This template and the templates of all modules nested in it, at any depth.</summary>
    public IEnumerable<ArmTemplate> SelfAndNested()
    {
        yield return this;
        foreach (var resource in OwnResources)
        {
            if (resource["properties"] is JsonObject properties && properties["template"] is JsonObject template)
            {
                foreach (var nested in new ArmTemplate(template).SelfAndNested())
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>The template of the module deployed under <paramref name="deploymentName"/>.</summary>
    public ArmTemplate Module(string deploymentName)
    {
        var deployment = OwnResources.SingleOrDefault(r =>
            (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == deploymentName)
            ?? throw new InvalidOperationException($"No module deployment named '{deploymentName}'.");
        return new ArmTemplate(deployment["properties"]!["template"]!.AsObject());
    }

    /// <summary>The parameter values a module deployment is given, as template expressions or literals.</summary>
    public JsonObject ModuleParameters(string deploymentName)
    {
        var deployment = OwnResources.Single(r =>
            (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == deploymentName);
        return deployment["properties"]!["parameters"]!.AsObject();
    }

    /// <summary>The single resource of a type in this template (not in nested modules).</summary>
    public JsonObject Single(string type) =>
        OwnResources.Single(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<JsonObject> Descendants(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var (_, child) in obj)
                {
                    foreach (var d in Descendants(child))
                    {
                        yield return d;
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    foreach (var d in Descendants(child))
                    {
                        yield return d;
                    }
                }

                break;
        }
    }
}
