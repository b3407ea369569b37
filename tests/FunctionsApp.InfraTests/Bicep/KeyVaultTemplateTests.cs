using FunctionsApp.InfraTests.Support;

namespace FunctionsApp.InfraTests.Bicep;

/// <summary>Secrets live in an RBAC Key Vault and reach the app only as Key Vault references.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class KeyVaultTemplateTests(MainTemplateFixture main)
{
    private ArmTemplate KeyVaultModule => main.Template.Module("key-vault");

    [Fact]
    public void Vault_UsesRbacAndSoftDelete_WithPurgeProtectionFromItsParameter()
    {
        var properties = KeyVaultModule.Single("Microsoft.KeyVault/vaults")["properties"]!;

        Assert.True((bool?)properties["enableRbacAuthorization"]);
        Assert.True((bool?)properties["enableSoftDelete"]);
        Assert.Equal("[if(parameters('enablePurgeProtection'), true(), null())]", (string?)properties["enablePurgeProtection"]);
        Assert.Equal("[parameters('keyVaultEnablePurgeProtection')]", (string?)main.Template.ModuleParameters("key-vault")["enablePurgeProtection"]!["value"]);
        Assert.True((bool?)main.Template.Parameters["keyVaultEnablePurgeProtection"]!["defaultValue"]);
    }

    [Fact]
    public void AppSettings_Secrets_AreKeyVaultReferencesToTheAppsVault()
    {
        var appSettings = (string)main.Template.ModuleParameters("function-app")["appSettings"]!["value"]!;

        Assert.Contains(
            "toObject(parameters('keyVaultAppSettings'), lambda('s', lambdaVariables('s').appSetting), lambda('s', format('@Microsoft.KeyVault(SecretUri={0}secrets/{1})', reference('keyVault').outputs.uri.value, lambdaVariables('s').secretName)))",
            appSettings,
            StringComparison.Ordinal);
    }

    [Fact]
    public void SecretValues_AreASecureObjectWithAnEmptyDefault()
    {
        var secretValues = main.Template.Parameters["secretValues"]!;

        Assert.Equal("secureObject", (string?)secretValues["type"]);
        Assert.Empty(secretValues["defaultValue"]!.AsObject());
        Assert.Equal("secureObject", (string?)KeyVaultModule.Parameters["secretValues"]!["type"]);
    }

    [Fact]
    public void ParameterFile_ReferencesNoSecretThatMayNotExist()
    {
        // An unresolved reference reaches the app as the literal "@Microsoft.KeyVault(...)" text,
        // so the committed parameters reference nothing until the user has created the secrets.
        var parameters = File.ReadAllLines(RepositoryPaths.InRoot("infra", "main.bicepparam"));

        Assert.Contains("param keyVaultAppSettings = []", parameters);
        Assert.DoesNotContain(parameters, line => line.StartsWith("param secretValues", StringComparison.Ordinal));
    }
}
