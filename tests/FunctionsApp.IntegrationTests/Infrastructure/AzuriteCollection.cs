namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>Test classes in this collection share one Azurite; each app instance uses its own containers.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
