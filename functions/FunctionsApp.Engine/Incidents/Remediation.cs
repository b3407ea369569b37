using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>What to do about each cause: the nginx directive to change or the check to make, most useful first.</summary>
internal static class Remediation
{
    /// <summary>A curl command that asks an upstream address (host:port, or nginx's <c>unix:/path</c>) for a page.</summary>
    private static string CurlTo(string upstream) =>
        upstream.StartsWith("unix:", StringComparison.Ordinal) ? $"curl -v --unix-socket {upstream["unix:".Length..]} http://localhost/" : $"curl -v http://{upstream}/";

    private static string Ipv4OnlyListenerStep(string upstream) =>
        $"`localhost` names both [::1] and 127.0.0.1, and nginx tries the other address after a connect there fails: if the application listens on IPv4 only (`ss -ltnp` shows `{UpstreamAddress.OtherLoopback(upstream)}` and no `[::1]`), the IPv4 try answered and only this address is wrong. Point `proxy_pass` at `127.0.0.1`, or have the application listen on both.";

    /// <summary>Refusals on localhost's [::1] that nginx went past to 127.0.0.1 without a failure there.</summary>
    public static IReadOnlyList<string> ForIpv4OnlyListener(string upstream) =>
    [
        Ipv4OnlyListenerStep(upstream),
        $"If nothing listens on {UpstreamAddress.OtherLoopback(upstream)} either, the application is down and the paste lacks the IPv4 try's own `connect() failed` line: start it and read its logs from just before the first failure.",
    ];

    /// <summary>Where the server behind a unix socket is told its path: PHP-FPM behind <c>fastcgi_pass</c>, uWSGI behind
    /// <c>uwsgi_pass</c>; behind <c>proxy_pass</c> any application server (gunicorn, Puma, Passenger, a Node app).</summary>
    private static string SocketSetting(string module) => module switch
    {
        "fastcgi" => "PHP-FPM's `listen =` in its pool file",
        "uwsgi" => "uWSGI's `socket =`",
        _ => "the application server's own bind setting",
    };

    /// <summary>Where the server behind a unix socket sets who may use it.</summary>
    private static string SocketOwnerSetting(string module, string upstream) => module switch
    {
        "fastcgi" when UpstreamAddress.IsFcgiwrap(upstream) => "fcgiwrap's socket unit's `SocketUser`, `SocketGroup` and `SocketMode` (systemd's `fcgiwrap.socket`), or spawn-fcgi's `-U`, `-G` and `-M`",
        "fastcgi" when UpstreamAddress.IsPhpFpm(upstream) => "PHP-FPM's `listen.owner`, `listen.group` and `listen.mode`",
        "fastcgi" => "the FastCGI server's own socket settings (PHP-FPM's `listen.owner`, `listen.group` and `listen.mode`)",
        "uwsgi" => "uWSGI's `chmod-socket` and `chown-socket`",
        _ => "the application server's own socket mode setting, or the group of the directory it creates it in",
    };

    /// <summary>How to see what listens, on the system nginx's errno numbers say it runs on; for a unix socket, whether
    /// the file is there and which process holds it (<c>ss -ltnp</c> lists TCP only).</summary>
    private static string ListenerCheck(NginxHost host, string upstream)
    {
        if (upstream.StartsWith("unix:", StringComparison.Ordinal))
        {
            var path = upstream[5..];
            return host == NginxHost.Bsd
                ? $"`ls -l {path}` for the socket and who may open it, `sockstat -u | grep {Path.GetFileName(path)}` (FreeBSD; `fstat` on OpenBSD and NetBSD, `lsof -U` on macOS) for the process listening on it"
                : $"`ls -l {path}` for the socket and who may open it, `ss -lxp | grep {Path.GetFileName(path)}` for the process listening on it, `systemctl status <its service>`";
        }

        return host switch
        {
            NginxHost.Windows => "`netstat -ano | findstr LISTENING` and the process it names, or the Services console",
            NginxHost.Bsd => "`sockstat -4l` on FreeBSD, `lsof -nP -iTCP -sTCP:LISTEN` on macOS, `brew services list` for Homebrew's",
            _ => "`systemctl status <its service>`, `ss -ltnp`, `docker ps`",
        };
    }

    /// <summary>The command that lists what listens where <paramref name="upstream"/> is: unix sockets and TCP ports
    /// have their own, and so have the systems nginx's errno numbers tell.</summary>
    internal static string ListenCommand(NginxHost host, string upstream) => (upstream.StartsWith("unix:", StringComparison.Ordinal), host) switch
    {
        (true, NginxHost.Bsd) => "`sockstat -u`, `fstat` on OpenBSD and NetBSD",
        (true, _) => $"`ls -l {upstream[5..]}`, `ss -lxp`",
        (false, NginxHost.Windows) => "`netstat -ano | findstr LISTENING`",
        (false, NginxHost.Bsd) => "`sockstat -4l`, `lsof -nP -iTCP -sTCP:LISTEN` on macOS",
        _ => "`ss -ltnp`",
    };

    /// <summary>The directive that names the upstream in the module nginx passed with.</summary>
    private static string PassOf(string module) => module is "fastcgi" or "uwsgi" or "scgi" or "grpc" or "memcached" ? $"`{module}_pass`" : "`proxy_pass`/the `upstream` block";

    /// <summary>The timeout to raise for legitimately long work, in the module's own words: <c>proxy_read_timeout</c>
    /// does nothing under <c>fastcgi_pass</c>.</summary>
    private const string LongWorkStep =
        "If the work is legitimately long, raise `proxy_read_timeout` (default 60s; `fastcgi_read_timeout`, `uwsgi_read_timeout`, `grpc_read_timeout` when the evidence's `upstream:` is `fastcgi://`, `uwsgi://`, `grpc://`); for timeouts while connecting or sending, `proxy_connect_timeout` and `proxy_send_timeout` (or their module's).";

    /// <summary>The buffer for an upstream's response headers, in the module's own words.</summary>
    private const string HeaderBufferStep =
        "Raise `proxy_buffer_size` (e.g. `16k`) and `proxy_buffers` (e.g. `8 16k`), or `fastcgi_buffer_size`/`fastcgi_buffers` for FastCGI (`grpc_buffer_size`, `uwsgi_buffer_size`, `scgi_buffer_size` for those): the upstream's response headers do not fit.";

    private static string HeaderBufferStepIn(string module) => module switch
    {
        "fastcgi" or "uwsgi" or "scgi" =>
            $"Raise `{module}_buffer_size` (e.g. `16k`) and `{module}_buffers` (e.g. `8 16k`): the upstream's response headers do not fit, and `proxy_buffer_size` does nothing under `{module}_pass`.",
        "grpc" => "Raise `grpc_buffer_size` (e.g. `16k`): the upstream's response headers do not fit, and `proxy_buffer_size` does nothing under `grpc_pass`.",
        _ => HeaderBufferStep,
    };

    private static string LongWorkStepIn(string module, string upstream) => module switch
    {
        "fastcgi" or "uwsgi" =>
            $"If the work is legitimately long, raise `{module}_read_timeout` (default 60s; `{module}_connect_timeout`, `{module}_send_timeout` for the other phases) together with {IncidentClassifier.AppServerLimit(module, upstream)}, which ends the request on its own clock.",
        "grpc" or "scgi" =>
            $"If the work is legitimately long (a long poll, a stream), raise `{module}_read_timeout` (default 60s; `{module}_connect_timeout`, `{module}_send_timeout` for the other phases): `proxy_read_timeout` does nothing under `{module}_pass`.",
        _ => LongWorkStep,
    };

    /// <summary>APISIX's route with no node: its discovery and its upstream's nodes, not a server, are in question.</summary>
    private static readonly string[] GatewayNoNodeSteps =
    [
        "Check what APISIX's service discovery returns for the route's service: the instances registered in the registry (Kubernetes Endpoints, Consul, Nacos, Eureka) and their health; a service with none registered (a deploy that scaled to zero, a renamed service or namespace) leaves the route no node.",
        "Read the route's upstream (`curl http://127.0.0.1:9180/apisix/admin/upstreams -H 'X-API-KEY: <admin key>'`): its `nodes`, `service_name` and `discovery_type`; nodes by name are dropped when the name does not resolve (APISIX's error log then says `failed to parse domain` first).",
        "Give the route a fallback while discovery is empty (a static node, or a `service` whose upstream has one), so that clients get an answer rather than the gateway's 503.",
    ];

