using System.Text.RegularExpressions;
using FunctionsApp.InfraTests.Support;
using YamlDotNet.RepresentationModel;

namespace FunctionsApp.InfraTests.Workflows;

/// <summary>
/// Every workflow is YAML GitHub accepts in shape: a name, triggers, jobs that say where they run
/// and what they do, explicit token permissions, and actions pinned to exact versions.
/// </summary>
public sealed partial class WorkflowFileTests
{
    public static TheoryData<string> WorkflowFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Workflows).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void WorkflowsFolder_HoldsCiAndDeploy_AsYmlFiles()
    {
        var files = Directory.EnumerateFiles(RepositoryPaths.Workflows).Select(Path.GetFileName).ToHashSet();

        Assert.Contains("ci.yml", files);
        Assert.Contains("deploy.yml", files);
        // GitHub reads .yml and .yaml; anything else in the folder is a mistake.
        Assert.All(files, f => Assert.Matches(@"\.ya?ml$", f));
    }

    [Theory]
    [MemberData(nameof(WorkflowFiles))]
    public void Workflow_TopLevel_HasNameTriggersAndJobs(string file)
    {
        var workflow = Load(file);

        Assert.False(string.IsNullOrWhiteSpace(workflow.Scalar("name")), $"{file}: no name");
        Assert.NotNull(workflow.Child("on"));
        var jobs = Assert.IsType<YamlMappingNode>(workflow.Child("jobs"));
        Assert.NotEmpty(jobs.Children);
    }

    [Theory]
    [MemberData(nameof(WorkflowFiles))]
    public void Workflow_EveryJob_HasRunsOnAndSteps(string file)
    {
        foreach (var (name, job) in Jobs(file))
        {
            Assert.True(job.Child("runs-on") is not null, $"{file}: job '{name}' has no runs-on");
            var steps = Assert.IsType<YamlSequenceNode>(job.Child("steps"));
            Assert.NotEmpty(steps.Children);
            Assert.All(steps.Children, step =>
            {
                var mapping = Assert.IsType<YamlMappingNode>(step);
                Assert.True(
                    mapping.Child("uses") is not null ^ mapping.Child("run") is not null,
                    $"{file}: a step of job '{name}' must have exactly one of uses and run");
            });
        }
    }

    [Theory]
    [MemberData(nameof(WorkflowFiles))]
    public void Workflow_TokenPermissions_AreDeclared(string file)
    {
        var workflow = Load(file);

        // Without a permissions key the GITHUB_TOKEN gets the repository's default, possibly write-all.
        var topLevel = workflow.Child("permissions");
        Assert.True(
            topLevel is not null || Jobs(file).All(j => j.Job.Child("permissions") is not null),
            $"{file}: set permissions at the top or on every job");
        if (topLevel is YamlScalarNode scalar)
        {
            Assert.NotEqual("write-all", scalar.Value);
        }
    }

    [Theory]
    [MemberData(nameof(WorkflowFiles))]
    public void Workflow_EveryAction_IsPinnedToAFullVersionOrCommit(string file)
    {
        var uses = Load(file).Mappings()
            .Select(m => m.Scalar("uses"))
            .OfType<string>()
            .ToList();

        Assert.All(uses, reference =>
        {
            if (reference.StartsWith("./", StringComparison.Ordinal) || reference.StartsWith("docker://", StringComparison.Ordinal))
            {
                return;
            }

            Assert.Matches(PinnedAction(), reference);
        });
    }

    [Theory]
    [MemberData(nameof(WorkflowFiles))]
    public void Workflow_Text_HoldsNoIdentifiersOrSecrets(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Workflows, file));

        // Tenant, subscription and client ids come from repository or environment variables.
        Assert.DoesNotMatch(GuidPattern(), text);
        Assert.DoesNotContain("client-secret", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("creds:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Ci_BuildsWithWarningsAsErrors_TestsPackagesAndValidatesInfra()
    {
        var runs = RunCommands("ci.yml");

        Assert.Contains(runs, r => r.Contains("dotnet build", StringComparison.Ordinal) && r.Contains("-warnaserror", StringComparison.Ordinal));
        Assert.Contains(runs, r => r.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.Contains("scripts/test", runs);
        Assert.Contains("scripts/package", runs);
        Assert.Contains("infra/validate", runs);
        var upload = Load("ci.yml").Mappings().Single(m =>
            m.Scalar("uses")?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true
            && ((m.Child("with") as YamlMappingNode)?.Scalar("path") ?? "").Contains("functionsapp.zip", StringComparison.Ordinal));
        Assert.Equal("error", ((YamlMappingNode)upload.Child("with")!).Scalar("if-no-files-found"));
    }

    [Fact]
    public void Ci_UploadsTheDashboardScreenshots_EvenWhenTestsFail()
    {
        var upload = Load("ci.yml").Mappings().Single(m =>
            m.Scalar("uses")?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true
            && ((m.Child("with") as YamlMappingNode)?.Scalar("path") ?? "") == "artifacts/screenshots/");

        Assert.Equal("${{ !cancelled() }}", upload.Scalar("if"));
        Assert.Equal("dashboard-screenshots", ((YamlMappingNode)upload.Child("with")!).Scalar("name"));
    }

    [Fact]
    public void Ci_DotnetVersion_ComesFromGlobalJson()
    {
        var setups = Load("ci.yml").Mappings()
            .Where(m => m.Scalar("uses")?.StartsWith("actions/setup-dotnet@", StringComparison.Ordinal) == true)
            .ToList();

        Assert.NotEmpty(setups);
        Assert.All(setups, s => Assert.Equal("global.json", ((YamlMappingNode)s.Child("with")!).Scalar("global-json-file")));
    }

    [Fact]
    public void Deploy_Triggers_AreVersionTagsAndManualDispatchWithInputs()
    {
        var on = Assert.IsType<YamlMappingNode>(Load("deploy.yml").Child("on"));

        var tags = Assert.IsType<YamlSequenceNode>(((YamlMappingNode)on.Child("push")!).Child("tags"));
        Assert.Equal(["v*"], tags.Children.Select(t => ((YamlScalarNode)t).Value));
        var inputs = Assert.IsType<YamlMappingNode>(((YamlMappingNode)on.Child("workflow_dispatch")!).Child("inputs"));
        Assert.Equal(["environment", "resource-group", "location"], inputs.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
    }

    [Fact]
    public void Deploy_SignsInWithOidc_FromVariables()
    {
        var (_, job) = Assert.Single(Jobs("deploy.yml"));
        var permissions = Assert.IsType<YamlMappingNode>(job.Child("permissions"));
        Assert.Equal("write", permissions.Scalar("id-token"));
        Assert.Equal("read", permissions.Scalar("contents"));

        var login = Assert.Single(job.Mappings(), m => m.Scalar("uses")?.StartsWith("azure/login@", StringComparison.Ordinal) == true);
        var with = Assert.IsType<YamlMappingNode>(login.Child("with"));
        Assert.Equal("${{ vars.AZURE_CLIENT_ID }}", with.Scalar("client-id"));
        Assert.Equal("${{ vars.AZURE_TENANT_ID }}", with.Scalar("tenant-id"));
        Assert.Equal("${{ vars.AZURE_SUBSCRIPTION_ID }}", with.Scalar("subscription-id"));
        Assert.Null(with.Child("creds"));
    }

    [Fact]
    public void Deploy_Steps_DeployBicepThenPackageThenSmokeTestHealth()
    {
        var runs = RunCommands("deploy.yml");

        int IndexOf(string fragment) => runs.FindIndex(r => r.Contains(fragment, StringComparison.Ordinal));
        var package = IndexOf("scripts/package");
        var bicep = IndexOf("az deployment group create");
        var zip = IndexOf("az functionapp deployment source config-zip");
        var smoke = IndexOf("/api/health");
        var validate = IndexOf("infra/validate");

        Assert.True(validate >= 0 && package >= 0 && bicep >= 0 && zip >= 0 && smoke >= 0, string.Join(Environment.NewLine, runs));
        Assert.True(validate < bicep && package < zip && bicep < zip && zip < smoke, "validated infrastructure and the package, then the zip, then the smoke test");
        Assert.Contains("--template-file infra/main.bicep", runs[bicep], StringComparison.Ordinal);
        Assert.Contains("--parameters infra/main.bicepparam", runs[bicep], StringComparison.Ordinal);
        Assert.Contains("artifacts/package/functionsapp.zip", runs[zip], StringComparison.Ordinal);
        Assert.Contains("--retry", runs[smoke], StringComparison.Ordinal);
    }

    private static YamlMappingNode Load(string file) => YamlFile.LoadMapping(Path.Combine(RepositoryPaths.Workflows, file));

    private static IEnumerable<(string Name, YamlMappingNode Job)> Jobs(string file) =>
        ((YamlMappingNode)Load(file).Child("jobs")!).Children
            .Select(p => (((YamlScalarNode)p.Key).Value ?? "", Assert.IsType<YamlMappingNode>(p.Value)));

    // Multi-line scripts joined per step, with line continuations removed.
    private static List<string> RunCommands(string file) =>
        Load(file).Mappings()
            .Select(m => m.Scalar("run"))
            .OfType<string>()
            .Select(r => Regex.Replace(r, @"\\\n\s*", " ").Trim())
            .ToList();

    // owner/repo[/path]@vX.Y.Z (a release tag, not a moving major tag) or @<40-hex commit>.
    [GeneratedRegex(@"^[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")]
    private static partial Regex PinnedAction();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();
}
