using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Nginx.Upstreams;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// Runs one drawn case against real nginx: starts its upstreams, writes its config, drives mostly normal traffic with
/// the failures on top, stops nginx, and writes <c>access.log</c>, <c>error.log</c>, <c>nginx.conf</c> (<c>nginx -T</c>)
/// and <c>case.json</c> with labels checked against what nginx wrote.
/// </summary>
internal sealed partial class CorpusCaseRunner : IAsyncDisposable
{
    private readonly CaseDraw _draw;
    private readonly TimeProvider _time;
    private readonly NginxLab _lab;
    private readonly int _port;
    private readonly Random _random;
    private readonly List<IAsyncDisposable> _resources = [];
    private readonly List<FailureSetup> _failures = [];
    private readonly List<string> _noise = [];
    private readonly StringBuilder _http = new();
    private readonly Dictionary<string, StringBuilder> _servers = [];
    private readonly List<(double At, Func<Task> Action)> _events = [];
    private SyslogNgReceiver? _syslog;
    private int _upstreams;

    private CorpusCaseRunner(CaseDraw draw, TimeProvider time)
    {
        _draw = draw;
        _time = time;
        _lab = NginxLab.Create();
        _port = _lab.ReservePort();
        _random = new Random(draw.TrafficSeed);
    }

    private string AccessLogPath => Path.Combine(_lab.Prefix, "access.log");

    /// <summary>Runs the case and writes it to <paramref name="caseDirectory"/>; throws <see cref="CaseCheckException"/> when nginx did not write what a label needs.</summary>
    public static async Task<CaseManifest> RunAsync(CaseDraw draw, string caseDirectory, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var runner = new CorpusCaseRunner(draw, time);
        return await runner.RunAsync(caseDirectory, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Upstreams first: their sockets and files live under the lab's prefix, which the lab deletes.
        foreach (var resource in _resources)
        {
            await resource.DisposeAsync();
        }

        if (_syslog is not null)
        {
            await _syslog.DisposeAsync();
        }

        await _lab.DisposeAsync();
    }

    private async Task<CaseManifest> RunAsync(string caseDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(_lab.Prefix, "www", "static"));
        await File.WriteAllTextAsync(Path.Combine(_lab.Prefix, "www", "static", "app.css"), "body{}\n", cancellationToken);

        using var client = new CorpusTrafficClient(_port);
        BuildSites(client);
        foreach (var failure in _draw.Failures)
        {
            await AddFailureAsync(failure, client, cancellationToken);
        }

        await AddNoiseAsync(client, cancellationToken);

        // nginx always writes its own files too: with syslog they are raw/, the lines exactly as nginx formatted them.
        _lab.ErrorLog = $"{_lab.ErrorLogPath} {_draw.ErrorLogLevel}";
        if (_draw.Logging == "syslog")
        {
            _syslog = await SyslogNgReceiver.StartAsync(Path.Combine(_lab.Prefix, "syslog"), _draw.Prefix, _draw.TimeZone, cancellationToken);
            _lab.AdditionalErrorLogs.Add($"syslog:server={_syslog.Server},tag={SyslogNgReceiver.ErrorTag} {_draw.ErrorLogLevel}");
        }

        await _lab.StartAsync(BuildHttpConfig(), _draw.TimeZone, cancellationToken);
        var config = await _lab.DumpConfigAsync(cancellationToken);

        var started = _time.GetUtcNow();
        await DriveAsync(cancellationToken);
        await _lab.StopAsync(cancellationToken);
        var ended = _time.GetUtcNow();

        var nginxAccess = File.Exists(AccessLogPath) ? await File.ReadAllLinesAsync(AccessLogPath, cancellationToken) : [];
        var nginxError = File.Exists(_lab.ErrorLogPath) ? await File.ReadAllLinesAsync(_lab.ErrorLogPath, cancellationToken) : [];
        Directory.CreateDirectory(caseDirectory);
        await File.WriteAllTextAsync(Path.Combine(caseDirectory, "nginx.conf"), config, cancellationToken);

        CaseLogs logs = _syslog is null
            ? await WriteFileLogsAsync(caseDirectory, nginxAccess, nginxError, cancellationToken)
            : await WriteSyslogLogsAsync(caseDirectory, nginxAccess, nginxError, cancellationToken);
        var labels = CaseLabeler.Label(_draw, _failures, started, logs.AccessLines, logs.ErrorLines);

        var manifest = new CaseManifest
        {
            Id = _draw.Id,
            Seed = _draw.Seed,
            Attempt = _draw.Attempt,
            FormatFamily = _draw.Format.Family,
            LogFormat = _draw.Format.AnalyzerArgument,
            TimeZone = _draw.TimeZone,
            ErrorLogLevel = _draw.ErrorLogLevel,
            Logging = _draw.Logging,
            Prefix = logs.Prefix,
            PrefixExample = logs.PrefixExample,
            Raw = logs.RawNote,
            DurationSeconds = _draw.DurationSeconds,
            StartedUtc = started,
            EndedUtc = ended,
            Hosts = _draw.Hosts,
            QuietHosts = [.. _draw.Hosts.Except(labels.Select(l => l.Host))],
            Incidents = labels,
            Noise = _noise,
            AccessLines = logs.AccessLines.Length,
            ErrorLines = logs.ErrorLines.Length,
        };
        await File.WriteAllTextAsync(
            Path.Combine(caseDirectory, "case.json"), JsonSerializer.Serialize(manifest, CaseManifest.JsonOptions), cancellationToken);
        return manifest;
    }