    /// <summary>The step for an upstream of one server: another, or a backup, so that one failure is no outage.</summary>
    internal const string MoreThanOneServerStep =
        "Give the `upstream` block more than one server (or a `backup` server) with `max_fails`/`fail_timeout`, so one failure does not take the site down.";

    /// <summary>In place of <see cref="MoreThanOneServerStep"/> for a service on nginx's own host or in its container (a
    /// unix socket, a loopback address): no second server, but one kept running and started before nginx needs it.</summary>
    internal const string LocalServiceStep =
        "Keep the service beside nginx running and ready before nginx sends to it: a supervisor that restarts it (systemd's `Restart=on-failure`, Docker's `restart: unless-stopped`), and where both start together (a boot, `docker compose up`) nginx after it is ready (`depends_on` with `condition: service_healthy`), so the first requests do not meet a port or socket nothing listens on yet.";

    /// <summary>In place of <see cref="MoreThanOneServerStep"/> where several servers of the group failed together: it
    /// has more than one, and what they share failed.</summary>
    internal const string ServersFailedTogetherStep =
        "The group's servers failed together, so more of them is no cure: look for what they share (one host or container behind a name's IPv4 and IPv6 addresses, a database or network they depend on, a deploy or restart of all at once), and add a `backup` server that does not share it.";

    /// <summary>The steps for a verdict, with what the evidence adds (an application server's timeout, a group name).</summary>
    public static IReadOnlyList<string> For(IncidentCause cause, IncidentEvidence evidence)
    {
        if (cause == IncidentCause.Unknown && evidence.Kinds.Count == 0 && IncidentClassifier.NginxPageAlone(evidence))
        {
            return NginxPageAloneSteps(evidence.UpstreamLabel);
        }

        if (cause == IncidentCause.InvalidResponse && evidence.InvalidChunked)
        {
            IReadOnlyList<string> rest = evidence.AfterStatusSent ? CutShortSteps(evidence.UpstreamLabel, evidence.Module) : For(cause, evidence.UpstreamLabel, [.. evidence.Kinds.Keys]);
            return InModule([InvalidChunkedStep(evidence.UpstreamLabel), .. rest], evidence.Module, evidence.UpstreamLabel);
        }

        if (cause is IncidentCause.InvalidResponse or IncidentCause.Timeout && evidence.InSliceSubrequests)
        {
            return InModule([SliceStep(evidence.UpstreamLabel), .. CutShortSteps(evidence.UpstreamLabel, evidence.Module)], evidence.Module, evidence.UpstreamLabel);
        }

        if (cause is IncidentCause.InvalidResponse or IncidentCause.Timeout or IncidentCause.Unknown && evidence.AfterStatusSent)
        {
            return InModule(CutShortSteps(evidence.UpstreamLabel, evidence.Module), evidence.Module, evidence.UpstreamLabel);
        }

        if (evidence.GatewayFoundNoNode)
        {
            return GatewayNoNodeSteps;
        }

        if (cause == IncidentCause.Timeout && evidence.Module == "stream" && evidence.Kinds.ContainsKey(FailureKind.TimedOut))
        {
            return UdpUnansweredSteps(evidence.UpstreamLabel);
        }

        if (cause == IncidentCause.InvalidResponse && evidence.WhileSendingRequest)
        {
            return InModule([RequestRefusedStep(evidence.UpstreamLabel), .. For(cause, evidence.UpstreamLabel, [.. evidence.Kinds.Keys])], evidence.Module, evidence.UpstreamLabel);
        }

        var steps = For(cause, evidence.UpstreamLabel, [.. evidence.Kinds.Keys], AppServerLimit(evidence), evidence.UpstreamIsGroup,
            upstreamLogged: evidence.Upstream is not ("(unknown)" or "-"), disabledForAnswers: evidence.ServersDisabledForAnswers,
            backendWithoutEndpoints: evidence.BackendWithoutEndpoints, tlsRefusal: evidence.TlsRefusal, networkUnreachable: evidence.NetworkUnreachable,
            nginxHost: evidence.NginxHost, module: evidence.Module);
        // nginx-proxy's default server answered, and nothing upstream failed: an upstream's address is no step then.
        steps = cause != IncidentCause.Misconfiguration || evidence.UnroutedHost == 0 ? steps
            : evidence.Kinds.Count == 0 ? UnroutedHostSteps
            : [.. UnroutedHostSteps, .. steps];
        if (cause == IncidentCause.Misconfiguration && evidence.Kinds.ContainsKey(FailureKind.Refused) && IncidentClassifier.LoopbackOfAContainer(evidence))
        {
            steps = [LoopbackOfAContainerStep(evidence.UpstreamLabel), .. steps];
        }

        if (cause == IncidentCause.Timeout && evidence.HeldOpenPath is { } held && !evidence.AfterStatusSent)
        {
            steps = [HeldOpenStep(held), .. steps];
        }

        if (cause == IncidentCause.RateLimited && evidence.LimitedPrivateClient is { } proxy)
        {
            steps = [PrivateClientLimitedStep(proxy), .. steps];
        }

        if (cause == IncidentCause.Dns && IsBareName(evidence.Upstream) && !evidence.Kinds.ContainsKey(FailureKind.UnresolvedAtStart))
        {
            steps = [BareNameStep(evidence.Upstream), .. steps];
        }

        steps = InModule(steps, evidence.Module, evidence.UpstreamLabel);
        return evidence.MissingErrorPages > 0 ? [.. steps, MissingErrorPageStep] : steps;
    }

    /// <summary>
    /// The steps in the directives of the module that passed the requests (the scheme of the error lines' <c>upstream:</c>):
    /// <c>proxy_next_upstream</c> does nothing under <c>fastcgi_pass</c>, whose own is <c>fastcgi_next_upstream</c>.
    /// gRPC and memcached have no cache, so no stale content to serve, nor has the stream module; FastCGI keeps
    /// connections only with <c>fastcgi_keep_conn on</c>, and uwsgi and SCGI never do.
    /// </summary>
    private static IReadOnlyList<string> InModule(IReadOnlyList<string> steps, string module, string upstream)
    {
        if (module == "proxy")
        {
            return steps;
        }

        // The stream module's directives are proxy_* too, but it has no cache, no HTTP statuses to intercept and no page
        // to answer with: a session it cannot proxy is closed.
        if (module == "stream")
        {
            return [.. steps.Where(step => !step.Contains("_cache_use_stale", StringComparison.Ordinal) && !step.Contains("_intercept_errors", StringComparison.Ordinal)
                && !step.Contains("`error_page ", StringComparison.Ordinal))];
        }

        var cacheless = module is "grpc" or "memcached";

        // uwsgi_pass and scgi_pass open a connection per request: the upstream block's keepalive does nothing for them.
        var connectionless = module is "uwsgi" or "scgi";

        // FastCGI, uwsgi and SCGI buffer responses to temporary files in their own words; gRPC and memcached do not.
        var buffering = module is "fastcgi" or "uwsgi" or "scgi" ? module : "proxy";
        (string From, string To)[] words =
        [
            ("`proxy_next_upstream", $"`{module}_next_upstream"),
            ("`proxy_cache_use_stale", $"`{module}_cache_use_stale"),
            ("`proxy_cache`", $"`{module}_cache`"),
            ("`proxy_intercept_errors", $"`{module}_intercept_errors"),
            ("`proxy_socket_keepalive`", $"`{module}_socket_keepalive`"),
            ("`proxy_temp_path` (`fastcgi_temp_path`, `uwsgi_temp_path` for those modules)", $"`{buffering}_temp_path`"),
            ("`proxy_temp_path`", $"`{buffering}_temp_path`"),
            ("`/var/lib/nginx/proxy`", $"`/var/lib/nginx/{buffering}`"),
            ("`/var/cache/nginx/proxy_temp`", $"`/var/cache/nginx/{buffering}_temp`"),
            ("`proxy_max_temp_file_size", $"`{buffering}_max_temp_file_size"),
            ("`proxy_read_timeout` (60s by default)", $"`{module}_read_timeout` (60s by default)"),
            ("`proxy_buffering off` (`fastcgi_buffering off`)", $"`{buffering}_buffering off`"),
            ("`proxy_buffering off`", $"`{buffering}_buffering off`"),
            ("With upstream keepalive,", module == "fastcgi" ? "With upstream keepalive (`keepalive` in the block and `fastcgi_keep_conn on`)," : "With upstream keepalive,"),
        ];
        return [.. steps
            .Where(step => !cacheless || !step.Contains("_cache_use_stale", StringComparison.Ordinal))
            .Where(step => !connectionless || !(step.StartsWith("With upstream keepalive", StringComparison.Ordinal) || step.StartsWith("Reuse connections: `keepalive", StringComparison.Ordinal)))
            .Select(step => step == LongWorkStep ? LongWorkStepIn(module, upstream) : step == HeaderBufferStep ? HeaderBufferStepIn(module) : step)
            .Select(step => words.Aggregate(step, (text, word) => text.Replace(word.From, word.To, StringComparison.Ordinal)))];
    }

