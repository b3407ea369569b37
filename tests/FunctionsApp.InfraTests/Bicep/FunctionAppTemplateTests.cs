using System.Text.Json.Nodes;
using FunctionsApp.InfraTests.Support;

namespace FunctionsApp.InfraTests.Bicep;

/// <summary>The compiled template hosts the .NET isolated worker on Flex Consumption as the app expects.</summary>
[Collection(MainTemplateCollection.Name)]
public sealed class FunctionAppTemplateTests(MainTemplateFixture main)
{
    private ArmTemplate FunctionAppModule => main.Template.Module("function-app");

    private JsonObject Site => FunctionAppModule.Single("Microsoft.Web/sites");

    private JsonObject SiteConfig(string name) => FunctionAppModule.OwnResources.Single(r =>
        (string?)r["type"] == "Microsoft.Web/sites/config" && ((string?)r["name"])?.EndsWith($"'{name}')]", StringComparison.Ordinal) == true);

    private JsonObject FunctionAppConfig => Site["properties"]!["functionAppConfig"]!.AsObject();

    private string AppSettingsExpression => (string)main.Template.ModuleParameters("function-app")["appSettings"]!["value"]!;

    [Fact]
    public void DashboardSignIn_AppServiceAuthenticationWithEntraId_OnlyWhenAClientIdIsGiven()
    {
        var auth = SiteConfig("authsettingsV2");
        var properties = auth["properties"]!;

        Assert.Equal("[not(empty(parameters('dashboardClientId')))]", (string?)auth["condition"]);
        Assert.True((bool?)properties["platform"]!["enabled"]);
        // People are signed in when they ask for it; shippers, the key-protected API and the host's own calls pass untouched.
        Assert.False((bool?)properties["globalValidation"]!["requireAuthentication"]);
        Assert.Equal("AllowAnonymous", (string?)properties["globalValidation"]!["unauthenticatedClientAction"]);
        var entra = properties["identityProviders"]!["azureActiveDirectory"]!;
        Assert.True((bool?)entra["enabled"]);
        Assert.Equal("[parameters('dashboardClientId')]", (string?)entra["registration"]!["clientId"]);
        Assert.Contains("parameters('dashboardTenantId')", (string?)entra["registration"]!["openIdIssuer"], StringComparison.Ordinal);
        Assert.Contains("/v2.0", (string?)entra["registration"]!["openIdIssuer"], StringComparison.Ordinal);
        Assert.True((bool?)properties["login"]!["tokenStore"]!["enabled"]);
        Assert.True((bool?)properties["httpSettings"]!["requireHttps"]);
        Assert.Equal("[parameters('dashboardClientId')]", (string?)main.Template.ModuleParameters("function-app")["dashboardClientId"]!["value"]);
        Assert.Equal("", (string?)main.Template.Parameters["dashboardClientId"]!["defaultValue"]);
    }