    /// <summary>The logs nginx wrote to files, with a drawn runtime prefix on every line (raw/ keeps nginx's lines).</summary>
    private async Task<CaseLogs> WriteFileLogsAsync(string caseDirectory, string[] accessLines, string[] errorLines, CancellationToken cancellationToken)
    {
        var prefix = LinePrefixes.Create(_draw.Prefix, _draw.TimeZone, _random);
        if (prefix.Kind == "none")
        {
            await File.WriteAllLinesAsync(Path.Combine(caseDirectory, "access.log"), accessLines, cancellationToken);
            await File.WriteAllLinesAsync(Path.Combine(caseDirectory, "error.log"), errorLines, cancellationToken);
            return new CaseLogs(accessLines, errorLines, prefix.Kind, prefix.Example, null);
        }

        // Both logs as people copy them from their runtime, and as nginx wrote them (raw/) for the scorecard's variants.
        var reader = new AccessLineReader(_draw.Format.Format);
        await File.WriteAllLinesAsync(Path.Combine(caseDirectory, "access.log"),
            accessLines.Select(l => prefix.Apply(l, reader.Read(l)?.Time, error: false)), cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(caseDirectory, "error.log"),
            errorLines.Select(l => prefix.Apply(l, ErrorLineTime(l), error: true)), cancellationToken);
        await WriteRawAsync(caseDirectory, accessLines, errorLines, cancellationToken);
        return new CaseLogs(accessLines, errorLines, prefix.Kind, prefix.Example, "nginx's own lines; the top-level logs add the prefix to each");
    }

    /// <summary>
    /// The logs as syslog-ng wrote what nginx sent it. raw/ holds nginx's own files (written alongside); the labels
    /// come from the delivered lines with syslog-ng's header removed, which must be nginx's lines, unchanged.
    /// </summary>
    private async Task<CaseLogs> WriteSyslogLogsAsync(string caseDirectory, string[] nginxAccess, string[] nginxError, CancellationToken cancellationToken)
    {
        var syslog = _syslog!;

        // nginx has stopped: every datagram it sent is in syslog-ng's socket buffer or files by now.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await syslog.StopAsync();
        var access = File.Exists(syslog.AccessLogPath) ? await File.ReadAllLinesAsync(syslog.AccessLogPath, cancellationToken) : [];
        var error = File.Exists(syslog.ErrorLogPath) ? await File.ReadAllLinesAsync(syslog.ErrorLogPath, cancellationToken) : [];
        var accessLines = Strip(access, "access");
        var errorLines = Strip(error, "error");

        await File.WriteAllLinesAsync(Path.Combine(caseDirectory, "access.log"), access, cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(caseDirectory, "error.log"), error, cancellationToken);
        await WriteRawAsync(caseDirectory, nginxAccess, nginxError, cancellationToken);
        var note = $"nginx's own files, written alongside syslog; syslog-ng delivered {Delivered(accessLines, nginxAccess)} access "
            + $"and {Delivered(errorLines, nginxError)} error lines, each exactly nginx's line once its header is removed (but for cuts)";
        var example = access.Length > 0 ? access[0][..(access[0].Length - accessLines[0].Length)] : string.Empty;
        return new CaseLogs(accessLines, errorLines, syslog.Template, example, note);

        // A message with newlines in it (php-fpm's stack traces, passed on in "FastCGI sent in stderr") is one
        // datagram that syslog-ng writes as several lines, the later ones without a header: as nginx wrote them.
        string[] Strip(string[] lines, string log)
        {
            var stripped = new string[lines.Length];
            for (var i = 0; i < lines.Length; i++)
            {
                stripped[i] = SyslogNgReceiver.StripHeader(syslog.Template, lines[i])
                    ?? (i > 0 ? lines[i] : throw new CaseCheckException($"syslog-ng's first {log} line has no {syslog.Template} header: {lines[i]}"));
            }

            return stripped;
        }
    }

