using System.Diagnostics;
using System.Globalization;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>
/// Children started under a lifeline (nginx, app servers, Azurite, syslog-ng, the published app) do not outlive the
/// test host: their whole process group dies when the host releases them, and when the host is killed.
/// </summary>
public sealed class LifelineTests
{
    private static readonly TimeSpan Gone = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Start_Program_RunsAsLeaderOfItsOwnProcessGroupUnderTheSamePid()
    {
        using var child = Lifeline.Start(new ProcessStartInfo("/bin/sleep", ["300"]) { UseShellExecute = false });
        try
        {
            await WaitUntilAsync(() => Comm(child.Id) == "sleep", "the program to replace the wrapper");

            Assert.Equal(child.Id, ProcessGroup(child.Id));
            Assert.NotEqual(ProcessGroup(Environment.ProcessId), ProcessGroup(child.Id));
        }
        finally
        {
            Lifeline.Release(child);
            await child.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Release_ProgramWithChildren_KillsTheWholeGroup()
    {
        using var child = Lifeline.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 300 & sleep 300 & wait"]) { UseShellExecute = false });
        await WaitUntilAsync(() => GroupMembers(child.Id).Count == 3, "the shell and its two sleeps");

        Lifeline.Release(child);

        await WaitUntilAsync(() => GroupMembers(child.Id).Count == 0, "every process of the group to die");

        // HasExited turns true only once .NET has reaped the child, a moment after the group is gone: wait for it.
        using var reaped = new CancellationTokenSource(Gone);
        await child.WaitForExitAsync(reaped.Token);
    }

    [Fact]
    public async Task HostKilled_ProgramAndItsChildrenDieWithIt()
    {
        // A stand-in host (this assembly's lifeline-probe command) starts the program; then the host is SIGKILLed.
        var dll = typeof(LifelineTests).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[] { dll, "lifeline-probe", "/bin/sh", "-c", "sleep 300 & sleep 300 & wait" })
        {
            start.ArgumentList.Add(argument);
        }

        using var host = Process.Start(start)!;
        try
        {
            var pid = int.Parse((await host.StandardOutput.ReadLineAsync())!, CultureInfo.InvariantCulture);
            await WaitUntilAsync(() => GroupMembers(pid).Count == 3, "the shell and its two sleeps");

            host.Kill();
            await host.WaitForExitAsync();

            await WaitUntilAsync(() => GroupMembers(pid).Count == 0, "the host's children to die with it");
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(stopwatch.Elapsed < Gone, $"Waited {Gone} for {what}.");
            await Task.Delay(50);
        }
    }

    private static string? Comm(int pid) => Read($"/proc/{pid}/comm")?.Trim();

    /// <summary>Field 5 of /proc/PID/stat (after the parenthesised command, which may hold spaces).</summary>
    private static int? ProcessGroup(int pid) =>
        Read($"/proc/{pid}/stat") is { } stat ? int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2], CultureInfo.InvariantCulture) : null;

    private static List<int> GroupMembers(int group) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(n => n!.All(char.IsAsciiDigit))
            .Select(n => int.Parse(n!, CultureInfo.InvariantCulture))
            .Where(p => ProcessGroup(p) == group && !IsZombie(p))];

    private static bool IsZombie(int pid) =>
        Read($"/proc/{pid}/stat") is { } stat && stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
