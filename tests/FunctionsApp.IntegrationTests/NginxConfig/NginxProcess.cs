using System.Diagnostics;

namespace FunctionsApp.IntegrationTests.NginxConfig;

/// <summary>Runs /usr/sbin/nginx with -t or -T on a configuration and returns what it printed.</summary>
internal static class NginxProcess
{
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/sbin/nginx") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary><c>nginx -t</c> or <c>-T</c> (<paramref name="flag"/>) on a fixture with a private prefix for its relative log paths.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> CheckAsync(string flag, string mainFile)
    {
        var prefix = Directory.CreateTempSubdirectory("nginx-config-t-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(prefix, "logs"));
            return await RunAsync(flag, "-p", prefix + "/", "-c", mainFile);
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }
}
