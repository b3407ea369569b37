using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>
/// A real application server (php-fpm, uWSGI, gunicorn, node) as a child process under a <see cref="Lifeline"/>: its
/// master and workers form one process group that dies with the test host. It listens on a unix socket under the case
/// prefix, or on a held loopback port (<see cref="HeldPort"/>, kept for restarts: a killed server's port refuses and
/// no one else is given it). It can be killed (the whole group, SIGKILL, as the OOM killer or <c>docker kill</c>
/// would), stopped gracefully, and started again with the same command.
/// </summary>
internal sealed class AppServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly ProcessStartInfo _start;
    private readonly string _name;
    private readonly string? _logPath;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private AppServerProcess(string name, ProcessStartInfo start, string? socketPath, HeldPort? port, string? logPath)
    {
        _name = name;
        _start = start;
        SocketPath = socketPath;
        Port = port;
        _logPath = logPath;
    }

    /// <summary>The unix socket it listens on, or null.</summary>
    public string? SocketPath { get; }

    /// <summary>The held loopback port it listens on, or null.</summary>
    public HeldPort? Port { get; }

    /// <summary>How nginx names it: <c>unix:/path</c> or <c>127.0.0.1:PORT</c>.</summary>
    public string Address => SocketPath is { } path ? $"unix:{path}" : Port!.Address;

    /// <summary>What to put after <c>proxy_pass http://</c>, <c>fastcgi_pass</c> or <c>uwsgi_pass</c>.</summary>
    public string PassTarget => SocketPath is { } path ? $"unix:{path}" : Port!.Address;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The master's pid while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>What the server printed, and its log file.</summary>
    public string Output
    {
        get
        {
            string printed;
            lock (_output)
            {
                printed = _output.ToString();
            }

            return _logPath is not null && File.Exists(_logPath) ? $"{printed}\n--- {_logPath}:\n{File.ReadAllText(_logPath)}" : printed;
        }
    }

    /// <summary>Starts <paramref name="start"/> and waits until it accepts connections on the socket or port.</summary>
    public static async Task<AppServerProcess> StartAsync(
        string name, ProcessStartInfo start, string? socketPath, HeldPort? port, string? logPath, CancellationToken cancellationToken)
    {
        if ((socketPath is null) == (port is null))
        {
            throw new ArgumentException("Give a unix socket or a port.", nameof(socketPath));
        }

        var server = new AppServerProcess(name, start, socketPath, port, logPath);
        await server.StartAsync(cancellationToken);
        return server;
    }

    /// <summary>Starts the server again after <see cref="KillAsync"/> or <see cref="StopAsync"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{_name} is already running.");
        }

        ReleaseProcess();
        var process = Lifeline.Start(_start);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                throw new InvalidOperationException($"{_name} exited with {process.ExitCode} before it accepted connections.\n{Output}");
            }

            if (await AcceptsAsync(cancellationToken))
            {
                return;
            }

            if (stopwatch.Elapsed > ReadyTimeout)
            {
                await KillAsync();
                throw new TimeoutException($"{_name} did not accept connections within {ReadyTimeout}.\n{Output}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>SIGKILL to the whole group: master and workers die at once; a unix socket file stays behind.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            await Lifeline.KillGroupAsync(process);
        }
    }

    /// <summary>A graceful stop (<paramref name="signal"/> to the master, as its service manager would); killed after a timeout.</summary>
    public async Task StopAsync(string signal = "TERM")
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using (var kill = Process.Start("/bin/kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(CancellationToken.None);
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await Lifeline.KillGroupAsync(process);
        }

        // Workers the master left behind go with the group.
        await Lifeline.SignalGroupAsync(process, "KILL");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        ReleaseProcess();
        Port?.Dispose();
    }

    private void ReleaseProcess()
    {
        if (_process is { } old)
        {
            Lifeline.Release(old);
            old.Dispose();
            _process = null;
        }
    }

    private async Task<bool> AcceptsAsync(CancellationToken cancellationToken)
    {
        using var probe = SocketPath is not null
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        EndPoint endpoint = SocketPath is { } path ? new UnixDomainSocketEndPoint(path) : new IPEndPoint(IPAddress.Loopback, Port!.Port);
        try
        {
            await probe.ConnectAsync(endpoint, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
