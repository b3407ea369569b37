using FunctionsApp.InfraTests.Support;
using YamlDotNet.RepresentationModel;

namespace FunctionsApp.InfraTests.Workflows;

/// <summary>Dependabot keeps NuGet, npm and the pinned actions current.</summary>
public sealed class DependabotTests
{
    private static YamlMappingNode Config => YamlFile.LoadMapping(Path.Combine(RepositoryPaths.GitHub, "dependabot.yml"));

    [Fact]
    public void Config_IsVersion2()
    {
        Assert.Equal("2", Config.Scalar("version"));
    }

    [Fact]
    public void Updates_CoverNuGetNpmAndActions()
    {
        var ecosystems = Updates().Select(u => u.Scalar("package-ecosystem")).ToList();

        Assert.Equal(["nuget", "npm", "github-actions"], ecosystems);
    }

    [Fact]
    public void Updates_EachHasADirectoryAndASchedule()
    {
        Assert.All(Updates(), u =>
        {
            Assert.Equal("/", u.Scalar("directory"));
            var schedule = Assert.IsType<YamlMappingNode>(u.Child("schedule"));
            Assert.Contains(schedule.Scalar("interval"), new[] { "daily", "weekly", "monthly" });
        });
    }

    private static IEnumerable<YamlMappingNode> Updates() =>
        Assert.IsType<YamlSequenceNode>(Config.Child("updates")).Children.Select(Assert.IsType<YamlMappingNode>);
}
