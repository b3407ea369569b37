using System.Diagnostics;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>
/// Starts a long-lived child (nginx, an app server, Azurite, syslog-ng, the published app) so that it cannot outlive
/// the test host: the program runs in a process group of its own (same pid: <c>setsid</c> without a fork), and a
/// small watchdog, detached from it, reads a pipe whose write end only this process holds. When the pipe closes —
/// <see cref="Release"/>, or this process exiting in any way, even SIGKILL — the watchdog kills the whole group
/// (the master and every worker it forked), then exits; it also exits once the group is gone by itself.
/// </summary>
/// <remarks>
/// A parent-death signal (<c>setpriv --pdeathsig</c>) would not do: Linux sends it when the <em>thread</em> that
/// forked the child ends, and .NET starts processes from thread-pool threads that come and go.
/// </remarks>
internal static class Lifeline
{
    // $1 is the program, the rest its arguments. The watchdog reads the pipe on fd 3 (bash gives a background job
    // /dev/null as stdin). It is double-forked so that the program (which becomes this shell's pid through exec) never
    // has it as a child: nginx and php-fpm log children they did not start. Until setsid has run, the group does not
    // exist yet but the pid does: neither counts as gone.
    private const string Script = """
        group=$$
        exec 3<&0
        (
          (
            while :; do
              read -r -t 1 _ <&3
              rc=$?
              if [ $rc -eq 0 ]; then continue; fi
              if [ $rc -gt 128 ]; then
                kill -0 -- -$group 2>/dev/null && continue
                kill -0 $group 2>/dev/null && continue
                exit 0
              fi
              break
            done
            for _ in 1 2 3 4 5 6 7 8 9 10; do
              kill -KILL -- -$group 2>/dev/null && exit 0
              kill -0 $group 2>/dev/null || exit 0
              sleep 0.2
            done
          ) &
        ) >/dev/null 2>&1
        exec /usr/bin/setsid "$@" </dev/null 3<&-
        """;

    /// <summary>
    /// Starts <paramref name="start"/> under a lifeline. Its stdin is /dev/null; stdout and stderr are redirected as
    /// <paramref name="start"/> asks. Keep the returned process until the child should die, then <see cref="Release"/>.
    /// </summary>
    public static Process Start(ProcessStartInfo start)
    {
        if (start.RedirectStandardInput || start.UseShellExecute)
        {
            throw new ArgumentException("A lifeline child reads /dev/null and is started without a shell.", nameof(start));
        }

        var wrapped = new ProcessStartInfo("/bin/bash")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = start.RedirectStandardOutput,
            RedirectStandardError = start.RedirectStandardError,
            WorkingDirectory = start.WorkingDirectory,
        };
        foreach (var argument in new[] { "-c", Script, "lifeline", start.FileName })
        {
            wrapped.ArgumentList.Add(argument);
        }

        foreach (var argument in start.ArgumentList)
        {
            wrapped.ArgumentList.Add(argument);
        }

        wrapped.Environment.Clear();
        foreach (var (name, value) in start.Environment)
        {
            wrapped.Environment[name] = value;
        }

        return Process.Start(wrapped) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
    }

    /// <summary>Closes the lifeline: whatever is left of the child's process group is killed within a second.</summary>
    public static void Release(Process process)
    {
        try
        {
            process.StandardInput.Close();
        }
        catch (InvalidOperationException)
        {
            // Not started under a lifeline.
        }
    }

    /// <summary>Kills the child's whole process group now (SIGKILL, as the OOM killer or <c>docker kill</c> would) and waits for the child.</summary>
    public static async Task KillGroupAsync(Process process)
    {
        if (!process.HasExited)
        {
            await SignalGroupAsync(process, "KILL");
        }

        await process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>Sends <paramref name="signal"/> (<c>TERM</c>, <c>QUIT</c>, ...) to the child's process group; false when the group is gone.</summary>
    public static async Task<bool> SignalGroupAsync(Process process, string signal)
    {
        var start = new ProcessStartInfo("/bin/kill") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { $"-{signal}", "--", $"-{process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var kill = Process.Start(start)!;
        await kill.StandardOutput.ReadToEndAsync();
        await kill.StandardError.ReadToEndAsync();
        await kill.WaitForExitAsync(CancellationToken.None);
        return kill.ExitCode == 0;
    }
}
