using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FunctionsApp.InfraTests.Support;

namespace FunctionsApp.InfraTests.Bicep;

/// <summary>The app's identity gets exactly the data-plane roles it needs, where it needs them.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed partial class RoleAssignmentTests(MainTemplateFixture main)
{
    // Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    private const string MonitoringReader = "43d0d8ad-25c7-4714-9337-8ba259a9fe05";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    private const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    private const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";

    private ArmTemplate Roles => main.Template.Module("roles");

    [Fact]
    public void HostStorage_GetsBlobOwnerQueueAndTableContributor()
    {
        Assert.Equal([StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor], AssignmentsScopedTo("hostStorageName"));
    }

    [Fact]
    public void LogStorage_GetsBlobAndTableDataContributorOnly()
    {
        var assignments = AssignmentsScopedTo("logStorageName");

        Assert.Equal([StorageBlobDataContributor, StorageTableDataContributor], assignments);
    }

    [Fact]
    public void KeyVault_AppGetsSecretsUser_AndAnOfficerOnlyWhenNamed()
    {
        Assert.Equal([KeyVaultSecretsUser, KeyVaultSecretsOfficer], AssignmentsScopedTo("keyVaultName"));

        var officer = Roles.OwnResources.Single(r => RoleIdsOf(Roles, r).Contains(KeyVaultSecretsOfficer));
        Assert.Equal("[not(empty(parameters('keyVaultOfficerPrincipalId')))]", (string?)officer["condition"]);
    }

    [Fact]
    public void AppInsights_AppGetsMetricsPublisherForEntraIngestion()
    {
        Assert.Equal([MonitoringMetricsPublisher], AssignmentsScopedTo("appInsightsName"));
    }

    [Fact]
    public void MonitoredScopes_EachResourceGroupGetsMonitoringReaderInItsOwnScope()
    {
        var deployment = main.Template.OwnResources.Single(r => ((string?)r["name"])?.StartsWith("[format('monitoring-reader-rg-", StringComparison.Ordinal) == true);

        Assert.Equal("[length(variables('resourceGroupScopes'))]", (string?)deployment["copy"]!["count"]);
        Assert.Equal("[variables('resourceGroupScopes')[copyIndex()].resourceGroup]", (string?)deployment["resourceGroup"]);
        Assert.Contains("subscriptionId", (string?)deployment["subscriptionId"], StringComparison.Ordinal);
        var inner = new ArmTemplate(deployment["properties"]!["template"]!.AsObject());
        Assert.Equal([MonitoringReader], inner.OwnResources.Select(r => RoleIdOf(inner, r)));
        Assert.Equal("[filter(parameters('monitoredScopes'), lambda('s', not(empty(coalesce(tryGet(lambdaVariables('s'), 'resourceGroup'), '')))))]", (string?)main.Template.Variables["resourceGroupScopes"]);
    }

    [Fact]
    public void MonitoredScopes_ASubscriptionGetsMonitoringReaderAtSubscriptionScope()
    {
        var deployment = main.Template.OwnResources.Single(r => ((string?)r["name"])?.StartsWith("[format('monitoring-reader-sub-", StringComparison.Ordinal) == true);

        Assert.Null(deployment["resourceGroup"]);
        Assert.NotNull(deployment["subscriptionId"]);
        var inner = new ArmTemplate(deployment["properties"]!["template"]!.AsObject());
        Assert.Contains("subscriptionDeploymentTemplate.json", (string?)inner.Root["$schema"], StringComparison.Ordinal);
        Assert.Equal([MonitoringReader], inner.OwnResources.Select(r => RoleIdOf(inner, r)));
    }

    [Fact]
    public void AllAssignments_AreToTheAppIdentityOrTheNamedOfficer_AsServicePrincipals()
    {
        var grants = AllGrants().ToList();

        // Three on host storage, two on the logs (blob and table data), one on the vault (two with the officer) and
        // one on App Insights, and Monitoring Reader in the resource group and subscription modules.
        Assert.Equal(10, grants.Count);
        Assert.All(grants.Where(g => g.RoleId != KeyVaultSecretsOfficer).Select(g => g.Assignment), a =>
        {
            Assert.Equal("[parameters('principalId')]", (string?)a["properties"]!["principalId"]);
            Assert.Equal("ServicePrincipal", (string?)a["properties"]!["principalType"]);
        });
    }

    [Fact]
    public void AllAssignments_GrantNoBroadControlPlaneRole()
    {
        var granted = AllGrants().Select(g => g.RoleId).ToList();

        Assert.DoesNotContain(Owner, granted);
        Assert.DoesNotContain(Contributor, granted);
        Assert.DoesNotContain(UserAccessAdministrator, granted);
    }

    [Fact]
    public void AllAssignments_NamesAreKnownBeforeDeployment()
    {
        // Named from resource ids, not from the principal id that exists only after the app does.
        Assert.All(main.Template.AllResources("Microsoft.Authorization/roleAssignments"), a =>
            Assert.DoesNotContain("parameters('principalId')", (string?)a["name"], StringComparison.Ordinal));
    }

    [Fact]
    public void MainTemplate_PassesTheAppIdentityToEveryRoleModule()
    {
        foreach (var module in main.Template.OwnResources.Where(r => ((string?)r["name"])?.Contains("roles", StringComparison.Ordinal) == true
                     || ((string?)r["name"])?.Contains("monitoring-reader", StringComparison.Ordinal) == true))
        {
            Assert.Equal("[reference('functionApp').outputs.principalId.value]", (string?)module["properties"]!["parameters"]!["principalId"]!["value"]);
        }
    }

    private string[] AssignmentsScopedTo(string scopeParameter) =>
        Roles.OwnResources
            .Where(r => ((string?)r["scope"])?.Contains($"parameters('{scopeParameter}')", StringComparison.Ordinal) == true)
            .SelectMany(r => RoleIdsOf(Roles, r))
            .ToArray();

    /// <summary>Every role an assignment grants in its template: one, or one per copy of a loop.</summary>
    private IEnumerable<(JsonObject Assignment, string RoleId)> AllGrants() =>
        main.Template.SelfAndNested().SelectMany(t => t.OwnResources
            .Where(r => (string?)r["type"] == "Microsoft.Authorization/roleAssignments")
            .SelectMany(r => RoleIdsOf(t, r).Select(id => (r, id))));

    private static string RoleIdOf(ArmTemplate template, JsonObject assignment) => RoleIdsOf(template, assignment).Single();

    private static string[] RoleIdsOf(ArmTemplate template, JsonObject assignment) =>
        Resolve(template, (string?)assignment["properties"]!["roleDefinitionId"] ?? "");

    // Role ids appear as literals, as variables('roles').name, as variables('someRoleId'), or as
    // variables('someRoles')[copyIndex()] over an array of such expressions.
    private static string[] Resolve(ArmTemplate template, string expression)
    {
        var literal = GuidPattern().Match(expression);
        if (literal.Success)
        {
            return [literal.Value];
        }

        var reference = RoleVariablePattern().Match(expression);
        if (!reference.Success)
        {
            throw new InvalidOperationException($"No role id in '{expression}'.");
        }

        var value = template.Variables[reference.Groups["name"].Value];
        if (reference.Groups["member"].Success)
        {
            value = value?[reference.Groups["member"].Value];
        }

        return value switch
        {
            JsonArray items => items.SelectMany(item => Resolve(template, (string)item!)).ToArray(),
            JsonValue single => Resolve(template, (string)single!),
            _ => throw new InvalidOperationException($"Cannot resolve the role in '{expression}'."),
        };
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"variables\('(?<name>\w+)'\)(\.(?<member>\w+))?")]
    private static partial Regex RoleVariablePattern();
}
