namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>Finds the repository from the test output folder (tests run from bin/...).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string FunctionsDirectory => Path.Combine(Root, "functions");

    public static string AppProject => Path.Combine(Root, "functions", "FunctionsApp", "FunctionsApp.csproj");

    public static string AzuriteBlob => Path.Combine(Root, "node_modules", ".bin", "azurite-blob");

    public static string AzuriteTable => Path.Combine(Root, "node_modules", ".bin", "azurite-table");

    public static string AzuriteQueue => Path.Combine(Root, "node_modules", ".bin", "azurite-queue");

    /// <summary>The committed real-nginx fixtures that the fast tests read (see their README).</summary>
    public static string NginxFixtures => Path.Combine(Root, "tests", "FunctionsApp.Engine.Tests", "Fixtures", "nginx");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FunctionsApp.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"FunctionsApp.sln not found above {AppContext.BaseDirectory}.");
    }
}
