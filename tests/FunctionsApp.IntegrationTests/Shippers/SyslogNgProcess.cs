using System.Diagnostics;
using System.Text;

namespace FunctionsApp.IntegrationTests.Shippers;

/// <summary>
/// A real syslog-ng (Debian syslog-ng-core + syslog-ng-mod-http) in the foreground as a child process, tailing
/// files with file() and shipping them with the http() destination in batches. Its persist file survives
/// <see cref="StopAsync"/>/<see cref="StartAsync"/>, like a service restart.
/// </summary>
internal sealed class SyslogNgProcess : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _config;
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>A syslog-ng with the configuration given (after the <c>@version</c> line, added here).</summary>
    public SyslogNgProcess(string directory, string configuration)
    {
        _directory = directory;
        _config = Path.Combine(directory, "syslog-ng.conf");
        File.WriteAllText(_config, "@version: 3.38\n@include \"scl.conf\"\noptions { stats-freq(0); threaded(yes); };\n" + configuration);
    }

    public SyslogNgProcess(string directory, IEnumerable<(string File, Uri Url)> routes, string functionKey)
    {
        _directory = directory;
        _config = Path.Combine(directory, "syslog-ng.conf");
        var text = new StringBuilder("@version: 3.38\noptions { stats-freq(0); threaded(yes); };\n");
        var i = 0;
        foreach (var (file, url) in routes)
        {
            i++;
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $$"""
                source s_{{i}} { file("{{file}}" flags(no-parse) follow-freq(0.1)); };
                destination d_{{i}} {
                  http(
                    url("{{url}}")
                    method("POST")
                    headers("x-functions-key: {{functionKey}}", "Content-Type: text/plain; charset=utf-8")
                    body("${MSG}")
                    delimiter("\n")
                    batch-lines(50)
                    batch-timeout(300)
                    persist-name("d_{{i}}")
                  );
                };
                log { source(s_{{i}}); destination(d_{{i}}); flags(flow-control); };

                """);
        }

        File.WriteAllText(_config, text.ToString());
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process is null || _process.HasExited;

    public static bool IsInstalled => File.Exists("/usr/sbin/syslog-ng");

    public Task StartAsync()
    {
        var start = new ProcessStartInfo("/usr/sbin/syslog-ng")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-F", "-e", "--no-caps", "-f", _config,
                     "--persist-file", Path.Combine(_directory, "syslog-ng.persist"),
                     "--pidfile", Path.Combine(_directory, "syslog-ng.pid"),
                     "--control", Path.Combine(_directory, "syslog-ng.ctl"),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("syslog-ng did not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return Task.CompletedTask;
    }

    /// <summary>Graceful stop (SIGTERM), as a service manager does; syslog-ng saves its positions.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term!.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

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
