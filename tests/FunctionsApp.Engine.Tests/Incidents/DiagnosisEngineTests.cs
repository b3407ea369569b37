using System.Globalization;
using FunctionsApp.Incidents;
using static FunctionsApp.Engine.Tests.Incidents.EngineTestKit;

namespace FunctionsApp.Engine.Tests.Incidents;

public sealed class DiagnosisEngineTests
{
    private const string Refused = "connect() failed (111: Connection refused) while connecting to upstream";

    [Fact]
    public void Analyze_ServedThenRefused_IsUpstreamDownWithEvidence()
    {
        var access = Enumerable.Range(0, 5).Select(i => Access(i, 200))
            .Concat(Enumerable.Range(10, 5).Select(i => Access(i, 502, connect: "-", header: "-", cid: i)));
        var errors = Enumerable.Range(10, 5).Select(i => Error(i, $"connect() to 10.0.0.1:8080 failed (111: Connection refused) while connecting to upstream", cid: i));

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal(IncidentCause.UpstreamDown, incident.Cause);
        Assert.Equal("10.0.0.1:8080", incident.Upstream);
        Assert.Equal("api.test", incident.Host);
        Assert.Equal(5, incident.FailedRequests);
        Assert.Equal(5, incident.SuccessesBefore);
        Assert.Equal(new Dictionary<string, int> { ["502"] = 5 }, incident.Statuses);
        var evidence = Assert.Single(incident.Evidence);
        Assert.Equal(Refused, evidence.Signature);
        Assert.Equal(5, evidence.Count);
        Assert.Contains("*10 connect() to 10.0.0.1:8080 failed", evidence.Sample, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, r => r.Contains("proxy_cache_use_stale", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_RefusedSinceTheLogsBegin_IsUpstreamDown()
    {
        var access = Enumerable.Range(0, 4).Select(i => Access(i, 502, connect: "-", header: "-", cid: i));
        var errors = Enumerable.Range(0, 4).Select(i => Error(i, Refused, cid: i));

        Assert.Equal(IncidentCause.UpstreamDown, Assert.Single(Analyze(access, errors).Incidents).Cause);
    }

    [Fact]
    public void Analyze_NewRouteRefusedAfterMinutesOfHealthyTraffic_IsMisconfiguration()
    {
        // Ten minutes of another upstream serving, then a route to 10.0.0.9:8081 that refuses from its first request.
        var healthy = Enumerable.Range(0, 600).Where(s => s % 5 == 0).Select(s => Access(s, 200, upstream: "10.0.0.2:8080", cid: 1000 + s));
        var failing = Enumerable.Range(600, 6).Select(s => Access(s, 502, upstream: "10.0.0.9:8081", connect: "-", header: "-", cid: s));
        var errors = Enumerable.Range(600, 6).Select(s => Error(s, Refused, upstream: "10.0.0.9:8081", cid: s));

        var incident = Assert.Single(Analyze(healthy.Concat(failing), errors).Incidents);

        Assert.Equal((IncidentCause.Misconfiguration, "10.0.0.9:8081"), (incident.Cause, incident.Upstream));
        Assert.Contains("wrong address or port", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// The same route, whose upstream had closed connections on nginx (<c>upstream prematurely closed connection</c>)
    /// minutes before it refused them: a close comes after nginx was connected, so something listened at that address,
    /// and its refusals are a service that stopped (a restart), not nginx pointed at the wrong port.
    /// </summary>
    [Theory]
    [InlineData(false, IncidentCause.Misconfiguration)]
    [InlineData(true, IncidentCause.UpstreamDown)]
    public void Analyze_NewRouteRefusedAfterItClosedConnections_IsAServiceStopped(bool closedBefore, IncidentCause expected)
    {
        var healthy = Enumerable.Range(0, 600).Where(s => s % 5 == 0).Select(s => Access(s, 200, upstream: "10.0.0.2:8080", cid: 1000 + s));
        var closed = closedBefore ? Enumerable.Range(300, 3).Select(s => Access(s, 502, upstream: "10.0.0.9:8081", header: "-", cid: s)) : [];
        var closes = closedBefore ? Enumerable.Range(300, 3).Select(s => Error(s, "upstream prematurely closed connection while reading response header from upstream", upstream: "10.0.0.9:8081", cid: s)) : [];
        var failing = Enumerable.Range(600, 6).Select(s => Access(s, 502, upstream: "10.0.0.9:8081", connect: "-", header: "-", cid: s));
        var refusals = Enumerable.Range(600, 6).Select(s => Error(s, Refused, upstream: "10.0.0.9:8081", cid: s));

        var incidents = Analyze([.. healthy.Concat(closed).Concat(failing).OrderBy(AccessTime)], closes.Concat(refusals)).Incidents;

        Assert.Equal(expected, Assert.Single(incidents, i => i.Start >= new DateTimeOffset(2026, 11, 24, 10, 10, 0, TimeSpan.Zero)).Cause);

        static string AccessTime(string line) => line[(line.IndexOf('[') + 1)..line.IndexOf(']')];
    }

    [Fact]
    public void Analyze_FailoverToHealthyServer_IsEvidenceNotAFailedRequest()
    {
        var access = Enumerable.Range(0, 10).Select(i => Access(i, 200, upstream: "10.0.0.1:8080, 10.0.0.2:8080", upstreamStatus: "502, 200", connect: "-, 0.001", header: "-, 0.010", cid: i));
        var errors = Enumerable.Range(0, 10).Select(i => Error(i, Refused, cid: i));

        var report = Analyze(access, errors);

        Assert.Empty(report.Incidents);
        Assert.Equal(0, report.Stats.GatewayErrors);
    }

    [Fact]
    public void Analyze_FailoverDuringAnIncident_CountsRecoveredTries()
    {
        // 10.0.0.1 fails outright for some requests (no other server left) and is skipped by failover for others.
        var failed = Enumerable.Range(0, 5).Select(i => Access(i, 502, upstream: "10.0.0.1:8080", connect: "-", header: "-", cid: i));
        var recovered = Enumerable.Range(5, 3).Select(i => Access(i, 200, upstream: "10.0.0.1:8080, 10.0.0.2:8080", upstreamStatus: "502, 200", connect: "-, 0.001", header: "-, 0.010", cid: i));
        var errors = Enumerable.Range(0, 8).Select(i => Error(i, Refused, cid: i));

        var incident = Assert.Single(Analyze(failed.Concat(recovered), errors).Incidents);

        Assert.Equal(5, incident.FailedRequests);
        Assert.Equal(3, incident.FailedTriesRecovered);
    }

    [Fact]
    public void Analyze_OverlappingIncidentsOnTwoUpstreams_StaySeparate()
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            access.Add(Access(i, 504, upstream: "10.0.0.1:8080", header: "-", cid: 100 + i));
            errors.Add(Error(i, "upstream timed out (110: Connection timed out) while reading response header from upstream", upstream: "10.0.0.1:8080", cid: 100 + i));
            access.Add(Access(i, 502, upstream: "10.0.0.3:9000", host: "shop.test", connect: "-", header: "-", cid: 200 + i));
            errors.Add(Error(i, Refused, upstream: "10.0.0.3:9000", host: "shop.test", cid: 200 + i));
        }

        var incidents = Analyze(access, errors).Incidents;

        Assert.Equal(2, incidents.Count);
        var timeout = Assert.Single(incidents, i => i.Upstream == "10.0.0.1:8080");
        Assert.Equal((IncidentCause.Timeout, 504, "api.test"), (timeout.Cause, timeout.Status, timeout.Host));
        var refused = Assert.Single(incidents, i => i.Upstream == "10.0.0.3:9000");
        Assert.Equal(("shop.test", 6), (refused.Host, refused.FailedRequests));
    }

    [Fact]
    public void Analyze_QuietPeriodBetweenBursts_GivesTwoIncidents()
    {
        var times = new[] { 0, 1, 2, 400, 401, 402 };
        var access = times.Select(t => Access(t, 502, connect: "-", header: "-", cid: t))
            .Concat(Enumerable.Range(0, 10).Select(i => Access(200 + (i * 10), 200, cid: 1_000 + i)));
        var errors = times.Select(t => Error(t, Refused, cid: t));

        var incidents = Analyze(access, errors).Incidents;

        Assert.Equal(2, incidents.Count);
        Assert.Equal(IncidentState.Resolved, incidents[0].State);

        // The logs end within the quiet period after the second burst: it may still be going on.
        Assert.Equal(IncidentState.Open, incidents[1].State);
        Assert.NotEqual(incidents[0].Id, incidents[1].Id);
    }

    [Fact]
    public void Analyze_ErrorLogAlone_TriesOfOneRequestOnTwoServers_AreOneIncidentOfTheBlock()
    {
        // upstream app_backend { server 10.1.0.21:8080; server 10.1.0.22:8080; }: each request tries both servers (two
        // lines, one connection), nginx marks them down and then answers "no live upstreams" under the block's name.
        var errors = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            foreach (var server in new[] { "10.1.0.21:8080", "10.1.0.22:8080" })
            {
                errors.Add(Error(i, Refused, upstream: server, host: "app.test", cid: 100 + i, path: $"/orders/{i}"));
            }
        }

        for (var i = 8; i < 20; i++)
        {
            errors.Add(Error(i, "no live upstreams while connecting to upstream", upstream: "app_backend", host: "app.test", cid: 100 + i, path: $"/orders/{i}"));
        }

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("app_backend", IncidentCause.UpstreamDown, 20), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Equal(["10.1.0.21:8080", "10.1.0.22:8080"], incident.Servers);
    }

    [Fact]
    public void Analyze_ServerServingWhileTheBlockHasNoLiveServer_IsItsOwnIncident()
    {
        // upstream app_backend { server 10.1.0.21:8080; server 10.1.0.22:8080; } fails and nginx answers "no live
        // upstreams" for /orders/; /login/ is proxied to 10.0.0.9:9000 on its own, which keeps serving, then refuses.
        // nginx logs "no live upstreams" only when every server of the block is down: a server serving then is not one.
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 40; s++)
        {
            var orders = $"/orders/{s}";
            if (s < 10)
            {
                access.Add(Access(s, 200, upstream: s % 2 == 0 ? "10.1.0.21:8080" : "10.1.0.22:8080", cid: 100 + s, path: orders));
            }
            else if (s < 14)
            {
                access.Add(Access(s, 502, upstream: "10.1.0.21:8080, 10.1.0.22:8080", upstreamStatus: "502, 502", connect: "-, -", header: "-, -", cid: 100 + s, path: orders));
                errors.Add(Error(s, Refused, upstream: "10.1.0.21:8080", cid: 100 + s, path: orders));
                errors.Add(Error(s, Refused, upstream: "10.1.0.22:8080", cid: 100 + s, path: orders));
            }
            else
            {
                access.Add(Access(s, 502, upstream: "app_backend", connect: "-", header: "-", cid: 100 + s, path: orders));
                errors.Add(Error(s, "no live upstreams while connecting to upstream", upstream: "app_backend", cid: 100 + s, path: orders));
            }

            var login = $"/login/{s}";
            if (s < 24)
            {
                access.Add(Access(s, 200, upstream: "10.0.0.9:9000", cid: 500 + s, path: login));
            }
            else
            {
                access.Add(Access(s, 502, upstream: "10.0.0.9:9000", connect: "-", header: "-", cid: 500 + s, path: login));
                errors.Add(Error(s, Refused, upstream: "10.0.0.9:9000", cid: 500 + s, path: login));
            }
        }

        var incidents = Analyze(access, errors).Incidents.OrderBy(i => i.Upstream, StringComparer.Ordinal).ToList();

        Assert.Equal(
            [("10.0.0.9:9000", IncidentCause.UpstreamDown, 16), ("app_backend", IncidentCause.UpstreamDown, 30)],
            incidents.Select(i => (i.Upstream, i.Cause, i.FailedRequests)));
        Assert.DoesNotContain("10.0.0.9:9000", incidents[1].Servers ?? []);
    }

    [Fact]
    public void Analyze_NoLiveUpstreamsWithoutAnUpstreamField_SaysSoWithoutNamingAGroup()
    {
        // nginx has no peer to name when the whole group is down: the line carries no upstream field.
        var errors = Enumerable.Range(0, 5).Select(i =>
            $"2026/11/24 10:00:0{i} [error] 77#77: *{i} no live upstreams while connecting to upstream, client: 10.9.8.7, server: shop.test, request: \"GET / HTTP/1.1\", host: \"shop.test\"");

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal(IncidentCause.UpstreamDown, incident.Cause);
        Assert.StartsWith("nginx found no live server in the upstream group (no live upstreams)", incident.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_FailuresNeverThreeInAWindow_AreAnalysedAsOneProblemOfTheirUpstream()
    {
        // Two refusals in a second, a third five minutes later: no burst, and nothing else in the logs to explain. A
        // short paste's failures of one upstream, host and cause are the one problem it asks about, the gap aside.
        var access = new[] { 0, 1, 300 }.Select(t => Access(t, 502, connect: "-", header: "-", cid: t));
        var errors = new[] { 0, 1, 300 }.Select(t => Error(t, Refused, cid: t));

        var report = Analyze(access, errors);

        Assert.Equal((3, true), (report.Stats.FailedRequests, report.Stats.BelowThreshold));
        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.UpstreamDown, 3, 300.0), (incident.Cause, incident.FailedRequests, (incident.End - incident.Start).TotalSeconds));
    }

    [Fact]
    public void Analyze_ErrorLogAloneCarryingBothLogs_ReadsTheAccessLinesAndTheirZone()
    {
        // `docker compose logs` of the official image, given as the error log: nginx's access lines (stdout, +05:30)
        // among its error lines (stderr, local time) and the application's own lines.
        var stream = new List<string> { "app-1    | [2026-11-24 10:00:00 +0530] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)" };
        foreach (var second in new[] { 1, 2, 3 })
        {
            stream.Add($"nginx-1  | 2026/11/24 10:01:0{second} [error] 29#29: *{second} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 172.18.0.1, server: shop.test, request: \"GET /cart HTTP/1.1\", upstream: \"http://172.18.0.3:8000/cart\", host: \"shop.test\"");
            stream.Add($"nginx-1  | 172.18.0.1 - - [24/Nov/2026:10:01:0{second} +0530] \"GET /cart HTTP/1.1\" 504 167 \"-\" \"curl/8.5.0\" \"-\"");
        }

        var report = LogAnalyzer.Analyze([], [Input("error", stream)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal((3L, 3L, "main"), (report.Stats.AccessLines, report.Stats.ErrorLines, report.Stats.Format));
        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("172.18.0.3:8000", IncidentCause.Timeout, 504), (incident.Upstream, incident.Cause, incident.Status));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 4, 31, 1, TimeSpan.Zero), incident.Start);
        Assert.Equal("+05:30", report.Stats.ErrorLogUtcOffset);
    }

