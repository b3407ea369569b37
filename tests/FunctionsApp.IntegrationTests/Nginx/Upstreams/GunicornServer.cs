using System.Diagnostics;
using System.Net.Sockets;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>
/// A real gunicorn (Debian's, sync workers) serving a small WSGI app on a unix socket under the case prefix. While
/// the app is "stuck" (a flag file exists) every request sleeps past <c>--timeout</c>: gunicorn's arbiter kills the
/// worker (<c>WORKER TIMEOUT</c>), and nginx logs <c>upstream prematurely closed connection</c> with a 502, the
/// failed requests' <c>$upstream_response_time</c> clustered at the timeout.
/// </summary>
internal sealed class GunicornServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/gunicorn";

    private const string App = """
        import os, time

        FLAG = os.environ["STUCK_FLAG"]

        def application(environ, start_response):
            if os.path.exists(FLAG):
                time.sleep(60)
            body = b"ok\n"
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
            return [body]
        """;

    private readonly Process _process;
    private readonly string _flag;

    private GunicornServer(Process process, string socketPath, string flag, int timeoutSeconds)
    {
        _process = process;
        SocketPath = socketPath;
        _flag = flag;
        TimeoutSeconds = timeoutSeconds;
    }

    public string SocketPath { get; }

    /// <summary>How nginx names it: <c>unix:/path</c>.</summary>
    public string Address => $"unix:{SocketPath}";

    public int TimeoutSeconds { get; }

    public static bool IsInstalled => File.Exists(Binary);

    /// <summary>Starts gunicorn in <paramref name="directory"/> and waits until its socket accepts.</summary>
    public static async Task<GunicornServer> StartAsync(string directory, int workers, int timeoutSeconds, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "wsgi_app.py"), App, cancellationToken);
        var socketPath = Path.Combine(directory, "gunicorn.sock");
        var flag = Path.Combine(directory, "stuck");
        var startInfo = new ProcessStartInfo(Binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[]
        {
            "--bind", $"unix:{socketPath}", "--workers", workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--graceful-timeout", "1",
            "--chdir", directory, "--log-file", Path.Combine(directory, "gunicorn.log"), "wsgi_app:application",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["STUCK_FLAG"] = flag;
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("gunicorn did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new GunicornServer(process, socketPath, flag, timeoutSeconds);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"gunicorn exited with {process.ExitCode}: {ReadLog(directory)}");
            }

            try
            {
                using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await probe.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return server;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>Every request from now on hangs until gunicorn kills its worker.</summary>
    public Task HangAsync() => File.WriteAllTextAsync(_flag, "stuck\n");

    /// <summary>Requests are served again.</summary>
    public Task RecoverAsync()
    {
        File.Delete(_flag);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private static string ReadLog(string directory)
    {
        var log = Path.Combine(directory, "gunicorn.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no gunicorn.log)";
    }
}