    /// <summary>A container's address on a Docker bridge: what holds it, and nginx's name lookup done once at start.</summary>
    private static string DockerContainerStep(string upstream) =>
        $"{UpstreamAddress.AddressOf(upstream)} is a container's address on a Docker network: `docker ps -a` shows whether the container runs (or exited, or restarts), its logs why. A container recreated (a deploy, `docker compose up`, a restart of the stack) gets a new address, and nginx resolved the service's name once, at its start: reload nginx, or resolve per request (`resolver 127.0.0.11 valid=10s;` with the name in a variable in `proxy_pass`).";

    /// <summary>A stream or long poll whose answer waits by design: nginx's read timer, not the upstream, ends it.</summary>
    private static string HeldOpenStep(string path) =>
        $"{path} looks like a stream or a long poll (server-sent events, polling that waits for news), whose answer is held open by design: the upstream's silence between events is no slowness, and nginx ends the request when `proxy_read_timeout` (60s by default) passes without a byte. Raise it above the longest wait in that location (or have the server send a heartbeat, a comment line for an event stream, more often), and turn `proxy_buffering off` there so each event reaches the client as it comes.";

    /// <summary>Rejections of a private address: the limit keyed on a proxy's address, which all users share.</summary>
    private static string PrivateClientLimitedStep(string client) =>
        $"The client nginx rejected is {client}, a private address: if that is a proxy or load balancer in front of nginx (an ingress controller's node, a CDN's edge, a load balancer), every user behind it shares one bucket of a zone keyed on `$binary_remote_addr`. Give nginx the users' address (`set_real_ip_from <proxy network>;` with `real_ip_header X-Forwarded-For;`; ingress-nginx's `use-forwarded-headers`, a Service's `externalTrafficPolicy: Local`), or key the zone on what tells users apart.";

    /// <summary>A name without a dot (<c>bitwarden</c>, <c>geoserver</c>): no public DNS name, but a container's or a
    /// Compose service's, or a Kubernetes Service's in nginx's namespace.</summary>
    private static bool IsBareName(string upstream) =>
        upstream.Length > 0 && !upstream.Equals("localhost", StringComparison.OrdinalIgnoreCase) && upstream is not ("(unknown)" or "-")
        && upstream.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && upstream.Any(char.IsAsciiLetter);

    /// <summary>Where a bare name resolves: Docker's embedded DNS knows a container only while it runs on a network nginx
    /// shares, and forwards any other name to the host's resolvers, which fail it.</summary>
    private static string BareNameStep(string name) =>
        $"`{name}` is a bare name, a container's or a Compose service's (or a Kubernetes Service's): Docker's DNS (`127.0.0.11`) answers it only while that container runs on a network nginx's container shares, and passes any other name on to the host's resolvers, which fail it. Check `docker ps` for it (running, not restarting), `docker network inspect <network>` for both containers, and the name's spelling against the service's.";

    /// <summary>A loopback address refused in nginx's container: another container's or the host's application is not
    /// there, and an application beside nginx in its own container is not running.</summary>
    private static string LoopbackOfAContainerStep(string upstream) =>
        $"In nginx's container {upstream} is that container itself: point the pass at the application's service or container name on a network both share (`docker network inspect <network>`), or at `host.docker.internal` for one on the host. If the image runs the application beside nginx (an all-in-one image whose supervisor starts both), that application is not running: read the container's log for its start-up error (a database it cannot reach, a missing setting).";

    private static readonly string[] UnroutedHostSteps =
    [
        "Compare the Host the clients send with the containers' `VIRTUAL_HOST` (`docker inspect -f '{{.Config.Env}}' <container>`): nginx-proxy routes only the names listed there, exactly (and `VIRTUAL_PORT` when the container exposes several ports).",
        "Check that the container is running and on a network nginx-proxy shares, then read the server blocks docker-gen generated (`docker exec <nginx-proxy> cat /etc/nginx/conf.d/default.conf`): a Host with no `server` block of its own falls to the default one, which answers 503.",
    ];

    /// <summary>UDP sessions the upstream left unanswered: the stream module's only timeout that fails a session once
    /// it relays (<see cref="ErrorSignatures.Classify(in NginxLogs.ErrorLogLine, ReadOnlySpan{byte})"/>).</summary>
    private static string[] UdpUnansweredSteps(string upstream) =>
    [
        $"Check that {upstream} answers the protocol from the nginx host (`dig @host -p port` for DNS, the protocol's own client) and that no firewall drops its replies: nginx sent each client's datagram and got fewer replies than `proxy_responses` expects within `proxy_timeout`, so it ended the session with 502.",
        "For a protocol that never replies (syslog, StatsD, NetFlow), set `proxy_responses 0;`: nginx then waits for no reply and ends each session cleanly.",
        "Lower `proxy_timeout` (10m by default) to what one reply takes, 1–3 s for DNS, so that clients see the silence and retry sooner instead of holding a session open; the access log's `$upstream_bytes_received` 0 marks the sessions that got nothing back.",
    ];

    /// <summary>A request the upstream stopped taking before it had it whole: its limit on a request's size first.</summary>
    private static string RequestRefusedStep(string upstream) =>
        $"Compare the size of the failing requests' bodies with {upstream}'s own limit on a request and raise it if the uploads are legitimate (waitress `max_request_body_size`, PHP `post_max_size`/`upload_max_filesize`, Node's body-parser `limit`, Kestrel's `MaxRequestBodySize`, Tomcat's `maxPostSize`, Spring's `max-request-size`); nginx's own `client_max_body_size` sits in front of it. Its log at these times says which it refused.";

    /// <summary>A slice subrequest that failed: what the slice module needs of the upstream.</summary>
    private static string SliceStep(string upstream) =>
        $"Check how {upstream} answers the slice module's range requests at these times: each `slice` after the first is a request of its own, which must come back 206 within `proxy_read_timeout` (`curl -sv -r 0-1048575` against it); keep `proxy_set_header Range $slice_range;`, `$slice_range` in `proxy_cache_key` and `proxy_cache_valid 200 206 …;` as the module's documentation sets them.";

    /// <summary>A chunked body that did not parse: who wrote the framing.</summary>
    private static string InvalidChunkedStep(string upstream) =>
        $"Fetch the failing URL from {upstream} directly with `curl -sv --raw` and read the framing of its body: nginx could not parse its chunked encoding (`upstream sent invalid chunked response`). Most often the application sets `Transfer-Encoding: chunked` itself and writes the body unchunked, sends `Content-Length` with it, or a library or proxy between re-chunks what was already chunked; let the server frame the body, or send a plain `Content-Length`.";

