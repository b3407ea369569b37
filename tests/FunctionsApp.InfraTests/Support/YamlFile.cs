using YamlDotNet.RepresentationModel;

namespace FunctionsApp.InfraTests.Support;

/// <summary>Loads a YAML file as a node tree, keeping every scalar as text (so <c>on:</c> stays a key).</summary>
internal static class YamlFile
{
    public static YamlMappingNode LoadMapping(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        var document = Assert.Single(stream.Documents);
        return Assert.IsType<YamlMappingNode>(document.RootNode);
    }

    public static YamlNode? Child(this YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Scalar(this YamlMappingNode mapping, string key) =>
        (mapping.Child(key) as YamlScalarNode)?.Value;

    /// <summary>Every mapping in the tree, depth first.</summary>
    public static IEnumerable<YamlMappingNode> Mappings(this YamlNode node) =>
        node.AllNodes.OfType<YamlMappingNode>();
}
