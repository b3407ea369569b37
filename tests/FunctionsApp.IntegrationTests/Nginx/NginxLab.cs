using System.Diagnostics;
using System.Net;
using System.Text;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>
/// A real nginx master process confined to a private temp prefix: its own config, logs,
/// pid file and temp paths, listening on loopback only. Create it, take its listen ports from
/// <see cref="ReservePort"/>, build the http-block config against <see cref="Prefix"/>, then <see cref="StartAsync"/>.
/// </summary>
/// <remarks>
/// No port is ever found free and released: the readiness probe is a unix socket, and each TCP port nginx listens on
/// is held by a <see cref="HeldPort"/> from before nginx starts until the lab is disposed. Once nginx is ready, the lab
/// reads back every reserved port: the answer must carry this instance's id, so a port that some other process
/// answers on fails the start instead of a scenario.
/// </remarks>
internal sealed class NginxLab : IAsyncDisposable
{
    public const string NginxBinary = "/usr/sbin/nginx";

    /// <summary>The server_name of the lab's own server (readiness and port read-back).</summary>
    public const string ControlHost = "lab-control";

    // Bounds that only catch a hang: nginx starts in milliseconds, but the machine may be busy with other jobs.
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly StringBuilder _output = new();
    private readonly List<HeldPort> _ports = [];
    private readonly string _instanceId = Guid.NewGuid().ToString("N");
    private readonly HttpClient _control;
    private Process? _process;
    private bool _keepPrefix;

    private NginxLab(string prefix)
    {
        Prefix = prefix;
        ErrorLog = $"{ErrorLogPath} info";
        _control = UnixSocketHttp.CreateClient(ControlSocketPath);
    }

    /// <summary>The nginx prefix (<c>-p</c>): config, logs and temp files all live here.</summary>
    public string Prefix { get; }

    public string ConfigPath => Path.Combine(Prefix, "nginx.conf");

    /// <summary>The main error log (startup notices and everything not routed elsewhere).</summary>
    public string ErrorLogPath => Path.Combine(Prefix, "error.log");

    public string PidPath => Path.Combine(Prefix, "nginx.pid");

    /// <summary>The main <c>error_log</c> directive's arguments (file or <c>syslog:</c>, and level); set before start.</summary>
    public string ErrorLog { get; set; }

    /// <summary>More main-level <c>error_log</c> directives' arguments (nginx writes every line to each of them).</summary>
    public List<string> AdditionalErrorLogs { get; } = [];

    /// <summary>A unix socket with a server that answers <c>/ready</c> and logs nothing: the readiness probe.</summary>
    public string ControlSocketPath => Path.Combine(Prefix, "control.sock");

    /// <summary>The TCP ports reserved with <see cref="ReservePort"/>.</summary>
    public IReadOnlyList<int> Ports => [.. _ports.Select(p => p.Port)];

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

    /// <summary>
    /// A loopback port for a <c>listen 127.0.0.1:PORT;</c> in the config: held until dispose, read back after start.
    /// </summary>
    public int ReservePort()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("Reserve ports before nginx starts.");
        }

        var port = HeldPort.Shareable();
        _ports.Add(port);
        return port.Port;
    }

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

        // Under a lifeline: nginx and its workers die with the test host, even when the host is killed.
        var process = Lifeline.Start(startInfo);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await WaitUntilReadyAsync(process, cancellationToken);
        await ReadBackPortsAsync(cancellationToken);
    }

    /// <summary>Runs <c>nginx -T</c> on this instance's config: the config nginx tested, as it printed it.</summary>
    public async Task<string> DumpConfigAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(NginxBinary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-T", "-q", "-p", Prefix + "/", "-c", ConfigPath, "-g", $"pid {PidPath};" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"nginx -T exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
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

            Lifeline.Release(process);
            process.Dispose();
            _process = null;
        }

        _control.Dispose();
        foreach (var port in _ports)
        {
            port.Dispose();
        }

        _ports.Clear();

        if (!_keepPrefix && Directory.Exists(Prefix))
        {
            Directory.Delete(Prefix, recursive: true);
        }
    }

    private string BuildConfig(string httpConfig)
    {
        // Running as root, workers would otherwise drop to "nobody" and lose access to the private
        // prefix (unix sockets, temp files); as non-root the directive only earns a warning.
        var user = Environment.IsPrivilegedProcess ? "user root;\n" : string.Empty;
        return $$"""
            # Generated by FunctionsApp.IntegrationTests NginxLab.
            {{user}}worker_processes 1;
            error_log {{ErrorLog}};
            {{string.Concat(AdditionalErrorLogs.Select(e => $"error_log {e};\n"))}}

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
                    listen unix:{{ControlSocketPath}};
            {{string.Concat(_ports.Select(p => $"        listen 127.0.0.1:{p.Port};\n"))}}
                    server_name {{ControlHost}};
                    location = /ready {
                        return 200 "{{_instanceId}}";
                    }
                }

            {{httpConfig}}
            }

            """;
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var probe = new Uri($"http://{ControlHost}/ready");
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
                using var response = await _control.GetAsync(probe, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet (no socket file, or nothing accepts on it).
            }

            if (stopwatch.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException($"nginx was not ready after {ReadyTimeout}.\n{ProcessOutput}\n{ReadErrorLog()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task ReadBackPortsAsync(CancellationToken cancellationToken)
    {
        foreach (var port in _ports)
        {
            string answer;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port.Port}/ready"));
                request.Headers.Host = ControlHost;
                using var response = await LabHttp.Client.SendAsync(request, cancellationToken);
                answer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException e)
            {
                answer = e.Message;
            }

            if (answer != $"200 {_instanceId}")
            {
                throw new InvalidOperationException(
                    $"127.0.0.1:{port.Port} does not answer as this nginx (instance {_instanceId}): {answer}\n{ReadErrorLog()}");
            }

            // nginx listens on it: nobody else may bind it now, nor after nginx stops, until the lab is disposed.
            port.MakeExclusive();
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