    /// <summary>Answers that broke after nginx had passed their status on: what ends a response mid-body.</summary>
    private static string[] CutShortSteps(string upstream, string module) =>
    [
        $"Read the logs of {upstream} at these times for a worker that died mid-answer: killed at {IncidentClassifier.AppServerLimit(module, upstream)}, by the OOM killer (`dmesg -T`), or crashed ({(module == "fastcgi" && UpstreamAddress.IsPhpFpm(upstream) ? "a segfault in PHP-FPM's log" : "an exception, a restart or a segfault in its log")}). It had sent its status and part of the body.",
        "For long or streamed answers (downloads, exports, server-sent events, long polling), `proxy_read_timeout` (`fastcgi_read_timeout`, `uwsgi_read_timeout`, `grpc_read_timeout`) is the longest silence allowed between two reads, not the whole answer's time: raise it above the stream's longest pause (or have the upstream send a keep-alive comment), and turn `proxy_buffering off` (`fastcgi_buffering off`) for an event stream.",
        "A download cut at about 1 GB with buffering on is nginx's `proxy_max_temp_file_size` (1024m by default): raise it, set it to 0 (pass the rest through at the client's pace), or `proxy_buffering off` for that location.",
        "The access log's line for the request shows the status the client got and the bytes sent (`$body_bytes_sent` short of the answer's length); log `$upstream_response_time` to see how long each answer ran.",
    ];

    /// <summary>nginx's own 502 pages with nothing beside them: where to look to tell a refusal from a broken answer.</summary>
    private static string[] NginxPageAloneSteps(string upstream) =>
    [
        "Read nginx's error log at these requests' times: its line for each names what failed (`connect() failed (111: Connection refused)`, `upstream prematurely closed connection`, `upstream timed out`).",
        $"Check that {upstream} is running and listening where nginx points (`ss -ltnp` on its host, `curl -v` to the `proxy_pass` address from the nginx host).",
        "Log upstream details in the access log: `$upstream_addr $upstream_status $upstream_connect_time $upstream_header_time $upstream_response_time`.",
    ];

    private const string MissingErrorPageStep =
        "Restore the page `error_page` names for these statuses (`error_page 502 503 504 /50x.html;` and the file under its location's `root`, `nginx -T | grep -n error_page`): nginx could not open it, so clients got its own bare 404 (403 where it may not read the file) instead of the gateway's status and page.";

    /// <summary>The application server's time limit: the one its kill lines state, else the one the failures' times show;
    /// 0 when its lines say it killed workers without stating one.</summary>
    private static double? AppServerLimit(IncidentEvidence evidence) =>
        IncidentClassifier.AppServerKilled(evidence) ? evidence.AppServerKillLimit ?? IncidentClassifier.AppServerTimeout(evidence) ?? 0
        : IncidentClassifier.AppServerTimeout(evidence);

    /// <summary>Where a group of that name comes from: a host name (<c>localhost</c>, <c>api.internal</c>) in
    /// <c>proxy_pass</c> makes one of every address it resolves to; a bare name is an <c>upstream</c> block's.</summary>
    private static string GroupOrigin(string name) =>
        name == "localhost" || name.Contains('.', StringComparison.Ordinal)
            ? $"the addresses `{name}` resolves to in `proxy_pass`, or an `upstream {name} {{}}` block"
            : $"the `upstream {name} {{}}` block";

