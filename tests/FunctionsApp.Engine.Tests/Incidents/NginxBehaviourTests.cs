using System.Globalization;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;
using static FunctionsApp.Engine.Tests.Incidents.EngineTestKit;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// How nginx behaves when upstreams fail, as the engine must read it: the shape of a crash against saturation, an
/// application server's own timeout, joining without <c>$request</c>, attributing lines when no per-request join is
/// possible, DNS failures keyed by the name, and configuration errors shown with the incident that follows them.
/// Lines are written as nginx 1.22 writes them (see Fixtures/nginx for captured logs).
/// </summary>
public sealed class NginxBehaviourTests
{
    private const string Refused = "connect() failed (111: Connection refused) while connecting to upstream";
    private const string TimedOut = "upstream timed out (110: Connection timed out) while reading response header from upstream";
    private static readonly DateTimeOffset Base = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private const string TimedFormat =
        "$remote_addr [$time_local] \"$request\" $status $host ua=\"$upstream_addr\" us=\"$upstream_status\" urt=\"$upstream_response_time\" rt=$request_time";

    private static string Timed(int second, string method, int status, string upstream, string upstreamStatus, string upstreamTime, string host = "api.test")
    {
        var time = Base.AddSeconds(second);
        return $"10.9.8.{second % 200} [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"{method} /orders HTTP/1.1\" {status} {host} ua=\"{upstream}\" us=\"{upstreamStatus}\" urt=\"{upstreamTime}\" rt={upstreamTime.Split(", ")[^1]}";
    }

    [Fact]
    public void GatewayTimeouts_AtOneTimeWithoutErrorLog_AreNginxsOwnTimerNotAnApplicationServerKill()
    {
        // proxy_read_timeout 5s with proxy_next_upstream_tries 3: each try gives up after 5 s. A killed worker's
        // connection is closed, which nginx answers 502; a 504 is nginx's own timer.
        var access = new List<string>();
        for (var s = 0; s < 60; s++)
        {
            access.Add(s % 6 == 0
                ? Timed(s, "GET", 504, "10.0.0.1:8080, 10.0.0.2:8080, 10.0.0.3:8080", "504, 504, 504", "5.001, 5.002, 5.001")
                : Timed(s, "GET", 200, "10.0.0.1:8080", "200", "0.020"));
        }

        var incident = Assert.Single(Analyze(access, format: TimedFormat).Incidents);

        Assert.Equal((IncidentCause.Timeout, 504), (incident.Cause, incident.Status));
        Assert.Contains("did not answer in time", incident.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("application server", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// The error log alone, a group of two servers. nginx disables a server whose connect failed, and says so, only in a
    /// group of several, and then tries the next one: a request whose one failed try has that warning and no line after
    /// it (another failed try, "no live upstreams") was answered by the next server. Each failed try of a request that
    /// failed has its line.
    /// </summary>
    [Theory]
    [InlineData("next-served", 0)]
    [InlineData("both-refused", 8)]
    [InlineData("none-left", 8)]
    [InlineData("no-warning", 8)] // a lone server: nginx neither disables it nor has another to try
    [InlineData("same-server-twice", 8)] // listed twice in the block: two tries of one request, both failed
    public void ErrorLogAlone_AConnectFailureNginxMovedPast_IsARecoveredTryUnlessMoreLinesFollow(string shape, int failed)
    {
        var errors = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var time = Base.AddSeconds(i * 5);
            string Line(string level, string message, string server) =>
                $"{time:yyyy/MM/dd HH:mm:ss} [{level}] 32#32: *{100 + i} {message}, client: 172.19.0.3, server: localhost, request: \"GET /metrics HTTP/1.1\", upstream: \"http://{server}/metrics\", host: \"app.test\"";
            errors.Add(Line("error", Refused, "172.19.0.4:8000"));
            if (shape != "no-warning")
            {
                errors.Add(Line("warn", "upstream server temporarily disabled while connecting to upstream", "172.19.0.4:8000"));
            }

            if (shape is "both-refused" or "same-server-twice")
            {
                errors.Add(Line("error", Refused, shape == "both-refused" ? "172.19.0.5:8000" : "172.19.0.4:8000"));
                errors.Add(Line("warn", "upstream server temporarily disabled while connecting to upstream", shape == "both-refused" ? "172.19.0.5:8000" : "172.19.0.4:8000"));
            }
            else if (shape == "none-left")
            {
                errors.Add(Line("error", "no live upstreams while connecting to upstream", "app_servers"));
            }
        }

        var report = Analyze([], errors);

        Assert.Equal(failed, report.Incidents.Sum(i => i.FailedRequests));
        Assert.All(report.Incidents, i => Assert.Equal(IncidentCause.UpstreamDown, i.Cause));
    }

    /// <summary>
    /// The error log alone, a server whose host stopped answering ARP (a container gone, its address not reused): the
    /// kernel fails each connect with "No route to host" only when neighbour discovery gives up, three probes a second
    /// apart, so a request's next try is logged three seconds after the one before; or later, as the SYN is sent again
    /// (an IPv6 address tried 18 s after its name's IPv4 one). Both lines are one failed request when the next try
    /// failed too (another server gone, or the same one listed twice); a single line and nginx's warning is a try the
    /// next server answered.
    /// </summary>
    [Theory]
    [InlineData("next-served", 0, 3)]
    [InlineData("next-unreachable", 6, 3)]
    [InlineData("next-unreachable", 6, 18)]
    [InlineData("same-server-again", 6, 3)]
    public void ErrorLogAlone_UnreachableTries_AreLoggedANeighbourDiscoveryApart(string shape, int failed, int apart)
    {
        var errors = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var time = Base.AddSeconds(i * 20);
            string Line(DateTimeOffset at, string level, string message, string server) =>
                $"{at:yyyy/MM/dd HH:mm:ss} [{level}] 27#27: *{60 + i} {message}, client: 10.89.0.80, server: _, request: \"GET /api/settings HTTP/1.1\", upstream: \"http://{server}/api/settings\", host: \"app.test\"";
            const string NoRoute = "connect() failed (113: No route to host) while connecting to upstream";
            const string Disabled = "upstream server temporarily disabled while connecting to upstream";
            errors.Add(Line(time, "error", NoRoute, "10.89.0.15:8000"));
            errors.Add(Line(time, "warn", Disabled, "10.89.0.15:8000"));
            if (shape != "next-served")
            {
                var next = shape == "next-unreachable" ? "10.89.0.16:8000" : "10.89.0.15:8000";
                errors.Add(Line(time.AddSeconds(apart), "error", NoRoute, next));
                errors.Add(Line(time.AddSeconds(apart), "warn", Disabled, next));
            }
        }

        var report = Analyze([], errors);

        Assert.Equal(failed, report.Incidents.Sum(i => i.FailedRequests));
        Assert.True(report.Incidents.Count <= 1, string.Join("; ", report.Incidents.Select(i => i.Upstream)));
        Assert.All(report.Incidents, i => Assert.Equal(IncidentCause.UpstreamDown, i.Cause));
    }

    /// <summary>
    /// A paste whose error log begins minutes after the access log's failure (a probe's 502 at 10:00, the error
    /// excerpt from 10:07 on, where the same server refuses): the earlier failure's line is not in the excerpt, so its
    /// cause is only a guess from its status and times, and the same upstream and host refusing later, nothing answered
    /// there in between, is what it most likely was. One outage, the refusal's. Once the access log shows the upstream
    /// answering in between, the later refusal is another outage, and says nothing of the first.
    /// </summary>
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void ShortPaste_AccessFailureBeforeTheErrorLogBegins_IsTheLaterToldOutage(bool servedInBetween, int incidents)
    {
        List<string> access = [Access(0, 502, connect: "0.001", header: "-"), Access(420, 502, cid: 51, connect: "-", header: "-")];
        if (servedInBetween)
        {
            access.Insert(1, Access(200, 200, cid: 9));
        }

        string[] errors = [Error(420, "connect() failed (111: Connection refused) while connecting to upstream", cid: 51)];

        var report = Analyze(access, errors);

        Assert.Equal(incidents, report.Incidents.Count);
        Assert.Equal(IncidentCause.UpstreamDown, report.Incidents.MaxBy(i => i.Start)!.Cause);
        Assert.Equal(2, report.Incidents.Sum(i => i.FailedRequests));
    }

    /// <summary>
    /// `proxy_pass http://localhost:3000`: nginx names the block of the name's addresses by the name alone when it finds
    /// none live, then tries 127.0.0.1:3000 again once `fail_timeout` has passed, refused, two minutes later (past the
    /// quiet period). For the same host that is one outage of localhost:3000; another host's refusal is its own.
    /// </summary>
    [Theory]
    [InlineData("photos.test", 1)]
    [InlineData("other.test", 2)]
    public void ShortPaste_LocalhostsBlockThenItsLoopbackServer_AreOneOutage(string laterHost, int incidents)
    {
        string[] errors =
        [
            Error(0, "no live upstreams while connecting to upstream", upstream: "localhost", host: "photos.test", cid: 1, path: "/photos"),
            Error(0, "no live upstreams while connecting to upstream", upstream: "localhost", host: "photos.test", cid: 1, path: "/favicon.ico"),
            Error(126, "connect() failed (111: Connection refused) while connecting to upstream", upstream: "127.0.0.1:3000", host: laterHost, cid: 7, path: "/photos"),
        ];

        var report = Analyze([], errors);

        Assert.Equal(incidents, report.Incidents.Count);
        Assert.All(report.Incidents, i => Assert.Equal(IncidentCause.UpstreamDown, i.Cause));
        if (incidents == 1)
        {
            Assert.Equal(("localhost:3000", 3), (report.Incidents[0].Upstream, report.Incidents[0].FailedRequests));
        }
    }

    /// <summary>
    /// One request's refusals on two servers of its group: the group has more than one server already, so the fix is
    /// not another; what the servers share failed. One server refusing alone keeps the advice to add one.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ErrorLogAlone_ServersFailingTogether_AreNotToldToAddAServer(bool twoServers)
    {
        var errors = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            errors.Add(Error(i * 10, "connect() failed (111: Connection refused) while connecting to upstream", upstream: "10.0.0.1:8080", cid: 40 + i));
            if (twoServers)
            {
                errors.Add(Error(i * 10, "connect() failed (111: Connection refused) while connecting to upstream", upstream: "10.0.0.2:8080", cid: 40 + i));
            }
        }

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(twoServers, incident.Remediation.Contains(Remediation.ServersFailedTogetherStep));
        Assert.Equal(!twoServers, incident.Remediation.Contains(Remediation.MoreThanOneServerStep));
    }

    /// <summary>
    /// The errno numbers say which system nginx runs on (Winsock's 10061, FreeBSD's and macOS's 61, Linux's 111 for the
    /// same refusal): the step that checks what listens uses that system's tools, not systemd's and `ss` everywhere.
    /// </summary>
    [Theory]
    [InlineData("(111: Connection refused)", "`ss -ltnp`")]
    [InlineData("(61: Connection refused)", "`sockstat -4l`")]
    [InlineData("(10061: No connection could be made because the target machine actively refused it)", "`netstat -ano | findstr LISTENING`")]
    public void ErrorLogAlone_Refusals_AreCheckedWithTheToolsOfNginxsSystem(string errno, string tool)
    {
        var errors = Enumerable.Range(0, 3).Select(i => Error(i * 5, $"connect() failed {errno} while connecting to upstream", cid: 70 + i));

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Contains(tool, incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// A unix socket that is not there: where its path is set depends on the server behind it, which the module says
    /// (PHP-FPM's pool behind `fastcgi_pass`, uWSGI's `socket` behind `uwsgi_pass`); behind `proxy_pass` it is any
    /// application server's (Puma, gunicorn, a Node app), so none is named.
    /// </summary>
    [Theory]
    [InlineData("fastcgi", "`fastcgi_pass`", "PHP-FPM's `listen =`")]
    [InlineData("uwsgi", "`uwsgi_pass`", "uWSGI's `socket =`")]
    [InlineData("http", "`proxy_pass`", "the application server's own bind setting")]
    public void ErrorLogAlone_MissingSocket_NamesWhereItsServerSetsThePath(string scheme, string directive, string setting)
    {
        var errors = Enumerable.Range(0, 3).Select(i =>
            $"{Base.AddSeconds(i * 5):yyyy/MM/dd HH:mm:ss} [crit] 12#12: *{80 + i} connect() to unix:/run/app/app.sock failed (2: No such file or directory) while connecting to upstream, client: 10.0.0.9, server: app.test, request: \"GET / HTTP/1.1\", upstream: \"{scheme}://unix:/run/app/app.sock:\", host: \"app.test\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        var step = Assert.Single(incident.Remediation, s => s.StartsWith("If the service is running, compare the socket path", StringComparison.Ordinal));
        Assert.Contains(directive, step, StringComparison.Ordinal);
        Assert.Contains(setting, step, StringComparison.Ordinal);
    }

    /// <summary>
    /// ENETUNREACH (101) is most often nginx's own host with no route to the network (a default route gone, a tunnel
    /// down), EHOSTUNREACH (113) the far host or its neighbourhood: the summary and the first fix say where to look.
    /// </summary>
    [Theory]
    [InlineData("101: Network is unreachable", "from nginx's host", "ip route get")]
    [InlineData("113: No route to host", "the host is down", "Check the network path from nginx")]
    public void UnreachableUpstream_WhereToLook_FollowsTheErrno(string errno, string summary, string fix)
    {
        var errors = Enumerable.Range(0, 5).Select(i =>
            $"{Base.AddSeconds(i * 4):yyyy/MM/dd HH:mm:ss} [error] 27#27: *{60 + i} connect() failed ({errno}) while connecting to upstream, client: 10.89.0.80, server: _, request: \"GET /depot/{i} HTTP/1.1\", upstream: \"http://190.11.69.9:80/depot/{i}\", host: \"cache.test\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.UpstreamDown, 502), (incident.Cause, incident.Status));
        Assert.Contains(summary, incident.Summary, StringComparison.Ordinal);
        Assert.Contains(fix, incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>proxy_pass http://localhost:3000</c> with the application listening on IPv4 only: nginx tries [::1] first, is
    /// refused, logs it, and the next address answers. The access log shows every such request served; its copy ends
    /// five minutes before the error log's. Past its end the same refusals are the same tries moved past, unless the
    /// request's next try fails too (its own line), which is an outage.
    /// </summary>
    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 22)]
    public void ErrorLogRunningPastTheAccessLog_TriesAlwaysMovedPastStayTries(bool ipv4DiesLater, int failed)
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var second = 0; second < 600; second += 7)
        {
            var time = Base.AddSeconds(second);
            if (second < 300)
            {
                access.Add($"198.51.100.9 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /app/{second} HTTP/1.1\" 200 5120 \"-\" \"Mozilla/5.0\"");
            }

            foreach (var address in second >= 445 && ipv4DiesLater ? ["[::1]", "127.0.0.1"] : new[] { "[::1]" })
            {
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 31#31: *{1000 + second} {Refused}, client: 198.51.100.9, server: localhost, "
                    + $"request: \"GET /app/{second} HTTP/1.1\", upstream: \"http://{address}:3000/app/{second}\", host: \"localhost\"");
            }
        }

        var report = Analyze(access, errors, format: null);

        Assert.Equal(failed, report.Incidents.Sum(i => i.FailedRequests));
        Assert.All(report.Incidents, i => Assert.Equal((IncidentCause.UpstreamDown, "127.0.0.1:3000"), (i.Cause, i.Upstream)));
    }

    /// <summary>
    /// A capture begun with nginx: its first request (a dev server behind <c>localhost</c>, listening on IPv4 only) is
    /// refused on [::1], goes on to 127.0.0.1 and takes a moment to serve, so nginx writes its access line (at the
    /// request's end) a second or two after the try's error line, before any other. That request is in the access
    /// log, served; when its access line says 502, its next try failed too.
    /// </summary>
    [Theory]
    [InlineData(1, 200, 0)]
    [InlineData(2, 200, 0)]
    [InlineData(2, 502, 1)]
    public void FirstRequestOfACaptureTriedAgain_ItsAccessLineAfterTheErrorDecides(int lag, int status, int failed)
    {
        List<string> access = [$"127.0.0.1 - - [{Base.AddSeconds(lag):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET / HTTP/1.1\" {status} {(status == 200 ? 1061 : 157)} \"-\" \"Mozilla/5.0\""];
        List<string> errors = [$"{Base:yyyy/MM/dd HH:mm:ss} [error] 11904#14000: *1 {Refused}, client: 127.0.0.1, server: localhost, request: \"GET / HTTP/1.1\", upstream: \"http://[::1]:3000/\", host: \"localhost\""];
        for (var second = 5; second < 300; second += 5)
        {
            access.Add($"127.0.0.1 - - [{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /static/{second}.js HTTP/1.1\" 200 6414 \"http://localhost/\" \"Mozilla/5.0\"");
        }

        var report = Analyze(access, errors, format: null, options: new DiagnosisOptions { MinFailures = 1 });

        Assert.Equal(failed, report.Incidents.Sum(i => i.FailedRequests));
    }

    /// <summary>
    /// gunicorn gone from its socket on a quiet site: the owner's request fails, then scanners' requests by the server's
    /// address (another Host, paths never asked for before) fail minutes apart, each burst past the quiet period. The
    /// access log shows nothing answered in between, only the failures and nginx's own 400s to garbage: one outage of the
    /// socket that served before, not a new wrong path per scanner. Once it shows the app answering between two bursts,
    /// they are two.
    /// </summary>
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void QuietSiteAnsweringNothingBetweenBursts_IsOneOutageWhateverTheHost(bool answeredBetween, int expected)
    {
        const string socket = "unix:/tmp/gunicorn-shop.sock";
        var access = new List<string>();
        var errors = new List<string>();
        void Request(int second, string client, string path, string host, int status)
        {
            var time = Base.AddSeconds(second);
            access.Add($"{client} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" {status} {(status == 502 ? 568 : 5120)} \"-\" \"Mozilla/5.0\"");
            if (status == 502)
            {
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [crit] 5934#5934: *{second} connect() to {socket} failed (2: No such file or directory) while connecting to upstream, "
                    + $"client: {client}, server: shop.test, request: \"GET {path} HTTP/1.1\", upstream: \"http://{socket}:{path}\", host: \"{host}\"");
            }
        }

        for (var second = 0; second < 600; second += 15)
        {
            Request(second, "179.33.144.40", $"/admin/orders/?p={second}", "shop.test", 200);
        }

        Request(660, "179.33.144.40", "/admin/orders/?p=3", "shop.test", 502);
        string[] paths = ["/", "/robots.txt", "/sitemap.xml", "/.well-known/security.txt"];
        foreach (var (burst, client) in new[] { (960, "152.89.196.144"), (1_940, "164.92.114.247"), (4_230, "147.182.247.10") })
        {
            if (burst == 4_230 && answeredBetween)
            {
                Request(3_000, "179.33.144.40", "/admin/orders/?p=9", "shop.test", 200);
            }

            for (var i = 0; i < paths.Length; i++)
            {
                Request(burst + (i * 2), client, paths[i], "203.0.113.7", 502);
            }

            access.Add($"{client} - - [{Base.AddSeconds(burst + 9):dd/MMM/yyyy:HH:mm:ss} +0000] \"\" 400 0 \"-\" \"-\"");
        }

        Request(5_000, "179.33.144.40", "/admin/orders/?p=1", "shop.test", 200);

        var report = Analyze(access, errors, format: null);

        Assert.Equal(expected, report.Incidents.Count);
        Assert.All(report.Incidents, i => Assert.Equal((socket, IncidentCause.UpstreamDown), (i.Upstream, i.Cause)));
        Assert.Equal(13, report.Incidents.Sum(i => i.FailedRequests));
    }

    /// <summary>
    /// A quiet upstream that stopped: a health check every 33 s (<c>combined</c>, only <c>/health</c> reaches the
    /// application; nginx serves <c>/static</c> itself) fails fourteen times running, never three within the window.
    /// Every request it got for seven minutes failed: an outage. A check that passes between its failures, failures
    /// more than the quiet period apart, or three spread over minutes, are strays.
    /// </summary>
    [Theory]
    [InlineData("every check fails", 33, false, 14, 14)]
    [InlineData("a check passes between failures", 33, true, 14, 0)]
    [InlineData("failures further apart than the quiet period", 150, false, 14, 0)]
    [InlineData("three hits on a dead route, 80 s apart", 80, false, 3, 0)]
    public void QuietUpstream_FailingEveryRequestForMinutes_IsAnIncidentThoughNeverThreeInAWindow(string scenario, int period, bool passesBetween, int failing, int failed)
    {
        var random = new Random(period);
        var access = new List<string>();
        for (var second = 0; second < period * 60; second++)
        {
            var time = Base.AddSeconds(second);
            if (second % period == 0 || (passesBetween && second % period == period / 2))
            {
                var check = second / period;
                var fails = check >= 20 && check < 20 + failing && second % period == 0;
                access.Add($"10.0.3.7 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /health HTTP/1.1\" {(fails ? 502 : 200)} {(fails ? 157 : 2)} \"-\" \"kube-probe/1.27\"");
            }

            if (random.Next(3) == 0)
            {
                access.Add($"203.0.113.{random.Next(1, 99)} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /static/app.{random.Next(9)}.js HTTP/1.1\" 200 {random.Next(2_000, 9_000)} \"-\" \"Mozilla/5.0\"");
            }
        }

        var report = Analyze(access, format: null);

        Assert.True(failed == report.Incidents.Sum(i => i.FailedRequests), $"{scenario}: {report.Incidents.Sum(i => i.FailedRequests)}");
        Assert.All(report.Incidents, i => Assert.Equal((IncidentCause.UpstreamDown, 502), (i.Cause, i.Status)));
    }

    /// <summary>The same with the upstream named: one server of two behind a host stops, and the other keeps serving
    /// the host's other route; only the failing server's own successes would break its run.</summary>
    [Fact]
    public void QuietUpstream_OneServerFailingEachRequestWhileAnotherServes_IsItsIncident()
    {
        var access = new List<string>();
        for (var second = 0; second < 1_200; second += 5)
        {
            access.Add(Timed(second, "GET", 200, "10.0.0.2:8080", "200", "0.020"));
            if (second % 45 == 0)
            {
                access.Add(second >= 600
                    ? Timed(second, "POST", 502, "10.0.0.1:8080", "502", "0.000")
                    : Timed(second, "POST", 200, "10.0.0.1:8080", "200", "0.031"));
            }
        }

        var incident = Assert.Single(Analyze(access, format: TimedFormat).Incidents);

        Assert.Equal(("10.0.0.1:8080", 13), (incident.Upstream, incident.FailedRequests));
    }

    /// <summary>
    /// A WebSocket server restarting: nginx logs each upgraded connection (101) when its tunnel closes, with the
    /// session's whole life as its times, and the restart closes forty at once; the requests in flight are reset. Those
    /// times say nothing of how fast the server answered, so the resets are a broken answer, not a saturated server's.
    /// </summary>
    [Fact]
    public void WebSocketSessionsClosingAtARestart_AreNoSlowdownBeforeTheResets()
    {
        var random = new Random(7);
        var access = new List<string>();
        var errors = new List<string>();
        string Line(int second, string uri, int status, double upstreamSeconds) =>
            $"203.0.113.{second % 50} [{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {uri} HTTP/1.1\" {status} app.test ua=\"127.0.0.1:3000\" "
            + $"us=\"{status}\" urt=\"{upstreamSeconds.ToString("0.000", CultureInfo.InvariantCulture)}\" rt={(upstreamSeconds + 0.001).ToString("0.000", CultureInfo.InvariantCulture)}";
        for (var second = 0; second < 1_200; second += 2)
        {
            var reset = second is >= 600 and < 624;
            access.Add(Line(second, "/api/state", reset ? 502 : 200, reset ? 0.002 : 0.010 + (random.Next(30) / 1000.0)));
            if (reset)
            {
                errors.Add($"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 22#22: *{second} recv() failed (104: Connection reset by peer) while reading response header from upstream, "
                    + $"client: 203.0.113.{second % 50}, server: app.test, request: \"GET /api/state HTTP/1.1\", upstream: \"http://127.0.0.1:3000/api/state\", host: \"app.test\"");
            }

            if (second % 60 == 0 || second == 598)
            {
                foreach (var _ in Enumerable.Range(0, second == 598 ? 40 : 1))
                {
                    access.Add(Line(second, "/socket.io/?EIO=4&transport=websocket", 101, 30 + random.Next(800)));
                }
            }
        }

        var incident = Assert.Single(Analyze(access, errors, TimedFormat).Incidents);

        Assert.Equal((IncidentCause.InvalidResponse, 12), (incident.Cause, incident.FailedRequests));
    }

    /// <summary>
    /// The error log alone, a group of two servers that hang: nginx waits <c>proxy_read_timeout</c> (60 s) on the first,
    /// logs it, moves to the next and waits as long again, so the second try's line comes a minute after the first's on
    /// the same connection. Five requests failed, each on both servers: one incident of the two servers, not ten failures.
    /// A client sending the request again on its connection after its 504 starts over, on the first server again.
    /// </summary>
    [Theory]
    [InlineData(true, 5)]
    [InlineData(false, 10)]
    public void ErrorLogAlone_TimedOutTriesOfOneRequestAMinuteApart_AreOneFailedRequest(bool nextServer, int failed)
    {
        var lines = new List<(DateTimeOffset Time, string Line)>();
        for (var i = 0; i < 5; i++)
        {
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                var time = Base.AddSeconds(i * 7 + 60 * attempt);
                var server = nextServer && attempt == 2 ? "10.0.0.6:3000" : "10.0.0.5:3000";
                lines.Add((time, $"{time:yyyy/MM/dd HH:mm:ss} [error] 811#811: *{100 + i} {TimedOut}, client: 198.51.100.{i}, server: app.test, "
                    + $"request: \"POST /report HTTP/1.1\", upstream: \"http://{server}/report\", host: \"app.test\""));
            }
        }

        var report = Analyze([], [.. lines.OrderBy(l => l.Time).Select(l => l.Line)]);

