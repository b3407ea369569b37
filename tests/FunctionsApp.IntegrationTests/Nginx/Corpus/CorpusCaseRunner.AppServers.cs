using System.Text;
using FunctionsApp.IntegrationTests.Nginx.Upstreams;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// The failures of real application servers: Debian's php-fpm (FastCGI), uWSGI (uwsgi protocol) and gunicorn, and a
/// small Node server, each started under the case prefix as the user running the corpus, on a unix socket there or
/// on a held 127.0.0.1 port, and made to fail the way they fail in production.
/// </summary>
internal sealed partial class CorpusCaseRunner
{
    private static bool IsAppServerKind(string name) =>
        name.StartsWith("php-fpm-", StringComparison.Ordinal) || name.StartsWith("uwsgi-", StringComparison.Ordinal)
        || name.StartsWith("gunicorn-", StringComparison.Ordinal) || name.StartsWith("node-", StringComparison.Ordinal)
        || name == "killed-twice";

    private async Task AddAppServerFailureAsync(FailureSetup setup, StringBuilder server, CancellationToken cancellationToken)
    {
        var draw = setup.Draw;
        RealAppServer app;
        string extra = string.Empty;
        switch (draw.Kind.Name)
        {
            case "php-fpm-stopped":
            {
                // The pool stops (php-fpm removes its unix socket: "No such file or directory"), or is killed (the
                // socket file stays: refused); on TCP both are refused. It is started again at the window's end.
                var tcp = Next(3) == 0;
                var graceful = Next(2) == 0;
                app = await StartAppAsync(AppServerKind.PhpFpm, draw.Id, new AppServerOptions(Tcp: tcp, Workers: 3), cancellationToken);
                setup.Detail = $"php-fpm on {Transport(app)}, {(graceful ? "stopped (SIGQUIT)" : "killed (SIGKILL)")}, started again after";
                setup.OnStart = graceful ? () => app.Process.StopAsync("QUIT") : app.Process.KillAsync;
                setup.OnEnd = () => app.RestartAsync(cancellationToken);
                break;
            }

            case "php-fpm-max-children":
            {
                // pm.max_children busy with slow requests and a tiny listen.backlog: Linux refuses further connects
                // to the full unix-socket queue with EAGAIN while the queued requests are served.
                var options = new AppServerOptions(Workers: 1 + Next(2), Backlog: 1 + Next(2));
                app = await StartAppAsync(AppServerKind.PhpFpm, draw.Id, options, cancellationToken);
                setup.Detail = $"php-fpm on {Transport(app)}, pm.max_children {options.Workers}, listen.backlog {options.Backlog}, slow requests in bursts";
                SlowDuringWindow(setup, app, 0.4 + (Next(4) / 10.0));
                break;
            }

            case "php-fpm-terminate":
            {
                var options = new AppServerOptions(Tcp: Next(3) == 0, Workers: 6, TimeoutSeconds: 2 + Next(2));
                app = await StartAppAsync(AppServerKind.PhpFpm, draw.Id, options, cancellationToken);
                setup.Detail = $"php-fpm on {Transport(app)}, request_terminate_timeout {options.TimeoutSeconds}s kills stuck scripts";
                SlowDuringWindow(setup, app, 30);
                extra = "fastcgi_read_timeout 60s;";
                break;
            }

            case "uwsgi-harakiri":
            {
                var options = new AppServerOptions(Workers: 5, TimeoutSeconds: 2 + Next(2));
                app = await StartAppAsync(AppServerKind.Uwsgi, draw.Id, options, cancellationToken);
                setup.Detail = $"uWSGI on {Transport(app)}, --harakiri {options.TimeoutSeconds} kills stuck workers";
                SlowDuringWindow(setup, app, 30);
                extra = "uwsgi_read_timeout 60s;";
                break;
            }

            case "uwsgi-backlog":
            {
                var options = new AppServerOptions(Workers: 1, Backlog: 1 + Next(2));
                app = await StartAppAsync(AppServerKind.Uwsgi, draw.Id, options, cancellationToken);
                setup.Detail = $"uWSGI on {Transport(app)}, 1 process, --listen {options.Backlog}, slow requests in bursts";
                SlowDuringWindow(setup, app, 0.4 + (Next(4) / 10.0));
                break;
            }

            case "uwsgi-killed":
            {
                app = await StartAppAsync(AppServerKind.Uwsgi, draw.Id, new AppServerOptions(Workers: 2), cancellationToken);
                setup.Detail = $"uWSGI on {Transport(app)}, killed (SIGKILL), not started again";
                setup.OnStart = app.Process.KillAsync;
                break;
            }

            case "gunicorn-timeout":
            {
                // Sync workers: a request stuck in the app is killed with its worker after --timeout.
                var options = new AppServerOptions(Workers: 4, TimeoutSeconds: 2 + Next(2));
                app = await StartAppAsync(AppServerKind.Gunicorn, draw.Id, options, cancellationToken);
                setup.Detail = $"gunicorn on {Transport(app)}, --timeout {options.TimeoutSeconds} kills stuck sync workers";
                SlowDuringWindow(setup, app, 60);
                extra = "proxy_read_timeout 60s;";
                break;
            }

            case "gunicorn-killed":
            {
                app = await StartAppAsync(AppServerKind.Gunicorn, draw.Id, new AppServerOptions(Workers: 2), cancellationToken);
                setup.Detail = $"gunicorn on {Transport(app)}, killed (SIGKILL), started again after";
                setup.OnStart = app.Process.KillAsync;
                setup.OnEnd = () => app.RestartAsync(cancellationToken);
                break;
            }

            case "gunicorn-backlog":
            {
                var options = new AppServerOptions(Workers: 1, Backlog: 1 + Next(2));
                app = await StartAppAsync(AppServerKind.Gunicorn, draw.Id, options, cancellationToken);
                setup.Detail = $"gunicorn on {Transport(app)}, 1 sync worker, --backlog {options.Backlog}, slow requests in bursts";
                SlowDuringWindow(setup, app, 0.4 + (Next(4) / 10.0));
                break;
            }

            case "node-killed":
            {
                app = await StartAppAsync(AppServerKind.Node, draw.Id, new AppServerOptions(Tcp: Next(4) != 0), cancellationToken);
                setup.Detail = $"node on {Transport(app)}, killed (SIGKILL) mid-traffic, started again after";
                setup.OnStart = app.Process.KillAsync;
                setup.OnEnd = () => app.RestartAsync(cancellationToken);
                break;
            }

            case "node-slow":
            {
                app = await StartAppAsync(AppServerKind.Node, draw.Id, new AppServerOptions(Tcp: Next(4) != 0), cancellationToken);
                var timeout = 1 + Next(2);
                setup.Detail = $"node on {Transport(app)}, answers after 5 s, proxy_read_timeout {timeout}s";
                SlowDuringWindow(setup, app, 5);
                extra = $"proxy_read_timeout {timeout}s;";
                break;
            }

            case "node-destroy":
            {
                app = await StartAppAsync(AppServerKind.Node, draw.Id, new AppServerOptions(Tcp: Next(4) != 0), cancellationToken);
                setup.Detail = $"node on {Transport(app)}, destroys each request's socket without an answer";
                setup.OnStart = () => app.SetModeAsync("destroy");
                setup.OnEnd = () => app.SetModeAsync(string.Empty);
                break;
            }

            case "killed-twice":
            {
                // Killed, started again, and killed again minutes later: two incidents on one upstream and host.
                var kind = Next(2) == 0 ? AppServerKind.Node : AppServerKind.Gunicorn;
                app = await StartAppAsync(kind, draw.Id, new AppServerOptions(Tcp: kind == AppServerKind.Node && Next(3) != 0), cancellationToken);
                setup.Detail = $"{kind} on {Transport(app)}, killed (SIGKILL) in each window, started again after each";
                setup.OnStart = app.Process.KillAsync;
                setup.OnEnd = () => app.RestartAsync(cancellationToken);
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(setup), draw.Kind.Name, "Not an application-server kind.");
        }

        setup.Upstream = app.Address;
        server.AppendLine(Location(draw.Path, $"{app.PassDirectives()}\n{extra}"));
    }

    /// <summary>Starts a server for this case in its own directory under the prefix (unix sockets stay short).</summary>
    private async Task<RealAppServer> StartAppAsync(AppServerKind kind, string name, AppServerOptions options, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(_lab.Prefix, $"{kind.ToString().ToLowerInvariant()}-{name}");
        var app = await RealAppServer.StartAsync(kind, directory, options, cancellationToken);
        _resources.Add(app);
        return app;
    }

    /// <summary>Requests take <paramref name="seconds"/> during each window (stuck past a timeout, or just slow), and none after.</summary>
    private static void SlowDuringWindow(FailureSetup setup, RealAppServer app, double seconds)
    {
        setup.OnStart = () => app.SetModeAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"sleep {seconds}"));
        setup.OnEnd = () => app.SetModeAsync(string.Empty);
    }

    private static string Transport(RealAppServer app) => app.Process.SocketPath is null ? "TCP" : "a unix socket";
}
