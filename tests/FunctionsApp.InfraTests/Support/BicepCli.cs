using System.Diagnostics;

namespace FunctionsApp.InfraTests.Support;

/// <summary>
/// Runs the Bicep CLI of the Azure.Bicep.CommandLine.linux-x64 package: the same executable on
/// every machine after <c>dotnet restore</c>, without network access or an Azure CLI install.
/// </summary>
internal static class BicepCli
{
    /// <summary>Variable main.bicepparam reads the base name from; cleared so results do not depend on the caller's shell.</summary>
    public const string BaseNameVariable = "NGINX502_BASE_NAME";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static readonly Lazy<string> Executable = new(Locate);

    public static string ExecutablePath => Executable.Value;

    /// <summary>Runs <c>bicep</c> in the repository root with the given arguments.</summary>
    public static async Task<ProcessResult> RunAsync(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Remove(BaseNameVariable);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start '{ExecutablePath}'.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Locate()
    {
        // $(BicepPath) comes from the package's build props; MSBuild writes it with backslashes.
        var path = RepositoryPaths.Metadata("BicepPath")?.Replace('\\', '/');
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The bicep executable of Azure.Bicep.CommandLine.linux-x64 is not at '{path}'. Run dotnet restore.");
        }

        // Package extraction does not always keep the executable bit.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
            }
        }

        return path;
    }
}