        Assert.Equal(failed, report.Incidents.Sum(i => i.FailedRequests));
        Assert.All(report.Incidents, i => Assert.Equal((IncidentCause.Timeout, 504), (i.Cause, i.Status)));
        Assert.Equal(nextServer ? 1 : report.Incidents.Count, report.Incidents.Count);
    }

    /// <summary>
    /// A block of two servers (<c>max_fails=1 fail_timeout=10s</c>) both down, on a host where another upstream is
    /// failing too: nginx answers "no live upstreams" for ten seconds, then tries both servers again, both refuse, and
    /// it marks them down once more. The requests that failed on both servers are the block's outage, as its "no live
    /// upstreams" are, whatever else fails on the host: one incident of the block.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BlockDown_ItsServersRetriedAfterFailTimeout_AreTheBlocksIncidentBesideAnother(bool otherIncidentOnTheHost)
    {
        var access = new List<(DateTimeOffset, string)>();
        var errors = new List<(DateTimeOffset, string)>();
        string Error(DateTimeOffset time, string level, int connection, string message, string upstream, string client, string uri) =>
            $"{time:yyyy/MM/dd HH:mm:ss} [{level}] 811#811: *{connection} {message} while connecting to upstream, client: {client}, server: www.example.org, "
            + $"request: \"GET {uri} HTTP/1.1\", upstream: \"http://{upstream}{uri}\", host: \"www.example.org\"";
        for (var second = 0; second < 240; second++)
        {
            var time = Base.AddSeconds(second);
            var (client, uri) = ($"203.0.113.{(second % 90) + 1}", $"/metrics/{second}");
            var down = second is >= 100 and < 160;
            access.Add((time, $"{client} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {uri} HTTP/1.1\" {(down ? 502 : 200)} {(down ? 157 : 512)} \"-\" \"curl/8.5.0\""));
            if (down && (second - 100) % 11 == 0)
            {
                foreach (var server in new[] { "127.0.0.1:44459", "127.0.0.1:42205" })
                {
                    errors.Add((time, Error(time, "error", 263, Refused, server, client, uri)));
                    errors.Add((time, Error(time, "warn", 263, "upstream server temporarily disabled", server, client, uri)));
                }
            }
            else if (down)
            {
                errors.Add((time, Error(time, "error", 263, "no live upstreams", "metrics_pool", client, uri)));
            }

            if (otherIncidentOnTheHost && second is >= 40 and < 100)
            {
                var other = $"198.51.100.{second % 90}";
                access.Add((time, $"{other} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"POST /upload/{second} HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\""));
                errors.Add((time, $"{time:yyyy/MM/dd HH:mm:ss} [error] 811#811: *{900 + second} connect() to unix:/run/php/fpm.sock failed (11: Resource temporarily unavailable) "
                    + $"while connecting to upstream, client: {other}, server: www.example.org, request: \"POST /upload/{second} HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/fpm.sock:\", host: \"www.example.org\""));
            }
        }

        var report = Analyze(access.OrderBy(l => l.Item1).Select(l => l.Item2), errors.OrderBy(l => l.Item1).Select(l => l.Item2), format: null);

        var block = Assert.Single(report.Incidents, i => i.Upstream != "unix:/run/php/fpm.sock");
        Assert.True((block.Upstream, block.FailedRequests) == ("metrics_pool", 60),
            string.Join("; ", report.Incidents.Select(i => $"{i.Upstream} {i.FailedRequests} {i.Start:HH:mm:ss} [{string.Join(",", i.Servers ?? [])}]")));
    }

    /// <summary>
    /// nginx in a container (its published port relays the host's clients from the Docker network's gateway,
    /// 172.18.0.1) proxying to 127.0.0.1: the container's own loopback, where an application in another container never
    /// is. Refused from the first request there is the address's fault; the same refusals for clients from elsewhere,
    /// or to another container's address, say only that nothing listened.
    /// </summary>
    /// <remarks>nginx's master as PID 1 (its startup notices, <c>1#1:</c>) says the same whatever the clients: it is a
    /// container's init, and a container whose init is nginx runs no application beside it.</remarks>
    [Theory]
    [InlineData("172.18.0.1", "127.0.0.1:3000", 1234, IncidentCause.Misconfiguration)]
    [InlineData("203.0.113.5", "127.0.0.1:3000", 1234, IncidentCause.UpstreamDown)]
    [InlineData("172.18.0.1", "172.18.0.5:3000", 1234, IncidentCause.UpstreamDown)]
    [InlineData("203.0.113.5", "127.0.0.1:3000", 1, IncidentCause.Misconfiguration)]
    [InlineData("203.0.113.5", "172.18.0.5:3000", 1, IncidentCause.UpstreamDown)]
    public void ErrorLogAlone_RefusedOnLoopbackByAContainersNginx_IsTheWrongAddress(string client, string upstream, int masterPid, IncidentCause expected)
    {
        var started = $"{Base.AddSeconds(-30):yyyy/MM/dd HH:mm:ss} [notice] {masterPid}#{masterPid}: start worker processes";
        var errors = Enumerable.Range(0, 4).Select(i =>
            $"{Base.AddSeconds(i * 3):yyyy/MM/dd HH:mm:ss} [error] 29#29: *{i + 1} {Refused}, client: {client}, server: _, request: \"GET /api HTTP/1.1\", "
            + $"upstream: \"http://{upstream}/api\", host: \"localhost:8080\"");

        var incident = Assert.Single(Analyze([], errors.Prepend(started)).Incidents);

        Assert.Equal(expected, incident.Cause);
    }

    /// <summary>
    /// nginx-proxy's template gives each Host it routes a server of its own and the rest its default one,
    /// <c>server_name _; return 503;</c>: nginx's own 503 page, no upstream contacted, no error line. A Host that the
    /// containers' VIRTUAL_HOST does not name is a misconfiguration, in the vhost format with <c>$upstream_addr</c> and in
    /// the one before it; kept when the incident document is read again. In <c>combined</c> the same 503s say nothing.
    /// </summary>
    [Theory]
    [InlineData("nginx-proxy", " \"-\"", IncidentCause.Misconfiguration)]
    [InlineData("nginx-proxy-legacy", "", IncidentCause.Misconfiguration)]
    [InlineData("combined", null, IncidentCause.Unknown)]
    public void AccessLogAlone_NginxProxysDefaultServer503s_AreAHostNoContainerIsRoutedFor(string format, string? upstreamField, IncidentCause expected)
    {
        var access = Enumerable.Range(0, 5).Select(i =>
        {
            var time = Base.AddSeconds(i * 4).ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture);
            var line = $"172.18.0.1 - - [{time} +0000] \"GET /page/{i} HTTP/1.1\" 503 615 \"-\" \"Mozilla/5.0\"";
            return upstreamField is null ? line : $"shop.localhost {line}{upstreamField}";
        });

        var incident = Assert.Single(Analyze(access, format: format).Incidents);

        Assert.Equal((expected, 503), (incident.Cause, incident.Status));
        Assert.Equal(expected == IncidentCause.Misconfiguration ? 5 : 0, IncidentVerdict.EvidenceOf(incident).UnroutedHost);
        if (expected == IncidentCause.Misconfiguration)
        {
            Assert.StartsWith("nginx-proxy answered these requests itself", incident.Summary, StringComparison.Ordinal);
            Assert.Contains("VIRTUAL_HOST", incident.Remediation[0], StringComparison.Ordinal);

            // Nothing upstream failed: no step about an upstream's address.
            Assert.DoesNotContain(incident.Remediation, step => step.Contains("proxy_pass", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// A 504 with nginx's own page and no error line for it is the upstream's own only when the error log would have
    /// held nginx's line: one that shows a line at [error] or below lets them through. A log of only [alert] and [crit]
    /// lines (written at <c>error_log … crit;</c>, or an excerpt of them) says nothing, and nginx's page says it made
    /// the 504 itself: its read timer.
    /// </summary>
    [Theory]
    [InlineData("[alert] 6#6: *3 open socket #12 left in connection 5", IncidentCause.Timeout)]
    [InlineData("[crit] 6#6: *9 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 172.18.0.9, server: 0.0.0.0:443", IncidentCause.Timeout)]
    [InlineData("[notice] 1#1: signal process started", IncidentCause.UpstreamReturned)]
    public void NginxsOwn504Page_WithAnErrorLogAboveErrorLevel_IsNginxsTimeoutNotTheUpstreams(string errorLine, IncidentCause expected)
    {
        var time = Base.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture);
        string[] access = [$"172.18.0.1 - - [{time} +0000] \"GET /gunicorn/timeout HTTP/1.1\" 504 167 \"-\" \"Artillery (https://artillery.io)\" \"-\""];

        var incident = Assert.Single(Analyze(access, [$"{Base:yyyy/MM/dd HH:mm:ss} {errorLine}"], format: null).Incidents);

        Assert.Equal((expected, 504), (incident.Cause, incident.Status));
    }

    /// <summary>
    /// A scheme on the other protocol's well-known port is the configuration's: TLS to 80, where a plain HTTP server
    /// answers the ClientHello with a 400 ("wrong version number", "unknown protocol"), and plain HTTP (or cleartext
    /// gRPC) to 443, where the TLS server closes or resets before any header. The same failures on other ports, or a
    /// body cut short, keep their own causes.
    /// </summary>
    [Theory]
    [InlineData("SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream", "https://10.0.0.5:80/cart", IncidentCause.Misconfiguration)]
    [InlineData("SSL_do_handshake() failed (SSL: error:140770FC:SSL routines:SSL23_GET_SERVER_HELLO:unknown protocol) while SSL handshaking to upstream", "https://10.0.0.5:80/", IncidentCause.Misconfiguration)]
    [InlineData("upstream prematurely closed connection while reading response header from upstream", "http://10.240.0.89:443/", IncidentCause.Misconfiguration)]
    [InlineData("recv() failed (104: Connection reset by peer) while reading response header from upstream", "grpc://10.240.0.89:443", IncidentCause.Misconfiguration)]
    [InlineData("SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream", "https://10.0.0.5:80/cart", IncidentCause.Misconfiguration)]
    [InlineData("SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream", "https://10.0.0.5:8443/cart", IncidentCause.TlsHandshake)]
    [InlineData("upstream prematurely closed connection while reading response header from upstream", "https://10.240.0.89:443/", IncidentCause.InvalidResponse)]
    [InlineData("upstream prematurely closed connection while reading response header from upstream", "http://10.240.0.89:8443/", IncidentCause.InvalidResponse)]
    [InlineData("recv() failed (104: Connection reset by peer) while reading response header from upstream", "http://10.0.0.7:9000/api/events", IncidentCause.InvalidResponse)]
    [InlineData("connect() failed (111: Connection refused) while connecting to upstream", "http://10.240.0.89:443/", IncidentCause.UpstreamDown)]
    public void ErrorLogAlone_SchemeOnTheOtherProtocolsPort_IsTheConfigurations(string message, string upstream, IncidentCause expected)
    {
        var incident = Assert.Single(Analyze([], Burst(message, upstream)).Incidents);

        Assert.Equal((expected, 502), (incident.Cause, incident.Status));
        if (expected == IncidentCause.Misconfiguration)
        {
            Assert.Contains(upstream.StartsWith("https", StringComparison.Ordinal) ? "`proxy_pass` needs `http://`" : "`proxy_pass` needs `https://`", incident.Summary, StringComparison.Ordinal);
            Assert.Contains(incident.Remediation, step => step.StartsWith("Make the scheme fit the port", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// A reply to nginx's ClientHello that is no TLS at all is a port that does not speak TLS, whatever its number: a
    /// plain-HTTP server answers the handshake with a 400 whose "HTTP/1.1" OpenSSL cannot read as a record ("wrong
    /// version number"; "unknown protocol" in OpenSSL 1.0; "packet length too long"), and nginx 1.29.5 on reads a
    /// response sent before its handshake. The fix is the scheme, not a certificate; a refusal of the handshake itself
    /// (an alert the server sent) stays a TLS failure.
    /// </summary>
    [Theory]
    [InlineData("SSL_do_handshake() failed (SSL: error:1408F10B:SSL routines:ssl3_get_record:wrong version number) while SSL handshaking to upstream", "https://172.30.1.110:443/.git/config")]
    [InlineData("SSL_do_handshake() failed (SSL: error:140770FC:SSL routines:SSL23_GET_SERVER_HELLO:unknown protocol) while SSL handshaking to upstream", "https://127.0.0.1:9090/")]
    [InlineData("SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream", "https://10.0.0.5:8443/cart")]
    [InlineData("upstream prematurely sent response while connecting to upstream", "https://10.0.0.5:8000/")]
    public void ErrorLogAlone_PlainTextAnswerToTheHandshake_IsTheScheme(string message, string upstream)
    {
        var incident = Assert.Single(Analyze([], Burst(message, upstream)).Incidents);

        Assert.Equal((IncidentCause.Misconfiguration, 502), (incident.Cause, incident.Status));
        Assert.Contains("that port does not speak TLS. `proxy_pass` needs `http://` there", incident.Summary, StringComparison.Ordinal);
        Assert.StartsWith("Ask ", incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// Upstreams masked by hand, each line anew (<c>http://1XXXX:10001</c>, <c>http://XXXX:10001</c>,
    /// <c>http://10XXXXXX:10001</c>): nginx writes no mask, so the masks at one port are one upstream, named by the first;
    /// real addresses stay apart.
    /// </summary>
    [Theory]
    [InlineData("1XXXX:10001", "XXXX:10001", "10XXXXXX:10001", 1)]
    [InlineData("10.0.x.x:8080", "10.x.x.x:8080", "xxx.xxx.xxx.xxx:8080", 1)]
    [InlineData("10.0.0.1:10001", "10.0.0.2:10001", "10.0.0.3:10001", 3)]
    public void ErrorLogAlone_UpstreamsMaskedDifferentlyAtOnePort_AreOneUpstream(string first, string second, string third, int incidents)
    {
        var errors = new[] { first, second, third, first }.Select((upstream, i) =>
            $"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 43#43: *{103000 + i} upstream timed out (110: Operation timed out) while reading response header from upstream, client: 10.42.0.78, server: , request: \"POST /api/asset/import HTTP/1.1\", upstream: \"http://{upstream}/asset/import\", host: \"XXXXX\"");

        var report = Analyze([], errors);

        Assert.Equal(incidents, report.Incidents.Count);
        Assert.All(report.Incidents, incident => Assert.Equal(IncidentCause.Timeout, incident.Cause));
        Assert.Equal(first, report.Incidents.OrderBy(incident => incident.Start).First().Upstream);
    }

    /// <summary>
    /// A paste masked by hand (<c>host: "xxxx"</c> on one line, <c>"xxxxx"</c> on the next) names no host: the tries of
    /// one group's two servers and the "no live upstreams" that follows them are one outage of the group, not one per
    /// spelling of the mask. Two real hosts stay apart.
    /// </summary>
    [Theory]
    [InlineData("xxxx", "xxxxx", 1)]
    [InlineData("***", "*****", 1)]
    [InlineData("shop.test", "blog.test", 2)]
    public void ErrorLogAlone_HostsMaskedWithAnyNumberOfXs_AreOneHost(string host, string otherHost, int incidents)
    {
        string Line(int second, int connection, string message, string upstream, string hostName) =>
            $"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 5342#0: *{connection} {message}, client: 10.4.0.{connection % 7}, server: {hostName}, request: \"POST /service HTTP/1.1\", upstream: \"{upstream}\", host: \"{hostName}\"";
        const string Handshake = "SSL_do_handshake() failed (SSL: error:1408D010:SSL routines:SSL3_GET_KEY_EXCHANGE:EC lib) while SSL handshaking to upstream";
        var errors = new[]
        {
            Line(0, 3468, Handshake, "https://10.1.152.9:8444/service", host),
            Line(0, 3468, Handshake, "https://10.1.152.9:8445/service", host),
            Line(0, 3571, "no live upstreams while connecting to upstream", "https://jk/service", otherHost),
            Line(1, 3468, Handshake, "https://10.1.152.9:8444/service", host),
            Line(1, 3468, Handshake, "https://10.1.152.9:8445/service", host),
            Line(1, 3572, "no live upstreams while connecting to upstream", "https://jk/service", otherHost),
        };

        var report = Analyze([], errors);

        Assert.Equal(incidents, report.Incidents.Count);
        if (incidents == 1)
        {
            Assert.Equal(("jk", "-", IncidentCause.TlsHandshake), (report.Incidents[0].Upstream, report.Incidents[0].Host, report.Incidents[0].Cause));
        }
        else
        {
            Assert.Equal([otherHost, host], report.Incidents.Select(i => i.Host).Order(StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// ngx_http_fastcgi_process_record reads every record's first byte as FastCGI's version, which is always 1: another
    /// number is another protocol's first byte (72 "H" of an HTTP server, 83 "S" of a CGI "Status:", 60 "&lt;" of a
    /// page), so <c>fastcgi_pass</c> reached some other service. A misconfiguration, with the pool's <c>listen</c> to
    /// check, on a TCP port or a socket alike; "unexpected FastCGI record" (a FastCGI server out of step) stays invalid.
    /// </summary>
    [Theory]
    [InlineData("unsupported FastCGI protocol version: 72", "fastcgi://127.0.0.1:9000", IncidentCause.Misconfiguration)]
    [InlineData("unsupported FastCGI protocol version: 83", "fastcgi://unix:/run/synoscgi.sock:", IncidentCause.Misconfiguration)]
    [InlineData("unsupported FastCGI protocol version: 60", "fastcgi://10.0.3.7:9001", IncidentCause.Misconfiguration)]
    [InlineData("unexpected FastCGI record: 9", "fastcgi://127.0.0.1:9000", IncidentCause.InvalidResponse)]
    public void ErrorLogAlone_FastCgiVersionThatIsNotOne_IsAnotherServiceBehindFastcgiPass(string message, string upstream, IncidentCause expected)
    {
        var incident = Assert.Single(Analyze([], Burst($"upstream sent {message} while reading response header from upstream", upstream)).Incidents);

        Assert.Equal((expected, 502), (incident.Cause, incident.Status));
        if (expected == IncidentCause.Misconfiguration)
        {
            Assert.Contains("does not speak FastCGI", incident.Summary, StringComparison.Ordinal);
            Assert.Contains(incident.Remediation, step => step.Contains("fastcgi_pass", StringComparison.Ordinal) && step.Contains("listen", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Phusion Passenger inside nginx answers itself when every application process is busy and its request queue is
    /// full (503, <c>passenger_request_queue_overflow_status_code</c>), or when the application sent no complete
    /// response (502). It writes that at <c>[ W ]</c>, and nginx, which only relays Passenger's answer, writes nothing:
    /// the queue is overload, the broken answer the application's. Its other warnings fail no request.
    /// </summary>
    [Theory]
    [InlineData("Returning HTTP 503 due to: Request queue full (configured max. size: 100)", IncidentCause.Overload, 503)]
    [InlineData("Request queue is full. Returning an error", IncidentCause.Overload, 503)]
    [InlineData("Sending 502 response: application did not send a complete response", IncidentCause.InvalidResponse, 502)]
    [InlineData("Sending 502 response: application socket read error", IncidentCause.InvalidResponse, 502)]
    public void PassengerAnsweringItself_WithOrWithoutTheAccessLog_IsItsCauseAndStatus(string message, IncidentCause cause, int status)
    {
        var errors = Enumerable.Range(0, 4).Select(i => $"[ W {Base.AddSeconds(i * 7):yyyy-MM-dd HH:mm:ss}.0412 5601/T{i} Core/Controller/CheckoutSession.cpp:266 ]: [Client {i + 1}-3] {message}");
        var access = Enumerable.Range(0, 4).Select(i =>
            $"198.51.100.{i + 2} - - [{Base.AddSeconds(i * 7):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /files/{i} HTTP/1.1\" {status} 190 \"-\" \"Mozilla/5.0\"");

        foreach (var report in (AnalysisReport[])[Analyze([], errors), Analyze(access, errors, format: null)])
        {
            var incident = Assert.Single(report.Incidents);
            Assert.Equal((cause, status, 4), (incident.Cause, incident.Status, incident.FailedRequests));
        }

        if (cause == IncidentCause.Overload)
        {
            Assert.Contains(Analyze([], errors).Incidents[0].Remediation, step => step.Contains("passenger_max_pool_size", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void PassengerNoticesAndSpawnErrors_FailNoGatewayRequest()
    {
        var errors = Enumerable.Range(0, 4).Select(i => $"[ {(i % 2 == 0 ? "N" : "E")} {Base.AddSeconds(i):yyyy-MM-dd HH:mm:ss}.0412 5601/T{i} Core/Controller.cpp:98 ]: "
            + (i % 2 == 0 ? "Checking whether to disconnect long-running connections for process 77" : $"[Client {i}-1] Cannot checkout session because a spawning error occurred."));

        var report = Analyze([], errors);

        Assert.Empty(report.Incidents);
        Assert.Equal(4, report.Stats.ErrorLines);
    }

    /// <summary>
    /// nginx answers a HEAD with headers only (<c>r-&gt;header_only</c>), its own 502 page included: a HEAD's 502 with a body
    /// of 0 bytes says nothing of who answered, and meets the refused connect of its request like any other. (Its user
    /// agent, <c>rspamd-1.9.3</c> without a slash, is no Host either: a name's last label is never all digits.)
    /// </summary>
    [Fact]
    public void HeadRequestsFailingInCombined_WithAnEmptyBody_AreTheirConnectFailuresNotTheUpstreamsAnswer()
    {
        string[] paths = ["/settings.php", "/forwardinghosts.php", "/bcc.php"];
        var access = paths.Select((path, i) => $"172.22.1.12 - - [{Base.AddSeconds(i):dd/MMM/yyyy:HH:mm:ss} +0200] \"HEAD {path} HTTP/1.1\" 502 0 \"-\" \"rspamd-1.9.3\"");
        var errors = paths.Select((path, i) => $"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 18#18: *{i + 1} connect() failed (111: Connection refused) while connecting to upstream, "
            + $"client: 172.22.1.12, server: _, request: \"HEAD {path} HTTP/1.1\", upstream: \"fastcgi://172.22.1.9:9001\", host: \"nginx\"");

        var incident = Assert.Single(Analyze(access, errors, format: null).Incidents);

        Assert.Equal((IncidentCause.UpstreamDown, "172.22.1.9:9001", 3), (incident.Cause, incident.Upstream, incident.FailedRequests));
    }

    /// <summary>
    /// nginx writes a try's context as client, server, request, upstream, host, and cuts the line at 2048 bytes: after a
    /// scanner's long request it has neither <c>upstream:</c> nor <c>host:</c>. Such a line takes its server's only
    /// upstream, named by a whole line hours before (or a moment after); a server whose lines name two lends none. No
    /// failure is counted twice, nor lost, on the way.
    /// </summary>
    [Theory]
    [InlineData(false, "127.0.0.1:8001")]
    [InlineData(true, "(unknown)")]
    public void LinesCutAfterALongRequest_TakeTheirServersOnlyUpstream(bool serverHasTwoUpstreams, string expected)
    {
        var errors = new List<string> { WholeReset(0, "127.0.0.1:8001") };
        if (serverHasTwoUpstreams)
        {
            errors.Add(WholeReset(1, "127.0.0.1:9001"));
        }

        errors.AddRange(Enumerable.Range(7200, 5).Select(CutReset));

        var report = Analyze([], errors);

        var outage = Assert.Single(report.Incidents, i => i.End >= Base.AddSeconds(7200));
        Assert.Equal(expected, outage.Upstream);
        Assert.Equal(report.Stats.FailedRequests, report.Incidents.Sum(i => i.FailedRequests));
    }

    /// <summary>A reset before the header after a scanner's long request, cut where nginx cuts (2048 bytes, 2047 written
    /// before the newline): no <c>upstream:</c>, no <c>host:</c>.</summary>
    private static string CutReset(int second)
    {
        var line = ResetLine(second, new string('A', 1900));
        return line[..Math.Min(line.Length, 2047)];
    }

    /// <summary>The same reset, whole, naming its upstream.</summary>
    private static string WholeReset(int second, string upstream) =>
        ResetLine(second, $"/a HTTP/1.1\", upstream: \"http://{upstream}/index.php\", host: \"42.193.179.124\"");

    private static string ResetLine(int second, string tail) =>
        $"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 2234#2234: *{second + 10} recv() failed (104: Connection reset by peer) "
        + $"while reading response header from upstream, client: 165.227.171.37, server: 42.193.179.124, request: \"GET /index.php?s={tail}";

    /// <summary>
    /// A short paste's cut lines (no upstream) at the moment one upstream's whole line fails the same way are that
    /// upstream's, read again with the threshold of one; where the paste's join had stretched that reading to the
    /// upstream's failure hours before, the unnamed incident was kept beside it and its failures counted twice.
    /// </summary>
    [Fact]
    public void CutLinesBesideANamedFailure_InAShortPaste_AreCountedOnce()
    {
        List<string> errors = [WholeReset(0, "127.0.0.1:8001"), WholeReset(1, "127.0.0.1:9001"), CutReset(7200), WholeReset(7201, "127.0.0.1:8001"), .. Enumerable.Range(7202, 4).Select(CutReset)];

        var report = Analyze([], errors);

        Assert.True(report.Incidents.Sum(i => i.FailedRequests) <= report.Stats.FailedRequests, string.Join(", ", report.Incidents.Select(i => $"{i.Upstream}: {i.FailedRequests}")));
        Assert.Contains(report.Incidents, i => i.Upstream == "127.0.0.1:8001" && i.End == Base.AddSeconds(7205));
    }

    /// <summary>A limit a <c>vhost.d</c> file adds to nginx-proxy rejects only the excess: the same route served others in
    /// the same seconds, which the default server never does.</summary>
    [Fact]
    public void AccessLogAlone_NginxProxy503sWhileTheRouteServes_AreRateLimiting()
    {
        var access = Enumerable.Range(0, 12).Select(i =>
        {
            var time = Base.AddSeconds(i / 2).ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture);
            var (status, bytes) = i % 2 == 0 ? (200, 5120) : (503, 615);
            return $"shop.localhost 172.18.0.1 - - [{time} +0000] \"GET /api HTTP/1.1\" {status} {bytes} \"-\" \"Mozilla/5.0\" \"{(status == 200 ? "172.18.0.5:8080" : "-")}\"";
        });

        var incident = Assert.Single(Analyze(access, format: "nginx-proxy").Incidents);

        Assert.Equal((IncidentCause.RateLimited, 503), (incident.Cause, incident.Status));
    }

    /// <summary>
    /// nginx's own limits, before any try: no connection left (<c>worker_connections are not enough</c>) or no descriptor
    /// (<c>socket() failed (24: …)</c>). ngx_event_connect_peer returns NGX_ERROR and the request ends with 500; the
    /// upstream named in the line was never tried.
    /// </summary>
    [Theory]
    [InlineData("[alert] 31914#0: *{0} 128 worker_connections are not enough while connecting to upstream")]
    [InlineData("[alert] 31914#0: *{0} socket() failed (24: Too many open files) while connecting to upstream")]
    public void ErrorLogAlone_NginxOutOfConnectionsOrDescriptors_Answers500ItselfAsOverload(string head)
    {
        var errors = Enumerable.Range(0, 4).Select(i =>
            $"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} {string.Format(CultureInfo.InvariantCulture, head, 100 + i)}, client: 198.51.100.{i}, server: shop.test, "
            + "request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"shop.test\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.Overload, 500), (incident.Cause, incident.Status));
        Assert.StartsWith("nginx itself ran out of", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// The same alerts beside the access log, whose 500s for those requests (no upstream logged) are nginx's own: each
    /// meets its line like a failed try's, where before only an <c>auth_request</c> subrequest's line could explain a 500.
    /// </summary>
    [Fact]
    public void WithTheAccessLog_NginxOutOfConnections_Its500sAreTheIncident()
    {
        var access = Enumerable.Range(0, 4).Select(i =>
            $"198.51.100.{i} - - [{Base.AddSeconds(i):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /p{i} HTTP/1.1\" 500 579 \"-\" \"Mozilla/5.0\"");
        var errors = Enumerable.Range(0, 4).Select(i =>
            $"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [alert] 31914#0: *{100 + i} 512 worker_connections are not enough while connecting to upstream, client: 198.51.100.{i}, "
            + $"server: shop.test, request: \"GET /p{i} HTTP/1.1\", upstream: \"http://127.0.0.1:8080/p{i}\", host: \"shop.test\"");

        var incident = Assert.Single(Analyze(access, errors, format: null).Incidents);

        Assert.Equal((IncidentCause.Overload, 500, 4), (incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// Error lines pasted without nginx's time, beside an access log: read at the access log's first time (the paste is
    /// of the same moments), they meet their requests instead of standing apart at the epoch's start.
    /// </summary>
    [Fact]
    public void UntimedErrorLinesBesideAnAccessLog_MeetTheirRequests()
    {
        string[] access = [$"127.0.0.1 - xxx [{Base:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /myservice HTTP/1.1\" 502 173 \"-\" \"curl/7.38.0\" \"-\""];
        string[] errors = ["[error] 9#9: *734 myservice could not be resolved (2: Server failure), client: 127.0.0.1, server: nginx-proxy, request: \"GET /myservice HTTP/1.1\", host: \"localhost:8080\""];

        var incident = Assert.Single(Analyze(access, errors, format: null).Incidents);

        Assert.Equal((IncidentCause.Dns, 1, Base), (incident.Cause, incident.FailedRequests, incident.Start));
    }

    /// <summary>
    /// An upstream that answers without an HTTP status line ("ERR 42 database is locked"): nginx logs "upstream sent no
    /// valid HTTP/1.0 header", passes the bytes on as an HTTP/0.9 response, and logs <c>$status</c> 009 with
    /// <c>$upstream_status</c> 200. No client could read it: failed requests, the upstream's broken answer, not its own 5xx.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NonHttpAnswerPassedOnAsHttp09_IsAFailedRequestOfAnInvalidResponse(bool withErrorLog)
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 300; s++)
        {
            var broken = s >= 240 && s % 3 == 0;
            access.Add(Timed(s, "GET", broken ? 9 : 200, "10.0.0.1:8080", "200", broken ? "0.001" : "0.020").Replace("\" 9 ", "\" 009 ", StringComparison.Ordinal));
            if (s >= 240 && s % 3 == 1)
            {
                // An HTTP/0.9 client nginx tried no upstream for (a scanner's request that hung up) is logged 009 too: not a failure.
                access.Add(Timed(s, "GET", 9, "-", "-", "-", host: "scan.test").Replace("\" 9 ", "\" 009 ", StringComparison.Ordinal));
            }
            if (broken)
            {
                errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 20722#20722: *{s} upstream sent no valid HTTP/1.0 header while reading response header from upstream, client: 10.9.8.{s % 200}, server: api.test, request: \"GET /orders HTTP/1.1\", upstream: \"http://10.0.0.1:8080/orders\", host: \"api.test\"");
            }
        }

        var incident = Assert.Single(Analyze(access, withErrorLog ? errors : null, TimedFormat).Incidents);

        Assert.Equal(("10.0.0.1:8080", IncidentCause.InvalidResponse, RequestJoin.NotHttp, 20), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Contains("HTTP/0.9", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// nginx logs <c>$status</c> <c>000</c> with <c>"-"</c> as the request for a connection closed before it brought a
    /// request (a health checker's bare TCP connect, a client gone before sending). A log of such lines is a readable
    /// log with nothing failed; amid an outage they are neither failures nor answers, so they do not end it.
    /// </summary>
    [Fact]
    public void ConnectionsThatBroughtNoRequest_AreReadAndNeitherFailNorServe()
    {
        string[] alone = ["192.0.2.10 - - [12/Apr/2019:21:18:26 +0100] \"-\" 000 0 \"-\" \"-\""];

        var quiet = Analyze(alone, format: null);

        Assert.Equal((1L, 0L, 0), (quiet.Stats.AccessLines, quiet.Stats.MalformedLines, quiet.Incidents.Count));

        var access = new List<string>();
        for (var s = 0; s < 120; s++)
        {
            access.Add(s % 2 == 0 ? Access(s, 502, upstreamStatus: "502", connect: "-", header: "-") : Access(s, 0).Replace("\"GET / HTTP/1.1\" 0 ", "\"-\" 000 ", StringComparison.Ordinal));
        }

        var report = Analyze(access);

        Assert.Equal(0L, report.Stats.MalformedLines);
        var incident = Assert.Single(report.Incidents);
        Assert.Equal(60, incident.FailedRequests);
    }

    /// <summary>
    /// <c>grpc_pass</c> to a server that answers HTTP/1.1: nginx reads "HTT" as the first frame's length, 4740180, far
    /// over the 16 KB it allows, and fails the call with 502. The server does not speak HTTP/2: the address is wrong.
    /// </summary>
    [Fact]
    public void GrpcPassToAnHttp1Server_IsAMisconfigurationOfTheAddress()
    {
        var errors = Enumerable.Range(0, 4).Select(s =>
            $"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 31#31: *{100 + s} upstream sent too large http2 frame: 4740180 while reading response header from upstream, client: 10.1.2.3, server: grpc.test, request: \"POST /orders.Orders/Get HTTP/2.0\", upstream: \"grpc://10.0.0.9:8080\", host: \"grpc.test:443\"");

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((IncidentCause.Misconfiguration, 502, "10.0.0.9:8080"), (incident.Cause, incident.Status, incident.Upstream));
        Assert.Contains("HTTP/2", incident.Summary, StringComparison.Ordinal);
        Assert.StartsWith("Point `grpc_pass` at the gRPC server's own port", incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// nginx answers 500 itself when it finds no connection for a try (`worker_connections are not enough while
    /// connecting to upstream`) and never moves on to another server: a line of it that no access line claimed is of a
    /// request the access log lacks (a paste cut short), not a try that recovered, however many others were served then.
    /// </summary>
    [Theory]
    [InlineData("1024 worker_connections are not enough while connecting to upstream")]
    [InlineData("socket() failed (24: Too many open files) while connecting to upstream")]
    public void OutOfConnectionsLineWithoutItsAccessLine_IsAFailedRequest(string message)
    {
        string[] access = [Access(0, 200, path: "/radio"), Access(1, 200, path: "/radio"), Access(2, 200, path: "/api")];
        string[] errors = [Error(1, message, path: "/api/nowplaying", cid: 9).Replace("[error]", "[alert]", StringComparison.Ordinal)];

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal((IncidentCause.Overload, 500, 1), (incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// ingress-nginx's <c>upstream_balancer</c> holds one stand-in server, 0.0.0.1, which nginx tries only when the Lua
    /// balancer set no peer: no endpoint for the backend (or a name it had not resolved, "no host allowed"), so the
    /// backend is down, not the address wrong. A peer nginx refused as an address ("invalid port": a Service port that
    /// names no container port) is the configuration.
    /// </summary>
    [Theory]
    [InlineData(null, IncidentCause.UpstreamDown)]
    [InlineData("no host allowed", IncidentCause.UpstreamDown)]
    [InlineData("invalid port", IncidentCause.Misconfiguration)]
    public void TryOnIngressNginxsPlaceholderServer_IsWhatTheBalancerSaid(string? reason, IncidentCause cause)
    {
        var errors = new List<string>();
        for (var s = 0; s < 4; s++)
        {
            var context = $", client: 10.0.2.{s + 10}, server: api.test, request: \"GET /orders HTTP/1.1\"";
            if (reason is not null)
            {
                errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 330#330: *{1900 + s} [lua] balancer.lua:240: balance(): error while setting current upstream peer orders.shop.svc.cluster.local:80: {reason} while connecting to upstream{context}, host: \"api.test\"");
            }

            errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [crit] 330#330: *{1900 + s} connect() to 0.0.0.1:80 failed (22: Invalid argument) while connecting to upstream{context}, upstream: \"http://0.0.0.1:80/orders\", host: \"api.test\"");
        }

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((cause, 502, 4), (incident.Cause, incident.Status, incident.FailedRequests));
        if (cause == IncidentCause.UpstreamDown)
        {
            Assert.Contains("placeholder server 0.0.0.1", incident.Summary, StringComparison.Ordinal);
            Assert.Contains("kubectl get endpointslices", incident.Remediation[0], StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// ingress-nginx's TCP and UDP services go through the stream module's Lua balancer, whose lines nginx heads
    /// <c>stream [lua]</c>: an endpoint it could not set (an IPv6 address without brackets, "invalid port") sends the
    /// session to the placeholder server as an HTTP request's would be; the stream access log's <c>$status</c> is 502.
    /// </summary>
    [Fact]
    public void StreamSessionsOnIngressNginxsPlaceholder_AfterAPeerRefusedAsAnAddress_AreTheConfiguration()
    {
        const string Format = "[$remote_addr] [$time_local] $protocol $status $bytes_sent $bytes_received $session_time";
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 4; s++)
        {
            var context = $", client: fd69:1:10:f980::a13:26df, server: [::]:32001, bytes from/to client:0/0, bytes from/to upstream:0/0";
            access.Add($"[fd69:1:10:f980::a13:26df] [{Base.AddSeconds(s):dd/MMM/yyyy:HH:mm:ss} +0000] TCP 502 0 0 0.000");
            errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 847#847: *{26059 + s} stream [lua] tcp_udp_balancer.lua:196: balance(): error while setting current upstream peer 2001:db8:42:83:318a:6059:3e82:d1d6:3306: invalid port while connecting to upstream{context}");
            errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [crit] 847#847: *{26059 + s} connect() to 0.0.0.1:1234 failed (22: Invalid argument) while connecting to upstream{context[..context.IndexOf(", bytes", StringComparison.Ordinal)]}, upstream: \"0.0.0.1:1234\", bytes from/to client:0/0, bytes from/to upstream:0/0");
        }

        var incident = Assert.Single(Analyze(access, errors, Format).Incidents);

        Assert.Equal((IncidentCause.Misconfiguration, 502, 4), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Contains("without brackets", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// The listener accepted clients and had no connection (or descriptor) left for them: nginx closed them before any
    /// request, so no access line logs them, however many requests it served meanwhile. An outage of nginx itself.
    /// </summary>
    [Theory]
    [InlineData("[alert] 4715#0: 1024 worker_connections are not enough")]
    [InlineData("[crit] 4715#0: accept4() failed (24: Too many open files)")]
    public void ClientsNginxHadNoConnectionFor_AreAnOverloadOfNginxItself(string alert)
    {
        string[] access = [.. Enumerable.Range(0, 10).Select(s => Access(s, 200))];
        string[] errors = [.. Enumerable.Range(2, 5).Select(s => $"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} {alert}")];

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal((IncidentCause.Overload, 502, 5), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Contains("for the clients it accepts", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, step => step.Contains("worker_connections", StringComparison.Ordinal));
    }

    /// <summary>
    /// ngx_http_auth_request_module takes 2xx (allow), 401 and 403 (deny) from the endpoint it asks, and answers any
    /// other status 500, logging "auth request unexpected status". With no try of the subrequest failing, a redirect or
    /// a 404 came from the endpoint itself: a sign-in page or a path that is not the check, a misconfiguration; a 500 or
    /// 503 is the auth service's own error, which nginx turned into 500. A 502 or 504 there is a subrequest nginx failed,
    /// whose own line (absent here) says why: no incident from this line alone.
    /// </summary>
    [Theory]
    [InlineData(302, IncidentCause.Misconfiguration)]
    [InlineData(404, IncidentCause.Misconfiguration)]
    [InlineData(500, IncidentCause.UpstreamReturned)]
    [InlineData(503, IncidentCause.UpstreamReturned)]
    [InlineData(502, null)]
    [InlineData(504, null)]
    public void AuthEndpointsOwnUnexpectedAnswer_IsWhereAuthRequestPoints(int status, IncidentCause? expected)
    {
        var errors = Enumerable.Range(0, 4).Select(s =>
            $"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 2915#2915: *{100 + s} auth request unexpected status: {status} while sending to client, client: 10.250.1.{s}, server: app.test, request: \"GET / HTTP/2.0\", host: \"app.test\"");

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        if (expected is null)
        {
            Assert.Empty(report.Incidents);
            return;
        }

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((expected.Value, 500, "app.test"), (incident.Cause, incident.Status, incident.Host));
        Assert.Contains("auth_request", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, step => step.StartsWith(
            expected == IncidentCause.Misconfiguration ? "Point `auth_request` at the auth service's check endpoint" : "Read the auth service's own log",
            StringComparison.Ordinal));
    }

    [Fact]
    public void ErrorPageToAnotherUpstream_EachLocationsUpstreamFailsOnItsOwnTerms()
    {
        // `error_page 504 = @fallback;` proxying to a second upstream: $upstream_addr lists the redirect after " : ".
        // The primary timed out (nginx's 504 for that try), then the fallback refused; the client got the fallback's
        // 502. They are two upstreams of two locations, not one block failing together, and a fallback first used now
        // has no history that could tell a wrong address.
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 900; s++)
        {
            if (s >= 840 && s % 4 == 0)
            {
                access.Add(Timed(s, "GET", 502, "10.0.0.1:8080 : 10.0.0.9:80", "504 : 502", "15.002 : 0.000"));
                var time = Base.AddSeconds(s);
                var context = $"client: 10.9.8.{s % 200}, server: api.test, request: \"GET /orders HTTP/1.1\"";
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{s} upstream timed out (110: Connection timed out) while reading response header from upstream, {context}, upstream: \"http://10.0.0.1:8080/orders\", host: \"api.test\"");
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{s} {Refused}, {context}, upstream: \"http://10.0.0.9:80/fallback/orders\", host: \"api.test\"");
            }
            else
            {
                access.Add(Timed(s, "GET", 200, "10.0.0.1:8080", "200", "0.020"));
            }
        }

        var incidents = Analyze(access, errors, TimedFormat).Incidents.OrderBy(i => i.Upstream, StringComparer.Ordinal).ToList();

        Assert.Collection(
            incidents,
            primary => Assert.Equal(("10.0.0.1:8080", IncidentCause.Timeout, 504, 15), (primary.Upstream, primary.Cause, primary.Status, primary.FailedRequests)),
            fallback => Assert.Equal(("10.0.0.9:80", IncidentCause.UpstreamDown, 502, 15), (fallback.Upstream, fallback.Cause, fallback.Status, fallback.FailedRequests)));
    }

    [Theory]
    [InlineData("(2: Server failure)", "SERVFAIL", "dig @<resolver-ip> api.internal")]
    [InlineData("(3: Host not found)", "host not found", "dig api.internal")]
    [InlineData("(5: Operation refused)", "refused the query", "recursive resolver")]
    [InlineData("(1: Format error)", "refused the query", "recursive resolver")]
    public void ResolverRcode_IsToldApart_ServfailIsTheDnsServersFailureNotAMissingName(string rcode, string words, string check)
    {
        // nginx's resolver puts the answer's RCODE in the line: NXDOMAIN (3) says the name does not exist, SERVFAIL (2)
        // that the DNS server could not answer for it (its own upstream or DNSSEC validation failed), REFUSED (5),
        // FORMERR (1) and NOTIMP (4) that it would not answer nginx at all (no recursive resolver for it).
        var errors = Enumerable.Range(0, 5).Select(s =>
            $"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{s} api.internal could not be resolved {rcode}, client: 10.9.8.1, server: api.test, request: \"GET / HTTP/1.1\", host: \"api.test\"");

        var incident = Assert.Single(Analyze([], errors, format: null).Incidents);

        Assert.Equal(IncidentCause.Dns, incident.Cause);
        Assert.Contains(words, incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, step => step.Contains(check, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/healthcheck", 1)] // access_log off for the health check: the error lines are all there is of its 504s
    [InlineData("/api", 0)] // a location the access log shows: an unmatched line is a try nginx recovered from
    public void ErrorLinesAboutRequestsTheAccessLogNeverLogs_AreFailuresOfTheirOwn(string path, int incidents)
    {
        // `combined` names no upstream: the access log's places are its paths. The health check's location has
        // `access_log off`, so its 504s appear in the error log only.
        var access = Enumerable.Range(0, 120).Select(s =>
            $"10.9.8.{s % 50} - - [{Base.AddSeconds(s):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/items/{s} HTTP/1.1\" 200 512 \"-\" \"curl/8.5.0\"").ToList();
        var errors = Enumerable.Range(0, 6).Select(i =>
            $"{Base.AddSeconds(30 + (i * 10)):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{900 + i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: _, request: \"GET {path} HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\", host: \"localhost:8080\"");

        var report = Analyze(access, errors, format: "combined");

        Assert.Equal(incidents, report.Incidents.Count);
        Assert.All(report.Incidents, i => Assert.Equal((IncidentCause.Timeout, 504, 6), (i.Cause, i.Status, i.FailedRequests)));
    }

    /// <summary>
    /// A published format behind Cloudflare: '$http_cf_connecting_ip - [$remote_addr | $time_local] "$request" ...
    /// rt=$request_time urt=$upstream_response_time'. Two values share a bracket, and of its two addresses the
    /// inference takes the first for $remote_addr; nginx's client: is the other, which still joins.
    /// </summary>
    [Fact]
    public void TwoValuesInOneBracket_AndTheClientInTheSecondAddress_AreReadAndJoined()
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var time = Base.AddSeconds(i);
            var refused = i >= 20 && i % 2 == 0;
            var (status, urt) = refused ? (502, "0.000") : (200, "0.004");
            access.Add($"203.0.113.{i} - [127.0.0.1 | {time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/orders/{i} HTTP/1.1\" {status} 157 \"-\" \"curl/8.5.0\" rt=0.001 urt={urt} uht=- uct=-");
            if (refused)
            {
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i} connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: shop.test, request: \"GET /api/orders/{i} HTTP/1.1\", upstream: \"http://127.0.0.1:23999/api/orders/{i}\", host: \"shop.test\"");
            }
        }

        var report = Analyze(access, errors, format: null);

        Assert.Equal(0, report.Stats.MalformedLines);
        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:23999", "shop.test", IncidentCause.UpstreamDown, 10), (incident.Upstream, incident.Host, incident.Cause, incident.FailedRequests));
    }

    [Theory]
    [InlineData("192.168.x.x", "192.x.x.x")]
    [InlineData("3.18.201.127", "XXX")]
    [InlineData("<IP>", "203.0.113.9")]
    [InlineData("[redacted]", "[redacted]")]
    public void ClientsMaskedDifferentlyInTheTwoLogs_StillJoin_NoUpstreamsOwn502(string accessClient, string errorClient)
    {
        // People mask addresses before posting, and not the same way in both logs (often in one only): a masked client
        // names nobody, so it does not tell the request's error line from another's. Without the join the 502 would
        // read as the upstream's.
        var access = new[]
        {
            $"{accessClient} - - [16/Jan/2025:15:31:24 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:134.0) Gecko/20100101 Firefox/134.0\"",
        };
        var errors = new[]
        {
            $"2025/01/16 15:31:24 [error] 29#29: *1 connect() failed (111: Connection refused) while connecting to upstream, client: {errorClient}, server: , request: \"GET / HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\", host: \"192.x.x.x:8080\"",
        };

        var incident = Assert.Single(Analyze(access, errors, format: "combined").Incidents);

        Assert.Equal(("127.0.0.1:9000", IncidentCause.UpstreamDown), (incident.Upstream, incident.Cause));
    }

    [Theory]
    [InlineData("SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream", IncidentCause.TlsHandshake)]
    [InlineData("upstream timed out (110: Connection timed out) while reading response header from upstream", IncidentCause.Timeout)]
    public void NoLiveUpstreams_AfterTheFailureThatMarkedTheServerDown_IsItsConsequenceNotAServer(string failure, IncidentCause cause)
    {
        // One server, max_fails=1: its failure marks it down, and the request's next look for a server finds none.
        // Both lines are the same request's (the same connection); the block's name is not a second server.
        var errors = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var time = Base.AddSeconds(i * 5);
            var context = $"client: 10.9.8.{i}, server: shop.test, request: \"GET /cart HTTP/2.0\"";
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i + 1} {failure}, {context}, upstream: \"https://10.0.0.5:8443/cart\", host: \"shop.test\"");
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i + 1} no live upstreams while connecting to upstream, {context}, upstream: \"https://shop_backend/cart\", host: \"shop.test\"");
        }

        var incident = Assert.Single(Analyze([], errors, format: null).Incidents);

        Assert.Equal(("10.0.0.5:8443", cause, 4), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.True(incident.Servers is null or { Count: 0 }, "the block's name was taken for a server");

        // The requests' status is the last try's: a 502 nginx made finding no live server, not the timeout's 504.
        Assert.Equal(502, incident.Status);
        Assert.DoesNotContain("504 Gateway Timeout", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// The error log alone, a block of two servers (max_fails=1): each request tries the one server not yet marked down
    /// and, when it refuses too, finds none left. The server's line and "no live upstreams" on one connection say the
    /// server is the block's; a second server so tied to the same block makes the outage the block's: one incident,
    /// not one per server and one for the block's name.
    /// </summary>
    [Fact]
    public void NoLiveUpstreams_AfterEachOfTwoServers_IsOneIncidentOfTheBlock()
    {
        var errors = new List<string>();
        var cid = 1;
        for (var i = 0; i < 12; i++)
        {
            var time = Base.AddSeconds(i * 2);
            var server = i % 4 == 0 ? "unix:/run/thin.0.sock" : i % 4 == 2 ? "unix:/run/thin.1.sock" : null;
            var context = $"client: 10.9.8.{i}, server: orders.test, request: \"GET /orders/{i} HTTP/1.1\"";
            if (server is not null)
            {
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{cid} connect() to {server} failed (111: Connection refused) while connecting to upstream, {context}, upstream: \"http://{server}:/orders/{i}\", host: \"orders.test\"");
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [warn] 7#7: *{cid} upstream server temporarily disabled while connecting to upstream, {context}, upstream: \"http://{server}:/orders/{i}\", host: \"orders.test\"");
            }

            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{cid} no live upstreams while connecting to upstream, {context}, upstream: \"http://thin_cluster/orders/{i}\", host: \"orders.test\"");
            cid += 2;
        }

        var incident = Assert.Single(Analyze([], errors, format: null).Incidents);

        Assert.Equal(("thin_cluster", IncidentCause.UpstreamDown, 12), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Equal(["unix:/run/thin.0.sock", "unix:/run/thin.1.sock"], incident.Servers!.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// <c>proxy_pass http://localhost:8000</c>: the name resolves to both loopbacks and nginx tries each as a server of
    /// the name's implicit block. From the error log alone, resets on one and then the other are one service failing.
    /// </summary>
    [Theory]
    [InlineData("[::1]:8000", "127.0.0.1:8000")]
    [InlineData("127.0.0.1:8000", "[::1]:8000")]
    public void BothLoopbacksOfOnePort_FailingOnOneHost_AreOneIncident(string first, string second)
    {
        var errors = Enumerable.Range(0, 8).Select(i =>
        {
            var server = i < 4 ? first : second;
            return $"{Base.AddSeconds(i * 3):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i + 1} recv() failed (104: Connection reset by peer) while reading response header from upstream, "
                + $"client: 10.9.8.{i}, server: localhost, request: \"GET /tree/{i} HTTP/1.1\", upstream: \"http://{server}/tree/{i}\", host: \"hub.test\"";
        }).ToList();

        var incident = Assert.Single(Analyze([], errors, format: null).Incidents);

        Assert.Equal((first, IncidentCause.InvalidResponse, 8), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Equal(["127.0.0.1:8000", "[::1]:8000"], incident.Servers!.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(0, IncidentCause.Misconfiguration)] // the site worked up to the moment a new upstream was first needed
    [InlineData(400 * 86_400, IncidentCause.UpstreamDown)] // logs sampled over a year apart: nothing says it worked then
    public void AnUpstreamThatNeverAnswered_IsAWrongAddressOnlyWhenTheSiteWasWorkingThen(int gapSeconds, IncidentCause cause)
    {
        var access = Enumerable.Range(0, 30).Select(s => Access(s, 200, upstream: "10.0.0.1:8080", cid: s)).ToList();
        access.AddRange(Enumerable.Range(0, 5).Select(i =>
            Access(60 + gapSeconds + i, 502, upstream: "10.0.0.9:8080", connect: "-", header: "-", cid: 100 + i, path: "/new")));

        var incident = Assert.Single(Analyze(access).Incidents);

        Assert.Equal(("10.0.0.9:8080", cause), (incident.Upstream, incident.Cause));
    }

    [Fact]
    public void FailoverWithoutUpstreamStatusLogged_TheFirstServersLinesAreTriesTheAccessLogShows()
    {
        // $upstream_addr without $upstream_status: "A, B" on a 200 says nginx moved past A after a failure. A's
        // refusals are tries recovered by failover, not failed requests.
        const string Format = "$remote_addr [$time_local] \"$request\" $status $host ua=\"$upstream_addr\"";
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 120; s++)
        {
            var time = Base.AddSeconds(s);
            var failover = s >= 60 && s % 3 == 0;
            access.Add($"10.9.8.{s % 200} [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /orders/{s} HTTP/1.1\" 200 api.test ua=\"{(failover ? "10.0.0.1:8080, 10.0.0.2:8080" : "10.0.0.2:8080")}\"");
            if (failover)
            {
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{s} {Refused}, client: 10.9.8.{s % 200}, server: api.test, request: \"GET /orders/{s} HTTP/1.1\", upstream: \"http://10.0.0.1:8080/orders/{s}\", host: \"api.test\"");
            }
        }

        Assert.Empty(Analyze(access, errors, Format).Incidents);
    }

    [Fact]
    public void UpstreamStatus502WithoutErrorLog_IsTheUpstreamsOwnAtLowConfidence_AndSaysWhatWouldTell()
    {
        // nginx writes its own 502 into $upstream_status for a try it failed as well: with only that and a time that is
        // not instant, the upstream most likely sent it, and the text must not say more than that.
        var access = new List<string>();
        for (var s = 0; s < 60; s++)
        {
            access.Add(s % 5 == 0
                ? Timed(s, "GET", 502, "10.0.0.7:8080", "502", (0.2 + (s / 100.0)).ToString("0.000", CultureInfo.InvariantCulture))
                : Timed(s, "GET", 200, "10.0.0.7:8080", "200", "0.020"));
        }

        var incident = Assert.Single(Analyze(access, format: TimedFormat).Incidents);

        Assert.Equal((IncidentCause.UpstreamReturned, 0.4), (incident.Cause, incident.Confidence));
        Assert.Contains("most likely came from 10.0.0.7:8080 itself", incident.Summary, StringComparison.Ordinal);
        Assert.Contains("error log", incident.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void SubrequestFailures_UnderMainRequestsServed_AreNoFailedRequests()
    {
        // SSI includes fetched from an upstream the access log never names: the subrequests fail, the main requests are
        // logged 200. The access log shows the main requests, not the subrequests' places, so it cannot say they failed.
        var access = Enumerable.Range(0, 60).Select(s => Timed(s, "GET", 200, "10.0.0.5:8080", "200", "0.020", host: "news.test")).ToList();
        var errors = Enumerable.Range(0, 10).Select(i =>
            $"{Base.AddSeconds(i * 5):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i * 5} {Refused}, client: 10.9.8.{i * 5}, server: news.test, request: \"GET /orders HTTP/1.1\", subrequest: \"/fragments/weather\", upstream: \"http://10.0.0.60:9000/fragments/weather\", host: \"news.test\"");

        var report = Analyze(access, errors, format: TimedFormat);

        Assert.Empty(report.Incidents);
        Assert.Equal(0, report.Stats.FailedRequests);
    }

    [Fact]
    public void Nginxs503_WithoutUpstreamAndErrorLogSilent_IsNotRateLimiting()
    {
        // `return 503;` for maintenance: no upstream, and no "limiting requests" line, which limit_req writes for each
        // rejection. Without the error log the same access lines still read as rate limiting.
        var access = Enumerable.Range(0, 30).Select(s => Timed(s, "GET", 503, "-", "-", "-", host: "shop.test")).ToList();

        var withErrorLog = Assert.Single(Analyze(access, errors: [], format: TimedFormat).Incidents);
        var withoutErrorLog = Assert.Single(Analyze(access, format: TimedFormat).Incidents);

        Assert.Equal((IncidentCause.Unknown, 503), (withErrorLog.Cause, withErrorLog.Status));
        Assert.Contains("return 503", withErrorLog.Summary, StringComparison.Ordinal);
        Assert.Equal(IncidentCause.RateLimited, withoutErrorLog.Cause);
    }

    /// <summary>
    /// A limiter whose lines log below the error log's level (<c>limit_req_log_level warn</c> beside <c>error_log …
    /// error</c>) leaves the error log silent too. It rejects only the excess, so the same route keeps serving others in
    /// the same seconds; a <c>return 503</c> answers every request of its location while other locations serve.
    /// </summary>
    [Theory]
    [InlineData(true, IncidentCause.RateLimited)]
    [InlineData(false, IncidentCause.Unknown)]
    public void Nginxs503_WithErrorLogSilent_IsALimiterWhereItsRouteServesOthersMeanwhile(bool routeServesMeanwhile, IncidentCause expected)
    {
        var access = new List<string>();
        for (var s = 0; s < 90; s++)
        {
            access.Add(Access(s, 200, path: "/static/app.css"));
            var rejecting = s is >= 30 and < 60;
            if (!rejecting || routeServesMeanwhile)
            {
                access.Add(Access(s, 200, path: $"/api/orders/{s}"));
            }

            if (rejecting)
            {
                access.Add(Access(s, 503, upstream: "-", upstreamStatus: "-", connect: "-", header: "-", path: $"/api/orders/{s}"));
            }
        }

        // The error log covers the 503s: unrelated lines, minutes before and after them.
        string[] errors =
        [
            "2026/11/24 09:55:00 [warn] 77#77: *1 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream, client: 10.9.8.7, server: api.test, request: \"GET /export HTTP/1.1\", upstream: \"http://10.0.0.1:8080/export\", host: \"api.test\"",
            "2026/11/24 10:05:00 [warn] 77#77: *9 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/2/00/0000000002 while reading upstream, client: 10.9.8.7, server: api.test, request: \"GET /export HTTP/1.1\", upstream: \"http://10.0.0.1:8080/export\", host: \"api.test\"",
        ];

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal((expected, 503, 30), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Contains(expected == IncidentCause.RateLimited ? "limit_req_log_level" : "return 503", incident.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void TlsUpstream_UnexpectedEofOnReusedConnectionsAmidSuccesses_IsAClosedConnectionNotOverload()
    {
        // An HTTPS upstream closes idle keep-alive connections without close_notify; nginx may not repeat a POST, so it
        // fails at once ("unexpected eof" is OpenSSL 3's word for the close), while GETs around it succeed.
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 90; s++)
        {
            access.Add(Timed(s, "GET", 200, "10.0.0.9:443", "200", "0.030"));
            if (s % 10 == 5)
            {
                access.Add(Timed(s, "POST", 502, "10.0.0.9:443", "502", "0.000"));
                var time = Base.AddSeconds(s);
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 77#77: *{s} SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) while reading response header from upstream, client: 10.9.8.{s}, server: api.test, request: \"POST /orders HTTP/1.1\", upstream: \"https://10.0.0.9:443/orders\", host: \"api.test\"");
            }
        }

        var incident = Assert.Single(Analyze(access, errors, TimedFormat).Incidents);

        Assert.Equal(IncidentCause.InvalidResponse, incident.Cause);
        Assert.DoesNotContain("reset by peer", incident.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Restart_WithoutUpstreamAddr_FailuresOnRoutesNeverSeenBesideOnesThatServed_IsUpstreamDown()
    {
        // `combined` (no $upstream_addr): a request's history is its route's. A six-second restart of the only upstream
        // fails whatever URLs arrive, most on routes this log has not seen yet; the error lines name one upstream, and
        // "/" had served it for twenty minutes. Not a route that never worked.
        const string Combined = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
        static string Client(int n) => $"10.9.{n / 250}.{n % 250}";
        string Line(int second, string path, int status, int client) =>
            $"{Client(client)} - - [{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" {status} 512 \"-\" \"Mozilla/5.0\"";
        var access = Enumerable.Range(0, 1200).Select(s => Line(s, "/", 200, s)).ToList();
        var errors = new List<string>();
        string[] paths = ["/shop/cart", "/wp-json/wc/v3", "/", "/shop/item/7", "/wp-admin/admin-ajax.php", "/", "/checkout", "/shop/item/9"];
        for (var i = 0; i < paths.Length; i++)
        {
            var (second, client) = (1200 + (i / 2), 2000 + i);
            access.Add(Line(second, paths[i], 502, client));
            errors.Add($"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{5000 + i} {Refused}, client: {Client(client)}, server: example.eu, request: \"GET {paths[i]} HTTP/1.1\", upstream: \"https://203.0.113.10:7081{paths[i]}\", host: \"example.eu\"");
        }

        var incident = Assert.Single(Analyze(access, errors, Combined).Incidents);

        Assert.Equal(("203.0.113.10:7081", IncidentCause.UpstreamDown, 8), (incident.Upstream, incident.Cause, incident.FailedRequests));
    }

    [Fact]
    public void Crash_InFlightRequestsFinishInTheFirstSecond_IsUpstreamDownNotOverload()
    {
        // Two minutes of traffic, then the process dies at 120 s: the requests in flight finish in that second, then
        // every try is refused until it is back at 150 s.
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 200; s++)
        {
            var down = s is >= 120 and < 150;
            access.Add(Access(s, down ? 502 : 200, connect: down ? "-" : "0.001", header: down ? "-" : "0.010", cid: 1000 + s));
            if (down)
            {
                errors.Add(Error(s, Refused, cid: 1000 + s));
            }

            if (s == 120)
            {
                access.Add(Access(s, 200, cid: 5000));
                access.Add(Access(s, 200, cid: 5001));
            }
        }

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal(IncidentCause.UpstreamDown, incident.Cause);
        Assert.StartsWith("10.0.0.1:8080 served", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// A block of one server: its tries are refused, nginx marks it down and answers "no live upstreams" under the
    /// block's name until fail_timeout passes, then tries it again. One incident, the block's, listing its server;
    /// with a second server of the host failing at the same time, which one belongs to the block is not guessed.
    /// </summary>
    [Theory]
    [InlineData(false, 0, false)]
    [InlineData(false, 9, false)]
    [InlineData(false, 0, true)]
    [InlineData(true, 0, false)]
    public void OneServerBlockDown_RefusalsThenNoLiveUpstreams_AreOneIncidentOfTheBlock(bool anotherServerFailing, int refusedAt, bool earlierIncidentOnHost)
    {
        const string format = "$remote_addr [$time_local] \"$request\" $status $host";
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 120; s++)
        {
            var down = s >= 60 && s < 100;
            access.Add($"10.9.8.{s} [{Base.AddSeconds(s):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /accounts/{s} HTTP/1.1\" {(down ? 502 : 200)} api.test");
            if (down)
            {
                // max_fails=1, fail_timeout=10s: a refused try, then ten seconds of "no live upstreams" (the capture may
                // begin while the server is marked down: then the block's name comes first).
                var message = (s - 60) % 10 == refusedAt ? Refused : "no live upstreams while connecting to upstream";
                var upstream = (s - 60) % 10 == refusedAt ? "10.0.0.5:8080" : "app_pool";
                errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 77#77: *{100 + s} {message}, client: 10.9.8.{s}, server: api.test, request: \"GET /accounts/{s} HTTP/1.1\", upstream: \"http://{upstream}/accounts/{s}\", host: \"api.test\"");
            }

            // Another route of the host timed out until 40 s before: over, though within the quiet period.
            if (earlierIncidentOnHost && s is >= 5 and < 20)
            {
                access.Add($"10.9.6.{s} [{Base.AddSeconds(s):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /reports/{s} HTTP/1.1\" 504 api.test");
                errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 77#77: *{700 + s} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.9.6.{s}, server: api.test, request: \"GET /reports/{s} HTTP/1.1\", upstream: \"http://10.0.0.7:8000/reports/{s}\", host: \"api.test\"");
            }

            if (anotherServerFailing && down && s % 2 == 0)
            {
                access.Add($"10.9.7.{s} [{Base.AddSeconds(s):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /search/{s} HTTP/1.1\" 502 api.test");
                errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 77#77: *{500 + s} {Refused}, client: 10.9.7.{s}, server: api.test, request: \"GET /search/{s} HTTP/1.1\", upstream: \"http://10.0.0.9:9000/search/{s}\", host: \"api.test\"");
            }
        }

        var incidents = Analyze(access, errors, format).Incidents;

        if (anotherServerFailing)
        {
            Assert.Equal(["10.0.0.5:8080", "10.0.0.9:9000", "app_pool"], incidents.Select(i => i.Upstream).Order(StringComparer.Ordinal));
            return;
        }

        var incident = Assert.Single(incidents, i => i.Upstream != "10.0.0.7:8000");
        Assert.Equal(earlierIncidentOnHost ? 2 : 1, incidents.Count);
        Assert.Equal(("app_pool", IncidentCause.UpstreamDown, 40), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Equal(["10.0.0.5:8080"], incident.Servers);
    }

    /// <summary>
    /// Resets: an upstream that breaks its answers resets connections it accepted; one with no room resets them before
    /// nginx is connected too (its accept queue full, or shedding); one that died refuses, with the connections it had
    /// queued reset. No history and no upstream in the format: the error lines' phases decide.
    /// </summary>
    [Theory]
    [InlineData(30, 8, 0, IncidentCause.Overload)]
    [InlineData(30, 0, 0, IncidentCause.InvalidResponse)]
    [InlineData(0, 4, 30, IncidentCause.UpstreamDown)]
    [InlineData(40, 2, 0, IncidentCause.InvalidResponse)]
    public void Resets_ConnectingVersusAccepted_ShedLoadOrBrokenAnswers(int afterAccept, int connecting, int refused, IncidentCause expected)
    {
        const string format = "$remote_addr [$time_local] \"$request\" $status $host";
        var access = new List<string>();
        var errors = new List<string>();
        var random = new Random(7);
        var kinds = Enumerable.Repeat("recv() failed (104: Connection reset by peer) while reading response header from upstream", afterAccept)
            .Concat(Enumerable.Repeat("connect() failed (104: Connection reset by peer) while connecting to upstream", connecting))
            .Concat(Enumerable.Repeat(Refused, refused))
            .OrderBy(_ => random.Next())
            .ToList();
        for (var i = 0; i < kinds.Count; i++)
        {
            var second = i * 30 / kinds.Count;
            var path = $"/api/items/{i}";
            access.Add($"10.9.8.{i % 250} [{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" 502 api.test");
            errors.Add($"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 77#77: *{100 + i} {kinds[i]}, client: 10.9.8.{i % 250}, server: api.test, request: \"GET {path} HTTP/1.1\", upstream: \"http://10.0.0.1:8080{path}\", host: \"api.test\"");
        }

        var incident = Assert.Single(Analyze(access, errors, format).Incidents);

        Assert.Equal(expected, incident.Cause);
        Assert.Equal("10.0.0.1:8080", incident.Upstream);
    }

    /// <summary>
    /// A reset before nginx is connected, without load to shed: no response was sent to be broken. docker-proxy for a
    /// published port (or a mesh sidecar) accepts the connection and resets it when nothing listens behind it; a
    /// listener that closes resets what was queued on it. A posted line or two, or an outage's worth with no success.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(12)]
    public void ResetsWhileConnecting_WithNoLoadToShed_AreTheUpstreamDown(int failures)
    {
        var errors = Enumerable.Range(0, failures).Select(i =>
            $"{Base.AddSeconds(i * 2):yyyy/MM/dd HH:mm:ss} [error] 31#31: *{40 + i} connect() failed (104: Connection reset by peer) while connecting to upstream, client: 172.18.0.1, server: app.test, request: \"GET /health HTTP/1.1\", upstream: \"http://172.18.0.3:8000/health\", host: \"app.test\"");

        var incident = Assert.Single(Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 }).Incidents);

        Assert.Equal((IncidentCause.UpstreamDown, 502), (incident.Cause, incident.Status));
        Assert.Contains(incident.Remediation, step => step.Contains("docker-proxy", StringComparison.Ordinal));

        // An error log alone does not say the upstream never served: it says nothing of what it served.
        Assert.Contains("without the access log, nothing here says whether it served before", incident.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UpstreamBlockDown_ServersFailingTogetherAndNoLiveUpstreams_AreOneIncidentOfTheBlock(bool nameFirst)
    {
        // Both servers of "api_pool" stop. A request tries one, then the other (both refused, max_fails=1); nginx then
        // marks both down and, until fail_timeout passes, answers "no live upstreams", logging the block's name; then
        // it tries the servers again (round robin: either one first). The capture may also begin while they are marked down.
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 60; s++)
        {
            access.Add(Access(s, 200, upstream: s % 2 == 0 ? "10.0.0.1:8080" : "10.0.0.2:8080", cid: 100 + s));
        }

        var cid = 1000;
        for (var s = 60; s < 120; s++, cid++)
        {
            var markedDown = s % 10 >= 5 || (nameFirst && s < 65);
            if (!markedDown)
            {
                var (first, second) = s % 20 == 0 ? ("10.0.0.1:8080", "10.0.0.2:8080") : ("10.0.0.2:8080", "10.0.0.1:8080");
                errors.Add(Error(s, Refused, upstream: first, cid: cid));
                errors.Add(Error(s, Refused, upstream: second, cid: cid));
                access.Add(Access(s, 502, upstream: $"{first}, {second}", upstreamStatus: "502, 502", connect: "-, -", header: "-, -", cid: cid));
            }
            else
            {
                errors.Add(Error(s, "no live upstreams while connecting to upstream", upstream: "api_pool", cid: cid));
                access.Add(Access(s, 502, upstream: "api_pool", upstreamStatus: "502", connect: "-", header: "-", cid: cid));
            }

            access.Add(Access(s, 200, upstream: "10.0.0.9:8080", host: "other.test", cid: 5000 + s));
        }

        for (var s = 120; s < 200; s++)
        {
            access.Add(Access(s, 200, upstream: s % 2 == 0 ? "10.0.0.1:8080" : "10.0.0.2:8080", cid: 100 + s));
        }

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal(("api_pool", IncidentCause.UpstreamDown, 502, 60), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], incident.Servers);
    }

    [Fact]
    public void UpstreamBlock_OneServerFailsAndTheOtherAnswers_IsThatServersIncidentAlone()
    {
        // Failover masks the failure (every request succeeds on the second try): no incident, and no block merging
        // where the other server did not fail.
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 120; s++)
        {
            errors.Add(Error(s, Refused, upstream: "10.0.0.1:8080", cid: s));
            access.Add(Access(s, 200, upstream: "10.0.0.1:8080, 10.0.0.2:8080", upstreamStatus: "502, 200", connect: "-, 0.001", header: "-, 0.010", cid: s));
        }

        Assert.Empty(Analyze(access, errors).Incidents);
    }

    /// <summary>
    /// <c>proxy_pass http://localhost:8080</c> on a host without IPv6 on loopback: every request tries <c>[::1]:8080</c>
    /// first (99: Cannot assign requested address) and nginx moves on to 127.0.0.1:8080, which answers. Then the service
    /// stops: both tries fail, the second refused. The 502s are the refusals' (a request's status is its last try's);
    /// the standing IPv6 failure nginx stepped over all along is not why they failed. With the format given, and
    /// inferred (every <c>$upstream_addr</c> is a list then).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Localhost_StandingIpv6FailureSteppedOver_ThenTheIpv4ServerStops_IsThatServerDown(bool formatGiven)
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 240; s += 2)
        {
            var down = s is >= 100 and < 130;
            errors.Add(Error(s, "connect() to [::1]:8080 failed (99: Cannot assign requested address) while connecting to upstream", upstream: "[::1]:8080", cid: s));
            if (down)
            {
                errors.Add(Error(s, Refused, upstream: "127.0.0.1:8080", cid: s));
            }

            access.Add(Access(s, down ? 502 : 200, upstream: "[::1]:8080, 127.0.0.1:8080", upstreamStatus: down ? "502, 502" : "502, 200",
                connect: down ? "-, -" : "-, 0.001", header: down ? "-, -" : "-, 0.010", cid: s));
        }

        var incident = Assert.Single(Analyze(access, errors, formatGiven ? UpstreamFormat : null).Incidents);

        Assert.Equal(("127.0.0.1:8080", IncidentCause.UpstreamDown, 502, 15), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
        Assert.StartsWith("127.0.0.1:8080 served", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// limit_req answers with <c>limit_req_status</c>: the default 503 is a gateway error to explain; 429 (or 444) is the
    /// limit doing what it was configured to, no 502/503/504, and its "limiting requests" lines are those requests'.
    /// </summary>
    [Theory]
    [InlineData(503, true)]
    [InlineData(429, false)]
    [InlineData(444, false)]
    public void RateLimit_RejectionsWithTheirConfiguredStatus_AreAGatewayIncidentOnlyAs503(int status, bool incident)
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 180; s++)
        {
            var limited = s is >= 60 and < 90;
            access.Add(Access(s, limited ? status : 200, upstream: limited ? "-" : "10.0.0.1:8080", upstreamStatus: limited ? "-" : "",
                connect: limited ? "-" : "0.001", header: limited ? "-" : "0.010", cid: s));
            if (limited)
            {
                errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 77#77: *{s} limiting requests, excess: 10.{s:000} by zone \"api\", client: 10.9.8.7, server: api.test, request: \"GET / HTTP/1.1\", host: \"api.test\"");
            }
        }

        var incidents = Analyze(access, errors).Incidents;

        if (incident)
        {
            Assert.Equal((IncidentCause.RateLimited, 503, 30), (Assert.Single(incidents).Cause, incidents[0].Status, incidents[0].FailedRequests));
        }
        else
        {
            Assert.Empty(incidents);
        }
    }

    [Fact]
    public void RateLimit_DryRun_LogsWhatItWouldRefuseAndRefusesNothing()
    {
        var access = Enumerable.Range(0, 120).Select(s => Access(s, 200, cid: s)).ToList();
        var errors = Enumerable.Range(60, 30).Select(s =>
            $"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 77#77: *{s} limiting requests, dry run, excess: 10.500 by zone \"api\", client: 10.9.8.7, server: api.test, request: \"GET / HTTP/1.1\", host: \"api.test\"");

        Assert.Empty(Analyze(access, errors).Incidents);
    }

    /// <summary>
    /// A connect that timed out never reached the application: the response times sit at <c>proxy_connect_timeout</c>,
    /// which is nginx's limit, not an application server's, and the fix is about reaching the host.
    /// </summary>
    [Fact]
    public void Timeout_WhileConnecting_AtTheConnectTimeoutEveryTime_IsNotAnApplicationServersLimit()
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 180; s++)
        {
            var down = s is >= 60 and < 90;
            access.Add(Access(s, down ? 504 : 200, connect: down ? "-" : "0.001", header: down ? "-" : "0.010", cid: s)
                .Replace("rt=0.012", down ? "rt=5.001" : "rt=0.012", StringComparison.Ordinal));
            if (down)
            {
                errors.Add(Error(s, "upstream timed out (110: Connection timed out) while connecting to upstream", cid: s));
            }
        }

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal((IncidentCause.Timeout, 504), (incident.Cause, incident.Status));
        Assert.Contains("could not connect", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, step => step.Contains("proxy_connect_timeout", StringComparison.Ordinal));
        Assert.DoesNotContain(incident.Remediation, step => step.Contains("gunicorn", StringComparison.Ordinal));
    }

    /// <summary>
    /// The server changes state under one outage: the application hangs (its requests time out: 504) and a watchdog
    /// kills it, so it refuses until it is back (502); or it is down (refused) and comes back hung. Nothing listening
    /// and a listener that never answers are two states with two causes and two fixes: two incidents, in order. From the
    /// access log alone the upstream variables tell the same states: a 502 with no <c>$upstream_connect_time</c>
    /// connected nowhere, a 504 of nginx's own was its timer on a connection made.
    /// </summary>
    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void HungThenDown_OrDownThenHung_AreTwoIncidents(bool hungFirst, bool withErrorLog)
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 240; s += 2)
        {
            var (first, second) = hungFirst ? (504, 502) : (502, 504);
            var status = s switch
            {
                >= 100 and < 116 => first,
                >= 116 and < 146 => second,
                _ => 200,
            };
            access.Add(Access(s, status, connect: status == 502 ? "-" : "0.001", header: status == 200 ? "0.010" : "-", cid: s));
            if (status != 200)
            {
                errors.Add(Error(s, status == 504 ? TimedOut : Refused, cid: s));
            }
        }

        var incidents = Analyze(access, withErrorLog ? errors : []).Incidents.OrderBy(i => i.Start).ToList();

        var expected = new[] { (IncidentCause.Timeout, 504, hungFirst ? 8 : 15), (IncidentCause.UpstreamDown, 502, hungFirst ? 15 : 8) };
        Assert.Equal(hungFirst ? expected : [.. expected.Reverse()], incidents.Select(i => (i.Cause, i.Status, i.FailedRequests)));
        Assert.True(incidents[0].End < incidents[1].Start);
    }

    /// <summary>
    /// A hung application killed by its watchdog: the requests waiting on it time out, the kill closes the connections
    /// still open (nginx reads `upstream prematurely closed connection`), and then nothing listens. The closes are the
    /// change of state, not a third one: a timeout incident, then the outage.
    /// </summary>
    [Fact]
    public void HungThenKilled_TheClosesOfTheKillAreTheChange()
    {
        var errors = Enumerable.Range(0, 4).Select(i => Error(i * 10, TimedOut, cid: i))
            .Append(Error(34, "upstream prematurely closed connection while reading response header from upstream", cid: 10))
            .Concat(Enumerable.Range(0, 5).Select(i => Error(50 + (i * 10), Refused, cid: 20 + i)))
            .ToList();

        var incidents = Analyze([], errors).Incidents.OrderBy(i => i.Start).ToList();

        Assert.Equal(
            [(IncidentCause.Timeout, 504), (IncidentCause.UpstreamDown, 502)],
            incidents.Select(i => (i.Cause, i.Status)));
    }

    /// <summary>
    /// The kernel gave up on connections nginx had made (<c>recv() failed (110: Connection timed out)</c>: the peer stopped
    /// acknowledging): a failed system call, which nginx answers 502; only its own timer makes a 504.
    /// </summary>
    [Fact]
    public void KernelTimeoutOnAConnectionMade_Is502()
    {
        var errors = Enumerable.Range(0, 12)
            .Select(i => Error(i * 3, "recv() failed (110: Connection timed out) while reading response header from upstream", cid: i)).ToList();

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.Timeout, 502, 12), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Contains("stopped acknowledging", incident.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(incident.Remediation, step => step.Contains("raise `proxy_read_timeout`", StringComparison.Ordinal));
    }

    /// <summary>
    /// Another way of failing beside the main one, not a change of state (a server refusing while some of the
    /// connections it had taken are reset): one incident named by what failed most, and the summary tells the rest.
    /// </summary>
    [Fact]
    public void AMinorityWayOfFailing_IsToldInTheSummary()
    {
        const string closed = "upstream prematurely closed connection while reading response header from upstream";
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 240; s += 2)
        {
            var status = s is >= 100 and < 146 ? 502 : 200;
            var reset = status == 502 && s % 6 == 0;
            access.Add(Access(s, status, connect: status == 502 && !reset ? "-" : "0.001", header: status == 200 ? "0.010" : "-", cid: s));
            if (status == 502)
            {
                errors.Add(Error(s, reset ? closed : Refused, cid: s));
            }
        }

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal((IncidentCause.UpstreamDown, 502, 23), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Matches(@"Also seen: [^.]*closed[^.]* \(8×\)\.$", incident.Summary);
    }

    /// <summary>
    /// nginx's page for a status it makes is never empty: 504s with an empty body and <c>$upstream_status</c> 504 were the
    /// upstream's answer passed through (a proxy in front of the application giving up itself), not nginx's timer. A
    /// HEAD request has no body whoever answers, so there the status still reads as nginx's own.
    /// </summary>
    [Theory]
    [InlineData("GET", IncidentCause.UpstreamReturned)]
    [InlineData("HEAD", IncidentCause.Timeout)]
    public void EmptyBody_On504_IsTheUpstreamsOwnAnswer(string method, IncidentCause cause)
    {
        const string format = "$time_iso8601 $host $status $request_time $upstream_response_time $upstream_status $upstream_addr $body_bytes_sent \"$request\"";
        var access = new List<string>();
        for (var s = 0; s < 120; s++)
        {
            var failed = s is >= 40 and < 54;
            var time = Base.AddSeconds(s);
            access.Add($"{time:yyyy-MM-ddTHH:mm:ss}+00:00 search.test {(failed ? 504 : 200)} {(failed ? "2.003 2.002 504" : "0.004 0.003 200")} 127.0.0.1:27172 "
                + $"{(failed ? 0 : 512)} \"{(failed ? method : "GET")} /search?q={s} HTTP/1.1\"");
        }

        var incident = Assert.Single(Analyze(access, format: format).Incidents);

        Assert.Equal((cause, 504, 14), (incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// A crash loop alternates between refusing and hanging: its first change of state is told apart, the rest stays one
    /// incident (not one per restart). And a block whose two servers fail each its own way at once is one incident.
    /// </summary>
    [Fact]
    public void CrashLoop_SplitsOnce_AndABlocksServersFailingDifferentlyStayOne()
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 120; s += 2)
        {
            var hung = (s / 20) % 2 == 1;
            access.Add(Access(s, hung ? 504 : 502, connect: hung ? "0.001" : "-", header: "-", cid: s));
            errors.Add(Error(s, hung ? TimedOut : Refused, cid: s));
        }

        Assert.Equal(2, Analyze(access, errors).Incidents.Count);

        access.Clear();
        errors.Clear();
        for (var s = 0; s < 60; s += 2)
        {
            access.Add(Access(s, 504, upstream: "10.0.0.1:8080, 10.0.0.2:8080", upstreamStatus: "502, 504", connect: "-, 0.001", header: "-, -", cid: s));
            errors.Add(Error(s, Refused, upstream: "10.0.0.1:8080", cid: s));
            errors.Add(Error(s, TimedOut, upstream: "10.0.0.2:8080", cid: s));
        }

        Assert.Single(Analyze(access, errors).Incidents);
    }

    /// <summary>
    /// nginx in a container (its clients from a Docker network's gateway) refused on its own loopback: alone, the
    /// application cannot be there, a wrong address; with a process supervisor's lines in the same stream (s6-overlay in
    /// a Home Assistant add-on, supervisord) the container runs services beside nginx, and the refusal is one of them
    /// down. So too when nginx's processes are numbered in the hundreds: in a container of its own they are among its
    /// first (the official image's workers are in the twenties), unless its master is the container's PID 1.
    /// </summary>
    [Theory]
    [InlineData("s6-rc: info: service legacy-services successfully started", 23, IncidentCause.UpstreamDown)]
    [InlineData("2025-11-20 20:39:01,112 INFO spawned: 'frigate' with pid 57", 23, IncidentCause.UpstreamDown)]
    [InlineData(null, 23, IncidentCause.Misconfiguration)]
    [InlineData(null, 469, IncidentCause.UpstreamDown)]
    [InlineData("2025/11/24 09:59:58 [notice] 1#1: start worker processes", 469, IncidentCause.Misconfiguration)]
    public void LoopbackRefusedInAContainer_BesideOtherServices_IsAServiceDown(string? firstLine, int pid, IncidentCause expected)
    {
        var errors = new List<string>();
        if (firstLine is not null)
        {
            errors.Add(firstLine);
        }

        errors.AddRange(Enumerable.Range(0, 5).Select(i =>
            $"{Base.AddSeconds(i * 4):yyyy/MM/dd HH:mm:ss} [error] {pid}#{pid}: *{50 + i} connect() failed (111: Connection refused) while connecting to upstream, client: 172.30.32.1, server: , request: \"GET /api/stats{i} HTTP/1.1\", upstream: \"http://127.0.0.1:5001/api/stats{i}\", host: \"ccab4aaf-frigate:5000\""));

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("127.0.0.1:5001", expected), (incident.Upstream, incident.Cause));
    }

    /// <summary>
    /// The resolver's own lines (its socket refused) beside a failed lookup of nginx's own, ssl_stapling's OCSP
    /// responder: no request's lookup failed, so no request did, whatever the resolver's lines say. Beside a request's
    /// "could not be resolved" they are that incident's evidence; alone they stay what they were.
    /// </summary>
    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 1)]
    public void ResolverLines_BesideOnlyAnOcspLookup_FailNoRequest(bool ocsp, int incidents)
    {
        var errors = Enumerable.Range(0, 3).Select(i =>
            $"proxy     | {Base.AddSeconds(i * 5):yyyy/MM/dd HH:mm:ss} [error] 21#21: send() failed (111: Connection refused) while resolving, resolver: 127.0.0.1:53").ToList();
        if (ocsp)
        {
            errors.Add($"proxy     | {Base.AddSeconds(15):yyyy/MM/dd HH:mm:ss} [error] 21#21: r3.o.lencr.org could not be resolved (110: Operation timed out) while requesting certificate status, responder: r3.o.lencr.org, certificate: \"/etc/ssl/fullchain.pem\"");
        }

        Assert.Equal(incidents, Analyze([], errors).Incidents.Count);
    }

    /// <summary>
    /// A gunicorn whose headers were too big for nginx's buffer (running, misconfigured), then restarted and its socket
    /// gone for minutes (an outage): two states of one server, two causes, two fixes, so two incidents. Error log alone.
    /// </summary>
    [Fact]
    public void TooBigHeaderThenSocketGone_AreTwoIncidents()
    {
        const string Context = ", client: 192.54.222.27, server: _, request: \"GET /{0} HTTP/1.1\", upstream: \"http://unix:/tmp/gunicorn.sock:/{0}\", host: \"app.test\"";
        var errors = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            errors.Add($"{Base.AddSeconds(i * 3):yyyy/MM/dd HH:mm:ss} [error] 29693#0: *{1244 + i} upstream sent too big header while reading response header from upstream" + string.Format(CultureInfo.InvariantCulture, Context, i));
        }

        for (var i = 0; i < 8; i++)
        {
            errors.Add($"{Base.AddSeconds(70 + (i * 10)):yyyy/MM/dd HH:mm:ss} [crit] 29693#0: *{1257 + i} connect() to unix:/tmp/gunicorn.sock failed (2: No such file or directory) while connecting to upstream" + string.Format(CultureInfo.InvariantCulture, Context, i));
        }

        var incidents = Analyze([], errors).Incidents;

        Assert.Equal([(IncidentCause.Misconfiguration, 4), (IncidentCause.UpstreamDown, 8)], incidents.OrderBy(i => i.Start).Select(i => (i.Cause, i.FailedRequests)));
    }

    /// <summary>
    /// OpenResty: a Lua handler's call to Redis is refused and the script answers 503 itself. Its line names the request
    /// (and the host the access log does not): nginx answered, no upstream did, whatever an access log without upstream
    /// fields would suggest. Beside a refused proxied try, the same kind of line does not outvote nginx's own; alone in
    /// the error log, it is no gateway error.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lua_ScriptAnswersAfterItsOwnCallFailed_IsNotAnUpstreamsAnswer(bool proxiedTryRefusedToo)
    {
        const string combined = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 180; s++)
        {
            var failing = s is >= 60 and < 80;
            var client = $"10.9.8.{s}";
            access.Add($"{client} - - [{Base.AddSeconds(s):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/session HTTP/1.1\" {(failing ? proxiedTryRefusedToo ? 502 : 503 : 200)} 190 \"-\" \"curl/8.5.0\"");
            if (failing)
            {
                var context = $", client: {client}, server: gw.test, request: \"GET /api/session HTTP/1.1\"";
                errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{s} [lua] session.lua:41: failed to connect to redis: connection refused{context}, host: \"gw.test\"");
                if (proxiedTryRefusedToo)
                {
                    errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{s} {Refused}{context}, upstream: \"http://10.0.0.1:8080/api/session\", host: \"gw.test\"");
                }
            }
        }

        var incident = Assert.Single(Analyze(access, errors, combined).Incidents);
        Assert.Equal("gw.test", incident.Host);
        if (proxiedTryRefusedToo)
        {
            Assert.Equal((IncidentCause.UpstreamDown, "10.0.0.1:8080"), (incident.Cause, incident.Upstream));
        }
        else
        {
            Assert.Equal((IncidentCause.Unknown, 503, 20), (incident.Cause, incident.Status, incident.FailedRequests));
            Assert.StartsWith("nginx's Lua code", incident.Summary, StringComparison.Ordinal);
        }

        Assert.Empty(Analyze([], errors.Where(e => e.Contains("[lua]", StringComparison.Ordinal)), combined).Incidents);
    }

    /// <summary>
    /// Kong resolves an upstream's name in its Lua balancer, not with nginx's resolver; when the name does not resolve it
    /// logs the DNS server's answer and the names it tried, and answers the request 503 itself ("name resolution
    /// failed", 36 bytes). That is the upstream's name failing, as nginx's own "could not be resolved" is, with the
    /// access log or without it.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Lua_KongsBalancerFailingToResolveTheUpstream_IsADnsFailureItAnswers503(bool withAccessLog)
    {
        const string combined = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 120; s++)
        {
            var failing = s is >= 60 and < 66;
            var client = $"10.14.3.{s}";
            access.Add($"{client} - - [{Base.AddSeconds(s):dd/MMM/yyyy:HH:mm:ss} +0000] \"POST /orders/{s} HTTP/1.1\" {(failing ? 503 : 201)} {(failing ? 36 : 412)} \"-\" \"okhttp/4.12.0\"");
            if (failing)
            {
                errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 38#0: *{s} [lua] balancer.lua:917: execute(): DNS resolution failed: dns server error: 3 name error. "
                    + "Tried: [\"(short)orders.svc:(na) - cache-miss\",\"orders.svc:33 - cache-miss/querying/dns server error: 3 name error\",\"orders.svc:1 - cache-miss/querying/dns server error: 3 name error\"], "
                    + $"client: {client}, server: kong, request: \"POST /orders/{s} HTTP/1.1\", host: \"api.example.com\"");
            }
        }

        var incident = Assert.Single(Analyze(withAccessLog ? access : [], errors, combined).Incidents);

        Assert.Equal((IncidentCause.Dns, 503, "orders.svc", 6), (incident.Cause, incident.Status, incident.Upstream, incident.FailedRequests));
    }

    /// <summary>
    /// <c>[alert] no upstream configuration</c>: a request that reached the upstream module without its configuration
    /// (ModSecurity 2's nginx module re-running a POST's handler after reading its body), which nginx answers 500 itself,
    /// no server tried. Every POST fails so while the GETs beside them are served: nginx's own 500s, a misconfiguration,
    /// with or without the access log.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NoUpstreamConfiguration_IsNginxsOwn500_AMisconfiguration(bool withAccessLog)
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 40; s++)
        {
            var post = s % 8 == 0;
            var request = post ? $"POST /prog/index.php?day={s} HTTP/1.1" : $"GET /prog/index.php?day={s} HTTP/1.1";
            access.Add($"88.159.16.{s} - - [{Base.AddSeconds(s):dd/MMM/yyyy:HH:mm:ss} +0000] \"{request}\" {(post ? 500 : 200)} {(post ? 186 : 5120)} \"-\" \"Mozilla/5.0\"");
            if (post)
            {
                errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [alert] 29432#0: *{s + 4} no upstream configuration, client: 88.159.16.{s}, server: school.test, request: \"{request}\", host: \"school.test\"");
            }
        }

        var incident = Assert.Single(Analyze(withAccessLog ? access : [], errors, "combined").Incidents);

        Assert.Equal((IncidentCause.Misconfiguration, 500, 5), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Contains("without an upstream configuration", incident.Summary, StringComparison.Ordinal);
        Assert.Contains("ModSecurity", incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// APISIX's resolver dropping a node whose name has no record, said in two of its files, then its route finding no
    /// node (<c>failed to set upstream: no valid upstream node</c>), on each session of a stream route: one DNS failure
    /// per session, named by the node's name, however many of APISIX's lines tell it.
    /// </summary>
    [Fact]
    public void Lua_ApisixResolverDroppingANodeAndNoNodeLeft_IsOneDnsFailurePerSession()
    {
        const string Name = "storaged-0.storaged-headless.default.svc.cluster.local";
        const string Context = " while prereading client data, client: 172.17.0.1, server: 0.0.0.0:9779";
        var errors = Enumerable.Range(0, 3).SelectMany(i => new[]
        {
            $"{Base.AddSeconds(i * 10):yyyy/MM/dd HH:mm:ss} [error] 44#44: *{9538531 + i} stream [lua] resolver.lua:47: parse_domain(): failed to parse domain: {Name}, error: failed to query the DNS server: dns client error: 101 empty record received{Context}",
            $"{Base.AddSeconds(i * 10):yyyy/MM/dd HH:mm:ss} [error] 44#44: *{9538531 + i} stream [lua] upstream.lua:79: parse_domain_for_nodes(): dns resolver domain: {Name} error: failed to query the DNS server: dns client error: 101 empty record received{Context}",
            $"{Base.AddSeconds(i * 10):yyyy/MM/dd HH:mm:ss} [error] 44#44: *{9538531 + i} stream [lua] init.lua:965: stream_preread_phase(): failed to set upstream: no valid upstream node{Context}",
        });

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.Dns, Name, 3), (incident.Cause, incident.Upstream, incident.FailedRequests));
    }

    /// <summary>
    /// An upstream that closes while nginx is still sending the request (<c>writev() failed (32: Broken pipe) while
    /// sending request to upstream</c>) stopped taking it before it had it whole: most often an upload over its own limit
    /// on a request's size, which the summary and the first fix say, rather than a broken answer.
    /// </summary>
    [Theory]
    [InlineData("writev() failed (32: Broken pipe) while sending request to upstream")]
    [InlineData("sendfile() failed (32: Broken pipe) while sending request to upstream")]
    public void UpstreamClosingWhileTheRequestIsSent_PointsAtItsLimitOnARequestsSize(string message)
    {
        var errors = Enumerable.Range(0, 3).Select(i =>
            $"{Base.AddSeconds(i * 20):yyyy/MM/dd HH:mm:ss} [error] 10#10: *{i + 1} {message}, client: 192.0.2.88, server: , request: \"POST /api/uploads HTTP/1.1\", upstream: \"http://192.0.2.78:6666/uploads\", host: \"files.test\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.InvalidResponse, 502), (incident.Cause, incident.Status));
        Assert.Contains("while nginx was still sending it the request", incident.Summary, StringComparison.Ordinal);
        Assert.Contains("max_request_body_size", incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// Kong's line pasted wrapped after the list it opens (<c>Tried: [</c>), the names on the lines after it: a line that
    /// ends inside a list it opened was cut there, so the names are its message's rest, the first of them the upstream's.
    /// </summary>
    [Fact]
    public void Lua_KongsLineWrappedInsideItsList_NamesTheUpstreamFromTheRest()
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [error] 40#0: *1774724 [lua] balancer.lua:1123: execute(): DNS resolution failed: dns server error: 3 name error. Tried: [",
            "\"(short)play.yyy.svc:(na) ",
            "- cache-miss\",\"play.yyy.svc.kube-system.svc.cluster.local.:33 ",
            "- cache-miss/scheduled/querying/dns server error: 3 name error\"]",
        ];

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.Dns, 503, "play.yyy.svc"), (incident.Cause, incident.Status, incident.Upstream));
    }

    /// <summary>
    /// Kong 0.10 to 0.14 said a failed lookup of its balancer in other words (<c>failed the initial dns/balancer resolve
    /// for 'NAME' with: dns query returned no results</c>) and answered the request 500 from its <c>responses.lua</c>.
    /// </summary>
    [Fact]
    public void Lua_OldKongsInitialResolveFailing_IsADnsFailureItAnswers500()
    {
        var errors = Enumerable.Range(0, 3).Select(s =>
            $"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 25754#0: *{655 + s} [lua] responses.lua:107: before(): failed the initial dns/balancer resolve for 'ibapi-sand.adnxs.test' with: dns query returned no results, client: 10.3.64.175, server: kong, request: \"GET /thorondor/admin/status HTTP/1.1\", host: \"sand.api.adnxs.test\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.Dns, 500, "ibapi-sand.adnxs.test", 3), (incident.Cause, incident.Status, incident.Upstream, incident.FailedRequests));
    }

    /// <summary>
    /// Tomcat closes idle keep-alive connections after 20 s, nginx keeps them longer: a request sent on a connection the
    /// server just closed is reset at once. nginx gives a GET one more try on the same server (a cached connection's
    /// failure is not counted: <c>10.0.0.1:8080, 10.0.0.1:8080</c> with <c>502, 200</c>), and a POST, which it may not
    /// repeat, fails. Successes all around, and no slowdown: stale connections, not a saturated server.
    /// </summary>
    [Fact]
    public void KeepAliveRace_ResetsBesideRetriesOnTheSameServer_AreStaleConnectionsNotOverload()
    {
        const string Reset = "recv() failed (104: Connection reset by peer) while reading response header from upstream";
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 240; s++)
        {
            access.Add(Access(s, 200, cid: 10_000 + s));
            if (s is >= 60 and < 120 && s % 4 == 0)
            {
                access.Add(Access(s, 200, upstream: "10.0.0.1:8080, 10.0.0.1:8080", upstreamStatus: "502, 200", connect: "0.000, 0.001", header: "-, 0.010", cid: s));
                errors.Add(Error(s, Reset, cid: s));
            }

            if (s is >= 60 and < 120 && s % 6 == 1)
            {
                access.Add(Access(s, 502, connect: "0.000", header: "-", cid: s).Replace("\"GET / ", "\"POST /orders ", StringComparison.Ordinal));
                errors.Add(Error(s, Reset, cid: s, path: "/orders").Replace("\"GET /orders", "\"POST /orders", StringComparison.Ordinal));
            }
        }

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal((IncidentCause.InvalidResponse, 502, 10), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Contains("keep-alive connections nginx was reusing", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// The same race where every request is a POST: nginx repeats none of them, so no retry shows the stale connection.
    /// The failures come the moment the request is sent, and the upstream serves the rest as fast as it did before.
    /// A server shedding load it cannot carry resets at once too, but those it does serve wait their turn.
    /// </summary>
    [Theory]
    [InlineData(0.002, 0.000, IncidentCause.InvalidResponse)]
    [InlineData(0.450, 0.000, IncidentCause.Overload)]
    // Served 50 times slower than in the whole minute before the incident's own (where the slowdown began, and which
    // the five minutes "before" include): shedding what it cannot take.
    [InlineData(0.100, 0.000, IncidentCause.Overload)]
    // A busy event loop (Node's) gets to the close it timed a little late: half the failures come after about twice
    // the time a request takes to serve, still no slower than that.
    [InlineData(0.020, 0.039, IncidentCause.InvalidResponse)]
    // Resets that came after a wait far longer than serving takes: requests queued before being dropped.
    [InlineData(0.020, 0.300, IncidentCause.Overload)]
    public void InstantResetsAmongPosts_SuccessesAsFastAsBefore_AreStaleConnectionsNotOverload(double servedSecondsInside, double lateFailureSeconds, IncidentCause expected)
    {
        const string Format = "$remote_addr [$time_local] \"$request\" $status $host cid=$connection ua=\"$upstream_addr\" us=\"$upstream_status\" urt=\"$upstream_response_time\"";
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 150; s++)
        {
            var inside = s >= 90;
            var failed = inside && s % 3 == 0;
            var urt = (failed ? (s % 2 == 0 ? 0.000 : lateFailureSeconds) : inside ? servedSecondsInside : 0.002).ToString("0.000", CultureInfo.InvariantCulture);
            access.Add($"10.9.8.{s % 50} [{Base.AddSeconds(s):dd/MMM/yyyy:HH:mm:ss} +0000] \"POST /api/cart/{s} HTTP/1.1\" {(failed ? 502 : 200)} api.test cid={s} ua=\"10.0.0.1:8080\" us=\"{(failed ? 502 : 200)}\" urt=\"{urt}\"");
            if (failed)
            {
                var message = s % 2 == 0 ? "recv() failed (104: Connection reset by peer) while reading response header from upstream" : "upstream prematurely closed connection while reading response header from upstream";
                errors.Add(Error(s, message, cid: s, path: $"/api/cart/{s}").Replace("\"GET /", "\"POST /", StringComparison.Ordinal).Replace("client: 10.9.8.7", $"client: 10.9.8.{s % 50}", StringComparison.Ordinal));
            }
        }

        var incident = Assert.Single(Analyze(access, errors, Format).Incidents);

        Assert.Equal((expected, 502, 20), (incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// PHP-FPM relays the script's stderr, and nginx logs it quoted with its newlines: one message over several lines,
    /// the last closing the quote before the phase and the request's context. A fatal error is PHP's own 500 (or a
    /// blank 200), no gateway error, whether the access log is there to say so or not.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FastCgiStderrOverSeveralLines_IsOneMessageAndNoGatewayError(bool withAccessLog)
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 60; s++)
        {
            var fatal = s % 4 == 0;
            access.Add(Access(s, fatal ? 500 : 200, upstream: "unix:/run/php/php8.2-fpm.sock", cid: s, path: "/index.php"));
            if (fatal)
            {
                errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 77#77: *{s} FastCGI sent in stderr: \"PHP message: PHP Warning:  Undefined variable $user in /var/www/html/index.php on line 12");
                errors.Add("PHP message: PHP Fatal error:  Uncaught Error: Call to a member function id() on null in /var/www/html/index.php:13");
                errors.Add("Stack trace:");
                errors.Add("#0 {main}");
                errors.Add($"  thrown in /var/www/html/index.php on line 13\" while reading response header from upstream, client: 10.9.8.7, server: api.test, request: \"GET /index.php HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.2-fpm.sock:\", host: \"api.test\"");
            }
        }

        var report = Analyze(withAccessLog ? access : [], errors);

        Assert.Empty(report.Incidents);
        Assert.Equal((0, 15, 75), (report.Stats.MalformedLines, report.Stats.FailedRequests + 15, report.Stats.ErrorLines));
    }

    /// <summary>
    /// The access log alone, a block of two servers that both failed: nginx marks each down after max_fails failures
    /// and, finding no live server, logs the block's name as $upstream_addr with a 502 it made itself. That is no
    /// answer of the upstream's, whatever $upstream_status says.
    /// </summary>
    [Fact]
    public void AccessLogAlone_UpstreamAddrNamingTheBlock_IsNoLiveUpstreamsNotTheUpstreamsAnswer()
    {
        var access = new List<string>();
        for (var s = 0; s < 120; s++)
        {
            access.Add(s < 60
                ? Access(s, 200, upstream: s % 2 == 0 ? "10.0.0.1:8080" : "10.0.0.2:8080", cid: s)
                : s % 10 == 0
                    ? Access(s, 502, upstream: "10.0.0.1:8080, 10.0.0.2:8080", upstreamStatus: "502, 502", connect: "-, -", header: "-, -", cid: s)
                    : Access(s, 502, upstream: "backend", upstreamStatus: "502", connect: "-", header: "-", cid: s));
        }

        var incident = Assert.Single(Analyze(access).Incidents);

        Assert.Equal((IncidentCause.UpstreamDown, 60), (incident.Cause, incident.FailedRequests));
        Assert.InRange(incident.Confidence, 0.3, 0.6);
        Assert.Contains("no live server", incident.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Saturation_SuccessesInterleaveWithBacklogFull_IsOverload()
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 60; s++)
        {
            for (var r = 0; r < 4; r++)
            {
                var cid = (s * 10) + r;
                var failed = r == 0 && s >= 20;
                access.Add(Access(s, failed ? 502 : 200, upstream: "unix:/run/php/php8.2-fpm.sock", connect: failed ? "-" : "0.000", header: failed ? "-" : "0.300", cid: cid));
                if (failed)
                {
                    errors.Add(Error(s, "connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream", upstream: "unix:/run/php/php8.2-fpm.sock", cid: cid));
                }
            }
        }

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal(IncidentCause.Overload, incident.Cause);
        Assert.Contains("while still serving", incident.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void AppServerTimeout_PrematureCloseAtTheSameTimeOnEveryRequest_IsTimeout502()
    {
        // gunicorn --timeout 30 kills the sync worker: nginx logs a premature close, $upstream_response_time ~30 s.
        const string Format = "$remote_addr [$time_local] \"$request\" $status $host cid=$connection ua=\"$upstream_addr\" us=\"$upstream_status\" urt=\"$upstream_response_time\"";
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var time = Base.AddSeconds(40 + (i * 3));
            var urt = (30.001 + (i % 3 * 0.4)).ToString("0.000", CultureInfo.InvariantCulture);
            access.Add($"10.9.8.7 [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /report/{i} HTTP/1.1\" 502 api.test cid={i} ua=\"unix:/run/gunicorn.sock\" us=\"502\" urt=\"{urt}\"");
            errors.Add(Error(40 + (i * 3), "upstream prematurely closed connection while reading response header from upstream", upstream: "unix:/run/gunicorn.sock:", cid: i, path: $"/report/{i}"));
        }

        var incident = Assert.Single(Analyze(access, errors, Format).Incidents);

        Assert.Equal((IncidentCause.Timeout, 502), (incident.Cause, incident.Status));
        Assert.Contains("after 30 s, never sooner", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, r => r.Contains("gunicorn `--timeout`", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { 3.404, 3.411, 3.412, 3.683, 4.351, 5.436, 6.14, 7.022, 8.026, 9.207, 10.779, 12.76, 14.728, 15.326 }, true)]
    [InlineData(new[] { 0.0, 0.001, 0.004, 0.009, 0.013, 0.029, 0.045, 0.002, 0.003, 0.004, 0.0, 0.001 }, false)]
    [InlineData(new[] { 0.2, 1.5, 4.0, 6.1, 9.8, 12.3, 0.7, 15.0, 2.2, 7.7 }, false)]

    // gunicorn --timeout 3 with two sync workers (a real capture): the first kills land within a second of the limit
    // (the arbiter checks about once a second), the queued requests' times climb from there.
    [InlineData(new[] { 3.166, 3.782, 3.673, 3.143, 5.174, 5.277, 5.909, 6.169, 9.526, 9.04, 9.23, 10.029, 11.335, 9.972 }, true)]

    // Slow requests all cut at different times: no floor that several share.
    [InlineData(new[] { 1.2, 2.9, 4.4, 6.0, 7.3, 9.1, 10.8, 12.5, 14.9, 16.2 }, false)]

    // A server crashing at random points over two seconds or three: some closes come sooner than the limit the rest
    // would suggest, which no kill by a clock does.
    [InlineData(new[] { 0.119, 0.605, 0.972, 1.366, 1.540, 1.590, 1.729, 2.176, 2.329, 2.411 }, false)]
    [InlineData(new[] { 0.741, 0.789, 1.341, 1.535, 1.868, 2.128, 2.192, 2.260, 2.270, 2.291 }, false)]
    [InlineData(new[] { 1.120, 2.370, 2.794, 2.991, 3.363, 3.381, 3.652, 3.673 }, false)]
    public void AppServerTimeout_WorkersStuckAndRequestsQueued_TimesStartAtTheLimit(double[] seconds, bool isTimeout)
    {
        // With every sync worker stuck, requests wait in gunicorn's backlog before a worker takes them and the
        // --timeout clock starts: none fails sooner than the limit, several right at it, the rest spread above.
        // Connections closed at once (a crashing server) or at random times are a broken response.
        const string Format = "$remote_addr [$time_local] \"$request\" $status $host cid=$connection ua=\"$upstream_addr\" us=\"$upstream_status\" urt=\"$upstream_response_time\"";
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < seconds.Length; i++)
        {
            var time = Base.AddSeconds(40 + (i * 2));
            var urt = seconds[i].ToString("0.000", CultureInfo.InvariantCulture);
            access.Add($"10.9.8.7 [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /report/{i} HTTP/1.1\" 502 api.test cid={i} ua=\"unix:/run/gunicorn.sock\" us=\"502\" urt=\"{urt}\"");
            errors.Add(Error(40 + (i * 2), "upstream prematurely closed connection while reading response header from upstream", upstream: "unix:/run/gunicorn.sock:", cid: i, path: $"/report/{i}"));
        }

        var incident = Assert.Single(Analyze(access, errors, Format).Incidents);

        Assert.Equal(isTimeout ? IncidentCause.Timeout : IncidentCause.InvalidResponse, incident.Cause);
        Assert.Equal(502, incident.Status);
    }

    [Theory]
    // uWSGI --harakiri 3 with two workers, a real capture's $request_time: two land within the master's second of the
    // limit, the queued requests climb from there.
    [InlineData(new[] { 3.365, 4.033, 5.227, 5.322, 5.354, 7.073, 8.802, 9.550, 9.770, 10.306, 11.215, 12.809 }, 0.002, true)]
    // The same times after requests that took as long: nothing says a clock cut them.
    [InlineData(new[] { 3.365, 4.033, 5.227, 5.322, 5.354, 7.073, 8.802, 9.550, 9.770, 10.306, 11.215, 12.809 }, 2.5, false)]
    // One at the floor, the rest spread: a crash at random points, whatever the upstream took before.
    [InlineData(new[] { 1.120, 2.370, 2.794, 2.991, 3.363, 3.381, 3.652, 3.673, 4.1, 4.6 }, 0.002, false)]
    public void AppServerTimeout_TwoWorkersAtTheLimit_IsATimeoutOnlyWhenTheRequestsWereFastBefore(double[] seconds, double before, bool isTimeout)
    {
        // A format with $request_time alone (no upstream times): six minutes of answers first, then the failures.
        const string Format = "[$time_local] $request_method \"$upstream_addr\" domain=\"$server_name\" remote_addr=$remote_addr uri=$request_uri cid=\"$connection\" elapsed=$request_time status=$status";
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            var time = Base.AddSeconds(i * 3);
            access.Add($"[{time:dd/MMM/yyyy:HH:mm:ss} +0000] GET \"unix:/run/uwsgi/app.sock\" domain=\"api.test\" remote_addr=10.9.8.{i % 200} uri=/users/{i} cid=\"{i}\" elapsed={before.ToString("0.000", CultureInfo.InvariantCulture)} status=200");
        }

        for (var i = 0; i < seconds.Length; i++)
        {
            var second = 400 + (i * 2);
            var cid = 1000 + i;
            access.Add($"[{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] GET \"unix:/run/uwsgi/app.sock\" domain=\"api.test\" remote_addr=10.9.8.7 uri=/report/{i} cid=\"{cid}\" elapsed={seconds[i].ToString("0.000", CultureInfo.InvariantCulture)} status=502");
            errors.Add(Error(second, "upstream prematurely closed connection while reading response header from upstream", upstream: "unix:/run/uwsgi/app.sock:", cid: cid, path: $"/report/{i}"));
        }

        var incident = Assert.Single(Analyze(access, errors, Format).Incidents);

        Assert.Equal(isTimeout ? IncidentCause.Timeout : IncidentCause.InvalidResponse, incident.Cause);
    }

    public static TheoryData<string, string> FormatsWithoutRequest => new()
    {
        { "method, uri and args", "[$time_local] $request_method $uri $args $status $host" },
        { "request_uri and server_name", "[$time_local] $request_method \"$request_uri\" $status $server_name" },
        { "no client, no upstream", "[$time_local] \"$request\" $status $http_host" },
    };

    [Theory]
    [MemberData(nameof(FormatsWithoutRequest))]
    public void Join_WithoutTheRequestLine_ErrorLinesStillMeetTheirRequests(string name, string format)
    {
        // Two upstreams fail at the same time on one host, each its own way: the join must keep them apart.
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var time = Base.AddSeconds(10 + i);
            access.Add(Line(format, time, "GET", $"/api/items/{i}", "page=2", 502));
            errors.Add(ErrorLine(time, i, Refused, $"/api/items/{i}?page=2", "10.0.0.1:8080"));
            access.Add(Line(format, time, "POST", $"/upload/{i}", "", 504));
            errors.Add(ErrorLine(time, 100 + i, "upstream timed out (110: Connection timed out) while reading response header from upstream", $"/upload/{i}", "10.0.0.2:9000"));
        }

        var incidents = Analyze(access, errors, format).Incidents;

        Assert.True(incidents.Count == 2, name + ": " + string.Join("; ", incidents.Select(i => $"{i.Upstream} {i.Cause}")));
        Assert.Equal((IncidentCause.UpstreamDown, 502, 6), Verdict(incidents, "10.0.0.1:8080"));
        Assert.Equal((IncidentCause.Timeout, 504, 6), Verdict(incidents, "10.0.0.2:9000"));
        Assert.All(incidents, i => Assert.Equal("shop.test", i.Host));
    }

    [Fact]
    public void Attribution_RequestsThatCanBeToldApart_AnUnnamedOneIsNotGivenAnotherRequestsLines()
    {
        // The format names the request and the client but no host and no upstream. At the same time one upstream times
        // out (504, each with its line) and another answers 504 itself (no line): the latter are not the timeout's.
        const string Format = "$msec $remote_addr \"$request\" $status";
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 40; s++)
        {
            var time = Base.AddSeconds(s);
            if (s is >= 10 and < 30)
            {
                access.Add($"{time.ToUnixTimeSeconds()}.000 10.9.8.{s % 250} \"GET /slow/{s} HTTP/1.1\" 504");
                errors.Add(ErrorLine(time, s, "upstream timed out (110: Connection timed out) while reading response header from upstream", $"/slow/{s}", "10.0.0.5:8080"));
                access.Add($"{time.ToUnixTimeSeconds()}.000 172.16.0.{s} \"GET /cdn/{s} HTTP/1.1\" 504");
            }
            else
            {
                access.Add($"{time.ToUnixTimeSeconds()}.000 172.16.0.{s} \"GET /cdn/{s} HTTP/1.1\" 200");
            }
        }

        var options = new DiagnosisOptions { ErrorLogUtcOffset = TimeSpan.Zero };
        var incidents = Analyze(access, errors, Format, options).Incidents;

        Assert.Equal((IncidentCause.Timeout, 504, 20), Verdict(incidents, "10.0.0.5:8080"));
        Assert.Equal((IncidentCause.UpstreamReturned, 504, 20), Verdict(incidents, "(unknown)"));
    }

    [Fact]
    public void Attribution_NoPerRequestJoinPossible_ErrorLinesOfTheSameHostAndTimeGiveUpstreamAndCause()
    {
        // Only time, status and host: nothing tells one request from another, but the lines of that host at that time do.
        const string Format = "$msec $status $host";
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 40; s++)
        {
            var time = Base.AddSeconds(s);
            var failing = s is >= 20 and < 30;
            access.Add($"{time.ToUnixTimeSeconds()}.000 {(failing ? 502 : 200)} shop.test");
            if (failing)
            {
                errors.Add(ErrorLine(time, s, "SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream", $"/p/{s}", "10.0.0.7:443"));
            }
        }

        var options = new DiagnosisOptions { ErrorLogUtcOffset = TimeSpan.Zero };
        var incident = Assert.Single(Analyze(access, errors, Format, options).Incidents);

        Assert.Equal(("10.0.0.7:443", "shop.test", IncidentCause.TlsHandshake, 502, 10), (incident.Upstream, incident.Host, incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Equal(10, incident.Evidence.Single(e => e.Source == "error").Count);
    }

    [Fact]
    public void Dns_UpstreamAddrDash_IsKeyedByTheNameWithResolverLinesAsEvidence()
    {
        const string Format = "$remote_addr [$time_local] \"$request\" $status $host ua=\"$upstream_addr\" us=\"$upstream_status\"";
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var time = Base.AddSeconds(30 + i);
            access.Add($"10.9.8.7 [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /pay/{i} HTTP/1.1\" 502 pay.test ua=\"-\" us=\"-\"");
            errors.Add($"{time.AddSeconds(-30):yyyy/MM/dd HH:mm:ss} [error] 7#7: send() failed (111: Connection refused) while resolving, resolver: 10.0.0.2:53");
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i} pay-svc.default.svc.cluster.local could not be resolved (110: Operation timed out), client: 10.9.8.7, server: pay.test, request: \"GET /pay/{i} HTTP/1.1\", host: \"pay.test\"");
        }

        var incident = Assert.Single(Analyze(access, errors.OrderBy(e => e, StringComparer.Ordinal), Format).Incidents);

        Assert.Equal(("pay-svc.default.svc.cluster.local", IncidentCause.Dns, 502, 8), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Contains(incident.Evidence, e => e.Signature.Contains("while resolving", StringComparison.Ordinal) && e.Sample.EndsWith("resolver: 10.0.0.2:53", StringComparison.Ordinal));
    }

    /// <summary>
    /// Lines posted from a terminal or a mail wrapped at its width: one entry over several lines, cut anywhere (inside
    /// the errno's parentheses, after "connect() to", right after the errno, before the phase nginx puts after every
    /// failure of a request's). The rest of the entry is on the lines after its head, and the next entry starts with
    /// nginx's head again.
    /// </summary>
    [Theory]
    [InlineData("connect() failed (111: Connection\nrefused) while connecting to upstream, client: 127.0.0.1, server: ,\nrequest: \"GET / HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\", host:\n\"localhost\"", "127.0.0.1:9000", IncidentCause.UpstreamDown)]
    [InlineData("connect() to \nunix:/tmp/passenger.sock failed (11: Resource \ntemporarily unavailable) while connecting to upstream, client: 10.0.0.1, server: \nx.test, request: \"GET / HTTP/1.0\", upstream: \n\"passenger://unix:/tmp/passenger.sock:\", host: \"x.test\"", "unix:/tmp/passenger.sock", IncidentCause.Overload)]
    [InlineData("recv() failed (104: Connection reset by peer)\nwhile reading response header from upstream, client: 127.0.0.1, server: , request: \"GET /register\nHTTP/1.1\", upstream: \"fastcgi://unix:/home/web01/.valet/valet.sock:\", host: \"laravel.test\", referrer:\n\"http://laravel.test/\"", "unix:/home/web01/.valet/valet.sock", IncidentCause.InvalidResponse)]
    // The rest starting with a key of the context (no syslog tag, though "server:" has a tag's shape).
    [InlineData("connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, \nserver: , request: \"GET /_matrix/client/versions HTTP/1.0\", upstream: \"http://127.0.0.1:8008/_matrix/client/versions\", host: \"matrix.test\"", "127.0.0.1:8008", IncidentCause.UpstreamDown)]
    // Cut after a field's comma, the request's: nginx ends a line with a value, never with the comma between two.
    [InlineData("connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: a.test, request: \"GET / HTTP/1.1\", \nupstream: \"http://10.0.0.9:8080/\", host: \"a.test\"", "10.0.0.9:8080", IncidentCause.UpstreamDown)]
    // Cut inside the request's quotes, before the digit of its version: nginx closes every quote it opens.
    [InlineData("connect() failed (111: Connection refused) while connecting to upstream, client: 10.10.130.84, server: localhost, request: \"GET /console-api/join-list HTTP/\n1.1\", upstream: \"http://172.20.0.9:8080/join-list\", host: \"172.29.243.212\"", "172.20.0.9:8080", IncidentCause.UpstreamDown)]
    public void WrappedPaste_OneEntryOverSeveralLines_IsReadAsOne(string rest, string upstream, IncidentCause cause)
    {
        var errors = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            errors.AddRange($"{Base.AddSeconds(i * 10):yyyy/MM/dd HH:mm:ss} [error] 1758#0: *{i + 2} {rest}".Split('\n'));
        }

        errors.Add($"{Base.AddSeconds(40):yyyy/MM/dd HH:mm:ss} [notice] 1#1: signal process started");

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((upstream, cause, 3), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Equal(0, report.Stats.MalformedLines);
    }

    /// <summary>
    /// Entries a person spread over lines to read them (two real threads' shapes): one context field a line after a
    /// fragment pasted from its level on (no time of nginx's), and nginx's head alone on its line, its process id and
    /// message on the next after a blank one. The context's upstream is the incident's.
    /// </summary>
    [Theory]
    [InlineData("[error] 1550#1550: *{0} upstream sent no valid HTTP/1.0 header while reading response header from upstream,\nclient: 203.0.113.9,\nserver: api.foo.test,\nrequest: \"POST /foo.User/GetUser HTTP/2.0\",\nupstream: \"http://127.0.0.1:50051/foo.User/GetUser\",\nhost: \"api.foo.test:8443\"", "127.0.0.1:50051", IncidentCause.InvalidResponse)]
    [InlineData("rp-1  | {1} [error] \n\n200#200: *{0} upstream sent too big header while reading response header from upstream,\n\nclient: 192.0.2.38, \nserver: airflow.example.test, \nrequest: \"GET /auth/callback HTTP/2.0\", \nupstream: \"http://172.23.1.164:80/auth/callback\", \nhost: \"airflow.example.test\"", "172.23.1.164:80", IncidentCause.Misconfiguration)]
    public void SpreadPaste_ContextOneFieldALine_OrTheHeadAlone_IsReadAsOneEntry(string entry, string upstream, IncidentCause cause)
    {
        var errors = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            errors.AddRange(string.Format(CultureInfo.InvariantCulture, entry, i + 2, Base.AddSeconds(i * 10).ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture)).Split('\n'));
        }

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((upstream, cause, 3), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Equal(0, report.Stats.MalformedLines);
    }

    /// <summary>
    /// A post-mortem's paste of <c>tail -f</c> on two files: each file's lines under tail's "==> NAME &lt;==" banner,
    /// nginx's head cut right after the connection number, one context field a line, the client's address deleted
    /// (<c>client:,</c>). nginx writes the head and its message on one line, so the lines after such a head are its
    /// message and context; the next banner is the other file's, never this entry's.
    /// </summary>
    [Fact]
    public void TailOfTwoFiles_HeadCutAfterTheConnection_ClientBlanked_IsReadAsOneEntry()
    {
        var errors = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var time = Base.AddSeconds(i * 10);
            errors.AddRange(
            [
                "==> nginx-error.log <==",
                "",
                $"{time:yyyy/MM/dd HH:mm:ss} [error] 1440#0: *{1021901 + i}",
                "sendfile() failed (32: Broken pipe) while sending request to upstream,",
                "client:, server: app.test,",
                "request: \"POST /api_endpoint HTTP/1.1\",",
                "upstream: \"http://unix:/srv/app/tmp/sockets/unicorn.sock:/api_endpoint\",",
                "host: \"\"",
                "",
                $"==> nginx-access.log <== - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000]",
                "\"POST /api_endpoint HTTP/1.1\" 502 1051 \"-\"",
            ]);
        }

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("unix:/srv/app/tmp/sockets/unicorn.sock", "app.test", IncidentCause.InvalidResponse, 3),
            (incident.Upstream, incident.Host, incident.Cause, incident.FailedRequests));
    }

    /// <summary>
    /// A terminal wraps at its width, not between words: an entry copied from one comes as lines all cut at one
    /// length, mid-word ("reading response hea" / "der from upstream"), the last shorter. The pieces join without a
    /// space, so the phase and the upstream read as nginx wrote them.
    /// </summary>
    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void TerminalWrappedPaste_CutMidWordAtItsWidth_IsReadAsOne(int width)
    {
        var errors = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var line = $"{Base.AddSeconds(i * 2):yyyy/MM/dd HH:mm:ss} [error] 1045#1045: *{402929 + i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 208.80.194.{i + 20}, server: shop.test, request: \"GET /cron.php?key=k{i} HTTP/1.1\", upstream: \"fastcgi://unix:/var/run/php/php7.2-fpm.sock:\", host: \"shop.test\"";
            errors.AddRange(line.Chunk(width).Select(c => new string(c)));
        }

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("unix:/var/run/php/php7.2-fpm.sock", IncidentCause.Timeout, 3), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Equal(0, report.Stats.MalformedLines);
    }

    /// <summary>
    /// Once lines show the terminal's width, a line after one cut at that width goes on with it even when it starts
    /// with a digit (the cut fell inside the upstream's address, "…127.0.0.1:" / "22001/health"), where a digit
    /// otherwise starts a head pasted without its date.
    /// </summary>
    [Fact]
    public void TerminalWrappedPaste_CutBeforeADigit_GoesOnWithTheLineBefore()
    {
        const int width = 120;
        var errors = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var line = Line("/health");
            var pad = (width - (line.IndexOf("22001/", StringComparison.Ordinal) % width)) % width;
            errors.AddRange(Line("/health" + new string('x', pad)).Chunk(width).Select(c => new string(c)));

            string Line(string path) =>
                $"{Base.AddSeconds(i * 2):yyyy/MM/dd HH:mm:ss} [error] 951#951: *{37 + i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: shop.test, request: \"GET {path} HTTP/1.1\", upstream: \"http://127.0.0.1:22001{path}\", host: \"shop.test\"";
        }

        Assert.Contains(errors, row => row.StartsWith("22001/", StringComparison.Ordinal));

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:22001", IncidentCause.Timeout, 4), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Equal(0, report.Stats.MalformedLines);
    }

    /// <summary>
    /// One entry cut by a terminal at its width, first inside the client's address (<c>client: 162.</c> /
    /// <c>159.98.161, …</c>), then inside the upstream's URL (<c>"http:/</c> / <c>/127.0.0.1:8000/…</c>): nginx writes
    /// the server after the client on every line, so the line that starts with a digit goes on with the address, and
    /// the address and the URL are read whole, without a character lost or a space added.
    /// </summary>
    [Theory]
    [InlineData(139)]
    [InlineData(159)]
    public void TerminalWrappedPaste_CutInsideTheClientsAddress_IsReadAsOne(int width)
    {
        // The worker's pid (twice: pid#tid) is as long as it takes for the first cut to fall right after "162.".
        string Head(string pid) => $"{Base:yyyy/MM/dd HH:mm:ss} [error] {pid}#{pid}: *474521 upstream sent too big header while reading response header from upstream, client: 162.";
        var pid = "1";
        while (Head(pid).Length < width)
        {
            pid += "1";
        }

        Assert.Equal(width, Head(pid).Length);
        var whole = Head(pid) + "159.98.161, server: talks.test, request: \"GET /talk/TX9GES/export/google-calendar HTTP/1.1\", upstream: \"http://127.0.0.1:8000/talk/TX9GES/export/google-calendar\", host: \"talks.test\"";
        string[] rows = [.. whole.Chunk(width).Select(c => new string(c))];
        Assert.StartsWith("159.98.161, ", rows[1], StringComparison.Ordinal);

        var report = Analyze([], rows, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:8000", IncidentCause.Misconfiguration, 502), (incident.Upstream, incident.Cause, incident.Status));
        Assert.Equal(whole, Assert.Single(incident.Evidence).Sample);
        Assert.Equal(0, report.Stats.MalformedLines);
    }

    /// <summary>
    /// An entry wrapped once by a mail or an editor at about a terminal's width, at a space it dropped: one line of that
    /// length shows no terminal, so the words keep their space ("Connection refused"), where lines of one length do
    /// (<see cref="TerminalWrappedPaste_CutMidWordAtItsWidth_IsReadAsOne"/>).
    /// </summary>
    [Fact]
    public void WrappedOnceAtASpace_KeepsTheSpace()
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [error] 1754#0: *10 connect() failed (111: Connection",
            "refused) while connecting to upstream, client: 127.0.0.1, server: ,",
            "request: \"GET / HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\", host:",
            "\"localhost\"",
        ];

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal("connect() failed (111: Connection refused) while connecting to upstream", Assert.Single(incident.Evidence).Signature);
    }

    /// <summary>
    /// An editor wraps at spaces it drops, and two of its lines may come out as long as each other, which is how a
    /// terminal's cuts look: a later line longer than that width shows no terminal cut them, and the spaces go back
    /// ("timed out) while", "request: \"GET"), so the phase and the upstream read as nginx wrote them.
    /// </summary>
    [Fact]
    public void EditorWrappedPaste_TwoLinesOfOneLengthThenALongerOne_KeepsItsSpaces()
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [error] 4121#4121: *57 upstream timed out (110: Connection timed out)",
            "while reading response header from upstream, client: 198.51.100.23, server: app, request:",
            "\"GET /catalog/ HTTP/1.1\", upstream: \"http://127.0.0.1:5000/catalog/\", host: \"catalog.test\", referrer:",
            "\"http://catalog.test/catalog/\"",
        ];
        Assert.Equal(errors[0].Length, errors[1].Length);

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:5000", IncidentCause.Timeout, 504), (incident.Upstream, incident.Cause, incident.Status));
        Assert.Contains("timed out) while reading response header from upstream, client: 198.51.100.23, server: app, request: \"GET /catalog/", incident.Evidence[0].Sample, StringComparison.Ordinal);
    }

    /// <summary>
    /// A fragment of a Docker log's JSON string, pasted from the message on, one field a line: the first line ends with
    /// the comma after the phase (nginx ends a line with a value, never with a comma) and the quotes keep their JSON
    /// escapes. The lines after it are its context, and the escaped quotes are read as nginx's.
    /// </summary>
    [Fact]
    public void FragmentCutAfterThePhasesComma_WithEscapedQuotes_IsReadWithItsContext()
    {
        string[] errors =
        [
            "recv() failed (104: Connection reset by peer) while reading response header from upstream, ",
            "client: 172.18.0.6, server: , request: \\\"GET /favicon.ico HTTP/1.1\\\", ",
            "upstream: \\\"uwsgi://unix:///tmp/uwsgi.sock:\\\", ",
            "host: \\\"portal.test\\\", ",
            "referrer: \\\"https://portal.test/search?entity_type[0]=Donor\\\"\\n\"",
        ];

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("unix:///tmp/uwsgi.sock", "portal.test", IncidentCause.InvalidResponse, 1), (incident.Upstream, incident.Host, incident.Cause, incident.FailedRequests));
        Assert.Equal(0, report.Stats.MalformedLines);
    }

    /// <summary>
    /// A wrap right after the colon of the host's port (<c>host: "10.0.0.100:</c> / <c>8080"</c>) is inside a quoted value
    /// that holds no blank: the port goes on without one, whatever character the cut fell after.
    /// </summary>
    [Fact]
    public void WrappedAfterTheHostsPortColon_JoinsTheHostWhole()
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [crit] 10796#0: *10 connect() to 127.0.0.1:9200 failed (13: Permission denied) while connecting to ",
            "upstream, client: 192.0.2.217, server: , request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:9200/\", host: \"192.0.2.100:",
            "8080\"",
        ];

        var incident = Assert.Single(Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 }).Incidents);

        Assert.Equal(("127.0.0.1:9200", IncidentCause.Misconfiguration), (incident.Upstream, incident.Cause));
        Assert.EndsWith("host: \"192.0.2.100:8080\"", incident.Evidence[0].Sample, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>proxy_pass http://localhost:8012</c> is an implicit block of the two addresses the name resolves to; nginx
    /// names it by the host alone when both are down (<c>no live upstreams … upstream: "http://localhost/"</c>). The
    /// incident is named as the configuration names it, port and all, with the servers that failed.
    /// </summary>
    [Fact]
    public void LocalhostsTwoAddressesRefusing_NameTheIncidentByTheNameAndItsPort()
    {
        var errors = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var time = $"{Base.AddSeconds(i * 5):yyyy/MM/dd HH:mm:ss}";
            var context = $"client: 192.0.2.89, server: forms.test, request: \"GET /{i} HTTP/1.1\"";
            errors.Add($"{time} [error] 62527#62527: *{101 + (2 * i)} connect() failed (111: Connection refused) while connecting to upstream, {context}, upstream: \"http://127.0.0.1:8012/{i}\", host: \"forms.test\"");
            errors.Add($"{time} [error] 62527#62527: *{101 + (2 * i)} connect() failed (111: Connection refused) while connecting to upstream, {context}, upstream: \"http://[::1]:8012/{i}\", host: \"forms.test\"");
            errors.Add($"{time} [error] 62527#62527: *{102 + (2 * i)} no live upstreams while connecting to upstream, client: 192.0.2.89, server: forms.test, request: \"GET /favicon.ico HTTP/1.1\", upstream: \"http://localhost/favicon.ico\", host: \"forms.test\"");
        }

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("localhost:8012", IncidentCause.UpstreamDown), (incident.Upstream, incident.Cause));
        Assert.Contains("127.0.0.1:8012", incident.Servers ?? []);
    }

    /// <summary>
    /// <c>[::]</c> is where a server listens on every IPv6 address, not an address to connect to: Linux connects to it as
    /// its own IPv6 loopback, which a container lacks (99). Said so, with the address to use.
    /// </summary>
    [Fact]
    public void ConnectToTheIpv6Wildcard_IsAMisconfigurationThatSaysSo()
    {
        var errors = Enumerable.Range(0, 3).Select(i =>
            $"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 12#12: *{7 + i} connect() to [::]:9000 failed (99: Address not available) while connecting to upstream, client: 172.17.0.1, server: , request: \"GET /index.php HTTP/1.1\", upstream: \"fastcgi://[::]:9000\", host: \"localhost:8080\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("[::]:9000", IncidentCause.Misconfiguration), (incident.Upstream, incident.Cause));
        Assert.Contains("wildcard", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, step => step.Contains("`127.0.0.1:9000`", StringComparison.Ordinal));
    }

    /// <summary>
    /// An editor's wrap keeps the blank it broke at, at the end of the line; a word longer than what is left of the width
    /// (a socket's path) is cut without one. Where the entry's other breaks kept their blanks, that break put none in.
    /// </summary>
    [Fact]
    public void WrappedAtSpacesKeptAndOnceMidPath_JoinsThePathWhole()
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [error] 7187#0: *33 upstream prematurely closed connection while reading ",
            "response header from upstream, client: 192.0.2.9, server: shop.test, request: \"GET ",
            "/shop/products HTTP/1.1\", upstream: \"http://unix:/home/deploy/apps/shop/shared",
            "/sock/unicorn.shop.sock:/shop/products\", host: \"shop.test\", referrer: ",
            "\"https://shop.test/\"",
        ];

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal("unix:/home/deploy/apps/shop/shared/sock/unicorn.shop.sock", incident.Upstream);
        Assert.Equal(("shop.test", IncidentCause.InvalidResponse), (incident.Host, incident.Cause));
    }

    /// <summary>
    /// <c>proxy_pass http://localhost:8080</c> is a block of both loopbacks named <c>localhost</c>. Its servers failed
    /// together once and came back; minutes later nginx answers "no live upstreams" under the block's name, and the
    /// requests that tried 127.0.0.1:8080 first and then found none left are the block's failures too, not a second
    /// incident of the server the earlier outage had named.
    /// </summary>
    [Fact]
    public void ServerTriedThenNoneLeft_AfterAnEarlierOutageOfIt_IsTheBlocksIncident()
    {
        var access = new List<string>();
        var errors = new List<string>();
        var id = 0;
        void Failed(DateTimeOffset time, params string[] tries)
        {
            id++;
            var path = $"/api/item/{id}";
            access.Add($"127.0.0.1 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" 502 494 \"-\" \"Mozilla/5.0\"");
            foreach (var upstream in tries)
            {
                var context = $", client: 127.0.0.1, server: localhost, request: \"GET {path} HTTP/1.1\", upstream: \"http://{upstream}/admin{path}\", host: \"localhost\"";
                errors.Add(upstream == "localhost"
                    ? $"{time:yyyy/MM/dd HH:mm:ss} [error] 13152#7000: *{id} no live upstreams while connecting to upstream{context}"
                    : $"{time:yyyy/MM/dd HH:mm:ss} [error] 13152#7000: *{id} connect() failed (10061: No connection could be made because the target machine actively refused it) while connecting to upstream{context}");
            }
        }

        for (var i = 0; i < 20; i++)
        {
            access.Add($"127.0.0.1 - - [{Base.AddSeconds(-400 + (i * 5)):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/ok HTTP/1.1\" 200 120 \"-\" \"Mozilla/5.0\"");
        }

        for (var i = 0; i < 3; i++)
        {
            Failed(Base.AddSeconds(-300 + i), "[::1]:8080", "127.0.0.1:8080");
        }

        for (var i = 0; i < 20; i++)
        {
            access.Add($"127.0.0.1 - - [{Base.AddSeconds(-290 + (i * 5)):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/ok HTTP/1.1\" 200 120 \"-\" \"Mozilla/5.0\"");
        }

        for (var i = 0; i < 4; i++)
        {
            Failed(Base, "localhost");
        }

        for (var i = 0; i < 4; i++)
        {
            Failed(Base.AddSeconds(2 + (i * 3)), "127.0.0.1:8080", "localhost");
        }

        var report = Analyze(access, errors, format: "combined");

        var now = Assert.Single(report.Incidents, i => i.End >= Base);
        Assert.Equal(("localhost:8080", 8), (now.Upstream, now.FailedRequests));
    }

    /// <summary>
    /// A paste of two 503s of one client and request line in one second, and one "limiting requests" line: limit_req
    /// writes a line for each rejection, so the second's was left out, and it was rejected the same way (nginx's own
    /// page, no upstream), not an upstream's answer passed through. One rate-limiting incident of both.
    /// </summary>
    [Fact]
    public void TwoRejectedRequestsAndOneLimiterLine_AreOneRateLimitingIncident()
    {
        const string Request = "\"GET / HTTP/1.1\" 503 599 \"-\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/106.0.0.0\"";
        string[] access =
        [
            $"192.168.56.1 - - [{Base:dd/MMM/yyyy:HH:mm:ss} +0000] {Request}",
            $"192.168.56.1 - - [{Base:dd/MMM/yyyy:HH:mm:ss} +0000] {Request}",
        ];
        string[] errors = [$"{Base:yyyy/MM/dd HH:mm:ss} [error] 37#37: *251 limiting requests, excess: 0.584 by zone \"one\", client: 192.168.56.1, server: localhost, request: \"GET / HTTP/1.1\", host: \"localhost\""];

        var incident = Assert.Single(Analyze(access, errors, format: "combined").Incidents);

        Assert.Equal((IncidentCause.RateLimited, 503, 2), (incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// <c>error_page 504 =502 /busy.html</c>: nginx timed out on the upstream and answered 502 with the site's page. An
    /// access log in <c>combined</c> shows neither the upstream nor its status, so each 502 takes the timeout line of
    /// its request (same client, request line and second): one timeout incident of the upstream the lines name, with
    /// the status its clients got. Where <c>$upstream_status</c> is logged, the try's own status tells instead.
    /// </summary>
    [Fact]
    public void TimeoutAnsweredAs502ByAnErrorPage_JoinsItsRequestsInAFormatWithoutUpstreamFields()
    {
        var access = new List<(DateTimeOffset Time, string Line)>();
        var errors = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var time = Base.AddSeconds(-120 + (i * 10));
            access.Add((time, $"203.0.113.8 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/v1/resources HTTP/1.1\" 200 1024 \"-\" \"Next.js\""));
        }

        for (var i = 0; i < 4; i++)
        {
            var time = Base.AddSeconds(i / 2 * 26);
            var path = i % 2 == 0 ? "/api/v1/reactions/list" : "/api/v1/reactions";
            access.Add((time, $"113.185.44.12 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" 502 238 \"-\" \"Mozilla/5.0\""));
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 20#20: *{516358 + i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 113.185.44.12, server: api.test, request: \"GET {path} HTTP/1.1\", upstream: \"http://172.20.0.2:3000{path}\", host: \"api.test\"");
        }

        var incident = Assert.Single(Analyze([.. access.OrderBy(a => a.Time).Select(a => a.Line)], errors, format: "combined").Incidents);

        Assert.Equal(("172.20.0.2:3000", IncidentCause.Timeout, 502, 4), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// A wrap inside the quoted value of <c>upstream:</c> or <c>host:</c>, which hold no blank, cut a word: the rest goes
    /// on without one, so every line of a paste names the same upstream (<c>"http://loc</c> / <c>alhost/…"</c>).
    /// </summary>
    [Fact]
    public void WrappedInsideTheQuotedUpstream_JoinsTheNameWhole()
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [error] 1829#1829: *451 no live upstreams while connecting to upstream, client: 203.0.113.4, server: social.test, request: \"GET /api/v1/streaming HTTP/1.1\", upstream: \"http://localhost/api/v1/streaming\", host: \"social.test\"",
            "",
            $"{Base.AddSeconds(1):yyyy/MM/dd HH:mm:ss} [error] 1829#1829: *448 no live upstreams while connecting to upstream, client: 203.0.113.4, server: social.test, request: \"GET /.well-known/nodeinfo HTTP/1.1\", upstream: \"http://loc",
            "alhost/.well-known/nodeinfo\", host: \"social.test\"",
            "",
            $"{Base.AddSeconds(2):yyyy/MM/dd HH:mm:ss} [error] 1829#1829: *452 no live upstreams while connecting to upstream, client: 203.0.113.4, server: social.test, request: \"GET /api/v1/streaming HTTP/1.1\", upstream: \"http://localhost/api/v1/streaming\", host: \"social.test\"",
        ];

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("localhost", 3), (incident.Upstream, incident.FailedRequests));
    }

    /// <summary>
    /// A fragment pasted from the level on, wrapped inside its phase (<c>… while reading</c>, <c>response header from
    /// upstream,</c>) with the upstream on a line of its own: nginx writes the phase whole, so the lines after it are its
    /// rest, and the upstream they name is the incident's.
    /// </summary>
    [Fact]
    public void FragmentWrappedInsideItsPhase_TakesTheUpstreamFromTheLinesAfter()
    {
        string[] errors =
        [
            "[error] upstream prematurely closed connection while reading",
            "response header from upstream,",
            "upstream: \"http://10.244.0.44:8000/predict\"",
        ];

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("10.244.0.44:8000", IncidentCause.InvalidResponse), (incident.Upstream, incident.Cause));
    }

    /// <summary>
    /// An error line without <c>host:</c> (cut short in a paste, or a request with an empty Host) names the host by
    /// its <c>server:</c> alone, which says nothing of the Host the client sent: its request's access line, whatever
    /// host it logs, is the same request, and the failure is the error line's, not the upstream's own 502.
    /// </summary>
    [Fact]
    public void ErrorLineWithoutItsHost_JoinsItsRequestWhateverHostTheAccessLineLogs()
    {
        const string format = "$remote_addr [$time_local] $host \"$request\" $status $body_bytes_sent $upstream_addr";
        List<string> access = [$"10.244.0.132 [{Base:dd/MMM/yyyy:HH:mm:ss} +0000] log.gateway.test \"POST /parse HTTP/1.1\" 502 69 10.107.24.14:8000"];
        List<string> errors = [$"{Base:yyyy/MM/dd HH:mm:ss} [error] 36#0: *263002 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.244.0.132, server: kong, request: \"POST /parse HTTP/1.1\", upstream: \"http://10.107.24.14:8000/parse\", host: \"\""];

        var incident = Assert.Single(Analyze(access, errors, format, new DiagnosisOptions { MinFailures = 1 }).Incidents);

        Assert.Equal(("10.107.24.14:8000", IncidentCause.InvalidResponse), (incident.Upstream, incident.Cause));
    }

    /// <summary>
    /// A wrap right after a context's key (<c>client: </c>): nginx writes the value next, so the line that starts with
    /// the client's address goes on with the entry, though a digit also starts a head pasted without its date.
    /// </summary>
    [Fact]
    public void WrappedAfterAContextsKey_TheLineStartingWithItsValueGoesOn()
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [crit] 1447#0: *18 connect() to ",
            "unix:/var/run/hhvm/sock failed (2: No such file or directory) while ",
            "connecting to upstream, client: ",
            "100.104.72.32, server: , request: \"GET / HTTP/1.1\", upstream: ",
            "\"fastcgi://unix:/var/run/hhvm/sock:\", host: \"shop.test\"",
            $"{Base.AddSeconds(20):yyyy/MM/dd HH:mm:ss} [crit] 1447#0: *20 connect() to ",
            "unix:/var/run/hhvm/sock failed (2: No such file or directory) while ",
            "connecting to upstream, client: ",
            "100.104.72.32, server: , request: \"GET /cart HTTP/1.1\", upstream: ",
            "\"fastcgi://unix:/var/run/hhvm/sock:\", host: \"shop.test\"",
        ];

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("unix:/var/run/hhvm/sock", "shop.test", 2), (incident.Upstream, incident.Host, incident.FailedRequests));
        Assert.Equal(0, report.Stats.MalformedLines);
    }

    /// <summary>
    /// A paste quoted in markdown or a mail marks every line with <c>&gt; </c>, the lines a wrap broke off an entry too:
    /// the marker is the quote's, not nginx's, so the entry's rest joins without it.
    /// </summary>
    [Theory]
    [InlineData("> ")]
    [InlineData(">> ")]
    [InlineData("> > ")]
    [InlineData(">")]
    public void QuotedAndWrapped_JoinsTheRestWithoutTheQuotesMarker(string marker)
    {
        string[] errors =
        [
            $"{marker}{Base:yyyy/MM/dd HH:mm:ss} [error] 39#39: *24 connect() failed (111: Connection refused) while connecting to upstream,",
            $"{marker}client: 10.0.3.1, server: jenkins.test, request: \"GET /job HTTP/1.1\", upstream: \"http://172.18.0.4:8080/job\",",
            $"{marker}host: \"jenkins.test\"",
            $"{marker}{Base.AddSeconds(1):yyyy/MM/dd HH:mm:ss} [error] 39#39: *25 connect() failed (111: Connection refused) while connecting to upstream,",
            $"{marker}client: 10.0.3.1, server: jenkins.test, request: \"GET /job/1 HTTP/1.1\", upstream: \"http://172.18.0.4:8080/job/1\",",
            $"{marker}host: \"jenkins.test\"",
        ];

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("172.18.0.4:8080", "jenkins.test", 2), (incident.Upstream, incident.Host, incident.FailedRequests));
        Assert.DoesNotContain(">", Assert.Single(incident.Evidence).Sample);
    }

    /// <summary>
    /// A line cut right after its <c>server:</c> value (a terminal's wrap inside the name): nginx writes a request's
    /// context whole, so the request, upstream and host are on the line after it, and the host is the one they name.
    /// </summary>
    [Fact]
    public void WrappedAfterTheServerName_TakesItsHostFromTheRest()
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [crit] 5642#0: *1 connect() to 127.0.0.1:8081 failed (13: Permission denied) while connecting to upstream, client: 10.0.2.2, server: nexus-b",
            "erkshelf, request: \"GET /nexus HTTP/1.1\", upstream: \"http://127.0.0.1:8081/nexus\", host: \"repo.test:8443\"",
        ];

        var report = Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 });

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:8081", "repo.test", IncidentCause.Misconfiguration), (incident.Upstream, incident.Host, incident.Cause));
        Assert.Equal(0, report.Stats.MalformedLines);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ErrorPageProxiedToTheFailedUpstream_IsOneFailedRequestNotARecoveredTry(bool withAccessLog)
    {
        // error_page 502 /502.html; location /502.html { proxy_pass http://unicorn; } (Rails, GitLab, Mastodon): the
        // redirect tries the dead socket again. Two lines, one request: the same connection and request line, the
        // upstream URI changed. The same request repeated on a keep-alive connection keeps its URI: two requests.
        const string Socket = "unix:/home/app/tmp/sockets/unicorn.socket";
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var time = Base.AddSeconds(i * 5);
            foreach (var uri in new[] { $"/orders/{i}", "/502.html" })
            {
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#0: *{i + 1} connect() to {Socket} failed (111: Connection refused) while connecting to upstream, client: 10.9.8.7, server: shop.test, request: \"GET /orders/{i} HTTP/1.1\", upstream: \"http://{Socket}:{uri}\", host: \"shop.test\"");
            }

            access.Add($"10.9.8.7 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /orders/{i} HTTP/1.1\" 502 166 \"-\" \"Mozilla/5.0\"");
        }

        var repeated = Base.AddSeconds(30);
        for (var r = 0; r < 2; r++)
        {
            errors.Add($"{repeated:yyyy/MM/dd HH:mm:ss} [error] 7#0: *9 connect() to {Socket} failed (111: Connection refused) while connecting to upstream, client: 10.9.8.7, server: shop.test, request: \"GET /health HTTP/1.1\", upstream: \"http://{Socket}:/health\", host: \"shop.test\"");
            access.Add($"10.9.8.7 - - [{repeated:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /health HTTP/1.1\" 502 166 \"-\" \"curl/8.5.0\"");
        }

        var report = withAccessLog
            ? Analyze(access, errors, format: "combined")
            : LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((Socket, 6, 0), (incident.Upstream, incident.FailedRequests, incident.FailedTriesRecovered));
    }

    /// <summary>
    /// A stream carrying both logs, pasted from an error line without its time (as a log viewer renders Filebeat's
    /// nginx module: <c>[nginx][error] …</c>) before the access lines. The line has no line before it: it takes the
    /// time of the first line after it that has one, so it meets its own request's access line. Failed after nginx
    /// had sent the status (<c>while reading upstream</c>), the request was answered 200 and no incident follows; the
    /// same line beside that request's 502 is that request's failure, once, not a second one in 1970.
    /// </summary>
    [Theory]
    [InlineData("while reading upstream", 200, 0)]
    [InlineData("while reading response header from upstream", 502, 1)]
    public void UntimedErrorLineFirstInAStream_TakesTheTimeOfTheFirstLineAfterIt(string phase, int status, int failed)
    {
        string[] stream =
        [
            $"[nginx][error] upstream prematurely closed connection {phase}, client: 172.18.0.1, server: , request: \"GET /login HTTP/2.0\", upstream: \"http://172.18.0.10:80/login\", host: \"alex-pc\"",
            $"172.18.0.1 - - [{Base:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /login HTTP/2.0\" {status} 1112 \"-\" \"Mozilla/5.0\" \"-\"",
            $"172.18.0.1 - admin [{Base.AddSeconds(1):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /app.css HTTP/2.0\" 304 0 \"-\" \"Mozilla/5.0\" \"-\"",
        ];

        var report = LogAnalyzer.Analyze([], [Input("compose", stream)], null, new DiagnosisOptions { MinFailures = 1 }, CancellationToken.None);

        Assert.Equal(failed, report.Incidents.Sum(i => i.FailedRequests));
        Assert.All(report.Incidents, i => Assert.Equal(("172.18.0.10:80", IncidentCause.InvalidResponse, Base), (i.Upstream, i.Cause, i.Start)));
        Assert.Equal((1L, 0L), (report.Stats.UntimedErrorLines, report.Stats.MalformedLines));
    }

    [Fact]
    public void ErrorLinesPastedWithoutTheirTime_AreReadAtTheTimeOfTheLineBefore()
    {
        // A thread's paste: one whole line, then the same failure's next lines cut from their level on, then a
        // timeout cut from its message on, with nothing before it. nginx wrote every one; the paste lost the heads.
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.9.8.7, server: shop.test, request: \"GET /a HTTP/1.1\", upstream: \"http://10.0.0.5:8080/a\", host: \"shop.test\"",
            "[error] 7#7: *2 connect() failed (111: Connection refused) while connecting to upstream, client: 10.9.8.7, server: shop.test, request: \"GET /b HTTP/1.1\", upstream: \"http://10.0.0.5:8080/b\", host: \"shop.test\"",
            "*3 connect() failed (111: Connection refused) while connecting to upstream, client: 10.9.8.7, server: shop.test, request: \"GET /c HTTP/1.1\", upstream: \"http://10.0.0.5:8080/c\", host: \"shop.test\"",
        ];
        string[] untimed =
        [
            "upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.9.8.8, server: api.test, request: \"POST /report HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.2-fpm.sock:\", host: \"api.test\"",
        ];

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);
        var alone = LogAnalyzer.Analyze([], [Input("error", untimed)], null, new DiagnosisOptions { MinFailures = 1 }, CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.UpstreamDown, 3, Base, 2L), (incident.Cause, incident.FailedRequests, incident.Start, report.Stats.UntimedErrorLines));
        Assert.Equal((IncidentCause.Timeout, 504, "unix:/run/php/php8.2-fpm.sock"), (Assert.Single(alone.Incidents).Cause, alone.Incidents[0].Status, alone.Incidents[0].Upstream));
        Assert.Equal(0, alone.Stats.MalformedLines);
    }

    [Fact]
    public void TwoRequestsOnOneKeepAliveConnection_KeepTheirOwnLines_ThoughOnlyTheirArgumentsDiffer()
    {
        // A format that logs $uri, not $request: two requests on one connection, /status/?page=1 and ?page=2, both
        // refused. Their error lines name different upstream URIs, like an error_page redirect's, but each has its
        // own request line: each is its own request's.
        const string UriFormat = "$remote_addr [$time_local] \"$uri\" $status $host";
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var time = Base.AddSeconds(i * 3);
            foreach (var page in new[] { 1, 2 })
            {
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i + 1} {Refused}, client: 10.9.8.7, server: status.test, request: \"GET /status/?page={page} HTTP/1.1\", upstream: \"http://10.0.0.1:8080/status/?page={page}\", host: \"status.test\"");
                access.Add($"10.9.8.7 [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"/status/\" 502 status.test");
            }
        }

        var incident = Assert.Single(Analyze(access, errors, UriFormat).Incidents);

        Assert.Equal(("10.0.0.1:8080", IncidentCause.UpstreamDown, 8, 0), (incident.Upstream, incident.Cause, incident.FailedRequests, incident.FailedTriesRecovered));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(true)]
    [InlineData(false)]
    public void NoLiveUpstreams_AfterServersDisabledForTheirAnswers_IsTheUpstreamsOwnErrors(bool? timeoutLineAfterWarning)
    {
        // proxy_next_upstream error timeout http_500; max_fails=1: a server answering 500 is a failed try with no
        // error line, only "[warn] upstream server temporarily disabled while reading response header"; with both
        // servers out, "no live upstreams". A timeout disables a server with the same [warn], and its own [error]
        // comes right after it (ngx_http_upstream_next frees the peer before it logs the timeout); a paste may have
        // them the other way round.
        var timedOut = timeoutLineAfterWarning is not null;
        var errors = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var time = Base.AddSeconds(i);
            var server = i % 2 == 0 ? "10.0.0.1:8001" : "10.0.0.2:8001";
            var context = $"client: 10.9.8.7, server: shop.test, request: \"GET /cart/{i} HTTP/1.1\", upstream: \"http://{server}/cart/{i}\", host: \"shop.test\"";
            var timeout = $"{time:yyyy/MM/dd HH:mm:ss} [error] 5#5: *{i + 1} upstream timed out (110: Connection timed out) while reading response header from upstream, {context}";
            if (timeoutLineAfterWarning == false)
            {
                errors.Add(timeout);
            }

            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [warn] 5#5: *{i + 1} upstream server temporarily disabled while reading response header from upstream, {context}");
            if (timeoutLineAfterWarning == true)
            {
                errors.Add(timeout);
            }
        }

        for (var i = 4; i < 10; i++)
        {
            errors.Add($"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 5#5: *{i + 1} no live upstreams while connecting to upstream, client: 10.9.8.7, server: shop.test, request: \"GET /cart/{i} HTTP/1.1\", upstream: \"http://service1/cart/{i}\", host: \"shop.test\"");
        }

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var blockIncident = Assert.Single(report.Incidents, i => i.Upstream == "service1");
        if (timedOut)
        {
            Assert.NotEqual(IncidentCause.UpstreamReturned, blockIncident.Cause);
        }
        else
        {
            Assert.Equal(IncidentCause.UpstreamReturned, blockIncident.Cause);
            Assert.Contains("out of rotation for their answers", blockIncident.Summary, StringComparison.Ordinal);
            Assert.Contains(blockIncident.Evidence, e => e.Count == 4 && e.Sample.Contains("[warn]", StringComparison.Ordinal));
            Assert.Contains(blockIncident.Remediation, r => r.Contains("max_fails", StringComparison.Ordinal));

            // A stored incident reconsidered from its document keeps the reading.
            Assert.True(IncidentVerdict.EvidenceOf(blockIncident).ServersDisabledForAnswers);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Dns_ResolversOwnLine_CountsNoRequestBesideTheRequestsOwn(int requests)
    {
        // ngx_resolver logs its own failure to reach a DNS server without a request ("connect() failed (101: Network is
        // unreachable) while resolving, resolver: [2001:4860:4860::8844]:53"); every request waiting on the name then
        // fails with its own "could not be resolved" line. Only a resolver line with none of those (an excerpt of the
        // error log) stands for a failure of its own.
        var errors = new List<string>
        {
            $"{Base:yyyy/MM/dd HH:mm:ss} [crit] 7#7: connect() failed (101: Network is unreachable) while resolving, resolver: [2001:4860:4860::8844]:53",
        };
        for (var i = 0; i < requests; i++)
        {
            errors.Add($"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i + 1} www.site.test could not be resolved (2: Server failure), client: 10.9.8.7, server: site.test, request: \"GET /tr/{i} HTTP/2.0\", host: \"www.site.test\"");
        }

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(
            requests == 0 ? ("resolver [2001:4860:4860::8844]:53", 1) : ("www.site.test", requests),
            (incident.Upstream, incident.FailedRequests));
    }

    [Theory]
    // the mail module's reverse lookup of its client, and its auth_http server
    [InlineData("*15950 5.34.207.182 could not be resolved (3: Host not found) while in resolving client address, client: 5.34.207.182, server: 0.0.0.0:25")]
    [InlineData("*17 connect() failed (111: Connection refused) while in http auth state, client: 10.9.8.7, server: 0.0.0.0:993, login: \"ann\"")]
    public void MailProxySessions_AreNoGatewayErrors(string rest)
    {
        var errors = Enumerable.Range(0, 6).Select(s => $"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 28#28: {rest}");

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Empty(report.Incidents);
        Assert.Equal((6, 6), (report.Stats.ErrorLines, report.Stats.ErrorLinesIgnored));
    }

    [Theory]
    // realip rewrote the client on one side only: the lines name the real client, the access log the balancer.
    [InlineData("10.0.0.254", "\"GET /pay/{0}?page=2 HTTP/1.1\"")]
    // the request's own lines are missing for some (a burst cut by the error log's rotation): the others explain them.
    [InlineData("10.9.8.7", "\"GET /other/{0} HTTP/1.1\"")]
    public void Dns_UpstreamAddrDashUnjoined_JoinsTheNamesIncidentOfItsHost_NoIncidentOnDash(string accessClient, string errorRequestTemplate)
    {
        const string Format = "$remote_addr [$time_local] \"$request\" $status $host ua=\"$upstream_addr\" us=\"$upstream_status\"";
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var time = Base.AddSeconds(30 + i);
            access.Add($"{accessClient} [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /pay/{i}?page=2 HTTP/1.1\" 502 pay.test ua=\"-\" us=\"-\"");
            var request = i % 2 == 0 ? $"\"GET /pay/{i}?page=2 HTTP/1.1\"" : string.Format(System.Globalization.CultureInfo.InvariantCulture, errorRequestTemplate, i);
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i} pay-svc.default.svc.cluster.local could not be resolved (3: Host not found), client: 10.9.8.7, server: pay.test, request: {request}, host: \"pay.test\"");
        }

        var incident = Assert.Single(Analyze(access, errors, Format).Incidents);

        Assert.Equal(("pay-svc.default.svc.cluster.local", "pay.test", IncidentCause.Dns, 502, 8), (incident.Upstream, incident.Host, incident.Cause, incident.Status, incident.FailedRequests));
    }

    [Theory]
    // $uri as requested: a directory path, which only the directory's own request line agrees with.
    [InlineData("/shipping/")]
    // $uri after index/try_files: the path cannot tell which request it was; no peer chosen still can.
    [InlineData("/shipping/index.php")]
    public void Dns_RequestWithoutPeer_OnASharedConnection_DoesNotClaimAnotherUpstreamsLines(string uri)
    {
        // One HTTP/2 (or keep-alive) connection from a balancer carries both: requests for a name that does not
        // resolve ($upstream_addr "-", no peer chosen) and requests to a refusing peer, in the same seconds. The format
        // logs no $host, so an unjoined refusal would stand on its own under host "-".
        const string Format = "[$time_local] $request_method $uri \"$args\" $status $connection ua=\"$upstream_addr\"";
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var time = Base.AddSeconds(30 + i);
            var stamp = $"{time:yyyy/MM/dd HH:mm:ss}";
            errors.Add($"{stamp} [error] 7#7: *42 {Refused}, client: 10.9.8.7, server: shop.test, request: \"GET /cart/{i}/detail?ref=home HTTP/2.0\", upstream: \"http://127.0.0.1:8081/cart/{i}/detail?ref=home\", host: \"shop.test\"");
            errors.Add($"{stamp} [error] 7#7: *42 shipping.svc.cluster.local could not be resolved (3: Host not found), client: 10.9.8.7, server: shop.test, request: \"GET /shipping/ HTTP/2.0\", host: \"shop.test\"");
            access.Add($"[{time:dd/MMM/yyyy:HH:mm:ss} +0000] GET {uri} \"\" 502 42 ua=\"-\"");
            access.Add($"[{time:dd/MMM/yyyy:HH:mm:ss} +0000] GET /cart/{i}/detail \"ref=home\" 502 42 ua=\"127.0.0.1:8081\"");
        }

        var incidents = Analyze(access, errors, Format).Incidents.OrderBy(i => i.Upstream, StringComparer.Ordinal).ToList();

        Assert.Equal(
            [("127.0.0.1:8081", "shop.test", IncidentCause.UpstreamDown, 8), ("shipping.svc.cluster.local", "shop.test", IncidentCause.Dns, 8)],
            incidents.Select(i => (i.Upstream, i.Host, i.Cause, i.FailedRequests)));
    }

    [Fact]
    public void Dns_ResolverLinesAlone_AreADnsIncidentOnTheResolver()
    {
        var errors = Enumerable.Range(0, 5).Select(i => $"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 7#7: recv() failed (111: Connection refused) while resolving, resolver: 127.0.0.11:53");

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal(("resolver 127.0.0.11:53", IncidentCause.Dns, 502), (incident.Upstream, incident.Cause, incident.Status));
    }

    [Fact]
    public void ConfigErrors_AreListedInStatsAndShownWithTheIncidentThatFollows()
    {
        var errors = new List<string>
        {
            $"{Base:yyyy/MM/dd HH:mm:ss} [emerg] 1#1: host not found in upstream \"php-fpm:9000\" in /etc/nginx/conf.d/default.conf:12",
            $"{Base.AddSeconds(1):yyyy/MM/dd HH:mm:ss} [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)",
        };
        errors.AddRange(Enumerable.Range(0, 5).Select(i => Error(60 + i, Refused, upstream: "172.18.0.3:9000", cid: i)));

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(2, report.Stats.ConfigEvents.Count);
        var hostNotFound = report.Stats.ConfigEvents[0];
        Assert.Equal(("emerg", "/etc/nginx/conf.d/default.conf", 12), (hostNotFound.Level, hostNotFound.File, hostNotFound.Line));
        // nginx did not start for want of the name: an outage of its own, before the refusals a minute later.
        Assert.Equal(2, report.Incidents.Count);
        var unresolved = Assert.Single(report.Incidents, i => i.Cause == IncidentCause.Dns);
        Assert.Equal(("php-fpm:9000", 502, Base), (unresolved.Upstream, unresolved.Status, unresolved.Start));
        Assert.StartsWith("Check the name php-fpm:9000 where nginx runs", unresolved.Remediation[0], StringComparison.Ordinal);
        var incident = Assert.Single(report.Incidents, i => i.Upstream == "172.18.0.3:9000");
        Assert.Contains(incident.Evidence, e => e.Source == "config" && e.Signature.Contains("default.conf:12", StringComparison.Ordinal));
    }

    /// <summary>
    /// The same [emerg] right after nginx said it was reloading is a reload refused: the old configuration serves on,
    /// nobody went unanswered. Listed, no incident.
    /// </summary>
    [Theory]
    [InlineData("[notice] 4021#4021: signal process started")]
    [InlineData("[notice] 1#1: signal 1 (SIGHUP) received from 4021, reconfiguring")]
    public void UnresolvedNameInAReload_IsAConfigEventOnly(string notice)
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} {notice}",
            $"{Base.AddSeconds(1):yyyy/MM/dd HH:mm:ss} [emerg] 1#1: host not found in upstream \"php-fpm:9000\" in /etc/nginx/conf.d/default.conf:12",
        ];

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Empty(report.Incidents);
        Assert.Single(report.Stats.ConfigEvents);
    }

    /// <summary>
    /// The same [emerg] followed by <c>nginx -t</c>'s verdict is a configuration test (an entrypoint's check, a deploy's),
    /// not nginx failing to start: only a test prints <c>test failed</c>, and the nginx already running serves on. The
    /// stderr pair (level and verdict, no time) is what the test wrote; no DNS outage, the refusals after it still one.
    /// </summary>
    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public void UnresolvedNameInAConfigurationTest_IsNoOutage(bool tested, int incidents)
    {
        List<string> errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [emerg] 11#11: host not found in upstream \"rspamd\" in /etc/nginx/conf.d/site.conf:103",
            "nginx: [emerg] host not found in upstream \"rspamd\" in /etc/nginx/conf.d/site.conf:103",
        ];
        if (tested)
        {
            errors.Add("nginx: configuration file /etc/nginx/nginx.conf test failed");
        }

        errors.AddRange(Enumerable.Range(0, 3).Select(i =>
            $"{Base.AddSeconds(13 + i):yyyy/MM/dd HH:mm:ss} [error] 16#16: *{i + 1} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: mail.test, request: \"POST / HTTP/1.1\", upstream: \"fastcgi://172.22.1.9:9002\", host: \"mail.test\""));

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(incidents, report.Incidents.Count);
        Assert.Equal(tested, report.Incidents.All(i => i.Cause != IncidentCause.Dns));
        Assert.Contains(report.Incidents, i => i.Upstream == "172.22.1.9:9002" && i.Cause == IncidentCause.UpstreamDown);
        Assert.Equal(0, report.Stats.MalformedLines);
    }

    /// <summary>
    /// systemd runs <c>nginx -t</c> before it starts nginx (Debian's and Red Hat's units: <c>ExecStartPre</c>): a failed
    /// test there is a start that failed, and the journal says so (<c>nginx.service: Failed with result 'exit-code'</c>,
    /// <c>Failed to start …</c>, <c>systemctl status</c>'s <c>Active: failed</c>). The name nginx could not resolve left it
    /// down, read from nginx's stderr at the journal's time. A test alone (an operator's, a deploy's) is no outage.
    /// </summary>
    [Theory]
    [InlineData("Dec 19 21:35:19 pi systemd[1]: nginx.service: Failed with result 'exit-code'.", true)]
    [InlineData("Dec 19 21:35:19 pi systemd[1]: Failed to start A high performance web server and a reverse proxy server.", true)]
    [InlineData("Dec 19 21:35:19 pi systemd[1]: Unit nginx.service entered failed state.", true)]
    [InlineData("     Active: failed (Result: exit-code) since Sat 2026-12-19 21:35:19 UTC; 4s ago", true)]
    [InlineData("Dec 19 21:35:20 pi systemd[1]: Reload failed for A high performance web server and a reverse proxy server.", false)]
    [InlineData(null, false)]
    public void UnresolvedNameInAFailedStart_UnderSystemd_IsNginxDown(string? systemdLine, bool down)
    {
        List<string> errors =
        [
            "Dec 19 21:35:19 pi nginx[703]: nginx: [emerg] host not found in upstream \"mempool.space\" in /etc/nginx/snippets/mempool.conf:38",
            "Dec 19 21:35:19 pi nginx[703]: nginx: configuration file /etc/nginx/nginx.conf test failed",
        ];
        if (systemdLine is not null)
        {
            errors.Add(systemdLine);
        }

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(down, report.Incidents.Any(i => (i.Cause, i.Upstream) == (IncidentCause.Dns, "mempool.space")));
        Assert.Equal(down ? 1 : 0, report.Incidents.Count);
        Assert.Single(report.Stats.ConfigEvents);
    }

    /// <summary>
    /// Any configuration nginx refuses (<c>[emerg] … in FILE:LINE</c>) in a start that systemd then says failed left
    /// nginx down: a misconfiguration, named by where nginx stopped reading, once for the error log's line and its stderr
    /// twin. Without that word the line is a test's or a refused reload's as likely (<c>nginx -s reload</c> reads the
    /// configuration first and signals the running master only when it passes): nothing failed.
    /// </summary>
    [Theory]
    [InlineData("Dec 19 21:35:19 pi systemd[1]: nginx.service: Failed with result 'exit-code'.", true)]
    [InlineData("     Active: failed (Result: exit-code) since Sat 2026-12-19 21:35:19 UTC; 4s ago", true)]
    [InlineData("Dec 19 21:35:20 pi systemd[1]: Reload failed for A high performance web server and a reverse proxy server.", false)]
    [InlineData(null, false)]
    public void ConfigurationRefusedInAFailedStart_UnderSystemd_IsNginxDown(string? systemdLine, bool down)
    {
        List<string> errors =
        [
            "Dec 19 21:35:19 pi nginx[703]: 2026/12/19 21:35:19 [emerg] 703#703: no servers are inside upstream in /etc/nginx/sites-enabled/shop:12",
            "Dec 19 21:35:19 pi nginx[703]: nginx: [emerg] no servers are inside upstream in /etc/nginx/sites-enabled/shop:12",
            "Dec 19 21:35:19 pi nginx[703]: nginx: configuration file /etc/nginx/nginx.conf test failed",
        ];
        if (systemdLine is not null)
        {
            errors.Add(systemdLine);
        }

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        if (down)
        {
            var incident = Assert.Single(report.Incidents);
            Assert.Equal((IncidentCause.Misconfiguration, "/etc/nginx/sites-enabled/shop:12", 502, 1), (incident.Cause, incident.Upstream, incident.Status, incident.FailedRequests));
            Assert.Contains("/etc/nginx/sites-enabled/shop:12", incident.Remediation[0], StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(report.Incidents);
        }
    }

    /// <summary>
    /// A container's output is its main process's: nginx echoes a refused configuration to stderr (<c>nginx: [emerg] …</c>)
    /// only while it starts (or tests, or signals, which <c>docker exec</c> prints to its own terminal), so the echo in
    /// the same container's stream as the <c>[emerg]</c> is a start that failed, as Compose's word that the container
    /// exited with an error is. Not when <c>nginx -t</c>'s verdict follows (a supervisor that runs the test and logs its
    /// output), nor when the echo is another process's (nginx-proxy's docker-gen reloading nginx in its own stream), nor
    /// for another container's exit or an exit with code 0.
    /// </summary>
    [Theory]
    [InlineData(new[] { "nginx.1    | nginx: [emerg] no servers are inside upstream in /etc/nginx/conf.d/default.conf:54" }, true)]
    [InlineData(new[] { "nginx.1    | nginx: [emerg] no servers are inside upstream in /etc/nginx/conf.d/default.conf:54", "nginx.1    | nginx: configuration file /etc/nginx/nginx.conf test failed" }, false)]
    [InlineData(new[] { "dockergen.1 | nginx: [emerg] no servers are inside upstream in /etc/nginx/conf.d/default.conf:54" }, false)]
    [InlineData(new[] { "nginx.1 exited with code 1" }, true)]
    [InlineData(new[] { "nginx.1 exited with code 0" }, false)]
    [InlineData(new[] { "dockergen.1 exited with code 1" }, false)]
    [InlineData(new string[0], false)]
    public void ConfigurationRefused_InAContainersStream_EchoedOrExited_IsNginxDown(string[] after, bool down)
    {
        List<string> errors =
        [
            "forego      | starting dockergen.1 on port 5000",
            $"nginx.1    | {Base:yyyy/MM/dd HH:mm:ss} [emerg] 29#29: no servers are inside upstream in /etc/nginx/conf.d/default.conf:54",
            .. after,
            "forego      | sending SIGTERM to dockergen.1",
        ];

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(down, report.Incidents.Any(i => (i.Cause, i.Upstream) == (IncidentCause.Misconfiguration, "/etc/nginx/conf.d/default.conf:54")));
        Assert.Equal(down ? 1 : 0, report.Incidents.Count);
    }

    /// <summary>
    /// A supervisor or an entrypoint that says it starts nginx (Home Assistant's add-ons, supervisord, forego) right before
    /// nginx refuses its configuration: that was the start, and nginx is down, as when supervisord says nginx exited with
    /// an error. nginx's own line in between, or a request it served (it started, then a reload was refused later), or a
    /// name that is only nginx's beginning (an exporter) is no such word. In one container's own output (<c>docker logs</c>,
    /// no name on the lines), the echo of an <c>[emerg]</c> that process 1 wrote is nginx starting as the container's
    /// init; another process's echo is a test's or a signal's, and process 1's <c>[emerg]</c> without its echo may be a
    /// running master refusing a reload.
    /// </summary>
    [Theory]
    [InlineData(new[] { "[22:19:35] INFO: Running nginx...", "nginx: [emerg] invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62" }, true)]
    [InlineData(new[] { "2026-11-24 10:00:00,101 INFO spawned: 'nginx' with pid 12", "nginx: [emerg] invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62" }, true)]
    [InlineData(new[] { "nginx: [emerg] invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62", "2026-11-24 10:00:01,101 INFO exited: nginx (exit status 1; not expected)" }, true)]
    [InlineData(new[] { "nginx: [emerg] invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62", "2026-11-24 10:00:01,101 INFO exited: nginx (exit status 0; expected)" }, false)]
    [InlineData(new[] { "[22:19:35] INFO: Running nginx...", "2026/11/24 10:00:00 [notice] 1#1: start worker processes", "nginx: [emerg] invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62" }, false)]
    [InlineData(new[] { "forego     | starting nginx.1 on port 5100", "nginx.1    | 2026/11/24 10:00:00 [emerg] 29#29: invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62" }, true)]
    [InlineData(new[] { "app-1  | [22:19:35] INFO: Running nginx...", "app-1  | 172.18.0.1 - - [24/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8.0\"", "app-1  | 172.18.0.1 - - [24/Nov/2026:10:00:01 +0000] \"GET /a HTTP/1.1\" 200 612 \"-\" \"curl/8.0\"", "app-1  | 2026/11/24 10:00:02 [emerg] 1#1: invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62" }, false)]
    [InlineData(new[] { "[22:19:35] INFO: Starting nginx-exporter...", "nginx: [emerg] invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62" }, false)]
    [InlineData(new[] { "nginx: [emerg] invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62" }, false)]
    [InlineData(new[] { ">> exec docker CMD", "2026/11/24 10:00:00 [emerg] 1#0: invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62", "nginx: [emerg] invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62" }, true)]
    [InlineData(new[] { "2026/11/24 10:00:00 [emerg] 4711#4711: invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62", "nginx: [emerg] invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62" }, false)]
    [InlineData(new[] { "2026/11/24 10:00:00 [emerg] 1#1: invalid port in upstream \"homeassistant.local.hass.io:\" in /etc/nginx.conf:62" }, false)]
    public void ConfigurationRefused_AfterASupervisorStartsNginx_IsNginxDown(string[] errors, bool down)
    {
        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(down, report.Incidents.Any(i => (i.Cause, i.Upstream) == (IncidentCause.Misconfiguration, "/etc/nginx.conf:62")));
        Assert.Equal(down ? 1 : 0, report.Incidents.Count);
    }

    /// <summary>
    /// nginx's stderr line (<c>nginx: [emerg] host not found in upstream …</c>), or its error-log line from the level on,
    /// is all some posts hold: quoted in Markdown, without a time. nginx did not start; the DNS failure is reported, at no time. Beside the error log's own
    /// line of the same start (a container's output shows both) it is that start, once.
    /// </summary>
    [Theory]
    [InlineData(">  nginx: [emerg] host not found in upstream \"invoiceplane\" in /etc/nginx/conf.d/default.conf:12", false, 1)]
    [InlineData("nginx: [emerg] host not found in upstream \"invoiceplane\" in /etc/nginx/conf.d/default.conf:12", false, 1)]
    [InlineData("nginx: [emerg] host not found in upstream \"invoiceplane\" in /etc/nginx/conf.d/default.conf:12", true, 1)]
    [InlineData("[emerg] 181#181: host not found in upstream \"invoiceplane\" in /etc/nginx/conf.d/default.conf:12", false, 1)]
    [InlineData("[emerg] host not found in upstream \"invoiceplane\" in /etc/nginx/conf.d/default.conf:12", false, 1)]
    public void UnresolvedNameOnStderr_IsNginxDown_Once(string stderr, bool besideErrorLog, int failures)
    {
        List<string> errors = besideErrorLog
            ? [$"{Base:yyyy/MM/dd HH:mm:ss} [emerg] 1#1: host not found in upstream \"invoiceplane\" in /etc/nginx/conf.d/default.conf:12", stderr]
            : [stderr];

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((IncidentCause.Dns, "invoiceplane", failures, !besideErrorLog), (incident.Cause, incident.Upstream, incident.FailedRequests, incident.Untimed));
    }

    /// <summary>
    /// A paste of three 502s in the <c>combined</c> format (no upstream in it) and the error lines of two of them, a
    /// third refusal seconds later: the socket's incident holds all three 502s. The one whose error line the paste cut
    /// (it began below it) has the status and moment of the socket's refusals and nothing naming another upstream; it is
    /// not an upstream's own 502 beside them.
    /// </summary>
    [Fact]
    public void UnnamedFailureBesideAnIncidentOfItsStatus_InAShortPaste_IsItsFailure()
    {
        var time = Base.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture);
        string[] clients = ["10.102.24.170", "10.102.33.247", "10.102.33.247"];
        var access = clients.Select(client =>
            $"{client} - - [{time} +0000] \"POST /api/v2/import-scan/ HTTP/1.1\" 502 497 \"-\" \"python-requests/2.31.0\"").ToList();
        var errors = new[] { (0, 156260), (0, 156425), (7, 156430) }.Select(e =>
            $"{Base.AddSeconds(e.Item1):yyyy/MM/dd HH:mm:ss} [error] 10#10: *{e.Item2} connect() to unix:///run/app/uwsgi.sock failed (111: Connection refused) while connecting to upstream, client: 10.102.33.247, server: , request: \"POST /api/v2/import-scan/ HTTP/1.1\", upstream: \"uwsgi://unix:///run/app/uwsgi.sock:\", host: \"scan.test\"").ToList();

        var report = LogAnalyzer.Analyze([Input("access", access)], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("unix:///run/app/uwsgi.sock", IncidentCause.UpstreamDown, 4), (incident.Upstream, incident.Cause, incident.FailedRequests));
    }

    /// <summary>
    /// A container's output pasted up to a refusal: the access line just before it is another request's (the redirect
    /// that led there), of the same second. nginx writes a request's access line when it ends, after its tries' error
    /// lines, so the refused request's own line is past the paste's end: a failure, not a try nginx recovered from. With
    /// its own line there (answered), or either log going on past that second, the access log does tell.
    /// </summary>
    [Theory]
    [InlineData("GET /admin HTTP/2.0", 301, false, 1)]
    [InlineData("GET /admin/ui HTTP/2.0", 200, false, 0)]
    [InlineData("GET /admin HTTP/2.0", 301, true, 0)]
    public void RefusalAtThePastesLastSecond_WithoutItsAccessLine_IsAFailure(string request, int status, bool errorLogGoesOn, int incidents)
    {
        List<string> lines =
        [
            $"front_1  | 94.110.26.172 - - [{Base:dd/MMM/yyyy:HH:mm:ss} +0000] \"{request}\" {status} 162 \"-\" \"Mozilla/5.0\"",
            $"front_1  | {Base:yyyy/MM/dd HH:mm:ss} [error] 11#11: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 94.110.26.172, server: , request: \"GET /admin/ui HTTP/2.0\", upstream: \"http://192.168.203.5:80/ui\", host: \"mail.test\"",
        ];
        if (errorLogGoesOn)
        {
            lines.Add($"front_1  | {Base.AddSeconds(4):yyyy/MM/dd HH:mm:ss} [notice] 11#11: *9 client 94.110.26.172 closed keepalive connection");
        }

        var report = LogAnalyzer.Analyze([], [Input("error", lines)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(incidents, report.Incidents.Count);
        Assert.All(report.Incidents, i => Assert.Equal(("192.168.203.5:80", IncidentCause.UpstreamDown), (i.Upstream, i.Cause)));
    }

    /// <summary>
    /// <c>upstream galaxy { server unix:/srv/galaxy/gunicorn.sock:/galaxy; }</c>: in an upstream block's <c>server</c>
    /// the whole rest after <c>unix:</c> is the path, so nginx looks for a file named <c>gunicorn.sock:/galaxy</c> that no
    /// service creates: the configuration, not a service down. A socket path without a URI stays the socket missing.
    /// </summary>
    [Theory]
    [InlineData("unix:/srv/galaxy/gunicorn.sock:/galaxy", IncidentCause.Misconfiguration)]
    [InlineData("unix:/srv/galaxy/gunicorn.sock", IncidentCause.UpstreamDown)]
    public void SocketPathWithAUriGluedOn_IsTheConfiguration(string socket, IncidentCause expected)
    {
        var errors = Enumerable.Range(0, 4).Select(i =>
            $"{Base.AddSeconds(i * 3):yyyy/MM/dd HH:mm:ss} [crit] 4292#0: *{i + 1} connect() to {socket} failed (2: No such file or directory) while connecting to upstream, client: 10.0.0.{i + 1}, server: , request: \"GET /galaxy/history/{i} HTTP/1.0\", upstream: \"http://{socket}:/galaxy/history/{i}\", host: \"galaxy.test\"");

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal(("unix:/srv/galaxy/gunicorn.sock", expected), (incident.Upstream, incident.Cause));
    }

    [Theory]
    [InlineData("fastcgi://unix:/run/php/php8.2-fpm.sock:", "unix:/run/php/php8.2-fpm.sock")]
    [InlineData("fastcgi://127.0.0.1:9000", "127.0.0.1:9000")]
    [InlineData("uwsgi://unix:/run/uwsgi/app.sock:", "unix:/run/uwsgi/app.sock")]
    [InlineData("scgi://127.0.0.1:4000", "127.0.0.1:4000")]
    [InlineData("grpc://10.0.0.5:50051", "10.0.0.5:50051")]
    public void PassFlavours_EveryUpstreamUrlNamesTheAddressOfUpstreamAddr(string url, string upstream)
    {
        var errors = Enumerable.Range(0, 4).Select(i =>
            $"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i} upstream prematurely closed FastCGI stdout while reading response header from upstream, client: 10.9.8.7, server: php.test, request: \"GET /index.php HTTP/1.1\", upstream: \"{url}\", host: \"php.test\"");

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((upstream, IncidentCause.InvalidResponse), (incident.Upstream, incident.Cause));
    }

    /// <summary>
    /// A burst of identical logins over three seconds, limit_req rejecting most: the access log's <c>$msec</c> times
    /// against the error log's whole seconds. Each rejection's line is its own second's (nginx logs it before the
    /// request's access line): a request at :21.792 is nearer a line of :21 than one of :22, and a login that was served
    /// claims none, so every rejection finds its line and none is counted twice.
    /// </summary>
    [Fact]
    public void RateLimitedBurstWithMillisecondTimes_EachRejectionMeetsItsOwnSecondsLine()
    {
        const string Format = "msec=$msec host=$host client=$remote_addr req=\"$request\" status=$status upstream=$upstream_addr rt=$request_time";
        var access = new List<string>();
        var errors = new List<string>();
        var cid = 0;
        for (var second = 0; second < 3; second++)
        {
            for (var i = 0; i < 8; i++)
            {
                var served = i % 4 == 0;
                var time = Base.AddSeconds(second).AddMilliseconds(600 + (i * 50));
                access.Add($"msec={time.ToUnixTimeMilliseconds() / 1000.0:0.000} host=auth.test client=127.0.0.1 req=\"POST /login HTTP/1.1\" status={(served ? 200 : 503)} upstream={(served ? "10.0.0.7:8080" : "-")} rt={(served ? "0.004" : "0.000")}");
                if (!served)
                {
                    errors.Add($"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{++cid} limiting requests, excess: 3.{i}00 by zone \"login\", client: 127.0.0.1, server: auth.test, request: \"POST /login HTTP/1.1\", host: \"auth.test\"");
                }
            }
        }

        Assert.True(AccessLogFormat.TryCompile(Format, out var format, out var error), error);
        var report = LogAnalyzer.Analyze([Input("access", access)], [Input("error", errors)], format, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.RateLimited, 503, 18L), (incident.Cause, incident.Status, (long)incident.FailedRequests));
    }

    /// <summary>
    /// An access log alone in a format without upstream fields (<c>main</c>): thirty seconds of 503s on /api. nginx makes
    /// a 503 itself for a limit (or <c>return 503</c>) and sends its own page (197 bytes from nginx/1.22.1); a 75-byte body
    /// is the application's answer.
    /// </summary>
    [Theory]
    [InlineData(75, true)]
    [InlineData(197, false)]
    public void ServiceUnavailable_AccessLogAlone_BodyNotNginxsPageIsTheUpstreamsAnswer(int bytes, bool upstreams)
    {
        var access = new List<string>();
        for (var second = 0; second < 90; second++)
        {
            var failing = second is >= 30 and < 60;
            access.Add($"127.0.0.1 - - [{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/orders?page={second % 5} HTTP/1.1\" {(failing ? 503 : 200)} {(failing ? bytes : 55)} \"-\" \"okhttp/4.12.0\" \"203.0.113.{second}\"");
        }

        var incident = Assert.Single(LogAnalyzer.Analyze([Input("access", access)], [], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal(503, incident.Status);
        Assert.Equal(upstreams, incident.Cause == IncidentCause.UpstreamReturned);
    }

    /// <summary>
    /// Two tiers of nginx: the inner one's 502 page (157 bytes from nginx 1.22) passed through by the edge. The page's
    /// size says an nginx made the status; the edge's error log, read and holding its own refusals of another host in
    /// the same seconds, has no line for these requests, and nginx logs each 502 it makes: the inner tier made it.
    /// Without the error log the page reads as the edge's own failure, as before.
    /// </summary>
    [Theory]
    [InlineData(true, IncidentCause.UpstreamReturned)]
    [InlineData(false, IncidentCause.UpstreamDown)]
    public void NginxPagePassedThrough_EdgeErrorLogSilent_IsTheUpstreamsAnswer(bool errorLogGiven, IncidentCause expected)
    {
        const string Format = "$remote_addr [$time_local] \"$request\" $status $body_bytes_sent $host ua=\"$upstream_addr\" us=\"$upstream_status\" rt=$request_time";
        string Line(int second, string host, string upstream, int status, int bytes) =>
            $"10.9.8.7 [{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /orders/{second} HTTP/1.1\" {status} {bytes} {host} ua=\"{upstream}\" us=\"{status}\" rt=0.003";
        var access = new List<string>();
        var errors = new List<string>();
        for (var second = 0; second < 60; second++)
        {
            access.Add(Line(second, "orders.test", "127.0.0.1:24212", second >= 40 ? 502 : 200, second >= 40 ? 157 : 2048));
            if (second >= 40 && second % 4 == 0)
            {
                access.Add(Line(second, "shop.test", "10.0.0.5:8080", 502, 157));
                errors.Add(ErrorLine(Base.AddSeconds(second), 1000 + second, Refused, $"/orders/{second}", "10.0.0.5:8080"));
            }
        }

        Assert.True(AccessLogFormat.TryCompile(Format, out var format, out var error), error);
        var report = LogAnalyzer.Analyze([Input("access", access)], errorLogGiven ? [Input("error", errors)] : [], format, new DiagnosisOptions(), CancellationToken.None);

        var orders = Assert.Single(report.Incidents, i => i.Host == "orders.test");
        Assert.Equal((expected, 502), (orders.Cause, orders.Status));
        if (errorLogGiven)
        {
            Assert.Contains("is itself a proxy", orders.Summary, StringComparison.Ordinal);
            Assert.Equal(IncidentCause.UpstreamDown, Assert.Single(report.Incidents, i => i.Host == "shop.test").Cause);
        }
    }

    private static (IncidentCause, int, int) Verdict(IReadOnlyList<Incident> incidents, string upstream)
    {
        var incident = Assert.Single(incidents, i => i.Upstream == upstream);
        return (incident.Cause, incident.Status, incident.FailedRequests);
    }

    private static string Line(string format, DateTimeOffset time, string method, string uri, string args, int status) => format
        .Replace("$time_local", time.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture) + " +0000", StringComparison.Ordinal)
        .Replace("$request_method", method, StringComparison.Ordinal)
        .Replace("$request_uri", args.Length > 0 ? $"{uri}?{args}" : uri, StringComparison.Ordinal)
        .Replace("$request", $"{method} {(args.Length > 0 ? $"{uri}?{args}" : uri)} HTTP/1.1", StringComparison.Ordinal)
        .Replace("$uri", uri, StringComparison.Ordinal)
        .Replace("$args", args.Length > 0 ? args : "-", StringComparison.Ordinal)
        .Replace("$status", status.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("$server_name", "shop.test", StringComparison.Ordinal)
        .Replace("$http_host", "shop.test", StringComparison.Ordinal)
        .Replace("$host", "shop.test", StringComparison.Ordinal);

    /// <summary>Four requests' error lines, three seconds apart, each failing with <paramref name="message"/> on <paramref name="upstreamUrl"/>.</summary>
    private static IEnumerable<string> Burst(string message, string upstreamUrl) => Enumerable.Range(0, 4).Select(i =>
        $"{Base.AddSeconds(i * 3):yyyy/MM/dd HH:mm:ss} [error] 2482#2482: *{40 + i} {message}, client: 198.51.100.{i + 3}, server: shop.test, request: \"GET /item/{i} HTTP/1.1\", upstream: \"{upstreamUrl}\", host: \"shop.test\"");

    private static string ErrorLine(DateTimeOffset time, int cid, string message, string target, string upstream) =>
        $"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{cid} {message}, client: 10.9.8.{cid % 250}, server: shop.test, request: \"{(target.StartsWith("/upload", StringComparison.Ordinal) ? "POST" : "GET")} {target} HTTP/1.1\", upstream: \"http://{upstream}{target}\", host: \"shop.test\"";

    [Theory]
    [InlineData("combined", "the upstream behind /graphql")]
    [InlineData("$remote_addr [$time_local] \"$request\" $status $host", "the upstream of shop.test")]
    public void UpstreamReturned_AccessLogNamesNoUpstream_SaysWhereTheRequestsWentAndWhatToLog(string format, string label)
    {
        // nginx writes no error line for an upstream's own 5xx; without $upstream_addr nothing names the server, so
        // the verdict speaks of what the requests shared (their host, else their first path segment) and asks for the variable.
        var access = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var time = Base.AddSeconds(i * 2);
            var status = i >= 20 ? 502 : 200;
            access.Add(format == "combined"
                ? $"10.9.8.7 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /graphql/q/{i} HTTP/1.1\" {status} 18 \"-\" \"curl/8\""
                : $"10.9.8.7 [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /graphql/q/{i} HTTP/1.1\" {status} shop.test");
        }

        // The error log covers the time (a line from before, another host's timeout, and one after), and has nothing for
        // these requests.
        string[] errors =
        [
            Error(0, "upstream timed out (110: Connection timed out) while reading response header from upstream", upstream: "10.0.0.9:80", host: "other.test"),
            $"{Base.AddMinutes(5):yyyy/MM/dd HH:mm:ss} [notice] 1#1: signal 1 (SIGHUP) received from 4242, reconfiguring",
        ];

        var incidents = Analyze(access, errors, format).Incidents;

        // A paste this short is asked about the other host's timeout too: it is its own incident.
        Assert.Equal(2, incidents.Count);
        Assert.Contains(incidents, i => (i.Cause, i.Upstream, i.Host) == (IncidentCause.Timeout, "10.0.0.9:80", "other.test"));
        var incident = Assert.Single(incidents, i => i.Upstream == "(unknown)");

        Assert.Equal((IncidentCause.UpstreamReturned, "(unknown)"), (incident.Cause, incident.Upstream));
        Assert.Contains($"came from {label} itself", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, r => r.Contains("`$upstream_addr`", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, IncidentCause.Misconfiguration)]
    [InlineData(true, IncidentCause.UpstreamDown)]
    public void Refused_HostLoggedButNoUpstream_ARouteThatNeverAnsweredIsALocationThatNeverWorked(bool routeServedBefore, IncidentCause expected)
    {
        // The format logs $host but not $upstream_addr: the host's successes speak for its other locations. A new
        // location (/graphql/ first requested after minutes of traffic) refused from its first request points at a
        // wrong address or port; the same refusals after /graphql/ had answered are an upstream that went down.
        const string Format = "$remote_addr [$time_local] \"$request\" $status $host";
        string Line(int second, string path, int status) =>
            $"10.9.8.7 [{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" {status} shop.test";
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 180; s += 2)
        {
            access.Add(Line(s, s % 4 == 0 ? "/cart/items" : "/", 200));
            if (routeServedBefore && s % 10 == 0)
            {
                access.Add(Line(s, "/graphql/q", 200));
            }
        }

        for (var i = 0; i < 8; i++)
        {
            var s = 180 + (i * 2);
            access.Add(Line(s, $"/graphql/q{i}", 502));
            errors.Add(Error(s, Refused, upstream: "127.0.0.1:41427", host: "shop.test", cid: 500 + i, path: $"/graphql/q{i}"));
        }

        var incident = Assert.Single(Analyze(access, errors, Format).Incidents);

        Assert.Equal((expected, "127.0.0.1:41427"), (incident.Cause, incident.Upstream));
    }

    /// <summary>
    /// The format logs <c>$host</c> but no upstream, and one host has two locations with two upstreams. The session
    /// service saturates: it resets the connections it has no room for while it keeps serving the others, and the
    /// shop's location serves throughout; or it breaks every answer while the shop's location keeps serving. What
    /// the failing route itself served tells them apart; the host's successes (the shop's) say nothing of it.
    /// </summary>
    [Theory]
    [InlineData(true, IncidentCause.Overload)]
    [InlineData(false, IncidentCause.InvalidResponse)]
    public void Resets_HostLoggedButNoUpstream_TheFailingRoutesOwnSuccessesTellSaturationFromBrokenAnswers(bool routeKeepsServing, IncidentCause expected)
    {
        const string Format = "$remote_addr [$time_local] \"$request\" $status $host";
        const string Reset = "recv() failed (104: Connection reset by peer) while reading response header from upstream";
        string Line(int second, string path, int status) =>
            $"10.9.8.7 [{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" {status} shop.test";
        var access = new List<string>();
        var errors = new List<string>();
        var cid = 100;
        for (var s = 0; s < 240; s++)
        {
            access.Add(Line(s, $"/shop/items/{s}", 200));
            if (s < 120 || s >= 160)
            {
                access.Add(Line(s, $"/sessions/{s}", 200));
                continue;
            }

            // Inside the incident: every other second a reset, and (saturated) a served request beside it.
            if (s % 2 == 0)
            {
                access.Add(Line(s, $"/sessions/{s}", 502));
                errors.Add(Error(s, Reset, upstream: "127.0.0.1:45057", host: "shop.test", cid: cid++, path: $"/sessions/{s}"));
            }

            if (routeKeepsServing)
            {
                access.Add(Line(s, $"/sessions/{s}/ok", 200));
            }
        }

        var incident = Assert.Single(Analyze(access, errors, Format).Incidents);

        Assert.Equal((expected, "127.0.0.1:45057"), (incident.Cause, incident.Upstream));
    }

    /// <summary>
    /// An error log alone, its lines tens of seconds apart (one client retrying while the application dies, then
    /// refuses). Error lines wait a while to be claimed by a request before they count as failures: the first three
    /// fall within a minute, so they open the incident however far the log had read when they were released, and every
    /// later line extends it.
    /// </summary>
    [Fact]
    public void ErrorLogAlone_SparseFailures_ThreeWithinTheWindowOpenTheIncidentFromTheFirst()
    {
        const string Closed = "upstream prematurely closed connection while reading response header from upstream";
        const string Refused = "connect() failed (111: Connection refused) while connecting to upstream";
        var errors = new[] { (0, Closed), (1, Closed), (18, Closed), (66, Refused), (68, Refused), (138, Refused), (139, Refused), (155, Refused) }
            .Select(e => Error(e.Item1, e.Item2, cid: e.Item1 < 100 ? 47 : 56));

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((Base, Base.AddSeconds(155), 8), (incident.Start, incident.End, incident.FailedRequests));
    }

    /// <summary>
    /// An open incident goes on across gaps shorter than the quiet period, so it also begins with a failure that came
    /// that little before the three that opened it (one, then three 46 s later). One further back than the quiet
    /// period was another episode to the trackers, but in a paste with nothing answered in between it is the same
    /// outage (LogAnalyzer), and the incident begins with it too.
    /// </summary>
    [Theory]
    [InlineData(46, 0, 4)]
    [InlineData(110, 0, 4)]
    [InlineData(125, 0, 4)]
    public void Failures_ShortlyBeforeTheOnesThatOpenedTheIncident_AreItsBeginning(int gap, int start, int failed)
    {
        var errors = new[] { 0, gap, gap + 52, gap + 55 }
            .Select((second, i) => Error(second, "connect() to 172.19.0.5:8082 failed (113: Host is unreachable) while connecting to upstream", cid: 10 + i));

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((Base.AddSeconds(start), failed), (incident.Start, incident.FailedRequests));
    }

    /// <summary>
    /// <c>error_page 502 /50x.html</c> where the location's root has no such file: nginx answers the failed request 404,
    /// and logs the file it could not open, with the request's upstream, beside the try's error. The access log shows
    /// no gateway error; the upstream failed all the same, and its clients got the static module's status for the page
    /// (404 for a missing file, 403 for one nginx may not read): the incident says so, and how to restore the page.
    /// Without that line, a 404 beside a failed try says nothing. nginx on Windows opens files with CreateFile().
    /// </summary>
    [Theory]
    [InlineData("open() \"/srv/app/static/50x.html\" failed (2: No such file or directory)", 1, 404)]
    [InlineData("CreateFile() \"E:\\nginx\\nginx-1.22.0/html/50x.html\" failed (2: The system cannot find the file specified)", 1, 404)]
    [InlineData("open() \"/srv/app/static/50x.html\" failed (13: Permission denied)", 1, 403)]
    [InlineData(null, 0, 0)]
    public void ErrorPageFileMissing_The404sOfFailedRequests_AreTheUpstreamsFailures(string? missingPage, int incidents, int status)
    {
        var pageMissing = missingPage is not null;
        const string Socket = "unix:/srv/app/gunicorn.sock";
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var time = Base.AddSeconds(i * 5);
            access.Add($"203.0.113.9 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /ocr/{i} HTTP/1.1\" {(status == 0 ? 404 : status)} 168 \"-\" \"Mozilla/5.0\"");
            var context = $", client: 203.0.113.9, server: ocr.test, request: \"GET /ocr/{i} HTTP/1.1\", upstream: \"http://{Socket}:/ocr/{i}\", host: \"ocr.test\"";
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [crit] 77#77: *{i + 1} connect() to {Socket} failed (2: No such file or directory) while connecting to upstream{context}");
            if (pageMissing)
            {
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 77#77: *{i + 1} {missingPage}{context}");
            }
        }

        var report = Analyze(access, errors, format: "combined");

        Assert.Equal(incidents, report.Incidents.Count);
        if (pageMissing)
        {
            var incident = report.Incidents[0];
            Assert.Equal((Socket, status, 6), (incident.Upstream, incident.Status, incident.FailedRequests));
            Assert.Contains($"Clients got {status} for these requests", incident.Summary, StringComparison.Ordinal);
            Assert.Contains(incident.Remediation, step => step.StartsWith("Restore the page `error_page` names", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The error log alone shows the try's failure and the error_page file nginx could not open after it, on the same
    /// connection and request: nginx answered those clients with its own 404, whatever the failure (here timeouts),
    /// and the incident says so, with the step to restore the file.
    /// </summary>
    [Fact]
    public void ErrorPageFileMissing_ErrorLogAlone_TheClientsGotThe404()
    {
        var errors = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var time = Base.AddSeconds(i * 10);
            var context = $", client: 198.51.100.4, server: api.test, request: \"GET /v1/items HTTP/1.1\", upstream: \"http://10.0.0.7:9000/v1/items\", host: \"api.test\"";
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 12#12: *{i + 40} upstream timed out (110: Connection timed out) while reading response header from upstream{context}");
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 12#12: *{i + 40} open() \"/etc/nginx/html/50x.html\" failed (2: No such file or directory){context}");
        }

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.Timeout, 404, 4), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Contains("Clients got 404 for these requests", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, step => step.StartsWith("Restore the page `error_page` names", StringComparison.Ordinal));
    }

    /// <summary>
    /// A socket that is not there, twice a few minutes apart, each failed request answered 404 by an error_page whose
    /// file is missing, and between them only nginx's own 400s for connections that sent nothing. Neither the 404s (the
    /// failures themselves) nor the 400s (no upstream saw them) are requests the upstream served: it never served, and
    /// nothing an upstream may have answered came between the bursts, so they are one outage.
    /// </summary>
    [Fact]
    public void ErrorPageFileMissing_ItsAnswersAndNginxsOwn400s_AreNothingTheUpstreamServed()
    {
        const string Socket = "unix:/srv/ocr/gunicorn.sock";
        var access = new List<string>();
        var errors = new List<string>();
        int[] seconds = [0, 6, 9, 12, 173, 175, 179, 186, 193];
        for (var i = 0; i < seconds.Length; i++)
        {
            var time = Base.AddSeconds(seconds[i]);
            access.Add($"198.51.100.7 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /ocr/{i} HTTP/1.1\" 404 200 \"-\" \"Mozilla/5.0\"");
            var context = $", client: 198.51.100.7, server: ocr.test, request: \"GET /ocr/{i} HTTP/1.1\", upstream: \"http://{Socket}:/ocr/{i}\", host: \"ocr.test\"";
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [crit] 7#0: *{i + 1} connect() to {Socket} failed (2: No such file or directory) while connecting to upstream{context}");
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#0: *{i + 1} open() \"/srv/ocr/static/500.html\" failed (2: No such file or directory){context}");
            if (i == 3)
            {
                access.Add($"198.51.100.7 - - [{time.AddSeconds(5):dd/MMM/yyyy:HH:mm:ss} +0000] \"-\" 400 0 \"-\" \"-\"");
                access.Add($"198.51.100.7 - - [{time.AddSeconds(90):dd/MMM/yyyy:HH:mm:ss} +0000] \"-\" 400 0 \"-\" \"-\"");
            }
        }

        access.Add($"198.51.100.7 - - [{Base.AddMinutes(10):dd/MMM/yyyy:HH:mm:ss} +0000] \"-\" 400 0 \"-\" \"-\"");

        var incident = Assert.Single(Analyze(access, errors, format: "combined").Incidents);

        Assert.Equal((Socket, 404, 9), (incident.Upstream, incident.Status, incident.FailedRequests));
        Assert.DoesNotContain("served", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// A block of two servers behind a load balancer logging <c>combined</c> (no upstream fields): a request's tries
    /// both end in a reset (or a close) before the header, which marks each server failed (max_fails=1), so the next
    /// requests within fail_timeout get "no live upstreams". One outage of the block, caused by its servers' answers.
    /// </summary>
    [Theory]
    [InlineData("recv() failed (104: Connection reset by peer) while reading response header from upstream")]
    [InlineData("upstream prematurely closed connection while reading response header from upstream")]
    public void NoLiveUpstreams_AfterTheServersAnswersMarkedThemFailed_IsTheirIncident(string answer)
    {
        string Context(int cid, string upstream) =>
            $"*{cid} {{0}}, client: 192.168.220.1, server: 127.0.0.1, request: \"GET / HTTP/1.1\", upstream: \"http://{upstream}/\", host: \"localhost\"";
        string Line(int second, int cid, string upstream, string message) =>
            $"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 6#6: " + string.Format(CultureInfo.InvariantCulture, Context(cid, upstream), message);
        string[] errors =
        [
            Line(0, 1, "192.168.220.1:8081", answer),
            Line(1, 1, "192.168.220.1:8082", answer),
            Line(4, 2, "balancer", "no live upstreams while connecting to upstream"),
            Line(6, 3, "balancer", "no live upstreams while connecting to upstream"),
        ];
        var access = new[] { 1, 4, 6 }.Select(t => $"192.168.220.1 - - [{Base.AddSeconds(t):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"");

        var incident = Assert.Single(Analyze(access, errors, format: "combined").Incidents);

        Assert.Equal(("balancer", IncidentCause.InvalidResponse, 3), (incident.Upstream, incident.Cause, incident.FailedRequests));
    }

    /// <summary>
    /// A load test on a block of two servers: one server's requests time out first, a burst of them, before nginx has
    /// marked both failed; then each request's try times out and it finds no server left ("no live upstreams" under the
    /// block's name, on its connection). The burst is where the block's outage began, not an incident of its own.
    /// </summary>
    [Fact]
    public void NoLiveUpstreams_TheFirstServersBurstBeforeIt_IsTheBlocksIncident()
    {
        const string Timeout = "upstream timed out (110: Connection timed out) while reading response header from upstream";
        string Line(int second, int cid, string upstream, string message) =>
            $"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{cid} {message}, client: 192.168.192.1, server: localhost, request: \"GET / HTTP/1.1\", upstream: \"http://{upstream}/\", host: \"127.0.0.1\"";
        var errors = new List<string>();
        errors.AddRange(Enumerable.Range(0, 5).Select(i => Line(0, 100 + i, "192.168.192.3:10000", Timeout)));
        for (var i = 0; i < 6; i++)
        {
            errors.Add(Line(1 + i, 200 + i, i % 2 == 0 ? "192.168.192.2:10000" : "192.168.192.3:10000", Timeout));
            errors.Add(Line(1 + i, 200 + i, "wb-server", "no live upstreams while connecting to upstream"));
        }

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("wb-server", IncidentCause.Timeout, 11), (incident.Upstream, incident.Cause, incident.FailedRequests));
    }

    /// <summary>
    /// <c>proxy_pass https://$name</c> without a <c>resolver</c>: nginx chose no peer, so neither the failure's line nor the
    /// missing error page's names an upstream, and nginx writes the connection's last action ("sending to client") after
    /// the message. The 404s are the failures all the same: a misconfiguration.
    /// </summary>
    [Fact]
    public void ErrorPageFileMissing_AfterNoResolverDefined_The404sAreTheFailures()
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var time = Base.AddSeconds(i * 2);
            access.Add($"172.17.0.1 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/?t={i} HTTP/1.1\" 404 555 \"-\" \"Mozilla/5.0\" \"-\"");
            var context = $", client: 172.17.0.1, server: relay.test, request: \"GET /api/?t={i} HTTP/1.1\", host: \"localhost\"";
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 30#30: *2 no resolver defined to resolve api.vendor.test while sending to client{context}");
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 30#30: *2 open() \"/etc/nginx/html/50x.html\" failed (2: No such file or directory){context}");
        }

        var incident = Assert.Single(Analyze(access, errors, format: "combined").Incidents);

        Assert.Equal((IncidentCause.Misconfiguration, 4), (incident.Cause, incident.FailedRequests));
    }

    /// <summary>
    /// A format without <c>$upstream_addr</c> (combined) cannot say which upstream served, but its paths can: a location
    /// that answered for an hour before its failures were masked as 404s by a missing error page worked before, so its
    /// upstream is down, not misconfigured. A location that never answered before is the misconfiguration it looks like.
    /// </summary>
    [Theory]
    [InlineData("api", IncidentCause.UpstreamDown)]
    [InlineData("v2", IncidentCause.Misconfiguration)]
    public void ErrorPageFileMissing_CombinedFormat_TheFailingLocationsHistoryDecidesWhetherItEverWorked(string failingSegment, IncidentCause expected)
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            var time = Base.AddSeconds(i * 30);
            var path = i % 2 == 0 ? $"/api/items/{i}" : $"/static/app.{i}.js";
            access.Add($"198.51.100.{i % 7 + 1} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0800] \"GET {path} HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0\"");
        }

        for (var i = 0; i < 5; i++)
        {
            var time = Base.AddSeconds(3600 + i * 3);
            var request = $"GET /{failingSegment}/orders?page={i} HTTP/1.1";
            access.Add($"127.0.0.1 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0800] \"{request}\" 404 555 \"-\" \"Mozilla/5.0\"");
            var context = $", client: 127.0.0.1, server: localhost, request: \"{request}\", upstream: \"http://127.0.0.1:8080/{failingSegment}/orders?page={i}\", host: \"localhost:90\"";
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 32552#15312: *{i + 40} connect() failed (10061: No connection could be made because the target machine actively refused it) while connecting to upstream{context}");
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 32552#15312: *{i + 40} CreateFile() \"E:\\nginx\\html/50x.html\" failed (2: The system cannot find the file specified){context}");
        }

        var incident = Assert.Single(Analyze(access, errors, format: "combined").Incidents);

        Assert.Equal(("127.0.0.1:8080", 5, expected), (incident.Upstream, incident.FailedRequests, incident.Cause));
    }

    /// <summary>
    /// Connections no client request made fail no request: a Lua timer's cosocket (<c>context: ngx.timer</c>) and
    /// ssl_stapling's OCSP request (<c>while requesting certificate status</c>, the handshake goes on unstapled), and
    /// NGINX Plus's active health check (<c>health check "" of peer … in upstream "…"</c>: its own probe, which takes
    /// the peer out of rotation). The same connect failure or timeout logged for a request is that request's 502 or 504.
    /// </summary>
    [Theory]
    [InlineData("connect() to 127.0.0.1:9002 failed (111: Connection refused), context: ngx.timer", 0)]
    [InlineData("upstream timed out (110: Connection timed out) while reading response header from upstream, health check \"\" of peer 192.168.32.4:80 in upstream \"oss_upstreams\"", 0)]
    [InlineData("connect() failed (111: Connection refused) while connecting to upstream, health check \"app_check\" of peer 10.0.0.4:8080 in upstream \"app\"", 0)]
    [InlineData("*12 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.7, server: a.test, request: \"GET / HTTP/1.1\", upstream: \"http://192.168.32.4:80/\", host: \"a.test\"", 1)]
    [InlineData("no resolver defined to resolve r3.o.lencr.org while requesting certificate status, responder: r3.o.lencr.org, certificate: \"/etc/ssl/site.pem\"", 0)]
    [InlineData("*12 connect() to 127.0.0.1:9002 failed (111: Connection refused) while connecting to upstream, client: 10.0.0.7, server: a.test, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:9002/\", host: \"a.test\"", 1)]
    public void ErrorLogAlone_LinesOfConnectionsNoRequestMade_AreNoFailedRequests(string message, int incidents)
    {
        var errors = Enumerable.Range(0, 5).Select(i => $"{Base.AddSeconds(i * 5):yyyy/MM/dd HH:mm:ss} [error] 695#695: {message}");

        Assert.Equal(incidents, Analyze([], errors).Incidents.Count);
    }

    /// <summary>
    /// <c>*N</c> numbers the client's connection, not its request: a keep-alive connection's next request fails with
    /// "no live upstreams" a second after the one whose two tries marked both servers down. nginx logs a request when
    /// it ends, after its tries' lines, so a line later than the first request's access line is the second's: three
    /// requests, one outage of the group, none of them an answer of the upstream's own.
    /// </summary>
    [Fact]
    public void KeepAliveConnection_NoLiveUpstreamsAfterTheRequestEnded_IsTheNextRequestsFailure()
    {
        string Access(int second) => $"192.0.2.44 - - [{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /cart HTTP/1.1\" 502 559 \"-\" \"Mozilla/5.0\"";
        string Error(int second, int cid, string message, string upstream) =>
            $"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 6#6: *{cid} {message} while connecting to upstream, client: 192.0.2.44, server: shop.test, request: \"GET /cart HTTP/1.1\", upstream: \"http://{upstream}/cart\", host: \"shop.test\"";
        const string Refused = "connect() failed (111: Connection refused)";
        string[] access = [Access(0), Access(1), Access(31)];
        string[] errors =
        [
            Error(0, 3, Refused, "10.1.0.5:9001"), Error(0, 3, Refused, "10.1.0.6:9001"), Error(1, 3, "no live upstreams", "shop_pool"),
            Error(31, 9, Refused, "10.1.0.6:9001"), Error(31, 9, Refused, "10.1.0.5:9001"),
        ];

        var incident = Assert.Single(Analyze(access, errors, format: "combined").Incidents);

        Assert.Equal(("shop_pool", 3, IncidentCause.UpstreamDown), (incident.Upstream, incident.FailedRequests, incident.Cause));
    }

    /// <summary>
    /// When a request's tries run out of live servers, nginx appends the block's name (no port) to <c>$upstream_addr</c>
    /// after the servers it tried. The incident is the block's, and its servers are the addresses, not the name.
    /// </summary>
    [Fact]
    public void UpstreamAddrEndingInTheBlocksName_NamesTheIncidentAfterTheBlock()
    {
        var access = new List<string>();
        for (var s = 0; s < 30; s++)
        {
            access.Add(Timed(s, "GET", 200, s % 2 == 0 ? "10.0.0.1:8080" : "10.0.0.2:8080", "200", "0.004"));
        }

        access.Add(Timed(30, "GET", 502, "10.0.0.1:8080, 10.0.0.2:8080, orders_pool", "502, 502, 502", "0.001, 0.000, 0.000"));
        for (var s = 31; s < 36; s++)
        {
            access.Add(Timed(s, "GET", 502, "orders_pool", "502", "0.000"));
        }

        // A third server, down all along, tried again once its fail_timeout passed: the block's too.
        access.Add(Timed(40, "GET", 502, "10.0.0.3:8080, orders_pool", "502, 502", "0.000, 0.000"));

        var incident = Assert.Single(Analyze(access, format: TimedFormat).Incidents);

        Assert.Equal("orders_pool", incident.Upstream);
        Assert.DoesNotContain("orders_pool", incident.Servers ?? []);
        Assert.Equal(7, incident.FailedRequests);
    }

    /// <summary>Headers too big for the buffer of the module that read them: the scheme of <c>upstream:</c> names it.</summary>
    [Theory]
    [InlineData("fastcgi://127.0.0.1:9000", "`fastcgi_buffer_size`, the buffer `fastcgi_pass`")]
    [InlineData("http://127.0.0.1:8080/", "`proxy_buffer_size`; `fastcgi_buffer_size` for PHP-FPM")]
    public void TooBigHeader_NamesTheBufferOfTheModuleThatReadIt(string url, string named)
    {
        var errors = Enumerable.Range(0, 3).Select(i =>
            $"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i + 1} upstream sent too big header while reading response header from upstream, client: 10.0.0.1, server: x.test, request: \"GET / HTTP/1.1\", upstream: \"{url}\", host: \"x.test\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(IncidentCause.Misconfiguration, incident.Cause);
        Assert.Contains(named, incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// nginx's master reporting a worker that died: its clients' connections were dropped unanswered and unlogged, so no
    /// access line claims the line, whatever the access log shows around it. SIGKILL is the OOM killer's, most likely
    /// (overload, at low confidence: an operator's `kill -9` looks the same); a segfault is a crash, cause unknown.
    /// </summary>
    [Theory]
    [InlineData("9", IncidentCause.Overload)]
    [InlineData("11 (core dumped)", IncidentCause.Unknown)]
    public void WorkerThatDied_IsAnIncidentNoAccessLineClaims(string signal, IncidentCause expected)
    {
        var access = Enumerable.Range(0, 120).Select(s => Access(s, 200)).ToList();
        string[] errors = [$"{Base.AddSeconds(60):yyyy/MM/dd HH:mm:ss} [alert] 1#1: worker process 338 exited on signal {signal}"];

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal((expected, 502, "(unknown)"), (incident.Cause, incident.Status, incident.Upstream));
        Assert.InRange(incident.Confidence, 0, 0.5);
        Assert.Contains("dropped unanswered", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// The loop's last hop out of connections as it connects (<c>worker_connections are not enough while connecting to
    /// upstream</c>, nginx on Windows in the post this comes from): ngx_http_upstream_connect answers it 500, and each hop
    /// before relays that 500 as the upstream's answer. The clients got 500, not 502.
    /// </summary>
    [Fact]
    public void ProxyLoop_LastHopOutOfConnectionsAsItConnects_Answers500()
    {
        var errors = Enumerable.Range(0, 3).Select(i =>
            $"{Base.AddSeconds(i * 3):yyyy/MM/dd HH:mm:ss} [alert] 15384#12716: *{9206 + i * 1024} 1024 worker_connections are not enough while connecting to upstream, client: 127.0.0.1, server: 127.0.0.1, request: \"GET /remote/{i}/ HTTP/1.0\", upstream: \"http://127.0.0.1:80/remote/{i}/\", host: \"127.0.0.1\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("127.0.0.1:80", IncidentCause.Misconfiguration, 500), (incident.Upstream, incident.Cause, incident.Status));
        Assert.Contains("cannot connect answers 500", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// The same loop through an <c>upstream node_app { server 127.0.0.1:8080; }</c> block while nginx itself listens on
    /// 8080 (nginx for Windows in the post): the last hop's request is one nginx proxied, HTTP/1.0 with the block's bare
    /// name as Host (<c>$proxy_host</c>), from the upstream's own address. The access log's 500s of that second are the
    /// hops relaying it, served as far as the log tells; one line proves the loop all the same.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ProxyLoop_ThroughABlockNamedAsHost_Answers500(bool withAccessLog)
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [alert] 8708#6832: *1025 1024 worker_connections are not enough while connecting to upstream, client: 127.0.0.1, server: localhost, request: \"GET /info HTTP/1.0\", upstream: \"http://127.0.0.1:8080/info\", host: \"node_app\"",
        ];
        var served = Enumerable.Range(0, 40).Select(i =>
            $"127.0.0.1 - - [{Base.AddSeconds(i - 60):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /page/{i} HTTP/1.1\" 200 615 \"-\" \"Mozilla/5.0\"");
        var hops = Enumerable.Range(0, 512).Select(_ =>
            $"127.0.0.1 - - [{Base:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /info HTTP/1.0\" 500 579 \"-\" \"Mozilla/5.0\"");
        string[] access = withAccessLog ? [.. served, .. hops] : [];

        var incident = Assert.Single(Analyze(access, errors, format: withAccessLog ? "combined" : null).Incidents);

        Assert.Equal(("127.0.0.1:8080", IncidentCause.Misconfiguration, 500), (incident.Upstream, incident.Cause, incident.Status));
        Assert.StartsWith("nginx proxies to itself", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>The same alert for a request that came from elsewhere (HTTP/1.1, a Host a browser sends): nginx out of
    /// connections, no loop.</summary>
    [Theory]
    [InlineData("GET /info HTTP/1.1", "node_app")]
    [InlineData("GET /info HTTP/1.0", "shop.example.test")]
    [InlineData("GET /info HTTP/1.0", "localhost")]
    public void OutOfConnectionsAsItConnects_ARequestNginxDidNotSend_IsNoLoop(string request, string host)
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [alert] 8708#6832: *1025 1024 worker_connections are not enough while connecting to upstream, client: 127.0.0.1, server: localhost, request: \"{request}\", upstream: \"http://127.0.0.1:8080/info\", host: \"{host}\"",
        ];

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.Overload, 500), (incident.Cause, incident.Status));
    }

    /// <summary>
    /// <c>proxy_pass</c> at nginx's own port (captured from nginx 1.22 here: <c>listen 127.0.0.1:29080</c> with
    /// <c>proxy_pass http://127.0.0.1:29080</c>): each request comes back as a new one until a hop finds no free
    /// connection, and the last hop's reset goes down the chain as 502s. Not an upstream that answers badly: nginx
    /// points at itself.
    /// </summary>
    [Fact]
    public void ProxyLoop_ErrorLogAlone_IsMisconfiguration()
    {
        var errors = Enumerable.Range(0, 4).SelectMany(i => new[]
        {
            $"{Base.AddSeconds(i * 2):yyyy/MM/dd HH:mm:ss} [alert] 11499#11499: 64 worker_connections are not enough",
            $"{Base.AddSeconds(i * 2):yyyy/MM/dd HH:mm:ss} [error] 11499#11499: *{61 + i * 64} recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 127.0.0.1, server: loop.test, request: \"GET /cart{i} HTTP/1.0\", upstream: \"http://127.0.0.1:29080/cart{i}\", host: \"127.0.0.1:29080\"",
        });

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("127.0.0.1:29080", IncidentCause.Misconfiguration), (incident.Upstream, incident.Cause));
        Assert.Contains("proxies to itself", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, step => step.Contains("`listen`", StringComparison.Ordinal));
    }

    /// <summary>
    /// A try that looks like nginx's own (from the upstream's address, with its port in the Host: rootless Podman's
    /// 10.0.2.100 is both the clients' source and the host's address from inside the container) but was refused:
    /// nothing listened there, so the request never came back to nginx. Not a loop; the same try answered with a reset
    /// is one.
    /// </summary>
    [Theory]
    [InlineData("connect() failed (111: Connection refused) while connecting to upstream", IncidentCause.UpstreamDown)]
    [InlineData("recv() failed (104: Connection reset by peer) while reading response header from upstream", IncidentCause.Misconfiguration)]
    public void LooksLikeALoop_ButRefused_FoundNoListenerThere(string message, IncidentCause expected)
    {
        var errors = Enumerable.Range(0, 4).Select(i =>
            $"{Base.AddSeconds(i * 14):yyyy/MM/dd HH:mm:ss} [error] 27#27: *{2 + i} {message}, client: 10.0.2.100, server: writefreely, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.2.100:8080/\", host: \"127.0.0.1:8080\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("10.0.2.100:8080", expected), (incident.Upstream, incident.Cause));
        Assert.Equal(expected == IncidentCause.Misconfiguration, incident.Summary.Contains("proxies to itself", StringComparison.Ordinal));
    }

    /// <summary>With <c>$upstream_addr</c> logged, every hop's 502 names nginx's own address: one incident, the loop's.</summary>
    [Fact]
    public void ProxyLoop_HopsPassingTheFailureDown_AreTheLoopsIncident()
    {
        const string Format = "$remote_addr [$time_local] \"$request\" $status $http_host ua=\"$upstream_addr\" us=\"$upstream_status\" rt=$request_time";
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var time = Base.AddSeconds(i * 3);
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{100 + i * 40} recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 127.0.0.1, server: _, request: \"GET /cart HTTP/1.0\", upstream: \"http://127.0.0.1:8080/cart\", host: \"127.0.0.1:8080\"");
            for (var hop = 0; hop < 30; hop++)
            {
                access.Add($"127.0.0.1 [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /cart HTTP/1.0\" 502 127.0.0.1:8080 ua=\"127.0.0.1:8080\" us=\"502\" rt=0.002");
            }

            access.Add($"203.0.113.9 [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /cart HTTP/1.1\" 502 shop.test:8080 ua=\"127.0.0.1:8080\" us=\"502\" rt=0.003");
        }

        var incidents = Analyze(access, errors, format: Format).Incidents;

        Assert.All(incidents, i => Assert.Equal(IncidentCause.Misconfiguration, i.Cause));
        Assert.Equal(155, incidents.Sum(i => i.FailedRequests));
    }

    /// <summary>
    /// An error log kept longer than the access log (rotated apart, or an excerpt of each): its failures from before the
    /// access log's first line have no access line to meet, and are read as the error log alone reads them, where
    /// the same lines inside the access log's span, unmatched, are tries nginx recovered from.
    /// </summary>
    [Theory]
    [InlineData(7200, 40)]
    [InlineData(-300, 0)]
    public void ErrorLinesBeforeTheAccessLogBegins_AreFailedRequests(int accessStartsAt, int failed)
    {
        var access = Enumerable.Range(0, 600).Select(i =>
            $"10.0.0.{i % 200} - - [{Base.AddSeconds(accessStartsAt + i):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/{i} HTTP/1.1\" 200 157 \"-\" \"Mozilla/5.0\"");
        var errors = Enumerable.Range(0, 40).Select(i =>
            $"{Base.AddSeconds(i * 2):yyyy/MM/dd HH:mm:ss} [error] 29#29: *{i} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.{i}, server: _, request: \"GET /api/{i} HTTP/1.1\", upstream: \"http://10.4.0.9:8080/api/{i}\", host: \"shop.example\"");

        var report = Analyze(access, errors, format: "combined");

        Assert.Equal(failed, report.Incidents.Sum(i => i.FailedRequests));
        Assert.All(report.Incidents, i => Assert.Equal(IncidentCause.UpstreamDown, i.Cause));
    }

    /// <summary>
    /// A line cut short where someone copied it (before <c>upstream:</c> and <c>host:</c>, or inside its message) keeps
    /// nginx's own head: its connection's line a moment before gives the host (and the upstream) it lacks, so it joins
    /// that outage instead of opening one on host <c>-</c> (or on <c>server:</c>'s name).
    /// </summary>
    [Theory]
    [InlineData("recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.0.10.123, server: svr, request: \"GET / HTTP/1.1\",")]
    [InlineData("connect() to unix:/run/php/fpm.sock failed (2: No such")]
    public void LineCutShort_TakesItsConnectionsHostAndJoinsItsOutage(string cut)
    {
        string Whole(int second, string message) =>
            $"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 153#153: *7 {message}, client: 10.0.10.123, server: svr, request: \"GET / HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/fpm.sock:\", host: \"10.0.10.1\"";
        var message = cut.StartsWith("recv()", StringComparison.Ordinal)
            ? "recv() failed (104: Connection reset by peer) while reading response header from upstream"
            : "connect() to unix:/run/php/fpm.sock failed (2: No such file or directory) while connecting to upstream";
        string[] errors = [Whole(0, message), Whole(9, message), $"{Base.AddSeconds(16):yyyy/MM/dd HH:mm:ss} [error] 153#153: *7 {cut}"];

        var incident = Assert.Single(Analyze([], errors, options: new DiagnosisOptions { MinFailures = 1 }).Incidents);

        Assert.Equal(("unix:/run/php/fpm.sock", "10.0.10.1", 3), (incident.Upstream, incident.Host, incident.FailedRequests));
    }

    /// <summary>
    /// A loop whose hops keep the client's Host (<c>proxy_set_header Host $host</c>, as nginx-proxy-manager's default
    /// server proxying to <c>127.0.0.1:80</c>): the try comes from the upstream's own address, and in the same second
    /// nginx finds no free connection for a client it accepted (the bare <c>worker_connections are not enough</c>, in
    /// either order). Without that, the same reset is the upstream's.
    /// </summary>
    [Theory]
    [InlineData(true, false, IncidentCause.Misconfiguration)]
    [InlineData(true, true, IncidentCause.Misconfiguration)]
    [InlineData(false, false, IncidentCause.InvalidResponse)]
    public void ProxyLoop_KeepingTheHost_ToldByNginxRunningOutOfConnections(bool alert, bool alertAfter, IncidentCause expected)
    {
        var errors = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var time = Base.AddSeconds(i * 6);
            var exhausted = $"{time:yyyy/MM/dd HH:mm:ss} [alert] 2195#2195: 512 worker_connections are not enough";
            var reset = $"{time:yyyy/MM/dd HH:mm:ss} [error] 2194#2194: *{928721 + i * 900} recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 127.0.0.1, server: localhost-nginx-proxy-manager, request: \"GET /favicon.ico HTTP/1.1\", upstream: \"http://127.0.0.1:80/favicon.ico\", host: \"shop.example\"";
            errors.AddRange(!alert ? [reset] : alertAfter ? [reset, exhausted] : [exhausted, reset]);
        }

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("127.0.0.1:80", expected), (incident.Upstream, incident.Cause));
    }

    /// <summary>
    /// An upstream that closes the connection while nginx waits for the header, with no time logged for the requests
    /// (the error log alone): a crashed worker and one its application server killed at its own limit (PHP-FPM's
    /// request_terminate_timeout, captured here) write the same line. The verdict says so, and claims less.
    /// </summary>
    [Fact]
    public void ConnectionsClosedWithNoTimesLogged_SayTheApplicationServersLimitMayHaveKilledThem()
    {
        var errors = Enumerable.Range(0, 5).Select(i =>
            $"{Base.AddSeconds(i * 4):yyyy/MM/dd HH:mm:ss} [error] 12#12: *{40 + i} upstream prematurely closed FastCGI stdout while reading response header from upstream, client: 127.0.0.1, server: _, request: \"GET /report/{i} HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\", host: \"shop.example\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(IncidentCause.InvalidResponse, incident.Cause);
        Assert.InRange(incident.Confidence, 0.5, 0.7);
        Assert.Contains("request_terminate_timeout", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>The resolver's own lines alone (no request's): the summary names the resolver as what failed, not as a
    /// name that did not resolve.</summary>
    [Fact]
    public void ResolversOwnLinesAlone_NameTheResolverAsWhatFailed()
    {
        string[] errors = [$"{Base:yyyy/MM/dd HH:mm:ss} [error] 16#0: recv() failed (111: Connection refused) while resolving, resolver: 10.0.220.2:53"];

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(IncidentCause.Dns, incident.Cause);
        Assert.StartsWith("nginx's resolver 10.0.220.2:53 failed:", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>auth_request</c> to an upstream that refuses (captured from nginx 1.22, <c>proxy_pass</c> behind
    /// <c>location = /_auth</c>): the subrequest's try has a line of its own with <c>subrequest: "/_auth"</c>, nginx
    /// then says <c>auth request unexpected status: 502</c> and answers the client 500, logging no upstream for the
    /// request (the subrequest's is not the main request's). The 500s are the auth upstream's failures, at the status
    /// their clients got, from both logs or from the error log alone (where nginx's `auth request unexpected status`
    /// line says the module answered).
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("combined")]
    [InlineData("$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" ua=\"$upstream_addr\" us=\"$upstream_status\" urt=\"$upstream_response_time\" rt=$request_time")]
    public void AuthRequestSubrequestFailing_TheClients500s_AreTheAuthUpstreamsFailures(string? format)
    {
        var upstreamFields = format is not (null or "combined");
        string Access(int second, int status, string page) =>
            $"127.0.0.1 - - [{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /dash{second} HTTP/1.1\" {status} {page} \"-\" \"curl/7.88.1\""
            + (upstreamFields ? (status == 200 ? " ua=\"127.0.0.1:28081\" us=\"200\" urt=\"0.001\" rt=0.001" : " ua=\"-\" us=\"-\" urt=\"-\" rt=0.000") : "");
        string Error(int second, int connection, string message, bool subrequest) =>
            $"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 17838#17838: *{connection} {message}, client: 127.0.0.1, server: app.example.test, request: \"GET /dash{second} HTTP/1.1\", "
            + (subrequest ? "subrequest: \"/_auth\", upstream: \"http://127.0.0.1:28099/auth\", " : "") + "host: \"127.0.0.1:28080\"";

        var access = new List<string>();
        var errors = new List<string>();
        for (var second = 0; second < 30; second++)
        {
            var failing = second >= 20;
            access.Add(Access(second, failing ? 500 : 200, failing ? "177" : "3"));
            if (failing)
            {
                errors.Add(Error(second, 2 * second, Refused, subrequest: true));
                errors.Add(Error(second, 2 * second, "auth request unexpected status: 502 while sending to client", subrequest: false));
            }
        }

        var incident = Assert.Single(Analyze(format is null ? [] : access, errors, format).Incidents);

        Assert.Equal(("127.0.0.1:28099", IncidentCause.UpstreamDown, 10), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Equal(500, incident.Status);
        Assert.Contains("`auth_request` it then answers the client 500", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// A subrequest's failed try pasted without <c>auth_request</c>'s verdict line: a location named for checking who asks
    /// (<c>/authelia</c>, <c>/oauth2/auth</c>, <c>/api/verify</c>, <c>/validate</c>) is the module's, which answers the
    /// client 500 whatever the try's status. A subrequest named for what it fetches (a media file, a mirror) keeps the
    /// try's own status: nginx-vod-module's client gets the 504, and a mirror's failure is not the client's at all.
    /// </summary>
    [Theory]
    [InlineData("/authelia", Refused, 500)]
    [InlineData("/oauth2/auth", TimedOut, 500)]
    [InlineData("/internal/api/verify", "upstream prematurely closed connection while reading response header from upstream", 500)]
    [InlineData("/validate", Refused, 500)]
    [InlineData("/public/clip.mp4", TimedOut, 504)]
    [InlineData("/mirror", Refused, 502)]
    public void SubrequestTry_WithoutTheModulesVerdict_TakesItsStatusFromWhatItsLocationIsFor(string subrequest, string message, int status)
    {
        string[] errors =
        [
            .. Enumerable.Range(0, 3).Select(i =>
                $"{Base.AddSeconds(i * 5):yyyy/MM/dd HH:mm:ss} [error] 883#883: *{1298 + i} {message}, client: 103.191.2.11, server: app.test, "
                + $"request: \"GET /page{i} HTTP/2.0\", subrequest: \"{subrequest}\", upstream: \"http://10.0.0.7:9091{subrequest}\", host: \"app.test\""),
        ];

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("10.0.0.7:9091", status), (incident.Upstream, incident.Status));
    }

    /// <summary>
    /// The same, on a site that had served for minutes before the auth service first refused: the access log logs the
    /// requests, not their subrequests, so it never shows the auth service serving, and its refusals are not a wrong
    /// address's for want of successes there (an upstream that never served on a healthy site).
    /// </summary>
    [Fact]
    public void AuthRequestSubrequestRefusedOnAHealthySite_IsTheAuthServiceDown()
    {
        string Access(int second, int status) =>
            $"172.18.0.1 - - [{Base.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/item{second} HTTP/2.0\" {status} {(status == 200 ? 812 : 177)} \"-\" \"Mozilla/5.0\"";
        string Error(int second, string message, bool subrequest) =>
            $"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 30#30: *{second} {message}, client: 172.18.0.1, server: localhost, request: \"GET /api/item{second} HTTP/2.0\", "
            + (subrequest ? "subrequest: \"/internal/auth/verify\", upstream: \"http://172.18.0.5:3333/verify\", " : "") + "host: \"localhost\"";

        var access = Enumerable.Range(0, 60).Select(i => Access(i * 10, 200)).ToList();
        var errors = new List<string>();
        foreach (var second in new[] { 610, 617, 625, 638 })
        {
            access.Add(Access(second, 500));
            errors.Add(Error(second, Refused, subrequest: true));
            errors.Add(Error(second, "auth request unexpected status: 502 while sending to client", subrequest: false));
        }

        var incident = Assert.Single(Analyze(access, errors, "combined").Incidents);

        Assert.Equal(("172.18.0.5:3333", IncidentCause.UpstreamDown, 4), (incident.Upstream, incident.Cause, incident.FailedRequests));
    }

    /// <summary>
    /// A client its author masked differently on each line (<c>2001:ipv6</c>, <c>2001:ip6</c>, <c>2001:Up</c>) names no
    /// address: it starts as IPv6 does, but nginx writes only hex digits and colons there, so the lines still join by
    /// their request and time, and the access line's 500 is the auth subrequest's refusal.
    /// </summary>
    [Fact]
    public void ClientsMaskedDifferentlyOnEachLine_StillJoinTheirRequest()
    {
        string[] lines =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [error] 18#18: *117 connect() failed (111: Connection refused) while connecting to upstream, client: 2001:ipv6, server: mail.test, request: \"GET /SOGo/ HTTP/1.0\", subrequest: \"/sogo-auth-verify\", upstream: \"http://127.0.0.1:80/sogo-auth\", host: \"mail.other.test\"",
            $"{Base:yyyy/MM/dd HH:mm:ss} [error] 18#18: *44 auth request unexpected status: 502 while sending to client, client: 2001:ip6, server: mail.test, request: \"GET /SOGo/ HTTP/1.0\", host: \"mail.other.test\"",
        ];
        string[] access = [$"2001:Up - - [{Base:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /SOGo/ HTTP/1.0\" 500 170 \"https://mail.other.test/\" \"Mozilla/5.0 (iPhone)\""];

        var incident = Assert.Single(Analyze(access, lines, "combined").Incidents);

        Assert.Equal(("127.0.0.1:80", IncidentCause.UpstreamDown, 500), (incident.Upstream, incident.Cause, incident.Status));
    }

    /// <summary>
    /// A named location that is not defined (`could not find named location "@h2c"`): nginx answers 500 itself, no
    /// upstream tried, a misconfiguration named by the location. After a try that failed (`error_page 502 = @fallback`
    /// with no such location), the client's 500 is the try's, whose own line says what failed.
    /// </summary>
    [Theory]
    [InlineData(false, IncidentCause.Misconfiguration, "@h2c")]
    [InlineData(true, IncidentCause.UpstreamDown, "10.0.0.5:8080")]
    public void NamedLocationNotDefined_IsNginxsOwn500(bool afterFailedTry, IncidentCause cause, string upstream)
    {
        const string Context = ", client: 172.18.0.1, server: lichess, request: \"GET /api/stream/event HTTP/1.1\", host: \"localhost:8080\"";
        List<string> errors = afterFailedTry
            ? [$"{Base:yyyy/MM/dd HH:mm:ss} [error] 22#22: *316 {Refused}, client: 172.18.0.1, server: lichess, request: \"GET /api/stream/event HTTP/1.1\", upstream: \"http://10.0.0.5:8080/api/stream/event\", host: \"localhost:8080\""]
            : [];
        errors.Add($"{Base:yyyy/MM/dd HH:mm:ss} [error] 22#22: *316 could not find named location \"@h2c\"" + Context);
        string[] access = [$"172.18.0.1 - - [{Base:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/stream/event HTTP/1.1\" 500 177 \"-\" \"Java/21.0.1\""];

        var incident = Assert.Single(Analyze(access, errors, "combined").Incidents);

        Assert.Equal((cause, upstream, 500, 1), (incident.Cause, incident.Upstream, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// The gateway errors' page nginx could not open for a request that had gone to an upstream, with no line of that
    /// try before it (a paste of this line alone, or an upstream's own 5xx that <c>proxy_intercept_errors</c> sent to the
    /// page): the upstream failed the request, cause unknown, and its client got the page's 404. A client error's page
    /// (an upstream's 404 intercepted) or a page of no upstream's request is no gateway failure.
    /// </summary>
    [Theory]
    [InlineData("/var/www/nginx-default/50x.html", true, true)]
    [InlineData("/usr/share/nginx/html/502.html", true, true)]
    [InlineData("/srv/www/errors/404.html", true, false)]
    [InlineData("/var/www/nginx-default/50x.html", false, false)]
    public void GatewayErrorPageMissing_WithoutItsTrysLine_IsTheUpstreamsFailure(string page, bool proxied, bool incident)
    {
        var upstream = proxied ? ", upstream: \"http://127.0.0.1:5000/b\"" : "";
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [error] 7654#7654: *17 open() \"{page}\" failed (2: No such file or directory), client: 203.0.113.4, server: meet.test, request: \"GET /b HTTP/1.1\"{upstream}, host: \"meet.test\"",
        ];

        var report = Analyze([], errors);

        if (!incident)
        {
            Assert.Empty(report.Incidents);
            return;
        }

        var found = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:5000", IncidentCause.Unknown, 404), (found.Upstream, found.Cause, found.Status));
    }

    /// <summary>
    /// The same page line pasted beside tries of the same upstream whose lines tell their cause (the paste cut the first
    /// request's try): one problem, the tries' cause, whose clients all got the page's 404. The host a terminal's wrap
    /// padded with spaces is the same host.
    /// </summary>
    [Fact]
    public void GatewayErrorPageMissing_BesideTriesThatTellTheCause_IsTheirIncident()
    {
        string Line(int second, int connection, string message, string host) =>
            $"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 3515#3515: *{connection} {message}, client: 192.168.1.111, server: 192.168.1.104, request: \"GET /ws HTTP/1.1\", upstream: \"http://192.168.174.131:5066/ws\", host: \"{host}\"";
        const string Page = "open() \"/var/www/nginx-default/50x.html\" failed (2: No such file or directory)";
        string[] errors =
        [
            Line(0, 215, Page, "192.168.1.104       "),
            Line(29, 243, "connect() failed (113: No route to host) while connecting to upstream", "192.168.1.104"),
            Line(29, 243, Page, "192.168.1.104       "),
            Line(139, 309, "connect() failed (113: No route to host) while connecting to upstream", "192.168.1.104"),
            Line(139, 309, Page, "192.168.1.104"),
        ];

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("192.168.174.131:5066", IncidentCause.UpstreamDown, 404, 3), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// A paste's line whose upstream was cut off (a pager's <c>$</c>) joins a named incident only when it may be that
    /// upstream's failure: a reset says how some upstream answered, which a socket that is missing 80 s later does not
    /// explain, so the two stay apart; nginx's own connections running out say nothing of any upstream, and join the
    /// handshakes that failed with them.
    /// </summary>
    [Theory]
    [InlineData("[error] 5061#0: *4 recv() failed (104: Connection reset by peer) while reading response header from$", "connect() to unix:/var/run/php5-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: 10.1.2.3, server: cms.test, request: \"GET /admin HTTP/1.1\", upstream: \"fastcgi://unix:/var/run/php5-fpm.sock:\", host: \"cms.test\"", 2)]
    [InlineData("[alert] 105#105: 1024 worker_connections are not enough", "peer closed connection in SSL handshake while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: \"GET /v2/ HTTP/1.1\", upstream: \"https://74.125.140.82:443/v2/\", host: \"k8s.gcr.io\"", 1)]
    public void LineWithoutItsUpstream_JoinsANamedIncident_OnlyWhenItMayBeItsFailure(string unnamed, string named, int incidents)
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} {unnamed}",
            $"{Base.AddSeconds(79):yyyy/MM/dd HH:mm:ss} [crit] 5061#0: *8 {named}",
        ];

        var report = Analyze([], errors);

        Assert.Equal(incidents, report.Incidents.Count);
        Assert.Contains(report.Incidents, i => i.Upstream != "(unknown)");
    }

    /// <summary>
    /// A Lua balancer whose code raised an error before it chose a peer (<c>failed to run balancer_by_lua*:</c>, its stack
    /// traceback wrapped over the lines after it): lua-nginx-module's get-peer handler fails, and nginx answers 500 itself
    /// with no server tried. A misconfiguration named by the balancer, or by the upstream block the line names; with the
    /// access log, its 500s are these, one incident.
    /// </summary>
    [Theory]
    [InlineData(false, "balancer_by_lua: module 'ngx.balancer' not found:\n        no field package.preload['ngx.balancer']\n        no file './ngx/balancer.lua'\nstack traceback:\n        [C]: in function 'require'\n        balancer_by_lua:2: in function <balancer_by_lua:1> while connecting to upstream", "balancer_by_lua")]
    [InlineData(true, "/usr/local/apisix/apisix/balancer.lua:99: attempt to index local 'checker' (a nil value)\nstack traceback:\n        /usr/local/apisix/apisix/balancer.lua:99: in function 'pick_server'\n        balancer_by_lua:2: in main chunk while connecting to upstream", "balancer_by_lua")]
    [InlineData(true, "/etc/nginx/lua/balancer.lua:288: attempt to call a nil value while connecting to upstream", "upstream_balancer")]
    public void LuaBalancerThatFailed_IsNginxsOwn500(bool withAccessLog, string error, string upstream)
    {
        var named = upstream == "upstream_balancer" ? ", upstream: \"http://upstream_balancer/api/items\"" : "";
        var errors = new List<string>();
        var access = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var lines = error.Split('\n');
            lines[^1] += $", client: 192.168.2.11, server: gw.test, request: \"GET /api/items?page={i} HTTP/1.1\"{named}, host: \"gw.test\"";
            errors.Add($"{Base.AddSeconds(i * 7):yyyy/MM/dd HH:mm:ss} [error] 9718#9718: *{6900 + i} failed to run balancer_by_lua*: {lines[0]}");
            errors.AddRange(lines[1..]);
            access.Add($"192.168.2.11 - - [{Base.AddSeconds(i * 7):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/items?page={i} HTTP/1.1\" 500 177 \"-\" \"okhttp/4.9\"");
        }

        var incident = Assert.Single(Analyze(withAccessLog ? access : [], errors, withAccessLog ? "combined" : null).Incidents);

        Assert.Equal((IncidentCause.Misconfiguration, upstream, 500, 4), (incident.Cause, incident.Upstream, incident.Status, incident.FailedRequests));
        Assert.Contains("balancer_by_lua", incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// lua-resty-auto-ssl's call to its helper's socket during a TLS handshake (`context: ssl_certificate_by_lua*`, no
    /// request) failing: it falls back to another certificate, and no request failed of it.
    /// </summary>
    [Fact]
    public void LuaCosocketOfTheTlsHandshake_FailingIsNoRequestsFailure()
    {
        string[] errors =
        [
            $"{Base:yyyy/MM/dd HH:mm:ss} [crit] 8745#8745: *354 connect() to unix:/tmp/shell.sock failed (13: Permission denied), context: ssl_certificate_by_lua*, client: 10.0.0.9, server: 0.0.0.0:443",
        ];

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Empty(report.Incidents);
    }

    [Fact]
    public void Nginxs_Own500s_WithoutASubrequestsLine_AreNoIncident()
    {
        // "rewrite or internal redirection cycle" answers 500 with no upstream: nginx's own, not a gateway failure.
        var access = Enumerable.Range(0, 10).Select(s =>
            $"127.0.0.1 - - [{Base.AddSeconds(s):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /loop{s} HTTP/1.1\" 500 177 \"-\" \"curl/7.88.1\"");
        var errors = Enumerable.Range(0, 10).Select(s =>
            $"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{s} rewrite or internal redirection cycle while internally redirecting to \"/index.html\", client: 127.0.0.1, server: _, request: \"GET /loop{s} HTTP/1.1\", host: \"localhost\"");

        var report = Analyze(access, errors, "combined");

        Assert.Empty(report.Incidents);
    }

    /// <summary>
    /// A <c>docker compose logs</c> stream of nginx and its application server (captured: Fixtures/prefixed), given as
    /// the error log alone: the server says it killed the workers at its own time limit, and nginx saw the connections
    /// close (gunicorn) or reset (PHP-FPM). Without the server's lines the same nginx lines read as broken answers.
    /// </summary>
    [Theory]
    [InlineData("compose-gunicorn-worker-timeout.log", "127.0.0.1:28201", 5, "gunicorn")]
    [InlineData("compose-php-fpm-terminate-timeout.log", "127.0.0.1:28301", 3, "request_terminate_timeout")]
    [InlineData("compose-uwsgi-harakiri.log", "127.0.0.1:29021", 8, "harakiri")]
    public void ComposeStream_TheApplicationServersKillLines_MakeTheClosedConnectionsItsTimeout(string file, string upstream, int failed, string named)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "prefixed", file));

        var incident = Assert.Single(Analyze([], lines, format: null).Incidents);
        var withoutKills = Assert.Single(Analyze([], lines.Where(l => !FunctionsApp.NginxLogs.AppServerLine.TryReadTimeoutKill(System.Text.Encoding.UTF8.GetBytes(l), out _)), format: null).Incidents);

        Assert.Equal((upstream, IncidentCause.Timeout, failed, 502), (incident.Upstream, incident.Cause, incident.FailedRequests, incident.Status));
        Assert.Contains(named, incident.Summary, StringComparison.Ordinal);
        Assert.Equal(IncidentCause.InvalidResponse, withoutKills.Cause);
    }

    /// <summary>
    /// Captured (Fixtures/prefixed/compose-uwsgi-buffer-size.log): uWSGI skips a request whose header block is larger
    /// than its <c>buffer-size</c> and closes the connection unanswered, saying so on its own stdout; nginx reads a reset
    /// for that request. With uWSGI's lines in the stream the resets are a setting of uWSGI's, and the fix says which;
    /// without them, the same resets are a broken answer.
    /// </summary>
    [Fact]
    public void ComposeStream_UwsgisRefusalsForSize_MakeTheResetsItsBufferSize()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "prefixed", "compose-uwsgi-buffer-size.log"));

        var incident = Assert.Single(Analyze([], lines, format: null).Incidents);
        var withoutUwsgi = Assert.Single(Analyze([], lines.Where(l => !l.Contains("invalid request block size", StringComparison.Ordinal)), format: null).Incidents);

        Assert.Equal(("127.0.0.1:29031", IncidentCause.Misconfiguration, 4, 502), (incident.Upstream, incident.Cause, incident.FailedRequests, incident.Status));
        Assert.Contains("buffer-size", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, step => step.Contains("`buffer-size = 32768`", StringComparison.Ordinal));
        Assert.DoesNotContain(incident.Remediation, step => step.Contains("Check the address of ", StringComparison.Ordinal));
        Assert.Equal(IncidentCause.InvalidResponse, withoutUwsgi.Cause);
    }

    /// <summary>An application server's line ten minutes before nginx's resets (a kill at its time limit, a refusal
    /// for size; without a time of its own it takes nginx's next line's) says nothing of them: they are a crash.</summary>
    [Theory]
    [InlineData("app-1  | [2026-11-24 10:00:05 +0000] [9] [CRITICAL] WORKER TIMEOUT (pid:12)")]
    [InlineData("app-1  | invalid request block size: 5594 (max 4096)...skip")]
    public void AppServerLinesOfAnotherTime_DoNotExplainAnIncidentsResets(string appServerLine)
    {
        var errors = new List<string> { $"{Base:yyyy/MM/dd HH:mm:ss} [notice] 1#1: start worker processes" };
        errors.Add(appServerLine);
        errors.Add($"{Base.AddSeconds(6):yyyy/MM/dd HH:mm:ss} [notice] 1#1: signal 17 (SIGCHLD) received");
        for (var s = 600; s < 605; s++)
        {
            errors.Add($"{Base.AddSeconds(s):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{s} recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.0.0.9, server: api.test, request: \"GET /orders HTTP/1.1\", upstream: \"http://10.0.0.1:8080/orders\", host: \"api.test\"");
        }

        var incident = Assert.Single(Analyze([], errors, format: null).Incidents);

        Assert.Equal(IncidentCause.InvalidResponse, incident.Cause);
    }

    /// <summary>
    /// Captured (Fixtures/captures/client-body-temp-unwritable): three sites whose <c>client_body_temp_path</c> was taken
    /// away, made unwritable and filled after nginx started. A body larger than <c>client_body_buffer_size</c> goes to
    /// that file before the request is proxied, so those requests were nginx's own 500s, no server tried; the small
    /// forms and the pages kept being served. A missing or forbidden directory is the configuration, a full disk an
    /// overload.
    /// </summary>
    [Fact]
    public void RequestBodiesNginxCouldNotBuffer_AreItsOwn500s_ByWhatFailed()
    {
        var (access, errors) = Captured("client-body-temp-unwritable");

        var incidents = Analyze(access, errors, format: null).Incidents.ToDictionary(i => i.Host);

        Assert.Equal(3, incidents.Count);
        Assert.Equal((IncidentCause.Misconfiguration, 500, 4), (incidents["files.example"].Cause, incidents["files.example"].Status, incidents["files.example"].FailedRequests));
        Assert.Equal((IncidentCause.Misconfiguration, 500, 4), (incidents["print.example"].Cause, incidents["print.example"].Status, incidents["print.example"].FailedRequests));
        Assert.Equal((IncidentCause.Overload, 500, 4), (incidents["drive.example"].Cause, incidents["drive.example"].Status, incidents["drive.example"].FailedRequests));
        Assert.Contains("client_body_temp_path", incidents["files.example"].Remediation[0], StringComparison.Ordinal);
        Assert.Contains("df -h", incidents["drive.example"].Remediation[0], StringComparison.Ordinal);
        Assert.DoesNotContain(incidents["drive.example"].Remediation, step => step.Contains("keepalive", StringComparison.Ordinal) || step.Contains("proxy_cache_use_stale", StringComparison.Ordinal));
        Assert.DoesNotContain(incidents["print.example"].Remediation, step => step.Contains("Check the address of ", StringComparison.Ordinal));
    }

    /// <summary>The access and error logs nginx wrote for a capture in Fixtures/captures (see its README).</summary>
    private static (string[] Access, string[] Errors) Captured(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "captures", name);
        return (File.ReadAllLines(Path.Combine(dir, "access.log")), File.ReadAllLines(Path.Combine(dir, "error.log")));
    }

    /// <summary>
    /// Captured (Fixtures/captures/keepalive-stale-msec): a format nobody described, whose only time is <c>$msec</c>
    /// and whose quoted <c>"$request_method $request_uri"</c> reads as a <c>$request</c> without its protocol, beside
    /// an error log in Tokyo's local time. The POSTs nginx may not retry on a stale keep-alive connection are one
    /// incident; the error lines meet them (which also tells the error log's offset), so nothing is left over.
    /// </summary>
    [Fact]
    public void MsecFormatWithMethodAndUriQuoted_MeetsTheErrorLinesInTheirLocalTime()
    {
        var (access, errors) = Captured("keepalive-stale-msec");

        var report = Analyze(access, errors, format: null);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:29061", IncidentCause.InvalidResponse, 502, 39), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// Captured (Fixtures/captures/stream-connect-timeout): the stream module (TCP proxy, Caracas time) in front of one
    /// server that stopped accepting (its listen queue full, so connects time out) and one that stopped (refused). The
    /// stream module has no 504: a session it could not connect in time ends with <c>$status</c> 502, as the access log
    /// says, so the error log alone must not make it a 504 either.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void StreamSessionsThatCouldNotConnectInTime_End502(bool withAccessLog)
    {
        var (access, errors) = Captured("stream-connect-timeout");

        var report = Analyze(withAccessLog ? access : [], errors, format: null);

        Assert.Collection(
            report.Incidents.OrderBy(i => i.Upstream, StringComparer.Ordinal),
            timeout =>
            {
                Assert.Equal(("127.0.0.1:19101", IncidentCause.Timeout, 502, 27), (timeout.Upstream, timeout.Cause, timeout.Status, timeout.FailedRequests));
                Assert.Contains("502 Bad Gateway", timeout.Summary, StringComparison.Ordinal);
            },
            refused => Assert.Equal(("127.0.0.1:19102", IncidentCause.UpstreamDown, 502, 20), (refused.Upstream, refused.Cause, refused.Status, refused.FailedRequests)));
        Assert.Equal(0, report.Stats.MalformedLines);
    }

    /// <summary>
    /// Captured (Fixtures/captures/proxy-pass-variables-unparsed): <c>proxy_pass</c> and <c>fastcgi_pass</c> built from
    /// variables, evaluated per request: a port left blank (<c>invalid port in upstream "jenkins:"</c>), a <c>map</c> with
    /// no default (<c>invalid URL prefix in "http://"</c>), a value with no scheme (<c>invalid URL prefix in
    /// "127.0.0.1:19381"</c>) and an empty variable (<c>no host in upstream ""</c>). nginx answered each request 500
    /// itself with no try: one misconfiguration per address, named as nginx got it, with or without the access log.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UpstreamAddressMadeOfVariablesThatDidNotParse_IsNginxsOwn500(bool withAccessLog)
    {
        var (access, errors) = Captured("proxy-pass-variables-unparsed");

        var report = Analyze(withAccessLog ? access : [], errors, format: null);

        Assert.Equal(
            ["-", "127.0.0.1:19381", "http://", "jenkins:"],
            report.Incidents.Select(i => i.Upstream).Order(StringComparer.Ordinal));
        Assert.All(report.Incidents, incident =>
        {
            Assert.Equal((IncidentCause.Misconfiguration, 500, 3), (incident.Cause, incident.Status, incident.FailedRequests));
            Assert.Contains("variables", incident.Remediation[0], StringComparison.Ordinal);
            Assert.DoesNotContain(incident.Remediation, step => step.Contains("where the service really listens", StringComparison.Ordinal));
        });
    }

    /// <summary>
    /// nginx quotes an unusable <c>proxy_pass</c> value with its path, and the path is each request's own (a relative
    /// redirect's <c>Location</c> passed on, a captured URI): the requests fail at one address, the value before its
    /// path, or a path-only value's first segment. One misconfiguration, not one per request.
    /// </summary>
    [Theory]
    [InlineData("invalid URL prefix in \"/artifacts-downloads/namespaces/gcr.io/downloads/{0}\"", "/artifacts-downloads")]
    [InlineData("invalid URL prefix in \"registry:5000/v2/blobs/{0}?token=x\"", "registry:5000")]
    [InlineData("invalid port in upstream \"jenkins:/job/{0}/console\"", "jenkins:")]
    public void UnusableAddressWithEachRequestsPath_IsOneMisconfiguration(string message, string upstream)
    {
        string[] errors =
        [
            .. Enumerable.Range(0, 3).Select(i =>
                $"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 76#76: *{93 + i} {string.Format(System.Globalization.CultureInfo.InvariantCulture, message, $"AHf3wE{i}x9")} while sending to client, "
                + $"client: 127.0.0.1, server: proxy_caching_, request: \"GET /v2/crane/blobs/sha256:{i} HTTP/1.1\", host: \"gcr.io\""),
        ];

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((upstream, IncidentCause.Misconfiguration, 500, 3), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// Captured (Fixtures/captures/slice-later-range-timeout): the slice module (<c>slice 1m</c>) in front of a server
    /// that answers a file's first range and stalls on the later ones. The first slice is the main request's; each later
    /// one is a subrequest of the same path, fetched once the client has the status and that slice, so its timeout
    /// (<c>subrequest: "/depot/slow/file1.bin"</c>, then <c>unexpected status code 504 in slice response</c>) cut the
    /// download: the access log holds 200 and one MiB of three. No gateway error with the access log; alone, the error
    /// lines are answers cut short (status 0), with the slice module's own first fix.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LaterSliceThatTimedOut_CutTheDownload_NoGatewayError(bool withAccessLog)
    {
        var (access, errors) = Captured("slice-later-range-timeout");

        var report = LogAnalyzer.Analyze(withAccessLog ? [Input("access", access)] : [], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(4, report.Stats.ResponsesCutShort);
        if (withAccessLog)
        {
            Assert.Empty(report.Incidents);
            return;
        }

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:19481", IncidentCause.Timeout, RequestJoin.StatusPassedOn, 4), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Contains("slice", incident.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("auth_request", incident.Summary, StringComparison.Ordinal);
        Assert.Contains("$slice_range", incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// Captured (Fixtures/captures/stream-udp-unanswered): the stream module relaying UDP (Chatham time, +13:45). A
    /// DNS-like service with <c>proxy_responses 1</c> answered for 20 s and then went silent: each session after that
    /// waited <c>proxy_timeout</c> and ended with <c>$status</c> 502, <c>upstream timed out … while proxying connection,
    /// udp client: …</c>. A syslog relay that never answers, with no <c>proxy_responses</c>, timed out at [info] with 200,
    /// and a port nothing listened on (ICMP: <c>recv() failed (111: …) while proxying and reading from upstream</c>)
    /// ended its sessions 200 too: neither is a gateway error.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UdpSessionsTheUpstreamLeftUnanswered_End502AsTimeouts(bool withAccessLog)
    {
        var (access, errors) = Captured("stream-udp-unanswered");

        var report = Analyze(withAccessLog ? access : [], errors, format: null);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:19254", IncidentCause.Timeout, 502, 27), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Contains("`proxy_responses`", incident.Remediation[0], StringComparison.Ordinal);
        Assert.DoesNotContain(incident.Remediation, step => step.Contains("proxy_cache_use_stale", StringComparison.Ordinal) || step.Contains("proxy_read_timeout", StringComparison.Ordinal));
        Assert.Equal(0, report.Stats.MalformedLines);
    }

    /// <summary>
    /// A reset or an early close while reading the header, then nginx's warning that it disabled the server: the server
    /// is one of a group (a lone one is never disabled), and the default <c>proxy_next_upstream error</c> sends a GET to
    /// the next server, whose failure would have its own line. None came: each request was served. A POST nginx had
    /// sent is not sent again, so its reset is the request's 502.
    /// </summary>
    [Theory]
    [InlineData("GET", 0)]
    [InlineData("POST", 5)]
    public void ErrorLogAlone_ResetThenServerDisabled_IsATryTheNextServerAnsweredForRequestsNginxMaySendAgain(string method, int failed)
    {
        var errors = Enumerable.Range(0, 5).SelectMany(i =>
        {
            var context = $"client: 10.138.0.74, server: cafe.example.com, request: \"{method} /tea HTTP/1.1\", upstream: \"http://10.8.0.20:8080/tea\", host: \"cafe.example.com\"";
            var time = $"{Base.AddSeconds(i * 7):yyyy/MM/dd HH:mm:ss}";
            return new[]
            {
                $"{time} [error] 220549#220549: *{81169042 + i} recv() failed (104: Connection reset by peer) while reading response header from upstream, {context}",
                $"{time} [warn] 220549#220549: *{81169042 + i} upstream server temporarily disabled while reading response header from upstream, {context}",
            };
        });

        var report = Analyze([], errors);

        Assert.Equal(failed, report.Stats.FailedRequests);
        Assert.Equal(failed > 0 ? [IncidentCause.InvalidResponse] : [], report.Incidents.Select(i => i.Cause));
    }

    /// <summary>
    /// A stream session has no request: its connection is the session, and its tries on the servers of the block (each
    /// refused, each with a line on the same <c>*N</c>) are one failed session whose servers failed together, as one
    /// HTTP request's tries are: one incident, not one per pod.
    /// </summary>
    [Fact]
    public void ErrorLogAlone_OneStreamSessionsTriesOnTwoServers_AreOneFailedSession()
    {
        string Refused(int second, int session, string server) =>
            $"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 2454#2454: *{session} connect() failed (111: Connection refused) while connecting to upstream, client: 10.10.122.117, server: 0.0.0.0:55556, upstream: \"{server}:5555\", bytes from/to client:0/0, bytes from/to upstream:0/0";
        var errors = Enumerable.Range(0, 4).SelectMany(i => new[] { Refused(i * 5, 3584946 + i, "10.12.39.132"), Refused(i * 5, 3584946 + i, "10.12.26.199") });

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.UpstreamDown, 502, 4), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Equal(["10.12.26.199:5555", "10.12.39.132:5555"], incident.Servers);
    }

    /// <summary>
    /// ingress-nginx of 2016, its controller's own Lua calling it: 503s with a 23 KB page and every upstream field "-".
    /// No upstream was tried, so no upstream answered them: nginx did, and its error log (its [info] lines in the same
    /// stream) says nothing of a limit. Not an upstream's own 503.
    /// </summary>
    [Fact]
    public void AccessLog_IngressNginx2016_503sWithEveryUpstreamFieldDash_AreNoUpstreamsAnswer()
    {
        var access = Enumerable.Range(0, 4).Select(i =>
            $"127.0.0.1 - [127.0.0.1] - - [{Base.AddSeconds(i):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET / HTTP/1.1\" 503 {23342 + i} \"-\" \"lua-resty-http/0.07 (Lua) ngx_lua/10001\" 117 14.774 - - - -");
        var errors = Enumerable.Range(0, 4).Select(i => $"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [info] 23#23: *{45353 - 2 * i} client 127.0.0.1 closed keepalive connection");

        var incident = Assert.Single(Analyze(access, errors, format: null).Incidents);

        Assert.Equal((IncidentCause.Unknown, 503), (incident.Cause, incident.Status));
    }

    /// <summary>
    /// A name with IPv4 and IPv6 addresses, on a host without an IPv6 route: each request tries them round-robin, the
    /// IPv6 ones unreachable (101) every time, the IPv4 ones refusing the handshake (alert 40: no SNI). The request was
    /// lost on the servers nginx could reach, whichever try came last: a TLS failure, not the host's IPv6.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DualStackName_NoIpv6Route_RequestLostOnTheReachableServersHandshake(bool ipv6Last)
    {
        const string Context = "client: 106.34.76.116, server: proxy.test, request: \"GET /cover/{0} HTTP/2.0\", upstream: \"https://{1}:443/cover/{0}\", host: \"proxy.test\"";
        string Unreachable(int r, string address) =>
            $"connect() to [{address}]:443 failed (101: Network is unreachable) while connecting to upstream, " + string.Format(CultureInfo.InvariantCulture, Context, r, $"[{address}]");
        string Alert(int r, string address) =>
            "SSL_do_handshake() failed (SSL: error:14094410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream, " + string.Format(CultureInfo.InvariantCulture, Context, r, address);
        var errors = Enumerable.Range(0, 4).SelectMany(r =>
        {
            string[] tries = [Unreachable(r, "2001:db8::17"), Alert(r, "192.0.2.23"), Alert(r, "192.0.2.24"), Unreachable(r, "2001:db8::18")];
            return (ipv6Last ? tries : [tries[0], tries[3], tries[1], tries[2]]).Select(t => $"{Base.AddSeconds(r * 10):yyyy/MM/dd HH:mm:ss} [error] 6058#0: *{90048 + r} {t}");
        });

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.TlsHandshake, 502, 4), (incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// The steps name the directives of the module that passed the requests, read from the error lines' scheme:
    /// `proxy_next_upstream` does nothing under `fastcgi_pass`; gRPC has no cache to serve stale content from.
    /// </summary>
    [Theory]
    [InlineData("fastcgi://unix:/run/php/php8.1-fpm.sock:", "`fastcgi_next_upstream", true)]
    [InlineData("grpc://10.0.0.5:50051", "`grpc_next_upstream", false)]
    [InlineData("http://10.0.0.5:8080/", "`proxy_next_upstream", true)]
    public void Remediation_NamesTheModulesOwnDirectives(string upstream, string retry, bool staleContent)
    {
        var incident = Assert.Single(Analyze([], Burst("recv() failed (104: Connection reset by peer) while reading response header from upstream", upstream)).Incidents);

        Assert.Equal(IncidentCause.InvalidResponse, incident.Cause);
        Assert.Contains(incident.Remediation, step => step.Contains(retry, StringComparison.Ordinal));
        Assert.Equal(retry.StartsWith("`proxy", StringComparison.Ordinal), incident.Remediation.Any(step => step.Contains("`proxy_next_upstream", StringComparison.Ordinal)));
        Assert.Equal(staleContent, incident.Remediation.Any(step => step.Contains("_cache_use_stale", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The alert an upstream sent names what it refused, and so the directive to change first: a client certificate
    /// it asked for (116, 42, 48), a protocol version in common (70), a certificate for the name sent, or SNI at all
    /// (112, and 40 from a CDN that needs it); nginx's own verification failing is the CA to trust.
    /// </summary>
    [Theory]
    [InlineData("SSL_do_handshake() failed (SSL: error:0A00045C:SSL routines::tlsv13 alert certificate required:SSL alert number 116) while SSL handshaking to upstream", "https://10.0.0.5:8443/", "10.0.0.5:8443 asks for nginx's client certificate")]
    [InlineData("SSL_do_handshake() failed (SSL: error:0A00042E:SSL routines::tlsv1 alert protocol version:SSL alert number 70) while SSL handshaking to upstream", "https://10.0.0.5:443/", "Align protocols")]
    [InlineData("SSL_do_handshake() failed (SSL: error:14094410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream", "https://104.26.8.23:443/", "Send the right SNI")]
    [InlineData("upstream SSL certificate verify error: (20:unable to get local issuer certificate) while SSL handshaking to upstream", "https://10.0.0.5:443/", "Trust the CA")]
    public void TlsRefusal_TheAlertNamesTheFirstStep(string message, string upstream, string first)
    {
        var incident = Assert.Single(Analyze([], Burst(message, upstream)).Incidents);

        Assert.Equal(IncidentCause.TlsHandshake, incident.Cause);
        Assert.StartsWith(first, incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// ingress-nginx of 2016 proxying to its own default backend (127.0.0.1:8181, a server block of the same nginx):
    /// both hops land in one access log, the inner one first (no upstream, its 503 with 615 bytes), then the outer one
    /// (its try answered 503 with those 615 bytes). The inner line is the outer request's upstream answering: one
    /// incident, the upstream's own 503, not a limiter's besides. A 503 of no upstream that matches no outer hop stays.
    /// </summary>
    [Theory]
    [InlineData(615, 1)]
    [InlineData(600, 2)]
    public void IngressDefaultBackend_BothHopsInOneLog_TheInnerIsTheOutersAnswer(int outerReceived, int incidents)
    {
        var access = Enumerable.Range(0, 4).SelectMany(i => new[]
        {
            $"10.10.10.10 - [10.10.10.10, 10.10.10.10] - - [{Base.AddSeconds(i):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /p{i} HTTP/1.1\" 503 615 \"-\" \"agent here\" 592 0.000 - - - -",
            $"10.10.10.10 - [10.10.10.10] - - [{Base.AddSeconds(i):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /p{i} HTTP/2.0\" 503 730 \"-\" \"agent here\" 18 0.001 127.0.0.1:8181 {outerReceived} 0.001 503",
        });

        var report = Analyze(access, format: null);

        Assert.Equal(incidents, report.Incidents.Count);
        Assert.Contains(report.Incidents, i => (i.Upstream, i.Cause, i.FailedRequests) == ("127.0.0.1:8181", IncidentCause.UpstreamReturned, 4));
    }

    /// <summary>
    /// A stream session whose connect() was refused fails with 502 even where nginx names the relay's action ("while
    /// proxying connection", 0 bytes from and to the upstream): no connection was made to relay on. A session that was
    /// relaying and then timed out idle, on the same server, ended as a close does and fails nothing.
    /// </summary>
    [Fact]
    public void ErrorLogAlone_StreamConnectRefusedWhileProxying_IsAFailedSession()
    {
        string Line(int second, int session, string message) =>
            $"{Base.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 36593#36593: *{session} {message} while proxying connection, client: 192.168.1.1, server: 0.0.0.0:8883, upstream: \"192.168.1.52:1833\", bytes from/to client:0/0, bytes from/to upstream:0/0";
        var refused = Enumerable.Range(0, 3).Select(i => Line(i * 5, 3229 + i, "connect() failed (111: Connection refused)"));
        var idle = Enumerable.Range(0, 3).Select(i => Line(i * 5, 4229 + i, "upstream timed out (110: Connection timed out)"));

        var incident = Assert.Single(Analyze([], refused).Incidents);

        Assert.Equal(("192.168.1.52:1833", IncidentCause.UpstreamDown, 502, 3), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Empty(Analyze([], idle).Incidents);
    }

    /// <summary>
    /// Captured (Fixtures/captures/error-page-fallback-apache-503): <c>proxy_intercept_errors</c> with
    /// <c>error_page 502 503 504 @fallback</c> before Apache, whose backend died. The fallback location's upstream served
    /// each page (<c>ustatus=503 : 200</c>), and nginx kept the 503 for it: the failed upstream is Apache, once per
    /// request, and the fallback is no incident.
    /// </summary>
    [Fact]
    public void ErrorPageFallbackThatServed_IsNotTheFailedUpstream()
    {
        var (access, errors) = Captured("error-page-fallback-apache-503");

        var report = Analyze(access, errors, format: null);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:18206", IncidentCause.UpstreamReturned, 503, 14), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// Captured (Fixtures/captures/dst-fall-back-no-live-upstreams): daylight saving ends mid-capture, so the error log's
    /// local times go back an hour while the failures go on. nginx writes its error log in order: the hour that repeats
    /// is read in the new offset from the line where the clock went back, before the access log's lines reach the change,
    /// so both logs stay one incident, of all 60 of its 502s (the requests that tried a server and then found none left
    /// are the block's too). The servers were disabled by timeouts whose lines follow nginx's warning, so the "no live
    /// upstreams" is not the servers' own answers.
    /// </summary>
    [Fact]
    public void DaylightSavingEndsMidLog_ErrorLinesOfTheRepeatedHourMeetTheirRequests()
    {
        var (access, errors) = Captured("dst-fall-back-no-live-upstreams");

        var both = Analyze(access, errors, format: null);
        var alone = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(both.Incidents);
        Assert.Equal(("search_pool", IncidentCause.UpstreamDown, 502, 60), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Equal(DateTimeOffset.Parse("2026-12-04T08:45:21Z", CultureInfo.InvariantCulture), incident.Start);
        var fromErrors = Assert.Single(alone.Incidents);
        Assert.InRange(fromErrors.End - fromErrors.Start, TimeSpan.Zero, TimeSpan.FromMinutes(1));
    }

    /// <summary>
    /// An error log alone across a fall-back: refusals every 20 s, the local clock going back by the zone's change (half
    /// an hour on Lord Howe Island, an hour elsewhere) between two of them. Read in order, the failures are one minute of
    /// one incident; a jump back of three hours is no clock change (two days' files), nor one of 40 minutes between lines
    /// 20 s apart (another pod's lines after the first's), and each is left as written.
    /// </summary>
    [Theory]
    [InlineData(30, true)]
    [InlineData(60, true)]
    [InlineData(180, false)]
    [InlineData(40, false)]
    public void ErrorLogAloneAcrossAFallBack_StaysInOrder(int minutesBack, bool oneMinute)
    {
        var errors = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var local = Base.AddSeconds(20 * i) - (i >= 3 ? TimeSpan.FromMinutes(minutesBack) : TimeSpan.Zero);
            errors.Add($"{local:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i + 1} {Refused}, client: 10.9.8.7, server: shop.test, request: \"GET /a/{i} HTTP/1.1\", upstream: \"http://10.0.0.5:8080/a/{i}\", host: \"shop.test\"");
        }

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var span = report.Incidents.Max(i => i.End) - report.Incidents.Min(i => i.Start);
        Assert.Equal(oneMinute, span < TimeSpan.FromMinutes(2));
        Assert.Equal(6, report.Incidents.Sum(i => i.FailedRequests));
    }

    /// <summary>
    /// A dual-stack name (<c>proxy_pass https://api.example.com</c> resolves to an IPv6 and an IPv4 address) on a host
    /// without IPv6: every request that nginx tries on the IPv6 address first fails there at once (101) and goes on to
    /// the IPv4 one, which answers; the error log alone holds a line per such try and nothing else. Once in a while the
    /// IPv4 server fails too, and that request has both lines, then "no live upstreams" for the name while both are
    /// marked down. Those are the one outage, and its cause is the IPv4 server's: the IPv6 failure stands all along.
    /// Whether that telling request comes early or late in the log, the reading is the same.
    /// </summary>
    [Theory]
    [InlineData("closed", 3)]
    [InlineData("closed", 25)]
    [InlineData("connect-timeout", 3)]
    [InlineData("connect-timeout", 25)]
    public void Analyze_ErrorLogAlone_DualStackNameOnHostWithoutIpv6_CountsOnlyTheIpv4ServersFailures(string ipv4Failure, int outageMinute)
    {
        const string V6 = "[2001:db8::10]:443";
        const string V4 = "192.0.2.10:443";
        string Line(DateTimeOffset time, int cid, string message, string upstream) =>
            $"{time:yyyy/MM/dd HH:mm:ss} [error] 4242#4242: *{cid} {message}, client: 198.51.100.7, server: relay.example.net, request: \"POST /v1/messages HTTP/1.1\", upstream: \"https://{upstream}/v1/messages\", host: \"relay.example.net\"";
        var v6Failed = $"connect() to {V6} failed (101: Network is unreachable) while connecting to upstream";

        var errors = new List<string>();
        var cid = 100;
        for (var t = Base; t < Base.AddMinutes(40); t = t.AddSeconds(23))
        {
            if (t >= Base.AddMinutes(outageMinute) && t < Base.AddMinutes(outageMinute).AddSeconds(23))
            {
                var failed = ++cid;
                if (ipv4Failure == "closed")
                {
                    errors.Add(Line(t, failed, v6Failed, V6));
                    errors.Add(Line(t, failed, "upstream prematurely closed connection while reading response header from upstream", V4));
                }
                else
                {
                    // The IPv4 connect was tried first and timed out a minute later; nginx went on to the IPv6 address.
                    errors.Add(Line(t, failed, "upstream timed out (110: Connection timed out) while connecting to upstream", V4));
                    errors.Add(Line(t, failed, v6Failed, V6));
                }

                for (var i = 1; i <= 5; i++)
                {
                    errors.Add(Line(t.AddSeconds(i), ++cid, "no live upstreams while connecting to upstream", "api.example.com"));
                }

                continue;
            }

            errors.Add(Line(t, ++cid, v6Failed, V6));
        }

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal("api.example.com", incident.Upstream);
        Assert.Equal(ipv4Failure == "closed" ? IncidentCause.InvalidResponse : IncidentCause.Timeout, incident.Cause);
        Assert.Equal(6, incident.FailedRequests);
        Assert.Equal(502, incident.Status);
        Assert.True(report.Stats.TriesMovedPast > 90, $"{report.Stats.TriesMovedPast} tries moved past");
    }

    /// <summary>
    /// APISIX's route finding no node to proxy to (<c>failed to set upstream: no valid upstream node</c>: discovery
    /// returned none) is answered 503 by the gateway itself, not nginx's 502 for "no live upstreams", and its summary
    /// and steps are about the route's discovery, not servers that failed.
    /// </summary>
    [Theory]
    [InlineData("[lua] init.lua:540: http_access_phase(): failed to set upstream: no valid upstream node: nil")]
    [InlineData("[lua] init.lua:486: handle_upstream(): failed to set upstream: no valid upstream node")]
    public void Lua_ApisixRouteWithNoNode_IsTheGateways503(string message)
    {
        var errors = new[] { $"{Base:yyyy/MM/dd HH:mm:ss} [error] 47#47: *247095498 {message}, client: 192.0.2.7, server: _, request: \"GET /api/list HTTP/1.1\", host: \"api.example.com\"" };

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.UpstreamDown, 503), (incident.Cause, incident.Status));
        Assert.StartsWith("APISIX answered these requests 503 itself", incident.Summary, StringComparison.Ordinal);
        Assert.Contains("service discovery", incident.Remediation[0], StringComparison.Ordinal);
        Assert.DoesNotContain(incident.Remediation, step => step.Contains("max_fails", StringComparison.Ordinal));
    }

    /// <summary>
    /// APISIX's balancer handing nginx a node it would not take (<c>failed to set server peer [90:1] err: no host
    /// allowed</c>) made no try: a node that is no address is a misconfiguration, a name one the gateway did not resolve.
    /// </summary>
    [Theory]
    [InlineData("90:1", IncidentCause.Misconfiguration)]
    [InlineData("orders.shop.svc.cluster.local:8080", IncidentCause.Dns)]
    public void Lua_ApisixPeerNginxWouldNotTake_IsTheNodesFault(string peer, IncidentCause cause)
    {
        var errors = new[] { $"{Base:yyyy/MM/dd HH:mm:ss} [error] 45#45: *148532 [lua] balancer.lua:382: run(): failed to set server peer [{peer}] err: no host allowed while connecting to upstream, client: 172.18.0.1, server: _, request: \"PUT /apisix/admin/consumers HTTP/1.1\", host: \"127.0.0.1:9080\"" };

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((cause, peer, 502), (incident.Cause, incident.Upstream, incident.Status));
    }

    /// <summary>
    /// nginx out of connections is nginx overloaded whatever the request was doing when it asked for one: logged
    /// <c>while sending response to client</c> (a module opening a connection of its own), it is no client's fault, and
    /// scaling the upstream is no fix.
    /// </summary>
    [Fact]
    public void WorkerConnectionsExhaustedWhileSendingTheResponse_IsNginxOverloaded()
    {
        var errors = Enumerable.Range(0, 3).Select(i =>
            $"{Base.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [alert] 32590#0: *{2165 + (2 * i)} 2048 worker_connections are not enough while sending response to client, client: 127.0.0.1, server: localhost, request: \"GET / HTTP/1.0\", host: \"127.0.0.1:8000\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(IncidentCause.Overload, incident.Cause);
        Assert.Contains("worker_connections", incident.Remediation[0], StringComparison.Ordinal);
        Assert.DoesNotContain(incident.Remediation, step => step.StartsWith("Scale ", StringComparison.Ordinal));
    }

    /// <summary>
    /// nginx-proxy's default server (<c>return 503</c>) writes no error line: with the error log read and silent about
    /// these 503s, no upstream sent them (none was contacted), so they are still a Host no container is routed for.
    /// </summary>
    [Fact]
    public void NginxProxysDefaultServer503s_WithTheErrorLogReadAndSilent_AreStillUnrouted()
    {
        var time = Base.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture);
        string[] access = [$"subdomain.example.test 100.69.208.157 - - [{time} +0000] \"GET / HTTP/1.1\" 503 190 \"-\" \"Mozilla/5.0\" \"-\""];
        string[] errors = [$"{Base.AddSeconds(-140):yyyy/MM/dd HH:mm:ss} [notice] 21#21: signal 17 (SIGCHLD) received from 26", $"{Base.AddSeconds(60):yyyy/MM/dd HH:mm:ss} [notice] 21#21: signal 29 (SIGIO) received"];

        var incident = Assert.Single(Analyze(access, errors, format: "nginx-proxy").Incidents);

        Assert.Equal((IncidentCause.Misconfiguration, 503), (incident.Cause, incident.Status));
    }

    /// <summary>
    /// The steps speak the module that passed the requests: a FastCGI timeout's is <c>fastcgi_read_timeout</c> with
    /// PHP-FPM's own limit, a gRPC one's <c>grpc_read_timeout</c>; a response's temporary file behind FastCGI is
    /// <c>fastcgi_temp_path</c>; a unix socket's listener is looked for with <c>ls</c> and <c>ss -lxp</c>, not TCP's
    /// <c>ss -ltnp</c>.
    /// </summary>
    [Theory]
    [InlineData("upstream timed out (110: Connection timed out) while reading response header from upstream", "fastcgi://unix:/run/php/php8.2-fpm.sock:", "`fastcgi_read_timeout`", "`proxy_read_timeout`")]
    [InlineData("upstream timed out (110: Connection timed out) while reading response header from upstream", "grpcs://10.0.0.5:7233", "`grpc_read_timeout`", "raise `proxy_read_timeout`")]
    [InlineData("upstream timed out (110: Connection timed out) while reading response header from upstream", "http://10.0.0.5:8080/", "`proxy_read_timeout`", "`fastcgi_read_timeout` (default")]
    [InlineData("open() \"/var/cache/nginx/fastcgi_temp/6/00/0000000006\" failed (13: Permission denied) while reading upstream", "fastcgi://unix:/run/php/php8.2-fpm.sock:", "`fastcgi_temp_path`", "`proxy_temp_path`")]
    [InlineData("connect() to unix:/run/gitea/gitea.sock failed (111: Connection refused) while connecting to upstream", "http://unix:/run/gitea/gitea.sock:/", "`ss -lxp | grep gitea.sock`", "`ss -ltnp`")]
    public void Steps_SpeakTheModuleAndTransportThatFailed(string message, string upstream, string expected, string absent)
    {
        var errors = Enumerable.Range(0, 3).Select(i =>
            $"{Base.AddSeconds(i * 20):yyyy/MM/dd HH:mm:ss} [error] 10#10: *{i + 1} {message}, client: 192.0.2.88, server: , request: \"GET /index.php HTTP/1.1\", upstream: \"{upstream}\", host: \"app.test\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Contains(incident.Remediation, step => step.Contains(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(incident.Remediation, step => step.Contains(absent, StringComparison.Ordinal));
    }

    /// <summary>
    /// A read or write refused with EACCES on a connection nginx made (<c>readv() failed (13: Permission denied)</c>)
    /// is a security module denying nginx the socket, TCP or unix, whatever the phase: a misconfiguration whose fix is
    /// the socket's permissions or the policy, not a crash or a timeout, and no address is in question.
    /// </summary>
    [Theory]
    [InlineData("readv() failed (13: Permission denied) while reading upstream", "http://unix:/home/git/gitlab/tmp/sockets/gitlab.socket:/", "namei -l", RequestJoin.StatusPassedOn)]
    [InlineData("recv() failed (13: Permission denied) while reading response header from upstream", "http://10.0.0.5:8080/", "httpd_can_network_connect", 502)]
    public void PermissionDeniedOnAConnectionMade_IsASecurityPolicysMisconfiguration(string message, string upstream, string step, int status)
    {
        var errors = Enumerable.Range(0, 3).Select(i =>
            $"{Base.AddSeconds(i * 20):yyyy/MM/dd HH:mm:ss} [alert] 319#0: *{i + 4} {message}, client: 192.168.57.57, server: gitlab.test, request: \"GET / HTTP/1.1\", upstream: \"{upstream}\", host: \"gitlab.test\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.Misconfiguration, status), (incident.Cause, incident.Status));
        Assert.Contains(step, incident.Remediation[0], StringComparison.Ordinal);
        Assert.DoesNotContain(incident.Remediation, s => s.StartsWith("Check the address of ", StringComparison.Ordinal));
    }

    /// <summary>
    /// Headers too big for the buffer came from an upstream that answered: the fix is that module's buffer
    /// (<c>uwsgi_buffer_size</c> under <c>uwsgi_pass</c>), and no address is in question.
    /// </summary>
    [Theory]
    [InlineData("uwsgi://unix:/run/uwsgi/app/searx/socket:", "`uwsgi_buffer_size`")]
    [InlineData("fastcgi://127.0.0.1:9000", "`fastcgi_buffer_size`")]
    [InlineData("http://127.0.0.1:3000/", "`proxy_buffer_size`")]
    public void TooBigHeader_NamesTheModulesBufferAndNoAddress(string upstream, string directive)
    {
        var errors = Enumerable.Range(0, 3).Select(i =>
            $"{Base.AddSeconds(i * 20):yyyy/MM/dd HH:mm:ss} [error] 10#10: *{i + 1} upstream sent too big header while reading response header from upstream, client: 192.0.2.88, server: , request: \"GET / HTTP/1.1\", upstream: \"{upstream}\", host: \"app.test\"");

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(IncidentCause.Misconfiguration, incident.Cause);
        Assert.StartsWith($"Raise {directive}", incident.Remediation[0], StringComparison.Ordinal);
        Assert.DoesNotContain(incident.Remediation, s => s.StartsWith("Check the address of ", StringComparison.Ordinal));
    }

    /// <summary>A viewer's words glued after the Host's closing quote at the line's end (Grafana's <c>"abc.com"Show
    /// context</c>) are not the Host's.</summary>
    [Fact]
    public void HostWithAViewersWordsGluedAfterItsQuote_IsTheHostAlone()
    {
        string[] errors = [$"{Base:yyyy/MM/dd HH:mm:ss} [error] 7060#7060: *116192993 upstream prematurely closed connection while reading response header from upstream, client: 10.35.150.110, server: abc.com, request: \"POST /con HTTP/1.1\", upstream: \"http://10.35.31.44:3001/api/v1\", host: \"abc.com\"Show context"];

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("abc.com", "10.35.31.44:3001"), (incident.Host, incident.Upstream));
    }

    /// <summary>
    /// In a short paste, a Host the client chose (an open-proxy probe's absolute-form request, whose host nginx takes from
    /// the request line; an address typed as the Host) failing on the site's upstream the same way is the site's outage,
    /// by the site's name; another site's name on the same upstream stays its own.
    /// </summary>
    [Theory]
    [InlineData("GET http://www.baidu.com/ HTTP/1.1", "www.baidu.com", 1)]
    [InlineData("GET / HTTP/1.1", "168.119.164.100", 1)]
    [InlineData("GET / HTTP/1.1", "[2001:db8::7]:443", 1)]
    [InlineData("GET / HTTP/1.1", "shop.example.test", 2)]
    public void ShortPaste_AClientsOwnHostOnTheSitesUpstream_IsTheSitesOutage(string request, string host, int incidents)
    {
        string Line(int minutes, int cid, string req, string h) =>
            $"{Base.AddMinutes(minutes):yyyy/MM/dd HH:mm:ss} [error] 8213#0: *{cid} connect() failed (111: Connection refused) while connecting to upstream, client: 185.25.151.159, server: app.example.test, request: \"{req}\", upstream: \"http://172.17.0.83:5000/\", host: \"{h}\"";
        string[] errors = [Line(0, 1, request, host), Line(240, 2, "GET / HTTP/1.1", "app.example.test"), Line(241, 3, "GET / HTTP/1.1", "app.example.test")];

        var report = Analyze([], errors);

        Assert.Equal(incidents, report.Incidents.Count);
        var site = Assert.Single(report.Incidents, i => i.Host == "app.example.test");
        Assert.Equal((IncidentCause.UpstreamDown, 4 - incidents), (site.Cause, site.FailedRequests));
    }
}
