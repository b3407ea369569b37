using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>
/// A real nginx master process confined to a private temp prefix: its own config, logs,
/// pid file and temp paths, listening on loopback only. Create it, build the http-block
/// config against <see cref="Prefix"/>, then <see cref="StartAsync"/>.
/// </summary>
internal sealed class NginxLab : IAsyncDisposable
{
    public const string NginxBinary = "/usr/sbin/nginx";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly StringBuilder _output = new();
    private Process? _process;
    private bool _keepPrefix;

    private NginxLab(string prefix)
    {
        Prefix = prefix;
        ControlPort = FreeTcpPort();
    }

    /// <summary>The nginx prefix (<c>-p</c>): config, logs and temp files all live here.</summary>
    public string Prefix { get; }

    public string ConfigPath => Path.Combine(Prefix, "nginx.conf");

    /// <summary>The main error log (startup notices and everything not routed elsewhere).</summary>
    public string ErrorLogPath => Path.Combine(Prefix, "error.log");

    public string PidPath => Path.Combine(Prefix, "nginx.pid");

    /// <summary>A port with a server that answers <c>/ready</c> and logs nothing: the readiness probe.</summary>
    public int ControlPort { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything nginx wrote to stdout/stderr (config errors before the error log opens).</summary>
    public string ProcessOutput
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static NginxLab Create() => new(Directory.CreateTempSubdirectory("nginx-lab-").FullName);

    /// <summary>Leaves the prefix on disk after dispose (for debugging a failed run).</summary>
    public void KeepPrefix() => _keepPrefix = true;

    /// <summary>Writes nginx.conf around <paramref name="httpConfig"/> and starts nginx in the foreground.</summary>
    /// <param name="httpConfig">Directives for the <c>http {}</c> block: log formats, upstreams, servers.</param>
    /// <param name="timeZone">TZ for nginx (it writes local time in both logs); null inherits ours.</param>
    /// <param name="cancellationToken">Cancels waiting for readiness.</param>
    public async Task StartAsync(string httpConfig, string? timeZone, CancellationToken cancellationToken)
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("nginx is already started.");
        }

        await File.WriteAllTextAsync(ConfigPath, BuildConfig(httpConfig), cancellationToken);

        var startInfo = new ProcessStartInfo(NginxBinary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-p", Prefix + "/", "-c", ConfigPath, "-g", $"daemon off; pid {PidPath};" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (timeZone is not null)
        {
            startInfo.Environment["TZ"] = timeZone;
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await WaitUntilReadyAsync(process, cancellationToken);
    }

    /// <summary>Graceful stop (SIGQUIT): nginx finishes requests and closes its logs; kills after a timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using (var kill = Process.Start("/bin/kill", ["-QUIT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }

            process.Dispose();
            _process = null;
        }

        if (!_keepPrefix && Directory.Exists(Prefix))
        {
            Directory.Delete(Prefix, recursive: true);
        }
    }

    /// <summary>A loopback port that was free a moment ago (nothing listens on it when this returns).</summary>
    public static int FreeTcpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private string BuildConfig(string httpConfig)
    {
        // Running as root, workers would otherwise drop to "nobody" and lose access to the private
        // prefix (unix sockets, temp files); as non-root the directive only earns a warning.
        var user = Environment.IsPrivilegedProcess ? "user root;\n" : string.Empty;
        return $$"""
            # Generated by FunctionsApp.IntegrationTests NginxLab.
            {{user}}worker_processes 1;
            error_log {{ErrorLogPath}} info;

            events {
                worker_connections 512;
            }

            http {
                client_body_temp_path {{Prefix}}/client_body_temp;
                proxy_temp_path {{Prefix}}/proxy_temp;
                fastcgi_temp_path {{Prefix}}/fastcgi_temp;
                uwsgi_temp_path {{Prefix}}/uwsgi_temp;
                scgi_temp_path {{Prefix}}/scgi_temp;
                access_log off;

                server {
                    listen 127.0.0.1:{{ControlPort}};
                    server_name lab-control;
                    location = /ready {
                        return 204;
                    }
                }

            {{httpConfig}}
            }

            """;
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var probe = new Uri($"http://127.0.0.1:{ControlPort}/ready");
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                // HasExited can be true before the redirected stderr is read to its end; this waits for that too.
                await process.WaitForExitAsync(CancellationToken.None);
                throw new InvalidOperationException(
                    $"nginx exited with {process.ExitCode} before it was ready.\n{ProcessOutput}\n{ReadErrorLog()}");
            }

            try
            {
                using var response = await LabHttp.Client.GetAsync(probe, cancellationToken);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (stopwatch.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException($"nginx was not ready after {ReadyTimeout}.\n{ProcessOutput}\n{ReadErrorLog()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private string ReadErrorLog() => File.Exists(ErrorLogPath) ? File.ReadAllText(ErrorLogPath) : "(no error.log)";

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
