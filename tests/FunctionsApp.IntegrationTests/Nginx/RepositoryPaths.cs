namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>Paths inside the source tree, found from the test binaries by walking up to the solution.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The committed nginx fixtures that the fast tests (and the parsers) read.</summary>
    public static string NginxFixtures => Path.Combine(Root, "tests", "FunctionsApp.Tests", "Fixtures", "nginx");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FunctionsApp.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No FunctionsApp.sln above {AppContext.BaseDirectory}.");
    }
}