    [Fact]
    public void Plan_IsFlexConsumptionOnLinux()
    {
        var plan = FunctionAppModule.Single("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.True((bool?)plan["properties"]!["reserved"]);
    }

    [Fact]
    public void Site_IsLinuxFunctionAppWithSystemAssignedIdentityAndHttpsOnly()
    {
        Assert.Equal("functionapp,linux", (string?)Site["kind"]);
        Assert.Equal("SystemAssigned", (string?)Site["identity"]!["type"]);
        Assert.True((bool?)Site["properties"]!["httpsOnly"]);
        Assert.Equal("1.2", (string?)Site["properties"]!["siteConfig"]!["minTlsVersion"]);
    }

    [Fact]
    public void Runtime_IsTheIsolatedWorkerOnDotnet10()
    {
        Assert.Equal("dotnet-isolated", (string?)FunctionAppConfig["runtime"]!["name"]);
        // The worker is framework-dependent on net10.0 (Directory.Build.props): the platform's runtime must match.
        Assert.Equal("10.0", (string?)FunctionAppConfig["runtime"]!["version"]);
        var targetFramework = System.Xml.Linq.XDocument.Load(RepositoryPaths.InRoot("Directory.Build.props"))
            .Descendants("TargetFramework").Single().Value;
        Assert.Equal("net" + (string?)FunctionAppConfig["runtime"]!["version"], targetFramework);
    }

    [Fact]
    public void Deployment_ComesFromABlobContainerReadWithTheAppIdentity()
    {
        var storage = FunctionAppConfig["deployment"]!["storage"]!;

        Assert.Equal("blobContainer", (string?)storage["type"]);
        Assert.Equal("SystemAssignedIdentity", (string?)storage["authentication"]!["type"]);
        Assert.Equal("[parameters('deploymentContainerUrl')]", (string?)storage["value"]);
        Assert.Contains("deploymentContainerUrl", (string?)main.Template.ModuleParameters("function-app")["deploymentContainerUrl"]!["value"], StringComparison.Ordinal);
    }

    [Fact]
    public void Scale_InstanceMemoryAndMaximumInstances_ComeFromParameters()
    {
        var scale = FunctionAppConfig["scaleAndConcurrency"]!;
        Assert.Equal("[parameters('instanceMemoryMB')]", (string?)scale["instanceMemoryMB"]);
        Assert.Equal("[parameters('maximumInstanceCount')]", (string?)scale["maximumInstanceCount"]);

        var passed = main.Template.ModuleParameters("function-app");
        Assert.Equal("[parameters('instanceMemoryMB')]", (string?)passed["instanceMemoryMB"]!["value"]);
        Assert.Equal("[parameters('maximumInstanceCount')]", (string?)passed["maximumInstanceCount"]!["value"]);

        var memory = main.Template.Parameters["instanceMemoryMB"]!;
        Assert.Equal([512, 2048, 4096], memory["allowedValues"]!.AsArray().Select(v => (int)v!));
        Assert.Equal(1, (int?)main.Template.Parameters["maximumInstanceCount"]!["minValue"]);
        Assert.Equal(1000, (int?)main.Template.Parameters["maximumInstanceCount"]!["maxValue"]);
    }

    [Fact]
    public void VirtualNetwork_SubnetParameter_IsOptionalAndIntegratesTheSite()
    {
        // Upstream probes need network reach: a subnet puts the app's outbound traffic into the VNet; none leaves it out.
        var parameter = main.Template.Parameters["virtualNetworkSubnetId"]!;
        Assert.Equal("string", (string?)parameter["type"]);
        Assert.Equal(string.Empty, (string?)parameter["defaultValue"]);
        Assert.Equal("[parameters('virtualNetworkSubnetId')]", (string?)main.Template.ModuleParameters("function-app")["virtualNetworkSubnetId"]!["value"]);
        Assert.Equal(
            "[if(empty(parameters('virtualNetworkSubnetId')), null(), parameters('virtualNetworkSubnetId'))]",
            (string?)Site["properties"]!["virtualNetworkSubnetId"]);
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("AzureWebJobsStorage")]
    public void AppSettings_SettingsFlexConsumptionRejectsOrKeyBased_AreNeverSet(string setting)
    {
        // Flex takes the runtime from functionAppConfig; a bare AzureWebJobsStorage would be a key.
        Assert.DoesNotContain($"'{setting}'", AppSettingsExpression, StringComparison.Ordinal);
        Assert.DoesNotContain($"'{setting}'", FunctionAppModule.Root.ToJsonString(), StringComparison.Ordinal);
        foreach (var (_, value) in main.Template.Variables)
        {
            Assert.DoesNotContain($"'{setting}'", value!.ToJsonString(), StringComparison.Ordinal);
        }

        // ...and the user's appSettings parameter cannot bring them back.
        var rejected = main.Template.Variables["rejectedAppSettings"]!.AsArray().Select(v => (string?)v);
        Assert.Contains(setting.ToUpperInvariant(), rejected);
    }

    [Fact]
    public void AppSettings_UserSettings_AreFilteredCaseInsensitively()
    {
        Assert.Equal(
            "[toObject(filter(items(parameters('appSettings')), lambda('setting', not(contains(variables('rejectedAppSettings'), toUpper(lambdaVariables('setting').key))))), lambda('setting', lambdaVariables('setting').key), lambda('setting', lambdaVariables('setting').value))]",
            (string?)main.Template.Variables["userAppSettings"]);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__blobServiceUri")]
    [InlineData("AzureWebJobsStorage__queueServiceUri")]
    [InlineData("AzureWebJobsStorage__tableServiceUri")]
    [InlineData("AzureWebJobsStorage__credential")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING")]
    [InlineData("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")]
    [InlineData("Storage__ServiceUri")]
    [InlineData("Storage__TableServiceUri")]
    [InlineData("Storage__LogsContainer")]
    [InlineData("Storage__StateContainer")]
    [InlineData("Storage__IncidentsContainer")]
    [InlineData("Notifications__OutboxContainer")]
    public void AppSettings_IdentityBasedHostAndAppConfiguration_ArePresent(string setting)
    {
        Assert.Contains($"'{setting}'", AppSettingsExpression, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AnalyzeSchedule", "analyzeSchedule")]
    [InlineData("NotifySchedule", "notifySchedule")]
    [InlineData("DigestSchedule", "digestSchedule")]
    public void AppSettings_TimerSchedules_AreSetFromParametersDefaultingToTheReadmeSchedules(string setting, string parameter)
    {
        // The worker's timer triggers read %Setting%: a missing setting would leave the function unindexed.
        Assert.Contains("variables('timerSettings')", AppSettingsExpression, StringComparison.Ordinal);
        Assert.Equal($"[parameters('{parameter}')]", (string?)main.Template.Variables["timerSettings"]![setting]);
        var schedule = (string?)main.Template.Parameters[parameter]!["defaultValue"];
        Assert.Equal(6, schedule!.Split(' ').Length);
        Assert.Contains($"`{schedule}` (`{setting}`)", File.ReadAllText(RepositoryPaths.InRoot("README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_AnalyzeTimer_FansOutPerSiteThroughTheQueue()
    {
        // A timer runs on one instance under the Functions host; the queue function scales out (README, Scale).
        Assert.Contains("variables('analysisSettings')", AppSettingsExpression, StringComparison.Ordinal);
        Assert.Equal("Queue", (string?)main.Template.Variables["analysisSettings"]!["Analysis__FanOut"]);
    }

    [Theory]
    [InlineData("ingestSettings", "Ingestion__AllowUnknownSources")]
    [InlineData("ingestSettings", "Ingestion__Sources__{0}__Kind")]
    [InlineData("ingestSettings", "Ingestion__Sources__{0}__Format")]
    [InlineData("upstreamSettings", "Metrics__Upstreams__{0}__Match")]
    [InlineData("upstreamSettings", "Metrics__Upstreams__{0}__ResourceIds__{1}")]
    [InlineData("upstreamSettings", "Metrics__Upstreams__{0}__Region")]
    public void AppSettings_StructuredParameters_BecomeConfigurationSections(string variable, string setting)
    {
        Assert.Contains($"[{variable}]", AppSettingsExpression.Replace("variables('", "[", StringComparison.Ordinal).Replace("')", "]", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(setting, main.Template.Variables[variable]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_TemplateManagedSettings_WinOverUserSettings()
    {
        // union() lets later objects win: the user's settings must come first.
        Assert.StartsWith("[union(variables('userAppSettings'),", AppSettingsExpression, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_HostStorage_UsesManagedIdentityNotKeys()
    {
        Assert.Contains("'AzureWebJobsStorage__credential', 'managedidentity'", AppSettingsExpression, StringComparison.Ordinal);
        Assert.DoesNotContain("listKeys(", main.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey=", main.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_AreReplacedAsAWholeOnEachDeployment()
    {
        var settings = SiteConfig("appsettings");

        Assert.EndsWith("'appsettings')]", (string?)settings["name"], StringComparison.Ordinal);
        Assert.Equal("[parameters('appSettings')]", (string?)settings["properties"]);
    }

    [Fact]
    public void BasicPublishingCredentials_ScmFollowsItsParameter_OffByDefault()
    {
        var scm = FunctionAppModule.Single("Microsoft.Web/sites/basicPublishingCredentialsPolicies");

        Assert.EndsWith("'scm')]", (string?)scm["name"], StringComparison.Ordinal);
        Assert.Equal("[parameters('basicPublishingCredentialsEnabled')]", (string?)scm["properties"]!["allow"]);
        Assert.False((bool?)main.Template.Parameters["basicPublishingCredentialsEnabled"]!["defaultValue"]);
    }

    [Theory]
    [InlineData("ftpsState")]
    [InlineData("alwaysOn")]
    [InlineData("linuxFxVersion")]
    [InlineData("use32BitWorkerProcess")]
    [InlineData("functionAppScaleLimit")]
    public void SiteConfig_PropertiesFlexConsumptionRejects_AreAbsent(string property)
    {
        Assert.Null(Site["properties"]!["siteConfig"]![property]);
    }
}