    /// <summary>
    /// "all n" or "n of m", and how many were cut: nginx writes a client's raw bytes into its error lines (a TLS
    /// ClientHello sent to a plain port has NULs in it), and a syslog message ends at the first NUL. Throws when a
    /// delivered line is neither one nginx wrote nor such a cut one (the header was not removed exactly).
    /// </summary>
    private static string Delivered(string[] delivered, string[] written)
    {
        var remaining = written.GroupBy(l => l, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var cut = 0;
        foreach (var line in delivered)
        {
            if (remaining.GetValueOrDefault(line) > 0)
            {
                remaining[line]--;
                continue;
            }

            var whole = remaining.FirstOrDefault(r => r.Value > 0 && r.Key.StartsWith(line + "\0", StringComparison.Ordinal)).Key
                ?? throw new CaseCheckException($"A line from syslog-ng is not one nginx wrote to its file: {line}");
            remaining[whole]--;
            cut++;
        }

        var count = delivered.Length == written.Length ? $"all {written.Length}" : $"{delivered.Length} of {written.Length}";
        return cut == 0 ? count : $"{count} ({cut} cut at a NUL byte nginx copied from a client's request: syslog stops there)";
    }

    private static async Task WriteRawAsync(string caseDirectory, string[] accessLines, string[] errorLines, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(caseDirectory, "raw"));
        await File.WriteAllLinesAsync(Path.Combine(caseDirectory, "raw", "access.log"), accessLines, cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(caseDirectory, "raw", "error.log"), errorLines, cancellationToken);
    }

    /// <summary>nginx's lines as the analyzed files carry them, and how those files differ from them.</summary>
    private sealed record CaseLogs(string[] AccessLines, string[] ErrorLines, string Prefix, string PrefixExample, string? RawNote);