    public static IReadOnlyList<string> For(
        IncidentCause cause, string upstream, IReadOnlyCollection<FailureKind> kinds, double? appServerTimeout = null, bool upstreamIsGroup = false,
        bool upstreamLogged = true, bool disabledForAnswers = false, bool backendWithoutEndpoints = false, TlsRefusal tlsRefusal = TlsRefusal.None,
        bool networkUnreachable = false, NginxHost nginxHost = NginxHost.Unknown, string module = "proxy")
    {
        var steps = new List<string>();
        switch (cause)
        {
            case IncidentCause.UpstreamDown when backendWithoutEndpoints || kinds.Contains(FailureKind.NoPeerFromBalancer):
                var backend = UpstreamAddress.IsBalancerPlaceholder(upstream) ? "these requests' backend (the access log's `$proxy_upstream_name`)" : upstream;
                steps.Add($"Find the Service behind {backend} (ingress-nginx names a backend namespace-service-port) and list its endpoints: `kubectl get endpointslices -n <namespace> -l kubernetes.io/service-name=<service>`. None ready means no running pod matches it, or none passes its readiness probe.");
                steps.Add("Compare the Service's `selector` with the pods' labels (`kubectl get pods -n <namespace> --show-labels`), and read the pods' events and readiness (`kubectl describe pod`): a rollout that went wrong, a crash loop or a failing probe.");
                steps.Add("Check that the Ingress's `backend.service.port` is a port the Service defines, and that the Service's `targetPort` is one the pods listen on.");
                steps.Add("Run more than one replica with a PodDisruptionBudget, so a rollout or a node drain leaves ready endpoints.");
                break;
            case IncidentCause.UpstreamDown when kinds.Contains(FailureKind.Unreachable) && networkUnreachable:
                steps.Add($"Check the routes of nginx's own host to {upstream} (`ip route get <address>`, `ip -6 route` for IPv6): \"network is unreachable\" is most often its kernel finding no route (a default route or interface gone, a VPN or tunnel down, no IPv6 connectivity for an IPv6 address), else a router on the way (`traceroute` shows where).");
                steps.Add("For an IPv6 address of a name that also has IPv4 ones, `resolver … ipv6=off` (or an IPv4 address in `proxy_pass`) keeps nginx off a family the host cannot reach.");
                steps.Add(MoreThanOneServerStep);
                break;
            case IncidentCause.UpstreamDown when kinds.Contains(FailureKind.Unreachable) && UpstreamAddress.IsDockerContainer(upstream):
                steps.Add(DockerContainerStep(upstream));
                steps.Add($"Check the network path from nginx to {upstream} if the container runs: both on one Docker network (`docker network inspect <network>`), and no firewall rule between bridges.");
                steps.Add(MoreThanOneServerStep);
                AddBypasses(steps);
                break;
            case IncidentCause.UpstreamDown when kinds.Contains(FailureKind.Unreachable):
                steps.Add($"Check the network path from nginx to {upstream}: is the host up (`ping`, `nc -vz`), and do firewalls, security groups, network policies or routes let nginx reach its port?");
                steps.Add("If the address changed (a new VM, pod or container IP), point `proxy_pass`/the `upstream` block at the new one, or at a name resolved with `resolver ... valid=30s`.");
                steps.Add(MoreThanOneServerStep);
                AddBypasses(steps);
                break;
            case IncidentCause.UpstreamDown:
                steps.Add(upstreamIsGroup
                    ? $"Check every server of the upstream group {upstream} ({GroupOrigin(upstream)}): which are running and listening (`ss -ltnp` on each), and read their logs from just before the first failure."
                    : $"Check that {upstream} is running and listening ({ListenerCheck(nginxHost, upstream)}), and read its own logs from just before the first failure.");
                if (UpstreamAddress.IsLocalhostIpv6(upstream) && kinds.Contains(FailureKind.Refused))
                {
                    steps.Add(Ipv4OnlyListenerStep(upstream));
                }

                steps.Add("Restart or scale the upstream; look for a deploy, crash or OOM kill at the start time.");
                if (kinds.Contains(FailureKind.MissingSocket))
                {
                    steps.Add($"If the service is running, compare the socket path in `{module}_pass` ({upstream}) with the one it creates ({SocketSetting(module)}).");
                }

                if (kinds.Contains(FailureKind.Refused) && UpstreamAddress.IsDockerContainer(upstream))
                {
                    steps.Add(DockerContainerStep(upstream));
                }

                if (kinds.Contains(FailureKind.Refused) && !upstreamIsGroup && !upstream.StartsWith("unix:", StringComparison.Ordinal) && upstream.Contains(':', StringComparison.Ordinal))
                {
                    steps.Add(UpstreamAddress.IsLoopback(upstream)
                        ? $"If it is running, compare the port it listens on ({ListenCommand(nginxHost, upstream)}) with {upstream}'s: the port in {PassOf(module)} and the application's own setting disagree after either changed."
                        : $"If it is running, compare where it listens ({ListenCommand(nginxHost, upstream)}: address and port) with {upstream}: an application bound to 127.0.0.1 (`HOST=localhost`, a framework's default) refuses every connection from another host or container, so have it listen on 0.0.0.0 or the address nginx dials; or the port in {PassOf(module)} is not its port.");
                }

                if (kinds.Contains(FailureKind.ResetConnecting))
                {
                    steps.Add($"Connections to {upstream} were reset before the application took them: a proxy in front of it (docker-proxy for a published port, a service mesh sidecar) accepts them with nothing listening behind it, or its listener closed with connections queued. Check that the application inside listens on the port the proxy forwards to, and its readiness.");
                }

                steps.Add(upstream.StartsWith("unix:", StringComparison.Ordinal) || UpstreamAddress.IsLoopback(upstream) ? LocalServiceStep : MoreThanOneServerStep);
                AddBypasses(steps);
                break;
            case IncidentCause.Misconfiguration:
                if (kinds.Contains(FailureKind.ProxyLoop))
                {
                    steps.Add($"Point `proxy_pass` at the application, not at nginx: {upstream} is an address and port nginx itself listens on (`listen 8080;` with `proxy_pass http://127.0.0.1:8080;`, or a published port that leads back to the nginx container). Compare it with the `listen` directives in `nginx -T`.");
                    steps.Add("In a container, `localhost` is the container itself: use the application's service name and the port it listens on inside its own container. Where `proxy_pass` is built from `$host` or `$http_host`, check that the name does not resolve to nginx.");
                }

                if (kinds.Contains(FailureKind.AuthEndpointWrong))
                {
                    steps.Add("Point `auth_request` at the auth service's check endpoint, which answers 2xx to allow and 401/403 to deny (oauth2-proxy `/oauth2/auth`, Authelia `/api/authz/auth-request` or `/api/verify`, Authentik `/outpost.goauthentik.io/auth/nginx`), not at its sign-in page: `curl -i` that URL from nginx's host; a 3xx or 404 there is what nginx turned into 500. Send users to sign in with `error_page 401 = /oauth2/sign_in;`.");
                }

                if (kinds.Contains(FailureKind.TooBigHeader))
                {
                    steps.Add(HeaderBufferStep);
                }

                if (kinds.Contains(FailureKind.PermissionDenied))
                {
                    steps.Add(upstream.StartsWith("unix:", StringComparison.Ordinal)
                        ? $"Let nginx's worker user use {upstream}: the socket's owner, group and mode, and search (x) permission on every directory of its path (`namei -l {upstream[5..]}`); add nginx's user to the socket's group ({SocketOwnerSetting(module, upstream)}). Under SELinux the socket's label decides (`ls -Z`, denials in `ausearch -m avc -ts recent`; `audit2allow` builds a policy for them)."
                        : $"Let nginx connect to {upstream}: under SELinux `setsebool -P httpd_can_network_connect 1` (denials in `ausearch -m avc -ts recent`), under AppArmor nginx's profile (`aa-status`, the kernel log's `apparmor=\"DENIED\"`).");
                }

                if (kinds.Contains(FailureKind.SocketPathWithUri))
                {
                    steps.Add("Take the URI off the socket's path in the `upstream` block (`server unix:/path/app.sock;`) and put it on `proxy_pass` (`proxy_pass http://backend/prefix/;`), or drop the block and write `proxy_pass http://unix:/path/app.sock:/prefix/;`.");
                }

                if (kinds.Contains(FailureKind.NoResolver))
                {
                    steps.Add("Add a `resolver` (e.g. `resolver 127.0.0.53 valid=30s;`): `proxy_pass` with variables resolves names at request time and needs one.");
                }

                if (kinds.Contains(FailureKind.MissingSocket))
                {
                    steps.Add($"The socket {upstream} does not exist: check the path in `proxy_pass`/`fastcgi_pass` against the path the service creates.");
                }

                if (kinds.Contains(FailureKind.InvalidAddress))
                {
                    steps.Add($"connect() rejected {upstream} itself (Invalid argument / address family): check the address nginx was given (an IPv6 address to an IPv4-only host, a broadcast or malformed address from service discovery or the resolver).");
                }

                if (kinds.Contains(FailureKind.SharedKeepalive))
                {
                    steps.Add($"Give `grpc_pass` an upstream block of its own (the same servers under another name, with its own `keepalive`): a block with `keepalive` that `proxy_pass` also uses hands gRPC requests its HTTP/1.1 connections. `nginx -T | grep -nE 'grpc_pass|proxy_pass|keepalive'` shows which directives name {upstream}.");
                }

                if (kinds.Contains(FailureKind.NotHttp2))
                {
                    steps.Add($"Point `grpc_pass` at the gRPC server's own port: {upstream} answers in HTTP/1 (`{CurlTo(upstream)}` shows which program answers, `ss -ltnp` who owns the port). An HTTP/1 application there needs `proxy_pass`; a gRPC server on TLS needs `grpc_pass grpcs://`.");
                }

                if (kinds.Contains(FailureKind.OverAppServerBuffer))
                {
                    steps.Add("Raise uWSGI's `buffer-size` above the largest request header block clients send (`buffer-size = 32768` in its ini, `--buffer-size 32768`; up to 65535): `uwsgi_pass` sends the request's headers as one packet, and uWSGI skips one larger than its buffer. Then find what grew (a cookie set per visit, a long query string) if it keeps growing.");
                }

                if (kinds.Contains(FailureKind.NotFastCgi))
                {
                    steps.Add(nginxHost == NginxHost.Windows
                        ? $"Point `fastcgi_pass` at the address `php-cgi.exe -b` listens on (or the FastCGI server's own): {upstream} is another service's (`netstat -ano | findstr LISTENING` names the process that owns the port). If the application there speaks HTTP, use `proxy_pass http://…` instead."
                        : $"Point `fastcgi_pass` at the FastCGI server's own `listen` (PHP-FPM's pool file, e.g. `/etc/php/*/fpm/pool.d/www.conf`; fcgiwrap's socket): {upstream} is another service's ({ListenCommand(nginxHost, upstream)} shows which program owns it). If the application there speaks HTTP, use `proxy_pass http://…` instead.");
                }

                if (kinds.Contains(FailureKind.WrongScheme))
                {
                    steps.Add($"Make the scheme fit the port of {upstream}: `proxy_pass https://` (with `proxy_ssl_server_name on;`) for a TLS port such as 443 and `http://` for a plain one such as 80; check with `curl -v` from nginx's host which protocol the port speaks.");
                }

                if (kinds.Contains(FailureKind.PlainTextAnswer))
                {
                    steps.Add($"Ask {upstream} which protocol it speaks from nginx's host: `curl -v http://{upstream}/` answers where `openssl s_client -connect {upstream}` fails. Use `proxy_pass http://` for it, or point `https://` at the port its TLS listens on (a server meant to speak TLS there is missing `ssl` on its `listen`).");
                }

                if (kinds.Contains(FailureKind.BindFailed))
                {
                    steps.Add("Check `proxy_bind` (`fastcgi_bind`, `uwsgi_bind`, …): its address must be one of this host's (`ip -br addr`), or add `transparent` when binding a client's address on purpose; nginx answers these requests 500.");
                }

                if (kinds.Contains(FailureKind.Ipv6Unavailable) && UpstreamAddress.IsIpv6Wildcard(upstream))
                {
                    steps.Add($"Connect to the service's own address, not a wildcard: `127.0.0.1{upstream["[::]".Length..]}` (or its container's name) in place of `{upstream}`, or a unix socket for PHP-FPM.");
                }
                else if (kinds.Contains(FailureKind.Ipv6Unavailable))
                {
                    steps.Add("Point `proxy_pass` at `127.0.0.1` instead of `localhost`/`[::1]`, or enable IPv6 on the host's (container's) loopback; for a name that resolves to IPv6 addresses the host cannot reach, `resolver ... ipv6=off` (or an IPv4 address).");
                }

                if (kinds.Contains(FailureKind.ConfigRejectedAtStart))
                {
                    steps.Add($"Fix the configuration where nginx stopped reading it, {upstream}, as its `[emerg]` line says (an `upstream` block with no `server` in it, which a generator such as docker-gen writes when no container matched; an unknown directive, from a module not loaded; an `include` of a file that is not there), and run `nginx -t` until it passes before starting nginx.");
                    steps.Add("Keep a configuration that fails `nginx -t` from reaching a start: test it in the deploy (or the container's entrypoint) and reload with `nginx -t && nginx -s reload`, which keeps the running configuration when the new one fails.");
                }

                if (kinds.Contains(FailureKind.NamedLocationMissing))
                {
                    steps.Add($"Define the named location {upstream} in the `server` block these requests reach (`location {upstream} {{ proxy_pass …; }}`), or correct the name where it is used (`try_files … {upstream}`, `error_page … {upstream}`, an application's `X-Accel-Redirect`): `nginx -T | grep -n '{upstream}'` shows both. Named locations belong to one `server` block: a snippet that defines it must be included in that block.");
                }

                if (kinds.Contains(FailureKind.BalancerScriptFailed))
                {
                    steps.Add("Read the Lua error after `failed to run balancer_by_lua*:` and its stack traceback: `module 'ngx.balancer' not found` (or `resty.core`) means lua-resty-core is not on `lua_package_path`; an `attempt to index … (a nil value)` in a gateway's own file (APISIX, Kong, ingress-nginx's `balancer.lua`) is its code or its route's upstream settings (a health check, a node list) failing, which its release notes or an upgrade may already fix.");
                    steps.Add("Fix the code or the path, then `nginx -t && nginx -s reload` (or restart the gateway); every request through that balancer gets 500 until it chooses a peer again.");
                }

                if (kinds.Contains(FailureKind.NoUpstreamConfiguration))
                {
                    steps.Add("Find the module that handles these requests before `proxy_pass` (`nginx -V` lists those built in, `load_module` the dynamic ones): ModSecurity 2's nginx module (`ModSecurityEnabled on`) re-runs a request's handler after it reads the body, and a POST then reaches the upstream module without its configuration. Move to libmodsecurity 3 with the ModSecurity-nginx connector (`modsecurity on;`), or turn the module off for the proxied location, and confirm a POST passes.");
                }

                if (kinds.Contains(FailureKind.UpstreamUrlInvalid))
                {
                    steps.Add($"Find the `proxy_pass` (`fastcgi_pass`, `uwsgi_pass`, `grpc_pass`) built from variables for these requests (`nginx -T | grep -n '_pass .*\\$'`) and check what they hold at request time: nginx got `{upstream}`, so a variable was empty or unset for this host or path (a `map` with no `default`, a capture that did not match, an `auth_request_set` or header the request lacked), the port after `:` was left out, or the value has no `http://`.");
                    steps.Add("Give the variable a default (`map … { default backend:8080; }`), or name the address outright where it does not vary; with a name in a variable, nginx also needs a `resolver`.");
                }

                if (kinds.Contains(FailureKind.BodyBufferUnwritable))
                {
                    steps.Add("Make `client_body_temp_path` exist and writable by nginx's worker user (`nginx -T | grep -n client_body_temp_path`; the default is under nginx's prefix: `/var/lib/nginx/body` on Debian, `/var/cache/nginx/client_temp` in the official image): `install -d -o www-data <dir>` (nginx's `user`), or point it at a directory that survives reboots and tmp cleaners, then `nginx -s reload`. SELinux: `restorecon -Rv <dir>`.");
                    steps.Add("If the bodies need not touch the disk, `client_body_buffer_size` as large as the largest body keeps them in memory (per request: mind the memory), and `proxy_request_buffering off` streams them to the upstream instead.");
                }

                if (kinds.Contains(FailureKind.ResponseBufferUnwritable))
                {
                    steps.Add("Make `proxy_temp_path` (`fastcgi_temp_path`, `uwsgi_temp_path` for those modules) exist and writable by nginx's worker user (`nginx -T | grep -n temp_path`; the default is under nginx's prefix: `/var/lib/nginx/proxy` on Debian, `/var/cache/nginx/proxy_temp` in the official image), often left owned by another user after nginx's `user` changed: `chown -R <user> <dir>`, then `nginx -s reload`. SELinux: `restorecon -Rv <dir>`.");
                    steps.Add("If the responses need not touch the disk, `proxy_max_temp_file_size 0;` passes the rest on at the client's pace instead of buffering it to a file (or `proxy_buffering off` for that location).");
                }

                if (kinds.Count == 0 || !kinds.All(k => k is FailureKind.OverAppServerBuffer or FailureKind.TooBigHeader or FailureKind.PermissionDenied or FailureKind.BodyBufferUnwritable or FailureKind.ResponseBufferUnwritable or FailureKind.UpstreamUrlInvalid or FailureKind.ConfigRejectedAtStart
                    or FailureKind.NamedLocationMissing or FailureKind.BalancerScriptFailed or FailureKind.NoUpstreamConfiguration))
                {
                    // uWSGI's refusal, headers too big for the buffer and a socket nginx may not use came from the address
                    // nginx was given (it answered, or is there), and a body nginx could not buffer, an address
                    // that did not parse, a balancer that chose none or a configuration refused at start went nowhere: no
                    // address is in question.
                    steps.Add($"Check the address of {upstream} in {PassOf(module)} against where the service really listens ({ListenCommand(nginxHost, upstream)}), then `nginx -t && nginx -s reload`.");
                }

                break;
            case IncidentCause.Timeout when appServerTimeout is { } limit:
                var about = limit > 0 ? $"about {limit:0.#} s" : "the application server's time limit";
                steps.Add($"Find the requests that run longer than {about} on {upstream}, and make them faster or move them to a background job.");
                steps.Add($"If they are legitimately long, raise the application server's own limit{(limit > 0 ? $" above {limit:0.#} s" : "")}: gunicorn `--timeout` (30 s by default), uWSGI `harakiri`, PHP-FPM `request_terminate_timeout` (and PHP `max_execution_time`), and keep nginx's `proxy_read_timeout`/`fastcgi_read_timeout`/`uwsgi_read_timeout` above it.");
                steps.Add("Add workers so that slow requests do not starve the others (gunicorn `--workers`/async workers, uWSGI `processes`, PHP-FPM `pm.max_children`).");
                break;
            case IncidentCause.Timeout when kinds.Contains(FailureKind.TimedOutConnecting) && !kinds.Contains(FailureKind.TimedOut):
                // No connection was made, so no request reached the application: the host or the path to it is at fault.
                steps.Add($"nginx could not open a connection to {upstream} within `proxy_connect_timeout` (default 60s; `fastcgi_connect_timeout`, `uwsgi_connect_timeout`, `grpc_connect_timeout` for those modules): check that the host is up and reachable (`nc -vz`), and that no firewall, security group or network policy silently drops the packets.");
                if (UpstreamAddress.IsLocalhostIpv6(upstream))
                {
                    steps.Add(Ipv4OnlyListenerStep(upstream));
                }

                steps.Add("A server whose listen queue is full drops new connections until it catches up: check its backlog (`ss -ltn`: Recv-Q against Send-Q) and `net.core.somaxconn`, and whether it is saturated.");
                steps.Add("Fail over sooner: a short `proxy_connect_timeout` (e.g. `5s`) with more than one server and `proxy_next_upstream error timeout`.");
                AddBypasses(steps);
                break;
            case IncidentCause.Timeout when kinds.Contains(FailureKind.ConnectionTimedOut) && !kinds.Contains(FailureKind.TimedOut):
                // The kernel gave up on an established connection: nginx's timeouts play no part.
                steps.Add($"Check the host of {upstream} and the network path to it: it stopped acknowledging established connections (crashed or rebooted, moved, or a firewall, NAT or conntrack entry dropped the flow); `proxy_read_timeout` plays no part here.");
                steps.Add("Give nginx more than one server with `proxy_next_upstream error` for idempotent requests, and enable `proxy_socket_keepalive` so idle connections to a vanished host are found before a request uses them.");
                break;
            case IncidentCause.Timeout:
                steps.Add($"Find out why {upstream} answered too slowly for nginx's timeout at these times (slow queries, locks, exhausted worker pools, GC pauses).");
                steps.Add(LongWorkStep);
                steps.Add("Add servers and `proxy_next_upstream error timeout` for idempotent requests, and `proxy_cache_use_stale timeout` to serve cached content meanwhile.");
                break;
            case IncidentCause.Overload:
                if (!kinds.All(k => k.DroppedByNginx() || k.TempFileOnFullDisk() || k.OutOfNginxResources() || k == FailureKind.PortExhaustion))
                {
                    steps.Add($"Scale {upstream} out or up (more instances or workers: PHP-FPM `pm.max_children`, gunicorn/uwsgi workers, thread pools).");
                }

                if (kinds.Contains(FailureKind.BodyBufferDiskFull))
                {
                    steps.Add("Free space on the filesystem that holds `client_body_temp_path` (`df -h` and `df -i` there; `nginx -T | grep -n client_body_temp_path`), or move the path to a larger volume: every request body larger than `client_body_buffer_size` is written there first, so the largest uploads need that much free space each, at once.");
                    steps.Add("`proxy_request_buffering off` streams request bodies to the upstream instead of writing them to disk first (the upstream then sees slow clients' uploads as they come).");
                }

                if (kinds.Contains(FailureKind.ResponseBufferDiskFull))
                {
                    steps.Add("Free space on the filesystem that holds `proxy_temp_path` (`df -h` and `df -i` there; `nginx -T | grep -n temp_path`), or move the path to a larger volume: each response larger than its buffers is written there as nginx reads it, up to `proxy_max_temp_file_size` (1024m by default).");
                    steps.Add("`proxy_max_temp_file_size 0;` (or a smaller size) passes the rest of a large response on at the client's pace instead of filling the disk with it.");
                }

                if (kinds.Contains(FailureKind.QueueFull))
                {
                    steps.Add("Passenger's request queue was full: every application process was busy. Find the slow requests holding them (`passenger-status`), then give it more processes (`passenger_max_pool_size`, memory permitting) before a longer queue (`passenger_max_request_queue_size`, default 100).");
                }

                if (kinds.Contains(FailureKind.ResourceUnavailable))
                {
                    steps.Add("connect() got EAGAIN: the listen backlog is full. Raise the upstream's backlog (`listen.backlog` for PHP-FPM) and `net.core.somaxconn`.");
                }

                if (kinds.Contains(FailureKind.ResetConnecting))
                {
                    steps.Add("Connections were reset before the upstream took them: its accept queue overflowed or it sheds load. Raise its listen backlog and `net.core.somaxconn`, and check its own connection limits.");
                }

                if (kinds.Contains(FailureKind.PortExhaustion))
                {
                    steps.Add("nginx ran out of local ports: enable upstream keepalive and widen `net.ipv4.ip_local_port_range`.");
                }

                if (kinds.Contains(FailureKind.TooManyOpenFiles))
                {
                    steps.Add("nginx ran out of file descriptors: raise `worker_rlimit_nofile` and the service's `LimitNOFILE`, and reuse upstream connections (keepalive).");
                }

                if (kinds.Contains(FailureKind.WorkerConnections) || kinds.Contains(FailureKind.AcceptFailed))
                {
                    steps.Add("Raise `worker_connections` (and `worker_rlimit_nofile`, the service's `LimitNOFILE`) in nginx.conf; each proxied request holds two, its client's and its upstream's.");
                }

                if (kinds.Contains(FailureKind.WorkerKilled))
                {
                    steps.Add("Look for the OOM killer in the kernel's log at these times (`dmesg -T | grep -iE 'killed process|out of memory'`, `journalctl -k`; for a container, `docker inspect` shows `OOMKilled`), and at what grows nginx's memory: large `proxy_buffers` or `client_body_buffer_size` times the connections, a cache's `keys_zone`, Lua shared dicts, many workers. Raise the memory limit or shrink those.");
                }

                if (kinds.Contains(FailureKind.AcceptFailed))
                {
                    steps.Add("Find what holds the connections: `ss -s` and `ss -tn state established '( sport = :443 )' | wc -l` against `worker_processes × worker_connections`; long-lived WebSockets or event streams, idle keepalives (`keepalive_timeout`), a slow upstream holding requests, or `proxy_pass` at nginx's own address (a loop: its own connections fill the table).");
                }

                // A full disk under the request bodies failed requests no upstream saw: its connections and cache
                // play no part.
                if (kinds.Count == 0 || !kinds.All(k => k.TempFileOnFullDisk()))
                {
                    steps.Add("Reuse connections: `keepalive 32;` in the `upstream` block with `proxy_http_version 1.1;` and `proxy_set_header Connection \"\";`.");
                    steps.Add("Cap concurrency before the upstream saturates: `max_conns` on the server in the `upstream` block, or `limit_conn`/`limit_req` in front.");
                    AddBypasses(steps);
                }

                break;
            case IncidentCause.Dns when upstream.StartsWith("resolver", StringComparison.Ordinal) && networkUnreachable:
                steps.Add($"nginx could not send its queries to the {upstream}: this host has no route to its address (`ip route get <address>`; `ip -6 route` when it is IPv6, as public resolvers' second addresses are, on a host without IPv6). List resolvers the host reaches in `resolver` (IPv4 ones, or the one `/etc/resolv.conf` names), then `nginx -s reload`.");
                steps.Add("Bound the wait meanwhile: `resolver_timeout 5s;`, so a resolver that cannot be reached fails its requests quickly.");
                break;
            case IncidentCause.Dns when upstream.StartsWith("resolver", StringComparison.Ordinal):
                steps.Add($"The {upstream} itself does not answer: check that it runs and is reachable from nginx (`dig @<resolver-ip> <name>`); in Docker the embedded DNS is `127.0.0.11`, in Kubernetes the cluster DNS service.");
                steps.Add("List a second resolver and bound the wait: `resolver <dns-ip> <dns-ip-2> valid=30s;` and `resolver_timeout 5s;`.");
                break;
            case IncidentCause.Dns when kinds.Contains(FailureKind.UnresolvedAtStart):
                steps.Add($"Check the name {upstream} where nginx runs: in Docker, the service or container name on a network nginx's container shares (`docker network inspect <network>`); in Kubernetes, a Service that exists (`<service>.<namespace>.svc.cluster.local`).");
                steps.Add("Start nginx after what it proxies to (Compose: `depends_on` with `condition: service_healthy`), or resolve at request time so a missing name fails only its own requests: `resolver 127.0.0.11 valid=10s;` (Docker's DNS; the cluster DNS in Kubernetes), `set $backend http://app:3000;` and `proxy_pass $backend;`.");
                break;
            case IncidentCause.Dns when kinds.Contains(FailureKind.DnsRefused):
                steps.Add($"The DNS server refused to resolve {upstream} for nginx (REFUSED, or a format or opcode it does not serve): nginx's `resolver` must be a recursive resolver that accepts queries from nginx's address; an authoritative-only server, or one whose ACL leaves nginx out, answers so for every name.");
                steps.Add("Point `resolver` at one that serves nginx (`dig @<resolver-ip> <name>` from the nginx host shows the same status): in Docker `127.0.0.11`, in Kubernetes the cluster DNS service; or use an IP address or a static `upstream` block.");
                break;
            case IncidentCause.Dns when kinds.Contains(FailureKind.DnsServerFailure):
                steps.Add($"The DNS server answered SERVFAIL for {upstream}: ask it directly (`dig @<resolver-ip> {upstream}`) and read its own logs; its upstream servers or DNSSEC validation failed, the name itself may be fine.");
                steps.Add("List a second resolver and cache good answers: `resolver <dns-ip> <dns-ip-2> valid=30s;`, or use an IP address or a static `upstream` block.");
                break;
            case IncidentCause.Dns:
                steps.Add(upstreamLogged
                    ? $"Check that {upstream} resolves from the nginx host (`dig {upstream}` against the configured resolver)."
                    : "Find the name `proxy_pass` uses for these requests (`nginx -T`) and check that it resolves from the nginx host (`dig <name> @<resolver-ip>`).");
                steps.Add("Set `resolver <dns-ip> valid=30s;` and `resolver_timeout 5s;`, or use an IP address or a static `upstream` block.");
                steps.Add("nginx resolves names in a static `proxy_pass`/`upstream` only at start-up: reload after DNS changes, or use a variable with a resolver.");
                break;
            case IncidentCause.TlsHandshake:
            {
                const string ServerName = "Send the right SNI: `proxy_ssl_server_name on;` and `proxy_ssl_name <certificate name>;` (nginx sends none by default; CDNs and shared front ends refuse a handshake without it, with alert 40, 80 or 112).";
                const string Trust = "Trust the CA that signed it: `proxy_ssl_trusted_certificate <ca.pem>;` with `proxy_ssl_verify on;` and enough `proxy_ssl_verify_depth`; renew an expired certificate; `proxy_ssl_name` must be a name the certificate holds.";
                const string Protocol = "Align protocols: `proxy_ssl_protocols TLSv1.2 TLSv1.3;` (an old server may speak only TLSv1 or TLSv1.1, which OpenSSL 3 refuses at its default security level), and check that the upstream speaks TLS at all (`https://` vs `http://` in `proxy_pass`).";
                string[] ordered = tlsRefusal switch
                {
                    TlsRefusal.ClientCertificate =>
                    [
                        $"{upstream} asks for nginx's client certificate (mutual TLS) and refused the one sent, or its absence: `proxy_ssl_certificate <cert.pem>;` and `proxy_ssl_certificate_key <key.pem>;` (`grpc_ssl_certificate` for gRPC), signed by a CA the upstream trusts.",
                        ServerName, Trust, Protocol,
                    ],
                    TlsRefusal.Protocol => [Protocol, ServerName, Trust],
                    TlsRefusal.ServerName => [ServerName, Trust, Protocol],
                    TlsRefusal.Trust => [Trust, ServerName, Protocol],
                    _ => [ServerName, Trust, Protocol],
                };
                steps.Add(ordered[0]);
                steps.Add($"Inspect the upstream's certificate and what it asks for: `openssl s_client -connect {upstream} -servername <name>`.");
                steps.AddRange(ordered[1..]);
                break;
            }
            case IncidentCause.InvalidResponse:
                // A header nginx refused is the answer's own; a reset or an early close is a connection's end, where a
                // protocol nginx does not speak makes no reset.
                var malformed = kinds.Count == 0 || kinds.Contains(FailureKind.InvalidHeader);
                if (malformed)
                {
                    steps.Add($"See what {upstream} answers: fetch a failing URL from it directly from nginx's host (`curl -sv --http1.1`); nginx refused its status line or a header (a header name with a space or a tab, a line without a colon, a status line without its code, an answer in another protocol), and newer nginx versions parse more strictly. Fix the application or library that writes it.");
                }

                if (module == "fastcgi" && UpstreamAddress.IsFcgiwrap(upstream))
                {
                    steps.Add($"fcgiwrap runs a CGI program for each request and ends the answer when it exits: one that exits before writing its headers (not executable, a wrong `#!` line, a crash, no `Content-Type` line) closes FastCGI stdout early. Run the script by hand as fcgiwrap's user, and read its stderr (fcgiwrap's journal, or nginx's error log: `FastCGI sent in stderr`).");
                }

                steps.Add($"Read the logs of {upstream} for crashes and restarts at these times: it sent something that is not valid HTTP or closed the connection mid-response.");
                if (malformed)
                {
                    steps.Add("Check that nginx speaks the upstream's protocol: `proxy_pass http://` vs `https://`, `fastcgi_pass` for PHP-FPM, `grpc_pass` for gRPC.");
                }

                steps.Add("With upstream keepalive, make the upstream's idle timeout longer than nginx's `keepalive_timeout` in the `upstream` block, so reused connections are not reset.");
                steps.Add("Retry idempotent requests on another server: `proxy_next_upstream error invalid_header http_502;`.");
                AddBypasses(steps);
                break;
            case IncidentCause.UpstreamReturned when disabledForAnswers:
                steps.Add($"Read the logs of the application behind {upstream} at these times: its servers answered errors, and nginx took each out of rotation for them.");
                steps.Add("`proxy_next_upstream http_500` (or http_502/503/504) makes every such answer a strike against `max_fails`: a few application errors then take all servers out for `fail_timeout`. Keep application errors out of `proxy_next_upstream`, or raise `max_fails` (`max_fails=0` never disables a server).");
                steps.Add("Give the group a `backup` server, or serve stale content meanwhile: `proxy_cache_use_stale error timeout http_500 http_502 http_503 http_504;`.");
                break;
            case IncidentCause.UpstreamReturned when kinds.Contains(FailureKind.AuthEndpointFailed):
                steps.Add("Read the auth service's own log at these times (oauth2-proxy, Authelia, Authentik, the gate `auth_request` asks): its check endpoint answered 5xx, most often because it could not reach what it depends on (the identity provider, Redis, its database) or could not read its cookie (a secret changed, a cookie too large); `curl -i` the `auth_request` URL from nginx's host.");
                steps.Add("Until it is mended, nginx answers every request behind it 500: a status other than 2xx, 401 and 403 from the check is an error to `auth_request`.");
                break;
            case IncidentCause.UpstreamReturned:
                steps.Add($"Read the logs of the application behind {upstream} at these times: it produced these errors and nginx passed them through.");
                steps.Add("To retry such answers on another server use `proxy_next_upstream http_502 http_503 http_504;`; to hide them, `proxy_intercept_errors on;` with `error_page`.");
                if (!upstreamLogged)
                {
                    // nginx writes no error line for an answer it passes through: only the access log can say who sent it.
                    steps.Add("Add `$upstream_addr` and `$upstream_status` (and `$host`) to the access log's `log_format`: nginx logs no error line for an upstream's own 5xx, so only they name the server that sent it. Or pass the configuration (`analyze --nginx-config`, or the site's configuration in the service) to route the requests.");
                }

                break;
            case IncidentCause.RateLimited:
                steps.Add("Check by client address whether the traffic that `limit_req`/`limit_conn` rejected is abusive before raising limits.");
                steps.Add("If legitimate traffic is limited, raise `rate`/`burst` (with `nodelay`) of `limit_req`, or the number in `limit_conn`.");
                steps.Add("Answer 429 instead of 503 so clients back off: `limit_req_status 429;` and `limit_conn_status 429;`.");
                break;
            case IncidentCause.Unknown when kinds.Contains(FailureKind.WorkerCrashed):
                steps.Add("Get the crash's backtrace: let workers dump core (`worker_rlimit_core 500m;` and a writable `working_directory`), then `gdb $(which nginx) <core>` and `bt`; the frames name the module.");
                steps.Add("List the third-party modules and Lua libraries (`nginx -V`, `load_module` lines): upgrade or disable the one the backtrace names, and upgrade nginx itself if the frames are its own.");
                break;
            case IncidentCause.Unknown when kinds.Contains(FailureKind.Script):
                steps.Add("Read the Lua lines in the evidence: a call the script makes itself (Redis, a database, an HTTP API through a cosocket, a DNS lookup) failed, and the script chose the status; fix that dependency or the script's handling (`ngx.exit`).");
                steps.Add("Check the dependency from the nginx host (`redis-cli -h`, `nc -vz`), and the script's timeouts (`sock:settimeouts`, `lua_socket_connect_timeout`) and connection pool (`set_keepalive`).");
                break;
            case IncidentCause.Unknown:
                steps.Add("Read the evidence lines; if the error log has nothing for these requests, raise its level (`error_log ... warn`).");
                steps.Add("Log upstream details in the access log: `$upstream_addr $upstream_status $upstream_connect_time $upstream_header_time $upstream_response_time`.");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(cause), cause, "Every cause needs remediation.");
        }

        return steps;
    }

    /// <summary>Ways to keep serving while the upstream is fixed.</summary>
    private static void AddBypasses(List<string> steps)
    {
        steps.Add("Serve stale content meanwhile: `proxy_cache_use_stale error timeout http_502 http_503 http_504;` (needs `proxy_cache`).");
        steps.Add("Show a maintenance page instead of nginx's bare error page: `error_page 502 503 504 /maintenance.html;`.");
    }
}
