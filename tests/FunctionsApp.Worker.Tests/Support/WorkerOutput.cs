using System.Reflection;

namespace FunctionsApp.Worker.Tests.Support;

/// <summary>The repository, and the worker's build output of the configuration these tests were built in.</summary>
internal static class WorkerOutput
{
    public static string Root { get; } = FindRoot();

    public static string Readme => Path.Combine(Root, "README.md");

    /// <summary>Where the Functions SDK wrote <c>functions.metadata</c> and <c>worker.config.json</c>.</summary>
    public static string Directory { get; } = Path.Combine(
        Root, "functions", "FunctionsApp.Worker", "bin",
        typeof(WorkerOutput).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release",
        "net10.0");

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
