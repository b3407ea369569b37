namespace FunctionsApp.InfraTests.Support;

/// <summary>Shares one compilation of infra/main.bicep among the test classes that inspect it.</summary>
[CollectionDefinition(Name)]
public sealed class MainTemplateCollection : ICollectionFixture<MainTemplateFixture>
{
    public const string Name = "Compiled main template";
}
