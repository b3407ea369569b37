using System.Reflection;

namespace FunctionsApp.InfraTests.Support;

/// <summary>Paths of the committed files under test, read in place rather than copied to the output.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = LocateRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string GitHub => Path.Combine(Root, ".github");

    public static string Workflows => Path.Combine(GitHub, "workflows");

    public static string InRoot(params string[] parts) => Path.Combine([Root, .. parts]);

    internal static string? Metadata(string key) =>
        typeof(RepositoryPaths).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key)?.Value;

    private static string LocateRoot()
    {
        // Set at build time from the project's location; a moved checkout falls back to a walk up.
        var root = Metadata("RepositoryRoot");
        if (root is not null && File.Exists(Path.Combine(root, "FunctionsApp.sln")))
        {
            return root;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FunctionsApp.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"The repository root (the folder of FunctionsApp.sln) is neither '{root}' nor above '{AppContext.BaseDirectory}'.");
    }
}
