using System.Text.Json.Nodes;
using FunctionsApp.InfraTests.Support;

namespace FunctionsApp.InfraTests.Bicep;

/// <summary>The deployment tells the user where the app is and how to get a key, and leaks nothing.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class OutputsTests(MainTemplateFixture main)
{
    [Fact]
    public void Outputs_NameUrlAndKeyCommand_ArePresent()
    {
        var outputs = main.Template.Outputs;

        Assert.Equal("[reference('functionApp').outputs.name.value]", (string?)outputs["functionAppName"]!["value"]);
        Assert.Equal("[format('https://{0}', reference('functionApp').outputs.defaultHostName.value)]", (string?)outputs["functionAppUrl"]!["value"]);
        Assert.Equal(
            "[format('az functionapp keys list --resource-group {0} --name {1} --query functionKeys.default --output tsv', resourceGroup().name, reference('functionApp').outputs.name.value)]",
            (string?)outputs["functionKeyCommand"]!["value"]);
        Assert.Contains("/api/ingest/{{source}}?kind=access", (string?)outputs["ingestUrl"]!["value"], StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_OfEveryTemplate_CarryNoSecrets()
    {
        var outputs = AllOutputs().ToList();

        Assert.NotEmpty(outputs);
        Assert.All(outputs, o =>
        {
            Assert.DoesNotContain((string?)o.Output["type"], new[] { "securestring", "secureobject" }, StringComparer.OrdinalIgnoreCase);
            var value = o.Output["value"]?.ToJsonString() ?? "";
            // listKeys(), listSecrets(), list*(): ARM functions that return credentials.
            Assert.DoesNotMatch(@"\blist\w*\(", value);
            Assert.DoesNotContain("secretValues", value, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", o.Name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("password", o.Name, StringComparison.OrdinalIgnoreCase);
        });
    }

    private IEnumerable<(string Name, JsonObject Output)> AllOutputs() =>
        main.Template.SelfAndNested().SelectMany(t => t.Outputs.Select(p => (p.Key, p.Value!.AsObject())));
}
