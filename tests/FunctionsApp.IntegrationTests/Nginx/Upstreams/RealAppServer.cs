using System.Diagnostics;
using System.Globalization;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>The application servers the corpus runs: Debian's php-fpm, uWSGI and gunicorn, and a small Node server.</summary>
internal enum AppServerKind
{
    PhpFpm,
    Uwsgi,
    Gunicorn,
    Node,
}

/// <summary>How an application server is started: its transport and the settings whose limits the corpus provokes.</summary>
/// <param name="Tcp">Listen on a held 127.0.0.1 port instead of a unix socket under the case directory.</param>
/// <param name="Workers">php-fpm <c>pm.max_children</c> (static), uWSGI <c>--processes</c>, gunicorn <c>--workers</c>.</param>
/// <param name="Backlog">The listen backlog (<c>listen.backlog</c>, <c>--listen</c>, <c>--backlog</c>, Node's <c>backlog</c>).</param>
/// <param name="TimeoutSeconds">php-fpm <c>request_terminate_timeout</c>, uWSGI <c>--harakiri</c>, gunicorn <c>--timeout</c> (0: none).</param>
internal sealed record AppServerOptions(bool Tcp = false, int Workers = 2, int Backlog = 128, int TimeoutSeconds = 0);

/// <summary>
/// One real application server serving a tiny app from its own directory. Every app reads a mode file on each request
/// (<see cref="SetModeAsync"/>): empty answers <c>200 ok</c> at once; <c>sleep S</c> answers after S seconds (stuck
/// past an app-server timeout, or slow enough that concurrent requests fill the workers and the listen queue);
/// <c>destroy</c> (Node) destroys the connection without an answer. The PHP app also dies with a fatal error where the
/// location sets <c>fastcgi_param APP_FAIL fatal</c>.
/// </summary>
internal sealed class RealAppServer : IAsyncDisposable
{
    public const string PhpFpmBinary = "/usr/sbin/php-fpm8.2";
    public const string UwsgiBinary = "/usr/bin/uwsgi-core";
    public const string UwsgiPythonPlugin = "/usr/lib/uwsgi/plugins/python3_plugin.so";
    public const string GunicornBinary = "/usr/bin/gunicorn";
    public const string NodeBinary = "/usr/bin/node";

    private const string PythonApp = """
        import os, time

        MODE_FILE = os.environ["APP_MODE_FILE"]

        def application(environ, start_response):
            try:
                with open(MODE_FILE) as f:
                    mode = f.read().split()
            except FileNotFoundError:
                mode = []
            if mode and mode[0] == "sleep":
                time.sleep(float(mode[1]))
            body = b"ok\n"
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
            return [body]
        """;

    private const string NodeApp = """
        'use strict';
        const http = require('http');
        const fs = require('fs');
        const [listen, modeFile, backlog] = process.argv.slice(2);
        const server = http.createServer((req, res) => {
          let mode = [];
          try { mode = fs.readFileSync(modeFile, 'utf8').trim().split(/\s+/); } catch (e) { }
          if (mode[0] === 'destroy') { req.socket.destroy(); return; }
          const delay = mode[0] === 'sleep' ? parseFloat(mode[1]) * 1000 : 0;
          req.resume();
          setTimeout(() => {
            res.writeHead(200, { 'Content-Type': 'text/plain' });
            res.end('ok\n');
          }, delay);
        });
        if (/^\d+$/.test(listen)) server.listen({ port: Number(listen), host: '127.0.0.1', backlog: Number(backlog) });
        else server.listen({ path: listen, backlog: Number(backlog) });
        """;

    private readonly string _modeFile;

    private RealAppServer(AppServerKind kind, string directory, string modeFile, AppServerProcess process)
    {
        Kind = kind;
        Directory = directory;
        _modeFile = modeFile;
        Process = process;
    }

    public AppServerKind Kind { get; }

    public string Directory { get; }

    public AppServerProcess Process { get; }

    /// <summary>How nginx names it in <c>$upstream_addr</c> and the error log.</summary>
    public string Address => Process.Address;

    public static bool IsInstalled(AppServerKind kind) => kind switch
    {
        AppServerKind.PhpFpm => File.Exists(PhpFpmBinary),
        AppServerKind.Uwsgi => File.Exists(UwsgiBinary) && File.Exists(UwsgiPythonPlugin),
        AppServerKind.Gunicorn => File.Exists(GunicornBinary),
        _ => File.Exists(NodeBinary),
    };

    /// <summary>Starts a <paramref name="kind"/> server in <paramref name="directory"/> and waits until it accepts connections.</summary>
    public static async Task<RealAppServer> StartAsync(AppServerKind kind, string directory, AppServerOptions options, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        var modeFile = Path.Combine(directory, "mode");
        var socketPath = options.Tcp ? null : Path.Combine(directory, "app.sock");
        var port = options.Tcp ? HeldPort.Shareable() : null;
        var listen = socketPath ?? port!.Address;
        var log = Path.Combine(directory, "server.log");
        try
        {
            var start = kind switch
            {
                AppServerKind.PhpFpm => await PhpFpmAsync(directory, listen, modeFile, log, options, cancellationToken),
                AppServerKind.Uwsgi => await UwsgiAsync(directory, listen, modeFile, log, options, cancellationToken),
                AppServerKind.Gunicorn => await GunicornAsync(directory, socketPath is null ? listen : $"unix:{socketPath}", modeFile, log, options, cancellationToken),
                _ => await NodeAsync(directory, socketPath ?? port!.Port.ToString(CultureInfo.InvariantCulture), modeFile, options, cancellationToken),
            };
            var process = await AppServerProcess.StartAsync(kind.ToString(), start, socketPath, port, log, cancellationToken);
            return new RealAppServer(kind, directory, modeFile, process);
        }
        catch
        {
            port?.Dispose();
            throw;
        }
    }

