using System.Text.Json.Nodes;
using FunctionsApp.InfraTests.Support;

namespace FunctionsApp.InfraTests.Bicep;

/// <summary>Both storage accounts accept only Entra-authenticated TLS 1.2 traffic; raw logs age out by policy.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class StorageTemplateTests(MainTemplateFixture main)
{
    private ArmTemplate LogStorage => main.Template.Module("log-storage");

    private IReadOnlyList<JsonObject> Accounts => main.Template.AllResources("Microsoft.Storage/storageAccounts")
        .Where(r => r["existing"] is null && r["properties"] is not null)
        .ToList();

    [Fact]
    public void Accounts_HostAndLogStorage_AreBothDeclared()
    {
        Assert.Equal(2, Accounts.Count);
    }

    [Fact]
    public void Accounts_SharedKeyAccess_IsDisabled()
    {
        Assert.All(Accounts, a => Assert.False((bool?)a["properties"]!["allowSharedKeyAccess"]));
        Assert.All(Accounts, a => Assert.True((bool?)a["properties"]!["defaultToOAuthAuthentication"]));
    }

    [Fact]
    public void Accounts_Transport_IsHttpsWithTls12Minimum()
    {
        Assert.All(Accounts, a => Assert.Equal("TLS1_2", (string?)a["properties"]!["minimumTlsVersion"]));
        Assert.All(Accounts, a => Assert.True((bool?)a["properties"]!["supportsHttpsTrafficOnly"]));
    }

    [Fact]
    public void Accounts_BlobPublicAccess_IsDisabled()
    {
        Assert.All(Accounts, a => Assert.False((bool?)a["properties"]!["allowBlobPublicAccess"]));
        Assert.All(
            main.Template.AllResources("Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => Assert.Equal("None", (string?)c["properties"]!["publicAccess"]));
    }

    [Fact]
    public void LogStorage_Containers_AreTheOnesTheAppUses()
    {
        var passed = main.Template.ModuleParameters("log-storage");
        var names = new[] { "logsContainerName", "stateContainerName", "incidentsContainerName", "notificationsContainerName" }
            .Select(p => (string?)passed[p]!["value"] ?? "")
            .ToArray();

        Assert.Equal(
            ["[variables('containers').logs]", "[variables('containers').state]", "[variables('containers').incidents]", "[variables('containers').notifications]"],
            names);
        var containers = main.Template.Variables["containers"]!;
        Assert.Equal(["logs", "state", "incidents", "notifications"], new[] { "logs", "state", "incidents", "notifications" }.Select(k => (string?)containers[k] ?? ""));

        var declared = LogStorage.Single("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.Contains("logsContainerName", declared["copy"]!["count"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("notificationsContainerName", declared["copy"]!["count"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lifecycle_RawLogs_GoCoolThenAreDeletedAfterTheParameterisedDays()
    {
        var rule = LifecycleRule("raw-logs-cool-then-delete");
        var definition = rule["definition"]!;

        Assert.Equal("[format('{0}/raw/', parameters('logsContainerName'))]", (string?)definition["filters"]!["prefixMatch"]![0]);
        Assert.Equal("blockBlob", (string?)definition["filters"]!["blobTypes"]![0]);
        var baseBlob = definition["actions"]!["baseBlob"]!;
        Assert.Equal("[parameters('rawLogsCoolAfterDays')]", (string?)baseBlob["tierToCool"]!["daysAfterModificationGreaterThan"]);
        Assert.Equal("[variables('rawLogsDeleteDays')]", (string?)baseBlob["delete"]!["daysAfterModificationGreaterThan"]);

        var passed = main.Template.ModuleParameters("log-storage");
        Assert.Equal("[parameters('rawLogsCoolAfterDays')]", (string?)passed["rawLogsCoolAfterDays"]!["value"]);
        Assert.Equal("[parameters('rawLogsDeleteAfterDays')]", (string?)passed["rawLogsDeleteAfterDays"]!["value"]);
    }

    [Fact]
    public void Lifecycle_DeleteNotAfterCool_FailsTheDeploymentWithTheValues()
    {
        var deleteDays = (string?)LogStorage.Variables["rawLogsDeleteDays"];

        Assert.NotNull(deleteDays);
        Assert.StartsWith("[if(greater(parameters('rawLogsDeleteAfterDays'), parameters('rawLogsCoolAfterDays')), parameters('rawLogsDeleteAfterDays'), fail(", deleteDays, StringComparison.Ordinal);
        Assert.Contains("must be greater than rawLogsCoolAfterDays", deleteDays, StringComparison.Ordinal);
    }

    [Fact]
    public void Lifecycle_DedupMarkers_AreDeleted()
    {
        var rule = LifecycleRule("dedup-markers-delete");

        Assert.Equal("[format('{0}/dedup/', parameters('logsContainerName'))]", (string?)rule["definition"]!["filters"]!["prefixMatch"]![0]);
        Assert.Equal("[parameters('dedupMarkersDeleteAfterDays')]", (string?)rule["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterModificationGreaterThan"]);
    }

    [Fact]
    public void HostStorage_DeploymentContainer_IsPassedToTheFunctionApp()
    {
        var passed = (string?)main.Template.ModuleParameters("function-app")["deploymentContainerUrl"]!["value"];

        Assert.Equal("[reference('hostStorage').outputs.deploymentContainerUrl.value]", passed);
    }

    private JsonObject LifecycleRule(string name)
    {
        var policy = LogStorage.Single("Microsoft.Storage/storageAccounts/managementPolicies");
        return policy["properties"]!["policy"]!["rules"]!.AsArray()
            .OfType<JsonObject>()
            .Single(r => (string?)r["name"] == name);
    }
}
