using System.Text.Json.Nodes;
using FunctionsApp.InfraTests.Support;

namespace FunctionsApp.InfraTests.Bicep;

/// <summary>
/// The Bicep compiles and lints clean with the CLI CI uses, and infra/bicepconfig.json makes any
/// linter finding fail the build rather than scroll past as a warning.
/// </summary>
[Collection(MainTemplateCollection.Name)]
public sealed class BicepCompilationTests(MainTemplateFixture main)
{
    // Rules whose findings would mean a leaked secret, a cloud-specific URL or dead code.
    private static readonly string[] RulesThatMustBeErrors =
    [
        "no-hardcoded-env-urls",
        "no-unused-params",
        "no-unused-vars",
        "no-unused-existing-resources",
        "no-unnecessary-dependson",
        "secure-parameter-default",
        "secure-secrets-in-params",
        "outputs-should-not-contain-secrets",
        "use-secure-value-for-secure-inputs",
        "adminusername-should-not-be-literal",
        "protect-commandtoexecute-secrets",
        "use-stable-resource-identifiers",
        "use-resource-id-functions",
        "prefer-interpolation",
        "simplify-interpolation",
        "no-hardcoded-location",
        "what-if-short-circuiting",
    ];

    public static TheoryData<string> BicepFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Infra, "*.bicep*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(".bicep", StringComparison.Ordinal) || file.EndsWith(".bicepparam", StringComparison.Ordinal))
            {
                data.Add(Path.GetRelativePath(RepositoryPaths.Root, file).Replace('\\', '/'));
            }
        }

        return data;
    }

    [Fact]
    public void Build_MainTemplate_SucceedsWithoutDiagnostics()
    {
        Assert.True(main.Build.ExitCode == 0, main.Build.Describe());
        Assert.True(string.IsNullOrWhiteSpace(main.Build.StandardError), main.Build.Describe());
    }

    [Fact]
    public void Build_MainTemplate_UsesOnlyTypesTheCompilerKnows()
    {
        // BCP081: an API version missing from the bundled types, so nothing about it is checked.
        Assert.DoesNotContain("BCP081", main.Build.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("br/public:", File.ReadAllText(RepositoryPaths.InRoot("infra", "main.bicep")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Lint_EachBicepFile_ReportsNothing(string file)
    {
        var lint = await BicepCli.RunAsync(["lint", file]);

        Assert.True(lint.ExitCode == 0, lint.Describe());
        Assert.True(string.IsNullOrWhiteSpace(lint.StandardError), lint.Describe());
    }

    [Fact]
    public async Task BuildParams_ParameterFile_CompilesWithTheDefaultBaseName()
    {
        var build = await BicepCli.RunAsync(["build-params", "infra/main.bicepparam", "--stdout"]);

        Assert.True(build.ExitCode == 0, build.Describe());
        Assert.True(string.IsNullOrWhiteSpace(build.StandardError), build.Describe());
        var parameters = ParametersOf(build);
        Assert.Equal("nginx502", (string?)parameters["baseName"]?["value"]);
        Assert.Equal(2048, (int?)parameters["instanceMemoryMB"]?["value"]);
    }

    [Fact]
    public async Task BuildParams_BaseNameInEnvironment_NamesTheDeployment()
    {
        var build = await BicepCli.RunAsync(
            ["build-params", "infra/main.bicepparam", "--stdout"],
            new Dictionary<string, string> { [BicepCli.BaseNameVariable] = "diag-staging" });

        Assert.True(build.ExitCode == 0, build.Describe());
        Assert.Equal("diag-staging", (string?)ParametersOf(build)["baseName"]?["value"]);
    }

    [Fact]
    public async Task BuildParams_ParameterFile_SetsLifecycleDaysInOrder()
    {
        var build = await BicepCli.RunAsync(["build-params", "infra/main.bicepparam", "--stdout"]);
        var parameters = ParametersOf(build);

        var cool = (int?)parameters["rawLogsCoolAfterDays"]?["value"];
        var delete = (int?)parameters["rawLogsDeleteAfterDays"]?["value"];
        Assert.NotNull(cool);
        Assert.NotNull(delete);
        Assert.True(delete > cool, $"rawLogsDeleteAfterDays ({delete}) must be greater than rawLogsCoolAfterDays ({cool}).");
    }

    [Fact]
    public void BicepConfig_RulesThatMatter_AreErrors()
    {
        var config = JsonNode.Parse(File.ReadAllText(RepositoryPaths.InRoot("infra", "bicepconfig.json")))!;
        var rules = config["analyzers"]!["core"]!["rules"]!.AsObject();

        var notErrors = RulesThatMustBeErrors.Where(r => (string?)rules[r]?["level"] != "error").ToArray();

        Assert.True(notErrors.Length == 0, $"Not raised to error: {string.Join(", ", notErrors)}");
    }

    [Fact]
    public async Task Lint_FileWithLinterFinding_FailsWithTheRepositoryConfig()
    {
        // A copy of the committed config next to a file with an unused parameter and a cloud URL:
        // lint must fail, which is what makes a finding fail CI.
        var dir = Directory.CreateTempSubdirectory("infra-tests-");
        try
        {
            File.Copy(RepositoryPaths.InRoot("infra", "bicepconfig.json"), Path.Combine(dir.FullName, "bicepconfig.json"));
            File.WriteAllText(Path.Combine(dir.FullName, "bad.bicep"), """
                param unused string = 'x'
                output portal string = 'https://management.azure.com/'
                """);

            var lint = await BicepCli.RunAsync(["lint", "bad.bicep"], workingDirectory: dir.FullName);

            Assert.NotEqual(0, lint.ExitCode);
            Assert.Contains("Error no-unused-params", lint.StandardError, StringComparison.Ordinal);
            Assert.Contains("Error no-hardcoded-env-urls", lint.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static JsonObject ParametersOf(ProcessResult buildParams)
    {
        // --stdout prints the parameters JSON wrapped with the template it was built against.
        var wrapper = JsonNode.Parse(buildParams.StandardOutput)!;
        var parametersJson = (string?)wrapper["parametersJson"] ?? buildParams.StandardOutput;
        return JsonNode.Parse(parametersJson)!["parameters"]!.AsObject();
    }
}
