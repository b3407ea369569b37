using FunctionsApp.InfraTests.Support;

namespace FunctionsApp.InfraTests.Bicep;

/// <summary>docs/deploy.md documents every parameter and output the template has.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class DeployDocsTests(MainTemplateFixture main)
{
    private static readonly string Docs = File.ReadAllText(RepositoryPaths.InRoot("docs", "deploy.md"));

    [Fact]
    public void Docs_EveryParameter_IsDocumented()
    {
        var missing = main.Template.Parameters.Select(p => p.Key)
            .Where(name => !Docs.Contains($"`{name}`", StringComparison.Ordinal))
            .ToArray();

        Assert.True(missing.Length == 0, $"Not in docs/deploy.md: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Docs_EveryOutput_IsDocumented()
    {
        var missing = main.Template.Outputs.Select(o => o.Key)
            .Where(name => !Docs.Contains($"`{name}`", StringComparison.Ordinal))
            .ToArray();

        Assert.True(missing.Length == 0, $"Not in docs/deploy.md: {string.Join(", ", missing)}");
    }

    [Theory]
    [InlineData("[OUTPUT]")]
    [InlineData("x-functions-key")]
    [InlineData("[sinks.nginx502_access.request.headers]")]
    [InlineData("http(")]
    [InlineData("az functionapp deployment source config-zip")]
    [InlineData("scripts/package")]
    public void Docs_ShipperAndPublishSnippets_ArePresent(string fragment)
    {
        Assert.Contains(fragment, Docs, StringComparison.Ordinal);
    }
}