    /// <summary>The directives of a location that sends its requests to this server.</summary>
    public string PassDirectives() => Kind switch
    {
        AppServerKind.PhpFpm => $"""
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME {Directory}/index.php;
            fastcgi_pass {Process.PassTarget};
            """,
        AppServerKind.Uwsgi => $"""
            include /etc/nginx/uwsgi_params;
            uwsgi_pass {Process.PassTarget};
            """,
        _ => Process.SocketPath is { } path ? $"proxy_pass http://unix:{path}:;" : $"proxy_pass http://{Process.PassTarget};",
    };

    /// <summary>The name of the read-timeout directive for this server's <c>*_pass</c>.</summary>
    public string ReadTimeoutDirective => Kind switch
    {
        AppServerKind.PhpFpm => "fastcgi_read_timeout",
        AppServerKind.Uwsgi => "uwsgi_read_timeout",
        _ => "proxy_read_timeout",
    };

    /// <summary>Sets what every request does from now on (see the class remarks); empty for normal service.</summary>
    public Task SetModeAsync(string mode) => File.WriteAllTextAsync(_modeFile, mode + "\n");

    /// <summary>Starts the server again after a kill or stop; a stale unix socket file is removed first, as an init script would.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        if (Process.SocketPath is { } path && File.Exists(path))
        {
            File.Delete(path);
        }

        await Process.StartAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static async Task<ProcessStartInfo> PhpFpmAsync(
        string directory, string listen, string modeFile, string log, AppServerOptions options, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, "index.php"), $$"""
            <?php
            if (($_SERVER['APP_FAIL'] ?? '') === 'fatal') {
                render_report_template($_GET);
            }
            $mode = @file_get_contents('{{modeFile}}');
            if ($mode !== false && preg_match('/^sleep ([0-9.]+)/', $mode, $m)) {
                usleep((int)($m[1] * 1000000));
            }
            header('Content-Type: text/plain');
            echo "ok\n";

            """, cancellationToken);
        var user = Environment.IsPrivilegedProcess ? "user = root\ngroup = root\n" : string.Empty;
        var timeout = options.TimeoutSeconds > 0 ? $"request_terminate_timeout = {options.TimeoutSeconds}s\n" : string.Empty;
        var config = Path.Combine(directory, "php-fpm.conf");
        await File.WriteAllTextAsync(config, $"""
            [global]
            pid = {directory}/php-fpm.pid
            error_log = {log}
            daemonize = no

            [app]
            {user}listen = {listen}
            listen.backlog = {options.Backlog}
            pm = static
            pm.max_children = {options.Workers}
            {timeout}php_admin_value[display_errors] = off
            php_admin_flag[log_errors] = on
            catch_workers_output = yes

            """, cancellationToken);
        var start = Start(PhpFpmBinary, directory, "--nodaemonize", "--fpm-config", config);
        if (Environment.IsPrivilegedProcess)
        {
            start.ArgumentList.Add("--allow-to-run-as-root");
        }

        return start;
    }

    private static async Task<ProcessStartInfo> UwsgiAsync(
        string directory, string listen, string modeFile, string log, AppServerOptions options, CancellationToken cancellationToken)
    {
        var app = Path.Combine(directory, "wsgi_app.py");
        await File.WriteAllTextAsync(app, PythonApp, cancellationToken);
        var start = Start(UwsgiBinary, directory,
            "--plugin", UwsgiPythonPlugin, "--master", "--processes", Text(options.Workers), "--uwsgi-socket", listen,
            "--listen", Text(options.Backlog), "--wsgi-file", app, "--logto", log, "--die-on-term");
        if (options.TimeoutSeconds > 0)
        {
            start.ArgumentList.Add("--harakiri");
            start.ArgumentList.Add(Text(options.TimeoutSeconds));
        }

        start.Environment["APP_MODE_FILE"] = modeFile;
        return start;
    }

    private static async Task<ProcessStartInfo> GunicornAsync(
        string directory, string bind, string modeFile, string log, AppServerOptions options, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, "wsgi_app.py"), PythonApp, cancellationToken);
        var start = Start(GunicornBinary, directory,
            "--bind", bind, "--workers", Text(options.Workers), "--backlog", Text(options.Backlog),
            "--timeout", Text(options.TimeoutSeconds > 0 ? options.TimeoutSeconds : 120), "--graceful-timeout", "1",
            "--chdir", directory, "--log-file", log, "wsgi_app:application");
        start.Environment["APP_MODE_FILE"] = modeFile;
        return start;
    }

    private static async Task<ProcessStartInfo> NodeAsync(
        string directory, string listen, string modeFile, AppServerOptions options, CancellationToken cancellationToken)
    {
        var app = Path.Combine(directory, "server.js");
        await File.WriteAllTextAsync(app, NodeApp, cancellationToken);
        return Start(NodeBinary, directory, app, listen, modeFile, Text(options.Backlog));
    }

    private static ProcessStartInfo Start(string binary, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