    private DateTimeOffset? ErrorLineTime(string line)
    {
        if (line.Length < 19 || !DateTime.TryParseExact(line[..19], "yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(_draw.TimeZone);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    // ---- sites and background traffic ----

    private void BuildSites(CorpusTrafficClient client)
    {
        foreach (var host in _draw.Hosts)
        {
            var server = Server(host);
            foreach (var location in _draw.Locations[host])
            {
                var app = StartServer(UpstreamBehaviors.App());
                server.AppendLine(Location(location, $"proxy_pass http://{app.Address};"));
                var rate = location == "/" ? 0.4 + (_random.NextDouble() * 0.8) : 0.2 + (_random.NextDouble() * 0.4);
                Poisson(rate, 1, _draw.DurationSeconds - 2, () => client.SendAsync(_random, host, RandomPath(location), RandomMethod()));
            }

            server.AppendLine($"    location /static/ {{\n        root {_lab.Prefix}/www;\n    }}");
            Poisson(0.05, 1, _draw.DurationSeconds - 2, () => client.SendAsync(_random, host, "/static/app.css"));
            Poisson(0.03, 1, _draw.DurationSeconds - 2, () => client.SendAsync(_random, host, $"/static/img/missing-{Next(1000)}.png"));
        }
    }

    private StringBuilder Server(string host)
    {
        if (!_servers.TryGetValue(host, out var server))
        {
            server = new StringBuilder();
            _servers[host] = server;
        }

        return server;
    }

    private string Location(string path, string directives)
    {
        var ingress = _draw.Format.UsesIngressVariables
            ? $"\n        set $proxy_upstream_name \"default-{path.Trim('/').Replace('/', '-')}{(path == "/" ? "web" : string.Empty)}-80\";"
            : string.Empty;
        var body = string.Join("\n", directives.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(d => "        " + d.Trim()));
        return $"    location {path} {{{ingress}\n{body}\n    }}";
    }

    private string BuildHttpConfig()
    {
        var config = new StringBuilder();
        if (_draw.Format.Directive is { } directive)
        {
            config.AppendLine(directive);
        }

        if (_draw.Format.UsesIngressVariables)
        {
            config.AppendLine(CorpusFormats.IngressVariables);
        }

        if (_draw.Format.Setup is { } setup)
        {
            config.AppendLine(setup);
        }

        // The clients' addresses arrive in X-Forwarded-For from the load balancer in front (127.0.0.1).
        config.AppendLine("set_real_ip_from 127.0.0.1;\nreal_ip_header X-Forwarded-For;");
        config.Append(_http);
        var syslog = _syslog is null
            ? string.Empty
            : $"    access_log syslog:server={_syslog.Server},tag={SyslogNgReceiver.AccessTag},severity=info {_draw.Format.Name};\n";
        foreach (var (host, locations) in _servers)
        {
            var ingress = _draw.Format.UsesIngressVariables
                ? "    set $proxy_upstream_name \"-\";\n    set $proxy_alternative_upstream_name \"\";\n"
                : string.Empty;
            config.AppendLine($$"""
                server {
                    listen 127.0.0.1:{{_port}};
                    server_name {{host}};
                    access_log {{AccessLogPath}} {{_draw.Format.Name}};
                {{syslog}}{{ingress}}{{locations}}}
                """);
        }

        return config.ToString();
    }

    // ---- failures ----

    private async Task AddFailureAsync(FailureDraw draw, CorpusTrafficClient client, CancellationToken cancellationToken)
    {
        var kind = draw.Kind;
        var setup = new FailureSetup(draw);
        var server = Server(draw.Host);
        switch (kind.Name)
        {
            case "killed":
            {
                var app = StartServer(UpstreamBehaviors.App());
                setup.Upstream = app.Address;
                setup.OnStart = app.StopAsync;
                server.AppendLine(Location(draw.Path, $"proxy_pass http://{app.Address};"));
                break;
            }

            case "never-started" or "wrong-port":
            {
                setup.Upstream = HoldRefusingPort();
                server.AppendLine(Location(draw.Path, $"proxy_pass http://{setup.Upstream};"));
                break;
            }

            case "no-live-upstreams":
            {
                var group = $"{draw.Host.Split('.')[0]}_{draw.Path.Trim('/')}_pool";
                var first = StartServer(UpstreamBehaviors.App());
                var second = StartServer(UpstreamBehaviors.App());
                setup.Upstream = group;
                setup.Alternates.AddRange([first.Address, second.Address]);
                setup.OnStart = () => Task.WhenAll(first.StopAsync(), second.StopAsync());
                _http.AppendLine($"upstream {group} {{\n    server {first.Address} max_fails=1 fail_timeout=10s;\n    server {second.Address} max_fails=1 fail_timeout=10s;\n}}");
                server.AppendLine(Location(draw.Path, $"proxy_pass http://{group};"));
                break;
            }

            case "too-big-header":
            {
                var app = StartServer(UpstreamBehaviors.BigHeader(8 * 1024));
                setup.Upstream = app.Address;
                server.AppendLine(Location(draw.Path, $"proxy_pass http://{app.Address};\nproxy_buffer_size 1k;"));
                break;
            }

            case "slow" or "invalid-header" or "premature-close" or "reset" or "upstream-5xx":
            {
                var behavior = new SwitchableBehavior(UpstreamBehaviors.App());
                var app = StartServer(behavior.Behavior);
                setup.Upstream = app.Address;
                var failing = kind.Name switch
                {
                    "slow" => UpstreamBehaviors.Slow(TimeSpan.FromSeconds(3)),
                    "invalid-header" => UpstreamBehaviors.InvalidHeader(),
                    "premature-close" => UpstreamBehaviors.CloseWithoutResponse(),
                    "reset" => UpstreamBehaviors.Reset(),
                    _ => UpstreamBehaviors.Respond(draw.Status, draw.Status switch { 502 => "Bad Gateway", 503 => "Service Unavailable", _ => "Gateway Timeout" }),
                };
                setup.OnStart = () => { behavior.Switch(failing); return Task.CompletedTask; };
                setup.OnEnd = () => { behavior.Switch(UpstreamBehaviors.App()); return Task.CompletedTask; };
                var timeout = kind.Name == "slow" ? $"\nproxy_read_timeout {1 + Next(2)}s;" : string.Empty;
                server.AppendLine(Location(draw.Path, $"proxy_pass http://{app.Address};{timeout}"));
                break;
            }

            case "stalled":
            {
                var stalled = new StalledTcpServer();
                _resources.Add(new AsyncDisposableAdapter(stalled));
                setup.Upstream = stalled.Address;
                server.AppendLine(Location(draw.Path, $"proxy_pass http://{stalled.Address};\nproxy_connect_timeout 1s;\nproxy_read_timeout 1s;"));
                break;
            }

            case "tls-name" or "tls-untrusted" or "tls-plain":
            {
                var (address, directives) = await StartTlsAsync(draw, cancellationToken);
                setup.Upstream = address;
                server.AppendLine(Location(draw.Path, directives));
                break;
            }

            case "dns-nxdomain" or "dns-servfail" or "dns-refused" or "dns-timeout":
            {
                var dns = kind.Name switch
                {
                    "dns-nxdomain" => StubDnsServer.StartAnswering(3),
                    "dns-servfail" => StubDnsServer.StartAnswering(2),
                    "dns-refused" => StubDnsServer.StartAnswering(5),
                    _ => StubDnsServer.StartSilent(),
                };
                _resources.Add(dns);
                var name = $"{draw.Path.Trim('/')}.{Pick(["prod", "default", "payments", "backend"])}.svc.cluster.local";
                setup.Upstream = name;
                setup.Alternates.Add($"{name}:8080");
                var variable = $"${draw.Path.Trim('/').Replace('-', '_')}_backend";
                server.AppendLine(Location(draw.Path, $"""
                    resolver 127.0.0.1:{dns.Port} ipv6=off;
                    resolver_timeout {(kind.Name == "dns-timeout" ? "1s" : "5s")};
                    set {variable} {name};
                    proxy_pass http://{variable}:8080;
                    """));
                break;
            }

            case "unix-backlog":
            {
                var socketPath = Path.Combine(_lab.Prefix, $"app-{draw.Id}.sock");
                var app = new ThrottledUnixServer(socketPath, backlog: 1 + Next(2), serviceTime: TimeSpan.FromMilliseconds(150));
                _resources.Add(app);
                setup.Upstream = app.Address;
                server.AppendLine(Location(draw.Path, $"proxy_pass http://{app.Address}:;\nproxy_read_timeout 10s;"));
                break;
            }

            case "throttled":
            {
                // Serves N requests at a time and resets the rest (before or after reading them), only in its window.
                var behavior = new SwitchableBehavior(UpstreamBehaviors.App());
                var app = StartServer(behavior.Behavior);
                setup.Upstream = app.Address;
                var limit = 2 + Next(3);
                var resetUnread = Next(2) == 0;
                var throttled = UpstreamBehaviors.Throttled(limit, TimeSpan.FromMilliseconds(300 + Next(300)), resetUnread);
                setup.Detail = $"serves {limit} at a time, resets the rest {(resetUnread ? "unread" : "after reading the request")}";
                setup.OnStart = () => { behavior.Switch(throttled); return Task.CompletedTask; };
                setup.OnEnd = () => { behavior.Switch(UpstreamBehaviors.App()); return Task.CompletedTask; };
                server.AppendLine(Location(draw.Path, $"proxy_pass http://{app.Address};"));
                break;
            }

            case "no-route" or "net-unreachable":
            {
                await NetworkRoutes.EnsureAsync(cancellationToken);
                var address = kind.Name == "no-route" ? NetworkRoutes.NoRouteAddress : NetworkRoutes.NetworkUnreachableAddress;
                setup.Upstream = $"{address}:{Pick([80, 8080, 8000, 3000])}";
                server.AppendLine(Location(draw.Path, $"proxy_pass http://{setup.Upstream};"));
                break;
            }

            case var name when IsAppServerKind(name):
                await AddAppServerFailureAsync(setup, server, cancellationToken);
                break;

            case "limit-req" or "limit-conn":
            {
                var app = StartServer(UpstreamBehaviors.App(kind.Name == "limit-conn" ? TimeSpan.FromSeconds(1) : TimeSpan.Zero));
                setup.Upstream = "-";
                setup.Alternates.Add(app.Address);
                var zone = $"{(kind.Name == "limit-req" ? "rl" : "lc")}_{draw.Id}";
                _http.AppendLine(kind.Name == "limit-req"
                    ? $"limit_req_zone $server_name zone={zone}:1m rate=2r/s;"
                    : $"limit_conn_zone $server_name zone={zone}:1m;");
                var limit = kind.Name == "limit-req" ? $"limit_req zone={zone} burst=3 nodelay;" : $"limit_conn {zone} 2;";
                server.AppendLine(Location(draw.Path, $"{limit}\nproxy_pass http://{app.Address};"));
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(draw), kind.Name, "Unknown failure kind.");
        }

        _failures.Add(setup);
        ScheduleFailureTraffic(setup, client);
    }

    private async Task<(string Address, string Directives)> StartTlsAsync(FailureDraw draw, CancellationToken cancellationToken)
    {
        const string ExpectedName = "api.internal.example.test";
        if (draw.Kind.Name == "tls-plain")
        {
            var plain = StartServer(UpstreamBehaviors.PlainHttpRejectingAnything());
            return (plain.Address, $"proxy_pass https://{plain.Address};\nproxy_connect_timeout 2s;");
        }

        var certificate = SelfSignedCertificates.Create(draw.Kind.Name == "tls-name" ? "wrong-name.example.test" : ExpectedName, _time);
        var trusted = draw.Kind.Name == "tls-name" ? certificate : SelfSignedCertificates.Create("other-ca.example.test", _time);
        _resources.Add(new AsyncDisposableAdapter(certificate));
        _resources.Add(new AsyncDisposableAdapter(trusted));
        var trustedPath = Path.Combine(_lab.Prefix, $"{draw.Id}-trusted.pem");
        await File.WriteAllTextAsync(trustedPath, trusted.ExportCertificatePem(), cancellationToken);
        var server = StartServer(UpstreamBehaviors.Tls(certificate));
        return (server.Address, $"""
            proxy_pass https://{server.Address};
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate {trustedPath};
            proxy_ssl_name {ExpectedName};
            proxy_ssl_server_name on;
            """);
    }

    private void ScheduleFailureTraffic(FailureSetup setup, CorpusTrafficClient client)
    {
        var draw = setup.Draw;
        var kind = draw.Kind;
        Task Send() => client.SendAsync(_random, draw.Host, RandomPath(draw.Path), RandomMethod());

        if (kind.Timing == FailureTiming.ServedThenFails)
        {
            Poisson(0.5 + (_random.NextDouble() * 0.5), 1, draw.StartSecond - 0.5, Send);
        }

        var rate = 1.0 + (_random.NextDouble() * 0.6);
        for (var i = 0; i < draw.Windows.Count; i++)
        {
            var window = draw.Windows[i];
            if (setup.OnStart is { } onStart)
            {
                At(window.Start, onStart);
            }

            if (kind.Burst)
            {
                // Concurrent bursts: some get through, the rest are refused, reset or limited.
                var size = kind.Name switch
                {
                    "unix-backlog" => 15 + Next(11),
                    "php-fpm-max-children" or "uwsgi-backlog" or "gunicorn-backlog" => 12 + Next(9),
                    _ => 8 + Next(7),
                };
                for (var t = window.Start + 0.2; t < window.End; t += 2 + (_random.NextDouble() * 1.5))
                {
                    At(t, () => Task.WhenAll(Enumerable.Range(0, size).Select(_ => Send())));
                }
            }
            else
            {
                Poisson(rate, window.Start + 0.2, window.End, Send);
            }

            if (setup.OnEnd is { } onEnd)
            {
                At(window.End, onEnd);
            }

            // Between windows the upstream is back and serves (a second window starts minutes later).
            if (i + 1 < draw.Windows.Count)
            {
                Poisson(0.5, window.End + 3, draw.Windows[i + 1].Start - 0.5, Send);
            }
        }

        if (kind.Recovers)
        {
            Poisson(0.5, draw.EndSecond + 3, _draw.DurationSeconds - 2, Send);
        }
    }

    // ---- noise ----

    private async Task AddNoiseAsync(CorpusTrafficClient client, CancellationToken cancellationToken)
    {
        var noise = _draw.Noise;

        // A group with a dead server that nginx fails over from: error lines, but every client gets its answer.
        var healthy = StartServer(UpstreamBehaviors.App());
        var dead = HoldRefusingPort();
        var group = $"{noise.FailoverHost.Split('.')[0]}_{noise.FailoverPath.Trim('/')}_backends";
        _http.AppendLine($"upstream {group} {{\n    server {dead};\n    server {healthy.Address};\n}}");
        Server(noise.FailoverHost).AppendLine(Location(noise.FailoverPath, $"proxy_pass http://{group};"));
        Poisson(0.3, 1, _draw.DurationSeconds - 2, () => client.SendAsync(_random, noise.FailoverHost, RandomPath(noise.FailoverPath)));
        _noise.Add($"failover:{noise.FailoverHost}{noise.FailoverPath} dead {dead}");

        // A slow report that impatient clients abandon (499); a few wait for it.
        var slow = StartServer(UpstreamBehaviors.App(TimeSpan.FromSeconds(2.5)));
        Server(noise.AbortHost).AppendLine(Location(noise.AbortPath, $"proxy_pass http://{slow.Address};\nproxy_read_timeout 30s;"));
        Poisson(0.08, 2, _draw.DurationSeconds - 6, () => client.SendAsync(
            _random, noise.AbortHost, RandomPath(noise.AbortPath), giveUpAfter: TimeSpan.FromMilliseconds(300 + Next(700))));
        Poisson(0.02, 2, _draw.DurationSeconds - 6, () => client.SendAsync(_random, noise.AbortHost, RandomPath(noise.AbortPath)));
        _noise.Add($"499:{noise.AbortHost}{noise.AbortPath}");

        // A forgotten location with nothing behind it, hit rarely: fewer than 3 gateway errors in any minute.
        var stray = HoldRefusingPort();
        Server(noise.StrayHost).AppendLine(Location(noise.StrayPath, $"proxy_pass http://{stray};"));
        var strays = 0;
        for (var at = 5.0 + Next(20); strays < noise.StrayCount && at < _draw.DurationSeconds - 5; at += 70 + Next(20), strays++)
        {
            At(at, () => client.SendAsync(_random, noise.StrayHost, RandomPath(noise.StrayPath)));
        }

        _noise.Add($"stray-502:{noise.StrayHost}{noise.StrayPath} x{strays}");

        // A PHP page that dies with a fatal error: 500 and "FastCGI sent in stderr" at [error], not a gateway failure.
        if (noise.PhpFatalHost is { } fatalHost && RealAppServer.IsInstalled(AppServerKind.PhpFpm))
        {
            var php = await StartAppAsync(AppServerKind.PhpFpm, "php-fatal", new AppServerOptions(Workers: 2), cancellationToken);
            Server(fatalHost).AppendLine(Location(noise.PhpFatalPath, $"{php.PassDirectives()}\nfastcgi_param APP_FAIL fatal;"));
            Poisson(0.04 + (_random.NextDouble() * 0.06), 2, _draw.DurationSeconds - 3,
                () => client.SendAsync(_random, fatalHost, RandomPath(noise.PhpFatalPath)));
            _noise.Add($"php-fatal-500:{fatalHost}{noise.PhpFatalPath}");
        }

        // Scanners: well-known paths, odd methods, and request lines nginx rejects with 400.
        for (var i = 0; i < noise.Scanners; i++)
        {
            var at = 1 + (_random.NextDouble() * (_draw.DurationSeconds - 4));
            var host = _random.NextDouble() < 0.2 ? "127.0.0.1" : _draw.Hosts[Next(_draw.Hosts.Count)];
            switch (Next(4))
            {
                case 0:
                    At(at, () => client.SendRawAsync(Pick(GarbageRequests)));
                    break;
                case 1:
                    At(at, () => client.SendAsync(_random, host, Pick(ScannerPaths), Pick(["PROPFIND", "OPTIONS", "TRACE", "HEAD", "CONNECT"])));
                    break;
                default:
                    At(at, () => client.SendAsync(_random, host, Pick(ScannerPaths)));
                    break;
            }
        }

        _noise.Add($"scanners:{noise.Scanners}");
    }

    private static readonly string[] ScannerPaths =
    [
        "/wp-login.php", "/.env", "/.git/config", "/phpmyadmin/index.php", "/cgi-bin/luci", "/actuator/health",
        "/boaform/admin/formLogin", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/owa/auth/logon.aspx",
        "/.well-known/security.txt", "/robots.txt", "/favicon.ico", "/server-status", "/api/missing/v0",
    ];

    private static readonly byte[][] GarbageRequests =
    [
        [0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x5c, 0x10, 0x0d, 0x0a, 0x0d, 0x0a],
        "SSH-2.0-Go\r\n"u8.ToArray(),
        "GET / HTTP/1.1\r\n\r\n"u8.ToArray(),
        "GET /index.html HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"u8.ToArray(),
        "\r\n\r\nMGLNDD_127.0.0.1_443\r\n"u8.ToArray(),
        "GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(),
    ];

    // ---- scheduling ----

    private void At(double second, Func<Task> action) => _events.Add((second, action));

    /// <summary>Requests arriving at random (exponential gaps) at <paramref name="rate"/> per second between two moments.</summary>
    private void Poisson(double rate, double from, double to, Func<Task> action)
    {
        for (var t = from + (-Math.Log(1 - _random.NextDouble()) / rate); t < to; t += -Math.Log(1 - _random.NextDouble()) / rate)
        {
            At(t, action);
        }
    }

    private async Task DriveAsync(CancellationToken cancellationToken)
    {
        var running = new List<Task>();
        var clock = Stopwatch.StartNew();
        foreach (var (at, action) in _events.OrderBy(e => e.At))
        {
            var wait = TimeSpan.FromSeconds(at) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            running.Add(action());
        }

        var remaining = TimeSpan.FromSeconds(_draw.DurationSeconds) - clock.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, cancellationToken);
        }

        // Clients give up after 20 s; restarting an app server may take longer on a busy machine.
        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
    }

    // ---- helpers ----

    private LoopbackTcpServer StartServer(Func<System.Net.Sockets.Socket, CancellationToken, Task> behavior)
    {
        var server = LoopbackTcpServer.Start(behavior);
        _resources.Add(server);
        _upstreams++;
        return server;
    }

    private string HoldRefusingPort()
    {
        var port = HeldPort.Refusing();
        _resources.Add(new AsyncDisposableAdapter(port));
        return port.Address;
    }

    private int Next(int max)
    {
        lock (_random)
        {
            return _random.Next(max);
        }
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    private string RandomMethod() => Next(10) == 0 ? "POST" : "GET";

    private string RandomPath(string location)
    {
        lock (_random)
        {
            var path = location + _random.Next(5) switch
            {
                0 => string.Empty,
                1 => $"{_random.Next(1, 99999)}",
                2 => $"items/{_random.Next(1, 500)}",
                3 => $"v2/list?page={_random.Next(1, 20)}&sort=desc",
                _ => $"{_random.Next(1, 9999)}/detail?ref=home",
            };
            return path;
        }
    }

    private sealed class AsyncDisposableAdapter(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>A failure as set up: its draw, the upstream nginx names, and what happens at each window's edges.</summary>
internal sealed class FailureSetup(FailureDraw draw)
{
    public FailureDraw Draw { get; } = draw;

    public string Upstream { get; set; } = "-";

    public List<string> Alternates { get; } = [];

    /// <summary>How it was provoked, for people reading case.json (server, transport, settings).</summary>
    public string? Detail { get; set; }

    public Func<Task>? OnStart { get; set; }

    public Func<Task>? OnEnd { get; set; }
}

/// <summary>Thrown when nginx did not write what a label needs: the case is drawn again.</summary>
internal sealed class CaseCheckException(string message) : Exception(message);
