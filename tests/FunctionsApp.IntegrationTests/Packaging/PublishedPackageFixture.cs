using System.Diagnostics;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Packaging;

/// <summary>
/// Runs <c>scripts/package</c> once (a Native AOT publish: minutes on a small machine) into a temp folder, and
/// starts an Azurite for the published binary to talk to.
/// </summary>
public sealed class PublishedPackageFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("functions-package-").FullName;

    public AzuriteFixture Azurite { get; } = new();

    public string PackageDirectory => Path.Combine(_root, "package");

    public string ZipFile { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        var start = new ProcessStartInfo(Path.Combine(RepositoryPaths.Root, "scripts", "package"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        start.ArgumentList.Add(PackageDirectory);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("scripts/package did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/package failed ({process.ExitCode}):\n{await stderr}");
        }

        ZipFile = (await stdout).Trim();
    }

    public async Task DisposeAsync()
    {
        await Azurite.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