    [Fact]
    public void Analyze_AccessLinesAloneGivenAsTheErrorLog_AreReadWithoutTakingNginxsSilenceForAnAnswer()
    {
        // A paste of access lines given as the error log: no error line of nginx's in it, so its silence says nothing
        // of who made the 504s (read as the upstream's own before), and nginx's own timer is the likelier.
        var stream = new[] { 1, 31, 61 }.Select(s =>
            $"10.9.8.7 - - [24/Nov/2026:10:0{s / 60}:{s % 60:D2} +0000] \"POST /api/chat HTTP/1.1\" 504 167 \"-\" \"python-requests/2.31\"");

        var report = LogAnalyzer.Analyze([], [Input("error", stream)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal((3L, 0L), (report.Stats.AccessLines, report.Stats.ErrorLines));
        Assert.Equal((IncidentCause.Timeout, 504), (Assert.Single(report.Incidents).Cause, report.Incidents[0].Status));
    }

    [Fact]
    public void Analyze_ErrorLogAloneWithAnApplicationsLines_ReadsNoAccessFormatFromThem()
    {
        // gunicorn's lines carry a time and numbers, but no request and no status: they are not an access log.
        var stream = new[]
        {
            "[2026-11-24 10:01:00 +0000] [1] [INFO] Booting worker with pid: 7",
            "[2026-11-24 10:01:30 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:7)",
            "[2026-11-24 10:01:30 +0000] [7] [INFO] Worker exiting (pid: 7)",
            "[2026-11-24 10:01:31 +0000] [9] [INFO] Booting worker with pid: 9",
            Error(90, "upstream prematurely closed connection while reading response header from upstream"),
        };

        var report = LogAnalyzer.Analyze([], [Input("error", stream)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal((0L, "none"), (report.Stats.AccessLines, report.Stats.Format));

        // Its WORKER TIMEOUT line says why the connection closed: gunicorn killed the worker at its --timeout.
        Assert.Equal(IncidentCause.Timeout, Assert.Single(report.Incidents).Cause);
    }

    /// <summary>
    /// A reset (502) and, later, a read timeout (504) of one server read as a timeout: the summary names the timer that
    /// ran out, not the reset that happens to sort first among as many of each.
    /// </summary>
    [Fact]
    public void Analyze_ResetThenTimeoutOfOneServer_NamesTheTimeoutInItsWords()
    {
        string[] errors =
        [
            "2023/05/10 14:22:31 [error] 11244#9876: *17 WSARecv() failed (10054: An existing connection was forcibly closed by the remote host) while reading response header from upstream, client: 127.0.0.1, server: localhost, request: \"GET /api HTTP/1.1\", upstream: \"http://127.0.0.1:8081/api\", host: \"localhost\"",
            "2023/05/10 14:23:46 [error] 11244#9876: *19 upstream timed out (10060: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond) while reading response header from upstream, client: 127.0.0.1, server: localhost, request: \"GET /api HTTP/1.1\", upstream: \"http://127.0.0.1:8081/api\", host: \"localhost\"",
        ];

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(IncidentCause.Timeout, incident.Cause);
        Assert.Contains("(upstream timed out)", incident.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("reset", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// A README's paste of one line hard-wrapped at 80 columns, from its level on: ngx_http_upstream_test_connect's
    /// <c>connect() failed (111: …)</c> names no peer and its phase and context went to the next lines.
    /// </summary>
    [Fact]
    public void Analyze_PeerlessConnectWrappedOverFourLines_IsOneRefusalAtTheUpstreamItsContextNames()
    {
        string[] stream =
        [
            "[error] 7#7: *6 connect() failed (111: Connection refused) ",
            "while connecting to upstream, client: 172.17.0.1, server: , ",
            "request: \"GET /game HTTP/1.1\", upstream: \"http://172.17.0.4:9999/game\", ",
            "host: \"localhost\"",
        ];

        var report = LogAnalyzer.Analyze([], [Input("error", stream)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.UpstreamDown, "172.17.0.4:9999", 502), (incident.Cause, incident.Upstream, incident.Status));
        Assert.Equal(0L, report.Stats.MalformedLines);
    }

    /// <summary>A document's example line with a placeholder where the time goes (<c>YYYY/MM/DD HH:mm:ss</c>): read as a
    /// line pasted without its time, not dropped for a time that is no time.</summary>
    [Theory]
    [InlineData("\tYYYY/MM/DD HH:mm:ss")]
    [InlineData("2023/13/45 25:00:00")]
    public void Analyze_LineWithAPlaceholderForItsTime_IsReadUntimed(string placeholder)
    {
        var line = $"{placeholder} [crit] 5439#0: *1 connect() to 127.0.0.1:8080 failed (13: Permission denied) while connecting to upstream, client: 10.75.17.83, server: 10.75.19.221, request: \"GET /geoserver HTTP/1.1\", upstream: \"http://127.0.0.1:8080/geoserver\", host: \"10.75.19.221\"";

        var report = LogAnalyzer.Analyze([], [Input("error", [line])], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.Misconfiguration, "127.0.0.1:8080"), (incident.Cause, incident.Upstream));
        Assert.Equal((0L, 1L), (report.Stats.MalformedLines, report.Stats.UntimedErrorLines));
    }

    /// <summary>
    /// A forum paste: nginx's line, then PHP-FPM's log below it. FPM's master killed the child at
    /// <c>request_terminate_timeout</c> and nginx saw the reset; no nginx line follows the kill to lend it a time, so it
    /// takes the last one's, the lines it was pasted with. Without the FPM lines the same reset is a broken answer.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Analyze_PhpFpmKillPastedBelowNginxsLine_ReadsAsItsTimeLimit(bool withFpm)
    {
        const string Reset = "2024/03/11 10:15:02 [error] 1234#1234: *5678 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.0.0.5, server: example.com, request: \"GET /report.php HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.1-fpm.sock:\", host: \"example.com\"";
        string[] fpm =
        [
            "[11-Mar-2024 10:15:02] WARNING: [pool www] child 4321, script '/var/www/html/report.php' (request: \"GET /report.php\") execution timed out (30.012345 sec), terminating",
            "[11-Mar-2024 10:15:02] WARNING: [pool www] child 4321 exited on signal 15 (SIGTERM) after 1200.5 seconds from start",
            "[11-Mar-2024 10:15:03] NOTICE: [pool www] child 4400 started",
        ];
        string[] stream = withFpm ? [Reset, .. fpm] : [Reset];

        var report = LogAnalyzer.Analyze([], [Input("error", stream)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((withFpm ? IncidentCause.Timeout : IncidentCause.InvalidResponse, "unix:/run/php/php8.1-fpm.sock"), (incident.Cause, incident.Upstream));
        Assert.Equal(withFpm, incident.Summary.Contains("as PHP-FPM killed 1 worker(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_ShortPasteWithAnAccessLineWhoseErrorLineIsMissing_CountsItInTheNamedIncident()
    {
        // A compose paste cut after an access line whose error line docker had not yet interleaved: `combined` names
        // neither upstream nor host, so that 502 alone would read as the upstream's own answer of no name.
        string Refused(int second, string path) =>
            $"proxy  | 2018/10/16 05:58:{second:D2} [error] 8#8: *2 connect() failed (111: Connection refused) while connecting to upstream, client: 172.21.0.1, server: localhost, request: \"GET {path} HTTP/1.1\", upstream: \"http://172.21.0.3:9001{path}\", host: \"localhost:9001\"";
        string Access(int minute, int second, string path) =>
            $"proxy  | 172.21.0.1 - - [16/Oct/2018:05:{minute:D2}:{second:D2} +0000] \"GET {path} HTTP/1.1\" 502 575 \"-\" \"Mozilla/5.0 Chrome/69.0\"";
        var stream = new[] { Refused(20, "/"), Access(58, 20, "/"), Refused(21, "/favicon.ico"), Access(58, 21, "/favicon.ico"), Access(59, 38, "/") };

        var report = LogAnalyzer.Analyze([Input("stream", stream)], [], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("172.21.0.3:9001", IncidentCause.UpstreamDown, 3), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Equal(new DateTimeOffset(2018, 10, 16, 5, 59, 38, TimeSpan.Zero), incident.End);
    }

    /// <summary>
    /// nginx-proxy's format names the host but no upstream: a paste's 502s of a host whose error lines it cut, beside
    /// that host's refusals, are the refused upstream's; another host's are not.
    /// </summary>
    [Theory]
    [InlineData("stage.test", 3)]
    [InlineData("other.test", 1)]
    public void Analyze_ShortPasteOfAHostFirstFormat_AHostsLinesWithoutErrorLinesJoinItsNamedIncident(string host, int failed)
    {
        string Refused(int minute, int second, int cid) =>
            $"nginx.1    | 2021/03/05 03:{minute:D2}:{second:D2} [error] 145#145: *{cid} connect() failed (111: Connection refused) while connecting to upstream, client: 162.158.62.188, server: stage.test, request: \"GET /sockjs/info HTTP/1.1\", upstream: \"http://172.17.0.4:3000/sockjs/info\", host: \"stage.test\"";
        string Access(string site, int minute, int second) =>
            $"nginx.1    | {site} 162.158.62.188 - - [05/Mar/2021:03:{minute:D2}:{second:D2} +0000] \"GET /sockjs/info HTTP/1.1\" 502 559 \"-\" \"Mozilla/5.0\"";
        var access = new[] { Access(host, 15, 39), Access(host, 29, 27), Access("stage.test", 34, 57) };
        var errors = new[] { Refused(34, 57, 12) };

        var report = LogAnalyzer.Analyze([Input("access", access)], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents, i => i.Upstream == "172.17.0.4:3000");
        Assert.Equal((IncidentCause.UpstreamDown, failed), (incident.Cause, incident.FailedRequests));
    }

    /// <summary>
    /// gunicorn's sync workers swamped: nginx's read timeouts (504) in one burst, and before and after it the workers
    /// gunicorn kills at its own timeout closing connections (502), a few minutes apart. The closes are one incident
    /// with the episodes around it; reaching across the burst of timeouts, it is one outage with them.
    /// </summary>
    [Fact]
    public void Analyze_ErrorLogAlone_ClosesAroundABurstOfTimeouts_AreOneOutage()
    {
        const string TimedOut = "upstream timed out (110: Connection timed out) while reading response header from upstream";
        const string Closed = "upstream prematurely closed connection while reading response header from upstream";
        var errors = new List<string>();
        var cid = 1;
        foreach (var minute in new[] { 0, 1, 3, 4, 12, 13, 15, 17, 19, 20, 21, 25, 26 })
        {
            errors.Add(Error(minute * 60, Closed, upstream: "127.0.0.1:8001", host: "tilder.test", cid: cid++, path: $"/p/{minute}"));
        }

        for (var second = 0; second < 60; second += 3)
        {
            errors.Add(Error(540 + second, TimedOut, upstream: "127.0.0.1:8001", host: "tilder.test", cid: cid++, path: $"/q/{second}"));
        }

        errors.Sort(StringComparer.Ordinal);

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal(("127.0.0.1:8001", 33), (incident.Upstream, incident.FailedRequests));
    }

    /// <summary>
    /// puma's socket backlog full: the load balancer's health check, by the instance's address, fails seconds before the
    /// site's requests fail the same way. One upstream failing one way for two hosts is one outage, and it began with
    /// the health check's failure, too few alone to be an incident.
    /// </summary>
    [Fact]
    public void Analyze_ShortPaste_AnotherHostsFailureSecondsBeforeTheIncident_CountsInIt()
    {
        const string Backlog = "connect() to unix:///var/run/puma/my_app.sock failed (11: Resource temporarily unavailable) while connecting to upstream";
        var errors = new[]
        {
            Error(0, Backlog, upstream: "unix:///var/run/puma/my_app.sock", host: "172.31.47.234", cid: 321, path: "/healthcheck"),
            Error(7, Backlog, upstream: "unix:///var/run/puma/my_app.sock", host: "api.test", cid: 323, path: "/graphql"),
            Error(8, Backlog, upstream: "unix:///var/run/puma/my_app.sock", host: "api.test", cid: 325, path: "/graphql"),
            Error(8, Backlog, upstream: "unix:///var/run/puma/my_app.sock", host: "api.test", cid: 327, path: "/graphql"),
        };

        var incident = Assert.Single(Analyze([], errors).Incidents);

        Assert.Equal((IncidentCause.Overload, 4, "10:00:00"), (incident.Cause, incident.FailedRequests, incident.Start.ToString("HH:mm:ss", CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Analyze_ShortPasteWithUnnamedFailuresBesideTwoNamedIncidents_KeepsThemApart()
    {
        // Two upstreams failing with 502: which one the unnamed 502 belongs to, nothing says.
        var errors = new[]
        {
            Error(0, Refused, upstream: "10.0.0.1:8080", cid: 1),
            Error(1, Refused, upstream: "10.0.0.2:8080", host: "shop.test", cid: 2),
        };
        var access = new[]
        {
            "10.9.8.7 - - [24/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"",
            "10.9.8.7 - - [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"",
            "10.9.8.7 - - [24/Nov/2026:10:00:40 +0000] \"GET /x HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"",
        };

        var report = Analyze(access, errors, format: null);

        Assert.Equal(3, report.Incidents.Count);
        Assert.Contains(report.Incidents, i => i.Upstream == "(unknown)");
    }

    /// <summary>
    /// <c>proxy_pass http://localhost:9000</c> is a group of [::1] and 127.0.0.1. A try on [::1] that fails (no IPv6 on the
    /// container's loopback, or the application listening on IPv4 only) goes on to 127.0.0.1; had that failed too, it would
    /// have a line of its own, for the same connection. Pasted alone without nginx's warning (the default
    /// <c>error_log</c> level hides warnings; or <c>proxy_pass http://[::1]:9000</c>, a lone server, which nginx never
    /// disables), the try may have been the request's only one, and whoever pasted it asks about it: the address family is
    /// what is wrong (a misconfiguration, refused or not), at low confidence, and the report says that 127.0.0.1 logged no
    /// failure. With the warning, nginx said it went on (<see cref="Analyze_ShortPasteOfTriesNginxSaidItTookToIpv4_HasNoIncident"/>).
    /// </summary>
    [Theory]
    [InlineData("[crit] 1054#1054: *23 connect() to [::1]:9000 failed (99: Address not available)", false)]
    [InlineData("[error] 1054#1054: *23 connect() failed (111: Connection refused)", false)]
    public void Analyze_ShortPasteOfATryOnLocalhostsIpv6Address_IsALowConfidenceMisconfiguration(string failure, bool warned)
    {
        var tail = " while connecting to upstream, client: 172.18.0.1, server: , request: \"GET /about HTTP/1.1\", upstream: \"fastcgi://[::1]:9000\", host: \"www.website.test\"";
        List<string> errors = [$"2019/12/20 18:08:12 {failure}{tail}"];
        if (warned)
        {
            errors.Add($"2019/12/20 18:08:12 [warn] 1054#1054: *23 upstream server temporarily disabled{tail}");
        }

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(IncidentCause.Misconfiguration, incident.Cause);
        Assert.Equal("[::1]:9000", incident.Upstream);
        Assert.InRange(incident.Confidence, 0.1, 0.6);
        Assert.Contains("127.0.0.1:9000", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// Tries nginx said it went past (<c>upstream server temporarily disabled</c>, which it logs only for a server of a
    /// group of several) with no line after them for their connection: the next server answered, and no client got an
    /// error. On localhost's [::1] (refused, or no IPv6 on the loopback) or on an IPv6 address of a host without IPv6,
    /// that next server is the same name's IPv4 address: the report says so, however few such tries the paste holds.
    /// As many tries as the threshold on another server are a failover that kept serving.
    /// </summary>
    [Theory]
    [InlineData("[::1]:8080", "connect() failed (111: Connection refused)", 1, true)]
    [InlineData("[::1]:8080", "connect() failed (111: Connection refused)", 5, true)]
    [InlineData("[::1]:9000", "connect() to [::1]:9000 failed (99: Address not available)", 1, true)]
    [InlineData("[2a00:1450:4001:824::2010]:443", "connect() to [2a00:1450:4001:824::2010]:443 failed (101: Network unreachable)", 1, true)]
    [InlineData("10.0.0.7:8080", "connect() failed (111: Connection refused)", 3, false)]
    public void Analyze_ShortPasteOfTriesNginxSaidItTookToIpv4_HasNoIncident(string server, string failure, int tries, bool toIpv4)
    {
        var errors = Enumerable.Range(0, tries).SelectMany(i => new[]
        {
            $"2016/07/05 22:27:{10 + (i * 7):D2} [error] 11#0: *{1 + i} {failure} while connecting to upstream, client: 203.0.113.9, server: _, request: \"GET / HTTP/1.1\", upstream: \"uwsgi://{server}\", host: \"203.0.113.1:8080\"",
            $"2016/07/05 22:27:{10 + (i * 7):D2} [warn] 11#0: *{1 + i} upstream server temporarily disabled while connecting to upstream, client: 203.0.113.9, server: _, request: \"GET / HTTP/1.1\", upstream: \"uwsgi://{server}\", host: \"203.0.113.1:8080\"",
        });

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Empty(report.Incidents);
        Assert.Equal((tries, toIpv4 ? tries : 0), (report.Stats.TriesMovedPast, report.Stats.TriesMovedPastToIpv4));
    }

    /// <summary>
    /// As many [::1] refusals as an incident's threshold, and more, pasted without nginx's warning (hidden at the default
    /// <c>error_log</c> level): each may have been nginx's only try, or one it went on from to 127.0.0.1 (no line there):
    /// the IPv4-only listener either way, not a failover that kept serving. Tries moved past on other servers, as many,
    /// stay a failover nobody is told about.
    /// </summary>
    [Theory]
    [InlineData("[::1]:8080", 3, true)]
    [InlineData("[::1]:8080", 5, true)]
    [InlineData("10.0.0.7:8080", 3, false)]
    public void Analyze_ShortPasteOfManyTriesMovedPast_ReportsOnlyLocalhostsIpv6(string server, int tries, bool reported)
    {
        // The warning only where it tells the failover: on another server, it is what says nginx went on.
        var errors = Enumerable.Range(0, tries).SelectMany(i => new[]
        {
            $"2016/07/05 22:27:{10 + (i * 7):D2} [error] 11#0: *{1 + i} connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.9, server: _, request: \"GET / HTTP/1.1\", upstream: \"uwsgi://{server}\", host: \"203.0.113.1:8080\"",
            $"2016/07/05 22:27:{10 + (i * 7):D2} [warn] 11#0: *{1 + i} upstream server temporarily disabled while connecting to upstream, client: 203.0.113.9, server: _, request: \"GET / HTTP/1.1\", upstream: \"uwsgi://{server}\", host: \"203.0.113.1:8080\"",
        }).Where(line => reported ? !line.Contains("[warn]", StringComparison.Ordinal) : true);

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(reported, report.Incidents.Count == 1);
        if (reported)
        {
            Assert.Equal((IncidentCause.Misconfiguration, server), (report.Incidents[0].Cause, report.Incidents[0].Upstream));
            Assert.Contains("127.0.0.1:8080", report.Incidents[0].Summary, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(report.Incidents);
        }
    }

    /// <summary>
    /// A [::1] refusal pasted under an access line of another request minutes before: that access log ends before the
    /// try, so it says nothing of whether 127.0.0.1 answered; the paste is about the try, as with no access log at all.
    /// An access line of the same moment (the request answered) does tell: nothing to report. Nor when nginx's warning
    /// says it went on to 127.0.0.1, which logged no failure.
    /// </summary>
    [Theory]
    [InlineData(-289, false, true)]
    [InlineData(0, false, false)]
    [InlineData(-289, true, false)]
    public void Analyze_Ipv6TryAfterTheAccessLogsEnd_IsStillAboutIt(int accessSecond, bool warned, bool reported)
    {
        var at = new DateTimeOffset(2024, 4, 22, 11, 9, 10, TimeSpan.Zero);
        string[] access = [$"10.10.200.4 - - [{at.AddSeconds(accessSecond):dd/MMM/yyyy:HH:mm:ss} +0000] \"POST /backend.php HTTP/1.1\" 200 5 \"-\" \"Reeder/4020.89.01\""];
        string[] errors =
        [
            $"{at:yyyy/MM/dd HH:mm:ss} [error] 17#17: *14 connect() failed (111: Connection refused) while connecting to upstream, client: 10.10.200.4, server: , request: \"POST /backend.php HTTP/1.1\", upstream: \"fastcgi://[::1]:9000\", host: \"rss.test\"",
            .. warned ? [$"{at:yyyy/MM/dd HH:mm:ss} [warn] 17#17: *14 upstream server temporarily disabled while connecting to upstream, client: 10.10.200.4, server: , request: \"POST /backend.php HTTP/1.1\", upstream: \"fastcgi://[::1]:9000\", host: \"rss.test\""] : Array.Empty<string>(),
        ];

        var report = LogAnalyzer.Analyze([Input("access", access)], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(reported, report.Incidents.Count == 1);
        Assert.All(report.Incidents, i => Assert.Equal((IncidentCause.Misconfiguration, "[::1]:9000"), (i.Cause, i.Upstream)));
    }

    /// <summary>
    /// The same refusal on [::1] from a client that is no container network's gateway: nothing says the application is
    /// in another container, and 127.0.0.1 logged no failure, so the application listens on IPv4 only.
    /// </summary>
    [Fact]
    public void Analyze_ShortPasteOfARefusalOnLocalhostsIpv6Address_IsAnIpv4OnlyListener()
    {
        string[] errors =
        [
            "2017/02/05 09:34:09 [error] 17514#0: *719 connect() failed (111: Connection refused) while connecting to upstream, client: 198.51.100.7, server: shop.test, request: \"GET / HTTP/1.1\", upstream: \"http://[::1]:6667/\", host: \"shop.test\"",
        ];

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(IncidentCause.Misconfiguration, incident.Cause);
        Assert.InRange(incident.Confidence, 0.1, 0.5);
        Assert.Contains("127.0.0.1:6667", incident.Summary, StringComparison.Ordinal);
        Assert.StartsWith("`localhost` names both [::1] and 127.0.0.1", incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// Refusals on [::1] and then on 127.0.0.1, the same request's two tries of <c>localhost</c>: nothing listens on
    /// either, and the application is down, not on the wrong address family.
    /// </summary>
    [Fact]
    public void Analyze_RefusalsOnBothOfLocalhostsAddresses_AreTheApplicationDown()
    {
        var tail = " while connecting to upstream, client: 198.51.100.7, server: , request: \"GET / HTTP/1.1\", upstream: \"http://{0}/\", host: \"www.website.test\"";
        string[] errors =
        [
            "2019/06/27 04:21:14 [error] 10460#10460: *3 connect() failed (111: Connection refused)" + string.Format(CultureInfo.InvariantCulture, tail, "[::1]:5000"),
            "2019/06/27 04:21:14 [error] 10460#10460: *3 connect() failed (111: Connection refused)" + string.Format(CultureInfo.InvariantCulture, tail, "127.0.0.1:5000"),
        ];

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(IncidentCause.UpstreamDown, incident.Cause);
    }

    /// <summary>
    /// A group's server refused and nginx went on to the next one, another machine: no access log says whether it
    /// answered, and whoever pasted the try is asking about it. Reported, at lower confidence.
    /// </summary>
    [Fact]
    public void Analyze_ShortPasteOfATryNginxWentPastOnAGroup_IsTheIncidentItAsksAbout()
    {
        var tail = " while connecting to upstream, client: 172.18.0.1, server: , request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.5:8080/\", host: \"www.website.test\"";
        string[] errors =
        [
            $"2020/08/08 13:17:26 [error] 19#19: *1 connect() failed (111: Connection refused){tail}",
            $"2020/08/08 13:17:26 [warn] 19#19: *1 upstream server temporarily disabled{tail}",
        ];

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("10.0.0.5:8080", IncidentCause.UpstreamDown), (incident.Upstream, incident.Cause));
        Assert.InRange(incident.Confidence, 0, 0.6);
        Assert.Contains("next server", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>When 127.0.0.1 failed as well, the request's two lines say so: the application is down.</summary>
    [Fact]
    public void Analyze_ShortPasteOfBothLocalhostAddressesRefused_IsUpstreamDown()
    {
        var errors = new[] { "[::1]", "127.0.0.1" }.Select(address =>
            $"2016/11/18 00:13:17 [error] 14770#0: *14 connect() failed (111: Connection refused) while connecting to upstream, client: 198.51.100.7, "
            + $"server: example.org, request: \"GET / HTTP/1.1\", upstream: \"http://{address}:3000/\", host: \"example.org\"");

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.UpstreamDown, 502, 1L), (incident.Cause, incident.Status, report.Stats.FailedRequests));
    }

    /// <summary>
    /// An error log alone says nothing of what was served between its failures, so a paste's refusals hours apart
    /// found the upstream still down: one outage. Weeks apart (a backend's restarts, each refused for seconds) they are
    /// outages of their own: an upstream still down would have failed every request in between. A configuration defect
    /// is no state the upstream leaves by itself: its failures days apart are one problem.
    /// </summary>
    [Theory]
    [InlineData(4, "connect() failed (111: Connection refused) while connecting to upstream", IncidentCause.UpstreamDown, 1)]
    [InlineData(24 * 14, "connect() failed (111: Connection refused) while connecting to upstream", IncidentCause.UpstreamDown, 3)]
    [InlineData(24 * 2, "upstream sent too big header while reading response header from upstream", IncidentCause.Misconfiguration, 1)]
    public void Analyze_ShortPasteOfFailuresHoursOrWeeksApart_OneOutageOrOneEach(int hoursApart, string message, IncidentCause cause, int outages)
    {
        var start = new DateTimeOffset(2019, 2, 21, 16, 16, 5, TimeSpan.Zero);
        var errors = Enumerable.Range(0, 3).SelectMany(episode => Enumerable.Range(0, 4).Select(i =>
            $"{start.AddHours(episode * hoursApart).AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 2009#0: *{(episode * 100) + i + 1} {message}, "
            + "client: 177.40.166.129, server: shop.test, request: \"GET / HTTP/1.1\", upstream: \"https://203.0.113.191:7080/\", host: \"shop.test\""));

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(outages, report.Incidents.Count);
        Assert.All(report.Incidents, i => Assert.Equal(cause, i.Cause));
    }

    /// <summary>
    /// A scanner's long URIs: nginx cut most of its error lines at 2048 bytes before their upstream field, and kept it
    /// on two. The lines without it are an incident of no name, the two an upstream's failures too few to be one: the
    /// same failures, named.
    /// </summary>
    [Fact]
    public void Analyze_ShortPasteOfLinesCutBeforeTheirUpstream_NamedByTheLinesThatKeptIt()
    {
        var errors = Enumerable.Range(0, 8).Select(i =>
        {
            var line = $"2023/05/05 10:42:{40 + i} [error] 1874#1874: *{1195250 + i} recv() failed (104: Connection reset by peer) while reading response header from upstream, "
                + $"client: 107.189.4.28, server: shop.test, request: \"GET /plus/download.php?{new string('a', i % 4 == 1 ? 200 : 2100)} HTTP/1.1\", upstream: \"http://127.0.0.1:8100/plus/download.php\", host: \"shop.test\"";
            return line[..Math.Min(line.Length, 2047)];
        });

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:8100", IncidentCause.InvalidResponse, 8), (incident.Upstream, incident.Cause, incident.FailedRequests));
    }

    [Fact]
    public void Analyze_ErrorLogOfManyTriesNginxWentPast_HasNoIncident()
    {
        // As many tries as the threshold asks for, or more: a failover that kept serving, not what a paste asks about.
        var errors = Enumerable.Range(0, 3).SelectMany(i => new[]
        {
            Error(i * 20, "connect() to [::1]:9000 failed (99: Address not available) while connecting to upstream", upstream: "[::1]:9000", cid: i),
            Error(i * 20, "upstream server temporarily disabled while connecting to upstream", upstream: "[::1]:9000", cid: i).Replace("[error]", "[warn]", StringComparison.Ordinal),
        });

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(3L, report.Stats.TriesMovedPast);
        Assert.Empty(report.Incidents);
    }

    [Fact]
    public void Analyze_ShortPasteOfTwoCausesOnOneUpstream_KeepsBoth()
    {
        // Refused, then timing out ten minutes later: the gap closes the first, and the causes differ.
        var errors = new[]
        {
            Error(0, Refused, cid: 1),
            Error(600, "upstream timed out (110: Connection timed out) while reading response header from upstream", cid: 2),
        };

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(
            [IncidentCause.UpstreamDown, IncidentCause.Timeout],
            report.Incidents.Select(i => i.Cause));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(300, false)]
    public void Analyze_ShortPasteWithASecondUpstreamBelowTheThreshold_GivesItsOwnIncidentUnlessALongLogHidesIt(int successes, bool reported)
    {
        // Five refusals of one server and two timeouts of the next within seconds: each line names its upstream and its
        // cause, so a paste of them asks about both. In a log of hundreds of requests two timeouts are strays.
        const string TimedOut = "upstream timed out (110: Connection timed out) while reading response header from upstream";
        var errors = Enumerable.Range(0, 5).Select(i => Error(i, Refused, upstream: "10.0.0.1:8080", cid: i))
            .Concat([Error(2, TimedOut, upstream: "10.0.0.2:8080", cid: 10), Error(4, TimedOut, upstream: "10.0.0.2:8080", cid: 11)]);
        var access = Enumerable.Range(0, successes).Select(i => Access(i % 60, 200, upstream: "10.0.0.2:8080"));

        var report = LogAnalyzer.Analyze(
            [Input("access", access)], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Contains(report.Incidents, i => (i.Upstream, i.Cause) == ("10.0.0.1:8080", IncidentCause.UpstreamDown));
        Assert.Equal(reported, report.Incidents.Any(i => (i.Upstream, i.Cause, i.Status) == ("10.0.0.2:8080", IncidentCause.Timeout, 504)));
        Assert.Equal(reported ? 2 : 1, report.Incidents.Count);
    }

    [Fact]
    public void Analyze_ShortPasteWithASecondServerFailingTheSameWay_IsOneIncident()
    {
        // Three refusals of one server, one of the next, same host: one service down (both of its servers), found once.
        var errors = Enumerable.Range(0, 3).Select(i => Error(i, Refused, upstream: "10.0.0.1:8080", cid: i))
            .Append(Error(3, Refused, upstream: "10.0.0.2:8080", cid: 9));

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal("10.0.0.1:8080", Assert.Single(report.Incidents).Upstream);
    }

    [Fact]
    public void Analyze_ShortPasteWithTheResolversOwnLine_IsEvidenceOfTheNameThatFailed()
    {
        // The resolver's line (an hour before) names no request; the request waiting on the name fails with its own line.
        var errors = new[]
        {
            "2023/10/30 19:00:51 [error] 36#36: send() failed (111: Connection refused) while resolving, resolver: 127.0.0.11:53",
            "2023/10/30 20:30:01 [error] 36#36: *12 stats.example could not be resolved (110: Operation timed out), client: 10.9.8.7, server: _, request: \"POST /api/event HTTP/1.1\", host: \"shop.test\"",
        };

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("stats.example", IncidentCause.Dns, 1), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Contains(incident.Evidence, e => e.Signature.Contains("while resolving", StringComparison.Ordinal));
    }

    /// <summary>
    /// The addresses `resolver` lists are one resolver to nginx, which sends each query to the next in turn: both of
    /// Google's IPv6 resolvers unreachable from a host without IPv6 are one incident, its fix the host's routes (errno
    /// 101), not a second resolver.
    /// </summary>
    [Fact]
    public void Analyze_ResolversAddressesAllUnreachable_AreOneIncidentAboutTheRoute()
    {
        var errors = new[]
        {
            "2019/10/24 07:13:24 [crit] 1767170#1767170: connect() failed (101: Network is unreachable) while resolving, resolver: [2001:4860:4860::8888]:53",
            "2019/10/24 07:13:28 [crit] 1767172#1767172: connect() failed (101: Network is unreachable) while resolving, resolver: [2001:4860:4860::8888]:53",
            "2019/10/24 07:13:31 [crit] 1767168#1767168: connect() failed (101: Network is unreachable) while resolving, resolver: [2001:4860:4860::8844]:53",
        };

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((IncidentCause.Dns, 3), (incident.Cause, incident.FailedRequests));
        Assert.Equal(["resolver [2001:4860:4860::8888]:53", "resolver [2001:4860:4860::8844]:53"], incident.Servers);
        Assert.Contains("no route", incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// APISIX's balancer retried the request whose try timed out and found no node left to pick: one request, whose
    /// client got the 502 of that verdict, not a 504 and a 502.
    /// </summary>
    [Fact]
    public void Analyze_TimeoutThenLuaBalancerFindsNoServerLeft_IsOneFailedRequest()
    {
        const string Context = ", client: 127.0.0.1, server: , request: \"GET /circle/reader.js HTTP/1.1\", upstream: \"http://192.168.3.11:8091/circle/reader.js\", host: \"test.example.com\"";
        var errors = new[]
        {
            "2021/07/23 09:31:13 [error] 12878#12878: *1177487 upstream timed out (110: Connection timed out)" + Context,
            "2021/07/23 09:31:13 [error] 12878#12878: *1177487 [lua] balancer.lua:199: load_balancer(): failed to pick server: failed to find valid upstream server, all upstream servers tried while connecting to upstream" + Context,
        };

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((1, 502), (incident.FailedRequests, incident.Status));
    }

    /// <summary>
    /// A terminal or pager cut a paste's lines at its width and marked the cut with "$": a reset cut inside "while reading
    /// response header from" is still a try that failed, and counts beside the refusal that follows.
    /// </summary>
    [Fact]
    public void Analyze_LinesAPagerCutInsideTheirPhase_AreTriesThatFailed()
    {
        var errors = new[]
        {
            "2015/06/21 18:51:31 [error] 5061#0: *4 recv() failed (104: Connection reset by peer) while reading response header from$",
            "2015/06/21 18:52:50 [crit] 5061#0: *8 connect() to unix:/var/run/php5-fpm.sock failed (2: No such file or directory) wh$",
        };

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(2, report.Incidents.Sum(i => i.FailedRequests));
        Assert.Contains(report.Incidents.SelectMany(i => i.Evidence), e => e.Signature.StartsWith("recv() failed (104", StringComparison.Ordinal));
    }

    /// <summary>
    /// An error log pasted without nginx's time whose only time is the access log's: the access log holds other requests
    /// (the 502's own line has its time masked, unread), which says nothing of this one's. Its refusal is the failure.
    /// </summary>
    [Fact]
    public void Analyze_UntimedErrorLineBesideAnAccessLogOfOtherRequests_IsItsOwnFailure()
    {
        var access = new[]
        {
            "10.42.0.0 - - [---------- +0000] \"GET /albums/ HTTP/1.1\" 502 552 \"-\" \"curl/8.0\"",
            "10.42.1.1 - - [03/Jan/2023:23:25:52 +0000] \"GET /albums/ HTTP/1.1\" 400 150 \"-\" \"-\"",
        };
        var errors = new[]
        {
            "------------ [error] 241#241: *720 connect() failed (111: Connection refused) while connecting to upstream, client: 10.42.0.0, server: album-store.local, request: \"GET /albums/ HTTP/1.1\", upstream: \"http://10.42.0.104:9080/albums/\", host: \"album-store.local\"",
        };

        var report = LogAnalyzer.Analyze([Input("access", access)], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("10.42.0.104:9080", IncidentCause.UpstreamDown, 1), (incident.Upstream, incident.Cause, incident.FailedRequests));
    }

    /// <summary>
    /// A TCP session the stream module could not connect (ingress-nginx's `tcp-services`) ends with `$status` 502 in the
    /// stream's access log, and the client's connection is closed: no page, no cache, so no `error_page` or stale-cache
    /// step among the fixes.
    /// </summary>
    [Fact]
    public void Analyze_StreamSessionRefused_GetsNoHttpOnlyFixes()
    {
        var errors = new[]
        {
            "2021/03/02 05:32:30 [error] 37#37: *271101 connect() failed (111: Connection refused) while connecting to upstream, client: 172.26.148.242, server: 0.0.0.0:9009, upstream: \"172.26.144.225:9009\", bytes from/to client:0/0, bytes from/to upstream:0/0",
        };

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((IncidentCause.UpstreamDown, 502), (incident.Cause, incident.Status));
        Assert.DoesNotContain(incident.Remediation, step => step.Contains("error_page", StringComparison.Ordinal) || step.Contains("_cache_use_stale", StringComparison.Ordinal));
    }

    /// <summary>
    /// `auth_request` answers the client 500 for a subrequest whose try failed, and says so on the same connection
    /// (`auth request unexpected status: 504`), here with the connection's star lost to Markdown's emphasis (`622`):
    /// one request, 500. Another module's subrequest (nginx-vod-module fetching the media a playlist names) leaves the
    /// status the try's, as the module answers.
    /// </summary>
    [Theory]
    [InlineData("/oauth2/auth", true, 500)]
    [InlineData("/public/test2.mp4", false, 504)]
    public void Analyze_FailedTryOfASubrequest_HasTheStatusItsClientGot(string subrequest, bool authLine, int status)
    {
        List<string> errors =
        [
            $"2023/06/27 20:10:33 [error] 3070#3070: 622 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 192.168.3.250, server: app.test, request: \"PUT /app/api/v3/config/host HTTP/2.0\", subrequest: \"{subrequest}\", upstream: \"http://172.29.20.2:4180{subrequest}\", host: \"app.test\"",
        ];
        if (authLine)
        {
            errors.Add("2023/06/27 20:10:33 [error] 3070#3070: 622 auth request unexpected status: 504 while sending to client, client: 192.168.3.250, server: app.test, request: \"PUT /app/api/v3/config/host HTTP/2.0\", host: \"app.test\"");
        }

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((IncidentCause.Timeout, status, 1), (incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// ingress-nginx's controller says a Service has no endpoints, and the 503s after it name no upstream, not even the
    /// backend (`[]`, an old controller): its balancer answered them for want of a pod, no rate limit.
    /// </summary>
    [Theory]
    [InlineData("W1116 14:34:20.128648       5 controller.go:869] service infra/kube-lego-nginx does not have any active endpoints", IncidentCause.UpstreamDown)]
    [InlineData("W1116 14:34:20.128719       5 controller.go:1100] ssl certificate \"default/echoserver-ingress-tls\" does not exist in local store", IncidentCause.RateLimited)]
    public void Analyze_503sWithoutUpstreamAfterTheControllerSaidNoEndpoints_AreTheBackendDown(string controllerLine, IncidentCause cause)
    {
        var lines = new[]
        {
            controllerLine,
            "172.20.42.71 - [172.20.42.71] - - [16/Nov/2017:14:34:20 +0000] \"GET /.well-known/acme-challenge/_selftest HTTP/1.1\" 503 213 \"-\" \"Go-http-client/1.1\" 138 0.000 [] - - - -",
        };

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", lines)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((cause, 503), (incident.Cause, incident.Status));
    }

    [Fact]
    public void Analyze_ResolversOwnLineAlone_IsTheIncident()
    {
        var errors = new[] { "recv() failed (111: Connection refused) while resolving, resolver: 127.0.0.11:53" };

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal(("resolver 127.0.0.11:53", IncidentCause.Dns), (incident.Upstream, incident.Cause));
    }

    [Theory]
    [InlineData("connect() to unix:/var/run/php5-fpm.sock failed (11: Resource temporarily unavailable)", "unix:/var/run/php5-fpm.sock", IncidentCause.Overload)]
    [InlineData("connect() to 10.0.0.5:9000 failed (111: Connection refused)", "10.0.0.5:9000", IncidentCause.UpstreamDown)]
    public void Analyze_ConnectFragmentWithoutItsPhase_IsATryThatFailedToConnect(string fragment, string upstream, IncidentCause cause)
    {
        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", [fragment])], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((upstream, cause, 502), (incident.Upstream, incident.Cause, incident.Status));
    }

    [Fact]
    public void Analyze_TimedConnectLineWithoutARequest_IsNginxsOwnSocketNotAFailure()
    {
        // With nginx's time the line is whole: a connect() with no phase or client is a socket of nginx's own.
        var errors = new[] { "2026/11/24 10:00:00 [error] 77#77: connect() to unix:/tmp/nginx-rtmp.7 failed (11: Resource temporarily unavailable)" };

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Empty(report.Incidents);
        Assert.Equal(0, report.Stats.FailedRequests);
    }

    [Fact]
    public void Analyze_NamesPastedAsMarkdownLinks_AreTheNamesNginxWrote()
    {
        var errors = new[]
        {
            "2023/10/30 20:30:01 [error] 38#38: *31991 [stats.example](http://stats.example/) could not be resolved (110: Operation timed out), client: 10.9.8.7, server: _, request: \"POST /api/event HTTP/1.1\", host: \"[shop.test](http://shop.test/)\"",
        };

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal(("stats.example", "shop.test"), (incident.Upstream, incident.Host));
    }

    [Fact]
    public void Analyze_ServerDeniedAndItsImplicitGroupWithNoLiveServer_AreOneMisconfiguration()
    {
        // proxy_pass http://localhost:10800: nginx tries [::1]:10800, SELinux denies it, and the group (logged by its
        // name, without the port) has no live server left for the next request on that connection. The incident is the
        // group's, named with the port its server shows, as proxy_pass names it.
        var errors = new[]
        {
            "2018/09/15 01:11:02 [crit] 3070#0: *1 connect() to [::1]:10800 failed (13: Permission denied) while connecting to upstream, client: 10.9.8.7, server: shelf.test, request: \"GET / HTTP/1.1\", upstream: \"http://[::1]:10800/\", host: \"shelf.test\"",
            "2018/09/15 01:11:02 [error] 3070#0: *1 no live upstreams while connecting to upstream, client: 10.9.8.7, server: shelf.test, request: \"GET /favicon.ico HTTP/1.1\", upstream: \"http://localhost/favicon.ico\", host: \"shelf.test\"",
        };

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal(("localhost:10800", IncidentCause.Misconfiguration, 2), (incident.Upstream, incident.Cause, incident.FailedRequests));
        Assert.Contains("permission denied", incident.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// nginx buffers a response larger than its buffers to a temporary file as it reads it, after its status went out:
    /// a file it could not create or write (the directory's owner changed, the disk full) cut the body short. A short
    /// paste of such lines alone is reported with the status passed on, as a misconfiguration (permissions) or a full
    /// disk (overload), and the fixes are about `proxy_temp_path`, not the upstream.
    /// </summary>
    [Theory]
    [InlineData("open() \"/var/lib/nginx/proxy/2/00/0000000002\" failed (13: Permission denied) while reading upstream", IncidentCause.Misconfiguration)]
    [InlineData("open() \"/tmp/engintron_temp/0045438890\" failed (28: No space left on device) while reading upstream", IncidentCause.Overload)]
    public void Analyze_ErrorLogAlone_ResponsesTemporaryFileNotWritten_IsABodyCutShortByNginxsDisk(string message, IncidentCause cause)
    {
        var errors = Enumerable.Range(0, 2).Select(i => Error(i * 5, message, cid: i + 1)).Select(l => l.Replace("[error]", "[crit]", StringComparison.Ordinal));

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((cause, RequestJoin.StatusPassedOn, 2L), (incident.Cause, incident.Status, report.Stats.ResponsesCutShort));
        Assert.Contains("`proxy_temp_path`", incident.Summary, StringComparison.Ordinal);
        Assert.Contains("proxy_temp_path", incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// ngx_http_upstream_send_response passes the upstream's status and headers on before the body phase ("while
    /// reading upstream") begins: a failure there only cuts the body short, and the client got the upstream's status,
    /// never a 502 or 504 of nginx's. A short paste of such lines alone asks about them: they are reported with that
    /// status, which the lines do not give (<see cref="RequestJoin.StatusPassedOn"/>). The same failure before the
    /// header is a gateway error.
    /// </summary>
    [Theory]
    [InlineData("upstream prematurely closed connection while reading upstream", IncidentCause.InvalidResponse, RequestJoin.StatusPassedOn)]
    [InlineData("upstream timed out (110: Connection timed out) while reading upstream", IncidentCause.Timeout, RequestJoin.StatusPassedOn)]
    [InlineData("readv() failed (104: Connection reset by peer) while reading upstream", IncidentCause.InvalidResponse, RequestJoin.StatusPassedOn)]
    [InlineData("upstream sent invalid chunked response while reading upstream", IncidentCause.InvalidResponse, RequestJoin.StatusPassedOn)]
    // EACCES on a connection made: a security module (SELinux, AppArmor) denied nginx the socket.
    [InlineData("readv() failed (13: Permission denied) while reading upstream", IncidentCause.Misconfiguration, RequestJoin.StatusPassedOn)]
    // The body pipe logs the upstream's early close and its timer with the action it last set: relaying to the client.
    [InlineData("upstream prematurely closed connection while sending to client", IncidentCause.InvalidResponse, RequestJoin.StatusPassedOn)]
    [InlineData("upstream timed out (110: Connection timed out) while sending to client", IncidentCause.Timeout, RequestJoin.StatusPassedOn)]
    [InlineData("upstream prematurely closed connection while reading response header from upstream", IncidentCause.InvalidResponse, 502)]
    [InlineData("upstream timed out (110: Connection timed out) while reading response header from upstream", IncidentCause.Timeout, 504)]
    public void Analyze_ErrorLogAlone_BodyPhaseLines_AreAnswersCutShortNotGatewayErrors(string message, IncidentCause cause, int status)
    {
        var errors = Enumerable.Range(0, 4).Select(i => Error(i * 5, message, cid: i + 1));

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((cause, status), (incident.Cause, incident.Status));
        Assert.Equal(status == RequestJoin.StatusPassedOn ? 4 : 0, report.Stats.ResponsesCutShort);
        if (status == RequestJoin.StatusPassedOn)
        {
            Assert.Contains("after nginx had passed its status and headers on", incident.Summary, StringComparison.Ordinal);
            Assert.Equal(cause != IncidentCause.Misconfiguration, incident.Remediation.Any(step => step.Contains("proxy_max_temp_file_size", StringComparison.Ordinal)));
        }

        // A chunked body that did not parse was framed wrong, which its first fix says; the others were cut.
        Assert.Equal(message.StartsWith("upstream sent invalid chunked response", StringComparison.Ordinal), incident.Remediation[0].Contains("`curl -sv --raw`", StringComparison.Ordinal));
    }

    /// <summary>
    /// Answers cut short are reported only when they are all a paste holds and no access log shows their requests: beside
    /// a gateway error they are not one, and an access log that shows the request holds the status the client got. A
    /// gRPC frame after its stream had closed cut nothing.
    /// </summary>
    [Fact]
    public void Analyze_BodyPhaseLinesBesideAGatewayError_UnderTheirAccessLines_OrAfterTheStreamEnded_MakeNoIncident()
    {
        const string Cut = "upstream prematurely closed connection while reading upstream";
        var beside = Enumerable.Range(0, 4).Select(i => Error(i * 5, Cut, cid: i + 1))
            .Concat(Enumerable.Range(0, 4).Select(i => Error(i * 5 + 1, Refused, upstream: "10.0.0.2:8080", host: "shop.test", cid: i + 10)))
            .OrderBy(l => l, StringComparer.Ordinal);
        var access = Enumerable.Range(0, 4).Select(i => Access(i * 5, 200, cid: i + 1));
        var errors = Enumerable.Range(0, 4).Select(i => Error(i * 5, Cut, cid: i + 1));

        // gRPC's frame after its stream had closed: the answer was whole (a server's late frame), nothing cut.
        var lateFrame = new[] { Error(0, "upstream sent frame for closed stream 1 while reading upstream", upstream: "127.0.0.1:6666") };

        var withGatewayError = LogAnalyzer.Analyze([], [Input("error", beside)], null, new DiagnosisOptions(), CancellationToken.None);
        var afterTheStreamClosed = LogAnalyzer.Analyze([], [Input("error", lateFrame)], null, new DiagnosisOptions(), CancellationToken.None);
        var underAccessLines = Analyze(access, errors);

        Assert.Equal(("10.0.0.2:8080", IncidentCause.UpstreamDown), (Assert.Single(withGatewayError.Incidents).Upstream, withGatewayError.Incidents[0].Cause));
        Assert.Empty(underAccessLines.Incidents);
        Assert.Empty(afterTheStreamClosed.Incidents);
        Assert.Equal(4, underAccessLines.Stats.ResponsesCutShort);
    }

    [Fact]
    public void Analyze_NoLiveUpstreamsWithNoServerFailingBefore_NamesTheConfiguredDownServerAtLowerConfidence()
    {
        // nginx-proxy writes "server 127.0.0.1 down;" for a VIRTUAL_HOST no container matches: no server ever failed.
        var lone = new[] { Error(0, "no live upstreams while connecting to upstream", upstream: "shop.test", host: "shop.test") };
        var afterFailures = new[]
        {
            Error(0, Refused, upstream: "10.0.0.1:8080", host: "shop.test", cid: 1),
            Error(1, "no live upstreams while connecting to upstream", upstream: "shop.test", host: "shop.test", cid: 2),
        };

        var configured = Assert.Single(LogAnalyzer.Analyze([], [Input("error", lone)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);
        var failed = Assert.Single(LogAnalyzer.Analyze([], [Input("error", afterFailures)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((IncidentCause.UpstreamDown, IncidentCause.UpstreamDown), (configured.Cause, failed.Cause));
        Assert.Contains("the configuration marks every server `down`", configured.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("the configuration marks every server `down`", failed.Summary, StringComparison.Ordinal);
        Assert.True(configured.Confidence < 0.6 && failed.Confidence > configured.Confidence, $"{configured.Confidence} vs {failed.Confidence}");
    }

    [Fact]
    public void Analyze_StraysHoursApartInALongLog_StayNoise()
    {
        // Six single 502s an hour apart among six hours of traffic: a stream's noise, not what the log is about.
        var access = Enumerable.Range(0, 6 * 60).Select(m => Access(m * 60, m % 60 == 30 ? 502 : 200, connect: m % 60 == 30 ? "-" : "0.001", header: m % 60 == 30 ? "-" : "0.010", cid: m));

        var report = Analyze(access);

        Assert.Empty(report.Incidents);
        Assert.Equal((6, false), (report.Stats.FailedRequests, report.Stats.BelowThreshold));
    }

    [Fact]
    public void Analyze_AShortPastesLoneFailureAfterAnIncident_NothingServedBetween_IsItsEnd()
    {
        // Access lines alone: four failures, then one a quarter of an hour later, nothing answered in between.
        var access = new[] { 0, 1, 2, 3, 900 }.Select(t => Access(t, 502, connect: "-", header: "-", cid: t));

        var incident = Assert.Single(Analyze(access).Incidents);

        Assert.Equal((5, "10:15:00"), (incident.FailedRequests, incident.End.ToString("HH:mm:ss", CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Analyze_AShortAccessLogWithoutUpstreams_CountsEachFailedRequestOnce()
    {
        // A combined-format access log (no upstream named): strays a few minutes apart, each too few for an incident,
        // then a scanner's burst that is one. The strays are read again with a threshold of one; that reading holds the
        // burst too, and it is the burst's incident, not another outage to add to it.
        const string Combined = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        string Line(int second, int status, string path) =>
            $"203.0.113.{second % 200} - - [{start.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" {status} 497 \"-\" \"curl/8.5.0\"";
        var access = new List<string> { Line(0, 200, "/"), Line(30, 200, "/app/") };
        access.AddRange(new[] { 300, 600, 601, 1200, 1800 }.Select(t => Line(t, 502, "/app/")));
        access.Add(Line(2400, 400, "/"));
        access.AddRange(Enumerable.Range(0, 30).Select(i => Line(3000 + (i * 2), 502, $"/.env{i}")));

        var report = Analyze(access, format: Combined);

        Assert.Equal(35, report.Stats.FailedRequests);
        Assert.Equal(35, report.Incidents.Sum(i => i.FailedRequests));
    }

    /// <summary>
    /// A combined-format access log shared by the plain-HTTP server, which redirects every request to HTTPS
    /// (<c>return 301</c>: nginx's own page, 169 bytes with nginx/1.27.5), and the HTTPS one that proxies. Between two
    /// bursts of 502s only nginx's redirects were answered: the outage went on, one incident. An application's redirect
    /// (another size) or its pages there say it served between them: two.
    /// </summary>
    [Theory]
    [InlineData(301, 169, 1)]
    [InlineData(302, 145, 1)]
    [InlineData(301, 0, 2)]
    [InlineData(200, 5120, 2)]
    public void Analyze_OnlyNginxsOwnRedirectsBetweenTwoBursts_IsOneOutage(int status, int bytes, int incidents)
    {
        const string Combined = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        string Line(int second, int code, int size) =>
            $"198.51.100.{(second % 50) + 1} - - [{start.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /shop/ HTTP/1.1\" {code} {size} \"-\" \"Mozilla/5.0\"";
        var access = Enumerable.Range(0, 10).Select(i => Line(i * 6, 200, 5120))
            .Concat(Enumerable.Range(0, 5).Select(i => Line(60 + (i * 5), 502, 157)))
            .Concat(Enumerable.Range(0, 20).Select(i => Line(120 + (i * 30), status, bytes)))
            .Concat(Enumerable.Range(0, 5).Select(i => Line(900 + (i * 5), 502, 157)));

        var report = Analyze(access, format: Combined);

        Assert.Equal(incidents, report.Incidents.Count);
        Assert.Equal(10, report.Incidents.Sum(i => i.FailedRequests));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Analyze_RefusedAfterServing_SaysWhoServedOnlyWhereTheAccessLogNamesIt(bool upstreamLogged)
    {
        // The same route served, then refused: a format with $upstream_addr says the upstream served; combined says
        // only that the requests were served, by whatever upstream answered them then.
        var combined = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        string Combined(int second, int status) =>
            $"10.9.8.7 - - [{start.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET / HTTP/1.1\" {status} {(status == 200 ? 5120 : 157)} \"-\" \"curl/8.5.0\"";
        var served = Enumerable.Range(0, 10).Select(i => upstreamLogged ? Access(i * 6, 200, cid: 100 + i) : Combined(i * 6, 200));
        var refused = Enumerable.Range(0, 5).Select(i => upstreamLogged ? Access(70 + i, 502, connect: "-", header: "-", cid: i) : Combined(70 + i, 502));
        var errors = Enumerable.Range(0, 5).Select(i => Error(70 + i, Refused, cid: i));

        var incident = Assert.Single(Analyze([.. served, .. refused], errors, format: upstreamLogged ? UpstreamFormat : combined).Incidents);

        Assert.Equal(IncidentCause.UpstreamDown, incident.Cause);
        Assert.Equal(upstreamLogged, incident.Summary.StartsWith("10.0.0.1:8080 served 10 request(s)", StringComparison.Ordinal));
        Assert.Equal(!upstreamLogged, incident.Summary.Contains("the access log does not name the upstream", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_FewerFailuresInAllTheLogsThanTheThreshold_AnalysesEachOfThem()
    {
        // Someone pastes the error lines they got: the threshold guards a stream against strays, not this.
        var errors = new[]
        {
            Error(0, Refused, cid: 1),
            Error(400, "upstream timed out (110: Connection timed out) while reading response header from upstream", upstream: "10.0.0.2:9000", cid: 2),
        };

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal((2, true), (report.Stats.FailedRequests, report.Stats.BelowThreshold));
        Assert.Collection(
            report.Incidents,
            down => Assert.Equal(("10.0.0.1:8080", IncidentCause.UpstreamDown, 502, 1), (down.Upstream, down.Cause, down.Status, down.FailedRequests)),
            slow => Assert.Equal(("10.0.0.2:9000", IncidentCause.Timeout, 504, 1), (slow.Upstream, slow.Cause, slow.Status, slow.FailedRequests)));
    }

    [Fact]
    public void Analyze_AShortPastesFailuresOfOneUpstream_AreOneOutageUntilItServedAgain()
    {
        // A refusal, then the app answering for ten minutes, then a refusal again: it came back in between, so the
        // second is a new outage. Without the answers between them nothing says it ever came back: one outage.
        var served = Enumerable.Range(1, 10).Select(m => Access(m * 60, 200, cid: 100 + m));
        var refusals = new[] { Access(0, 502, connect: "-", header: "-", cid: 1), Access(700, 502, connect: "-", header: "-", cid: 2) };
        var errors = new[] { Error(0, Refused, cid: 1), Error(700, Refused, cid: 2) };

        var apart = Analyze(refusals.Concat(served).OrderBy(l => l, StringComparer.Ordinal), errors);
        var together = Analyze(refusals, errors);

        Assert.Equal([1, 1], apart.Incidents.Select(i => i.FailedRequests));
        Assert.All(apart.Incidents, i => Assert.Equal(IncidentCause.UpstreamDown, i.Cause));
        Assert.Equal(2, Assert.Single(together.Incidents).FailedRequests);
    }

    [Fact]
    public void Analyze_AShortPastesLoneFailureBeforeAnIncidentOfItsOutage_IsTheIncidentsStart()
    {
        // One refusal, nothing answered, eight minutes later the refusals of an incident: the app was down from the
        // first; the incident starts there and counts it, rather than hiding it.
        int[] seconds = [0, 480, 481, 482, 483, 484];
        var access = seconds.Select((s, i) => Access(s, 502, connect: "-", header: "-", cid: 1 + i));
        var errors = seconds.Select((s, i) => Error(s, Refused, cid: 1 + i));

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal((IncidentCause.UpstreamDown, 6, "10:00:00"), (incident.Cause, incident.FailedRequests, incident.Start.ToString("HH:mm:ss", CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Analyze_AShortPastesLoneFailuresBetweenTwoIncidents_EachCountsInTheNearest()
    {
        // Two incidents of one app five minutes apart, the app answering in between, a lone refusal before the first
        // and one between them: none is lost, none merges the two incidents, each lone one is the edge of the incident
        // nearest it.
        int[] seconds = [0, 300, 301, 302, 303, 480, 700, 701, 702, 703];
        var access = seconds.Select((s, i) => Access(s, 502, connect: "-", header: "-", cid: 1 + i))
            .Concat([Access(600, 200, cid: 100), Access(610, 200, cid: 101)]);
        var errors = seconds.Select((s, i) => Error(s, Refused, cid: 1 + i));

        var report = Analyze(access, errors);

        Assert.Equal(
            [(6, "10:00:00", "10:08:00"), (4, "10:11:40", "10:11:43")],
            report.Incidents.Select(i => (i.FailedRequests, i.Start.ToString("HH:mm:ss", CultureInfo.InvariantCulture), i.End.ToString("HH:mm:ss", CultureInfo.InvariantCulture))));
    }

    [Theory]
    [InlineData("no access log", 1)]
    [InlineData("an access log of the failures alone", 1)]
    [InlineData("an access log with the app answering between the bursts", 2)]
    public void Analyze_AShortPastesBurstsOfOneFailureHoursApart_AreOneOutageUnlessAnAccessLogShowsAnswersBetween(string scenario, int expected)
    {
        // A developer's error log: every request refused for an hour and more, in bursts as they reload the page; the
        // error log says nothing of what was served in between, nor does an access log of nothing but those failures.
        // One that shows requests answered there shows the app back between the bursts.
        int[] seconds = [0, 1, 60, 90, 150, 4_400, 4_404, 5_480, 5_482, 5_483, 5_485];
        var errors = seconds.Select((s, i) => Error(s, Refused, upstream: "unix:/run/uwsgi/app.sock", cid: 1 + i));
        var access = scenario == "no access log" ? []
            : seconds.Select((s, i) => Access(s, 502, upstream: "unix:/run/uwsgi/app.sock", connect: "-", header: "-", cid: 1 + i))
                .Concat(scenario.Contains("answering", StringComparison.Ordinal)
                    ? [Access(2_000, 200, upstream: "unix:/run/uwsgi/app.sock", cid: 100), Access(5_000, 200, upstream: "unix:/run/uwsgi/app.sock", cid: 101)]
                    : []);

        var report = Analyze(access, errors);

        Assert.Equal(expected, report.Incidents.Count);
        Assert.All(report.Incidents, i => Assert.Equal(IncidentCause.UpstreamDown, i.Cause));
        Assert.Equal(seconds.Length, report.Incidents.Sum(i => i.FailedRequests));
    }

    [Fact]
    public void Analyze_OneUpstreamFailingForTwoHostsAtOnce_IsOneIncident()
    {
        // Clients reach one server block by its address and by its name: the Host header differs, the PHP-FPM behind
        // it is one, and so is its outage. The host that failed most names the incident; the summary names the other.
        var seconds = Enumerable.Range(0, 9).Select(i => i * 7).ToArray();
        string HostOf(int i) => i % 3 == 0 ? "172.17.0.1" : "shop.test";
        var access = seconds.Select((s, i) => Access(s, 502, upstream: "172.24.0.7:9000", host: HostOf(i), connect: "-", header: "-", cid: 1 + i));
        var errors = seconds.Select((s, i) => Error(s, Refused, upstream: "172.24.0.7:9000", host: HostOf(i), cid: 1 + i));

        var incident = Assert.Single(Analyze(access, errors).Incidents);

        Assert.Equal(("172.24.0.7:9000", "shop.test", 9), (incident.Upstream, incident.Host, incident.FailedRequests));
        Assert.Contains("Requests for other hosts failed with it: 172.17.0.1 (3).", incident.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_AnErrorPastesLaterFailureOfTheSameUpstreamForAnotherHost_IsItsOutage()
    {
        // Six refusals for requests to the server's address, twenty minutes later one for its name: the same app, not
        // answered in between as far as the paste says, whatever Host the clients typed.
        var errors = Enumerable.Range(0, 6).Select(i => Error(i, Refused, host: "159.89.143.171", cid: 1 + i))
            .Append(Error(1300, Refused, host: "story.test", cid: 9));

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((7, "10:21:40"), (incident.FailedRequests, incident.End.ToString("HH:mm:ss", CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Analyze_AShortPastesOtherFailureOfAnUpstreamWithAnIncident_IsItsOwnIncident()
    {
        // Five refusals make an incident; a quarter of an hour later the same app, back, hangs one request: another
        // cause at another time, which the paste is asking about too.
        const string TimedOut = "upstream timed out (110: Connection timed out) while reading response header from upstream";
        var errors = Enumerable.Range(0, 5).Select(i => Error(i, Refused, cid: 1 + i)).Append(Error(900, TimedOut, cid: 9));

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Collection(
            report.Incidents,
            down => Assert.Equal((IncidentCause.UpstreamDown, 5), (down.Cause, down.FailedRequests)),
            slow => Assert.Equal((IncidentCause.Timeout, 504, 1), (slow.Cause, slow.Status, slow.FailedRequests)));
    }

    [Fact]
    public void Analyze_ALineNginxCutBeforeItsUpstream_IsAFailureOfTheIncidentOfItsHostAndCause()
    {
        // NGX_MAX_ERROR_STR: nginx writes at most 2,048 bytes of a line, so a request line of kilobytes leaves no room
        // for the upstream and host after it; the server name before the request is still there.
        const string Reset = "recv() failed (104: Connection reset by peer) while reading response header from upstream";
        var cut = Enumerable.Range(0, 3).Select(i => Error(1 + (i * 3), Reset, upstream: "127.0.0.1:8100", host: "chem.test", cid: 7 + i, path: "/search?q=" + new string('a', 2100))[..2048]);
        var errors = Enumerable.Range(0, 4).Select(i => Error(i * 3, Reset, upstream: "127.0.0.1:8100", host: "chem.test", cid: 1 + i)).Concat(cut)
            .OrderBy(l => l[..19], StringComparer.Ordinal);

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:8100", IncidentCause.InvalidResponse, 7), (incident.Upstream, incident.Cause, incident.FailedRequests));
    }

    [Fact]
    public void Analyze_ATimeoutIncidentOfOne502AndOne504_ReportsTheTimeoutsOwn504()
    {
        // A reset beside a timeout is the application server's own timeout closing the connection: on a tie the
        // incident reports the status nginx answers a timeout with, and its words say the same.
        var errors = new[]
        {
            Error(0, "recv() failed (104: Connection reset by peer) while reading response header from upstream", cid: 1),
            Error(89, "upstream timed out (110: Connection timed out) while reading response header from upstream", cid: 2),
        };

        var incident = Assert.Single(LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None).Incidents);

        Assert.Equal((IncidentCause.Timeout, 504), (incident.Cause, incident.Status));
        Assert.Contains("504 Gateway Timeout", incident.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_FewFailuresAmongServedTraffic_AreAnalysedWithTheirErrorLines()
    {
        var access = Enumerable.Range(0, 30).Select(t => Access(t, t == 12 ? 502 : 200, connect: t == 12 ? "-" : "0.001", header: t == 12 ? "-" : "0.010", cid: t));

        var report = Analyze(access, [Error(12, Refused, cid: 12)]);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.UpstreamDown, 1, true), (incident.Cause, incident.FailedRequests, report.Stats.BelowThreshold));
    }

    [Fact]
    public void Analyze_AFailureInAQuietDaysLog_IsReportedBelowTheThreshold()
    {
        // A rotated file of 633 requests, one a minute, with one 504 and nginx's line for it: on a site this quiet the
        // failure is a third of the traffic around it (one client's 504 costs it the whole read timeout, so three in a
        // minute never come from one), and it is what the log holds.
        var access = Enumerable.Range(0, 633).Select(t => Access(t * 60, t == 300 ? 504 : 200, connect: "0.001", header: t == 300 ? "-" : "0.010", cid: t));

        var report = Analyze(access, [Error(300 * 60, "upstream timed out (110: Connection timed out) while reading response header from upstream", cid: 300)]);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.Timeout, 504, 1, true), (incident.Cause, incident.Status, incident.FailedRequests, report.Stats.BelowThreshold));
        Assert.Contains("Fewer failures than an incident's threshold (3 in 60 s), reported because they were 1 of the 3 requests", incident.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_AFailureAmidABusyStream_StaysNoise()
    {
        // The same 504 and its line among twenty requests a minute: one of about sixty around it, a stray in a stream.
        var access = Enumerable.Range(0, 20 * 633).Select(i => Access(i * 3, i == 6000 ? 504 : 200, connect: "0.001", header: i == 6000 ? "-" : "0.010", cid: i));

        var report = Analyze(access, [Error(6000 * 3, "upstream timed out (110: Connection timed out) while reading response header from upstream", cid: 6000)]);

        Assert.Empty(report.Incidents);
        Assert.Equal((1, false), (report.Stats.FailedRequests, report.Stats.BelowThreshold));
    }

    [Theory]
    [InlineData(0, false, "10:10:00")] // the logs end with them: nothing served after, the capture ended in the outage
    [InlineData(20, false, "")] // the stream went on: strays
    [InlineData(0, true, "10:20:00")] // the error log goes on past the access log, failing later: only that is reported
    public void Analyze_FailuresAmidABusyStream_AreReportedWhenTheLogsEndWithThem(int servedAfter, bool failingLater, string reported)
    {
        // A compose service removed while the site is in use: nginx cannot resolve its name for the next two requests,
        // and that is where the capture stops. The same two amid a stream that goes on stay strays.
        const string Unresolved = "organizations could not be resolved (3: Host not found)";
        var access = Enumerable.Range(0, 200).Select(i => Access(i * 3, 200, cid: i))
            .Concat([Access(600, 502, upstream: "-", connect: "-", header: "-", cid: 900), Access(600, 502, upstream: "-", connect: "-", header: "-", cid: 901)])
            .Concat(Enumerable.Range(0, servedAfter).Select(i => Access(603 + i * 3, 200, cid: 1000 + i)));
        string[] errors = [Error(600, Unresolved, cid: 900), Error(600, Unresolved, cid: 901), .. failingLater ? [Error(1200, Unresolved, cid: 902)] : Array.Empty<string>()];

        var report = Analyze(access, errors);

        Assert.Equal(reported, string.Join(' ', report.Incidents.Select(i => i.Start.ToString("HH:mm:ss", CultureInfo.InvariantCulture))));
        Assert.All(report.Incidents, i => Assert.Equal(IncidentCause.Dns, i.Cause));
    }

    [Fact]
    public void Analyze_StraysAmidAStream_AreNotReadASecondTime()
    {
        // Whether an episode below the threshold could be a tenth of its minutes' traffic is known from the first
        // reading: a log of strays amid a stream costs one reading, as the same log does where that request was
        // answered after the try that timed out.
        const string TimedOut = "upstream timed out (110: Connection timed out) while reading response header from upstream";
        int Opens(bool withStray)
        {
            var opens = 0;
            var access = string.Join('\n', Enumerable.Range(0, 20 * 300).Select(i => Access(i * 3, withStray && i == 3000 ? 504 : 200, cid: i))) + "\n";
            var errors = Error(9000, TimedOut, cid: 3000) + "\n";
            LogInput Counted(string name, string text) => new(name, () =>
            {
                opens++;
                return new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
            });

            var report = LogAnalyzer.Analyze([Counted("access", access)], [Counted("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);
            Assert.Empty(report.Incidents);
            return opens;
        }

        Assert.Equal(Opens(withStray: false), Opens(withStray: true));
    }

    [Fact]
    public void Analyze_EpisodesBelowTheThresholdInALongErrorLog_AreEachAnIncidentBesideTheOnesThatReachedIt()
    {
        // A development stack's error log: hundreds of notices, an outage of the app (five refusals in a minute), one
        // refusal a minute after it (its tail), and hours later a timeout and another refusal of the same app, each
        // alone. No access log shows other traffic, so nginx's lines are the failures to report.
        const string TimedOut = "upstream timed out (110: Connection timed out) while reading response header from upstream";
        var errors = Enumerable.Range(0, 300).Select(i => $"2026/11/24 09:{i / 60 % 60:00}:{i % 60:00} [notice] 1#1: signal process started")
            .Concat(Enumerable.Range(0, 5).Select(i => Error(i * 10, Refused, cid: 10 + i)))
            .Append(Error(100, Refused, cid: 20))
            .Append(Error(3 * 3600, TimedOut, cid: 30))
            .Append(Error(5 * 3600, Refused, cid: 40));

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.True(report.Stats.BelowThreshold);
        Assert.Collection(
            report.Incidents,
            outage => Assert.Equal((IncidentCause.UpstreamDown, 6), (outage.Cause, outage.FailedRequests)),
            slow => Assert.Equal((IncidentCause.Timeout, 504, 1), (slow.Cause, slow.Status, slow.FailedRequests)),
            again => Assert.Equal((IncidentCause.UpstreamDown, 1), (again.Cause, again.FailedRequests)));
        Assert.Contains("no access log shows other traffic then", report.Incidents[2].Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// nginx numbers every connection it accepts or opens from one counter its workers share, so where no access log
    /// shows the traffic, the error log's <c>*N</c> does: on a busy site (a thousand connections between lines ten
    /// minutes apart) a lone failure hours after an outage is a stray in a stream, not an episode; on a quiet stack
    /// (the counter barely moving) it is reported, as it always was. A counter that went back (nginx restarted or
    /// reloaded between) says nothing.
    /// </summary>
    [Theory]
    [InlineData(1000, false, 1)]
    [InlineData(2, false, 3)]
    [InlineData(1000, true, 3)]
    public void Analyze_LoneFailuresInALongErrorLog_AreStraysWhereTheConnectionCounterShowsTraffic(int connectionsPerTenMinutes, bool restartBeforeEach, int incidents)
    {
        const string TimedOut = "upstream timed out (110: Connection timed out) while reading response header from upstream";
        long Counter(int second) => 100 + ((long)second * connectionsPerTenMinutes / 600) % (restartBeforeEach ? 3600 * connectionsPerTenMinutes / 600 : long.MaxValue);
        var notices = Enumerable.Range(0, 240).Select(i => i * 90).Select(second =>
            $"{new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero).AddSeconds(second):yyyy/MM/dd HH:mm:ss} [info] 7#7: *{Counter(second)} client closed connection while waiting for request, client: 10.9.0.{second % 200}, server: 0.0.0.0:80");
        var errors = notices
            .Concat(Enumerable.Range(0, 5).Select(i => Error(i * 10, Refused, cid: (int)Counter(i * 10))))
            .Append(Error(3 * 3600 + 17, TimedOut, cid: (int)Counter(3 * 3600 + 17)))
            .Append(Error(5 * 3600 + 17, Refused, cid: (int)Counter(5 * 3600 + 17)))
            .OrderBy(line => line, StringComparer.Ordinal);

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(incidents, report.Incidents.Count);
        Assert.Equal((IncidentCause.UpstreamDown, 5), (report.Incidents[0].Cause, report.Incidents[0].FailedRequests));
    }

    [Fact]
    public void Analyze_FewFailuresFromStandardInput_IsNoIncidentSinceItCannotBeReadTwice()
    {
        var text = Error(0, Refused) + "\n";
        var once = new LogInput("stdin", () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), CanReopen: false);

        var report = LogAnalyzer.Analyze([], [once], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Empty(report.Incidents);
        Assert.Equal((1, false), (report.Stats.FailedRequests, report.Stats.BelowThreshold));
    }

    [Fact]
    public void Analyze_UpstreamAnswered5xx_IsUpstreamReturned()
    {
        var access = Enumerable.Range(0, 5).Select(i => Access(i, 503, cid: i));
        var incident = Assert.Single(Analyze(access, [Error(30, "some unrelated upstream line", cid: 999)]).Incidents);

        Assert.Equal(IncidentCause.UpstreamReturned, incident.Cause);
        Assert.Equal(503, incident.Status);
        Assert.Equal("access", incident.Evidence[0].Source);
    }

    [Fact]
    public void Analyze_ErrorLogOnly_FindsIncidentsFromErrorLines()
    {
        var errors = Enumerable.Range(0, 5).Select(i => Error(i, "upstream timed out (110: Connection timed out) while reading response header from upstream", cid: i));

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.Timeout, 504, 5), (incident.Cause, incident.Status, incident.FailedRequests));
    }

    [Fact]
    public void Analyze_ErrorLogInLocalTime_JoinsUsingAccessLogOffset()
    {
        // Access log at +0100 and error log in the same local time: joined only if the offset is applied.
        var access = Enumerable.Range(0, 4).Select(i => $"10.9.8.7 - - [24/Nov/2026:11:00:0{i} +0100] \"GET /x HTTP/1.1\" 502 0 \"-\" \"curl\"");
        var errors = Enumerable.Range(0, 4).Select(i => $"2026/11/24 11:00:0{i} [error] 7#7: *{i} {Refused}, client: 10.9.8.7, server: a.test, request: \"GET /x HTTP/1.1\", upstream: \"http://10.0.0.9:80/x\", host: \"a.test\"");

        var incident = Assert.Single(Analyze(access, errors, format: "combined").Incidents);

        Assert.Equal("10.0.0.9:80", incident.Upstream);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero), incident.Start);
        Assert.Equal(4, incident.Evidence[0].Count);
    }

    [Fact]
    public void Engine_StateSavedAndResumedBetweenBatches_GivesSameIncidentsAsOneRun()
    {
        var access = Enumerable.Range(0, 4).Select(i => Access(i, 200))
            .Concat(Enumerable.Range(20, 10).Select(i => Access(i, 502, connect: "-", header: "-", cid: i))).ToList();
        var errors = Enumerable.Range(20, 10).Select(i => Error(i, Refused, cid: i)).ToList();
        var whole = Analyze(access, errors);

        // Two batches, with the state serialized in between as the timer function does.
        var options = new DiagnosisOptions();
        var first = new DiagnosisEngine(options);
        new LogFeed(first).Run([Input("a1", access.Take(8))], [Input("e1", errors.Take(4))], AccessLogFormatFor(), CancellationToken.None);
        Assert.Empty(first.DrainResolved());
        var second = new DiagnosisEngine(options, RoundTrip(first.State));
        new LogFeed(second).Run([Input("a2", access.Skip(8))], [Input("e2", errors.Skip(4))], AccessLogFormatFor(), CancellationToken.None);
        var resumed = second.Complete();

        var expected = Assert.Single(whole.Incidents);
        var actual = Assert.Single(resumed);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal((expected.Cause, expected.FailedRequests, expected.SuccessesBefore, expected.Start, expected.End),
            (actual.Cause, actual.FailedRequests, actual.SuccessesBefore, actual.Start, actual.End));
    }

    [Fact]
    public void Analyze_MalformedLines_AreCountedAndKept()
    {
        var access = new[] { Access(0, 200), "\u0001\u0002 binary \u00ff", "truncated 10.9.8.7 [24/Nov", Access(1, 200) };

        var report = Analyze(access);

        Assert.Equal(2, report.Stats.AccessLines);
        Assert.Equal(2, report.Stats.MalformedLines);
        Assert.Contains(report.Stats.MalformedSamples, s => s.StartsWith("truncated", StringComparison.Ordinal));
    }

    private static FunctionsApp.NginxLogs.AccessLogFormat AccessLogFormatFor()
    {
        Assert.True(FunctionsApp.NginxLogs.AccessLogFormat.TryCompile(UpstreamFormat, out var format, out _));
        return format;
    }
}
