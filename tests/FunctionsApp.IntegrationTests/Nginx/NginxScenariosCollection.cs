namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>The lab tests and the engine tests share one set of nginx runs.</summary>
[CollectionDefinition(Name)]
public sealed class NginxScenariosCollection : ICollectionFixture<NginxScenariosFixture>
{
    public const string Name = "nginx scenarios";
}
