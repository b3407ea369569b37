using System.Diagnostics;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Packaging;

/// <summary>
/// Runs <c>scripts/package</c> once for the Azure package (the isolated worker) and once with <c>--standalone</c>
/// (a Native AOT publish: minutes on a small machine) into a temp folder, and starts an Azurite for the published
/// standalone binary to talk to.
/// </summary>
public sealed class PublishedPackageFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("functions-package-").FullName;

    public AzuriteFixture Azurite { get; } = new();

    /// <summary>The worker package, unzipped as scripts/package left it.</summary>
    public string PackageDirectory => Path.Combine(_root, "functionsapp");

    public string ZipFile { get; private set; } = string.Empty;

    /// <summary>The standalone Native AOT binary's folder.</summary>
    public string StandaloneDirectory => Path.Combine(_root, "standalone");

    public string StandaloneZipFile { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        ZipFile = await PackageAsync(_root);
        StandaloneZipFile = await PackageAsync("--standalone", _root);
    }

    private static async Task<string> PackageAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryPaths.Root, "scripts", "package"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("scripts/package did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/package failed ({process.ExitCode}):\n{await stderr}");
        }

        return (await stdout).Trim();
    }

    public async Task DisposeAsync()
    {
        await Azurite.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
