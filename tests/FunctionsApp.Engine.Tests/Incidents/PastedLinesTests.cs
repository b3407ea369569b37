using FunctionsApp.Incidents;
using FunctionsApp.NginxConfig;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// Error lines as people paste them about their 502s, read the way nginx wrote them: what the paste added (a
/// container's name on the next line, a mark where the quote was lost, months between two excerpts) is not nginx's,
/// and the steps speak of the server behind the line (PHP-FPM or fcgiwrap, a unix socket, a container's name).
/// </summary>
public sealed class PastedLinesTests
{
    private const string Time = "2026/11/24 10:00:01";

    private static IReadOnlyList<Incident> Analyze(params string[] errorLines) =>
        LogAnalyzer.Analyze([], [EngineTestKit.Input("error.log", errorLines)], format: null, new DiagnosisOptions(), CancellationToken.None).Incidents;

    private static string Line(string message, string upstream, string host = "shop.example", string level = "error", string time = Time, int cid = 7) =>
        $"{time} [{level}] 41#41: *{cid} {message}, client: 203.0.113.9, server: {host}, request: \"GET / HTTP/1.1\", upstream: \"{upstream}\", host: \"{host}\"";

    /// <summary>
    /// A socket nginx could not create is ngx_event_connect_peer's NGX_ERROR: ngx_http_upstream_connect answers the
    /// request 500 and tries no other server, where a connect() that fails goes on to the next (502 when none is left).
    /// </summary>
    [Theory]
    [InlineData("alert", "socket() failed (97: Address family not supported by protocol) while connecting to upstream", "http://[::1]:8001/", 500)]
    [InlineData("crit", "connect() to [::1]:8001 failed (99: Cannot assign requested address) while connecting to upstream", "http://[::1]:8001/", 502)]
    public void SocketNginxCouldNotCreate_IsAnswered500(string level, string message, string upstream, int status)
    {
        var incident = Assert.Single(Analyze(Line(message, upstream, level: level)));

        Assert.Equal((IncidentCause.Misconfiguration, status), (incident.Cause, incident.Status));
    }

    /// <summary>A host value whose closing quote the paste lost, ending in a mark (a quote's <c>&gt;</c>), is the host
    /// without the mark: the same site as its other lines, one incident.</summary>
    [Fact]
    public void HostEndingInAPastesMark_IsTheSameSite()
    {
        var refused = Line("connect() failed (111: Connection refused) while connecting to upstream", "uwsgi://127.0.0.1:8000");
        var cut = refused[..refused.LastIndexOf('"')] + ">";

        var incident = Assert.Single(Analyze(cut, refused.Replace("*7 ", "*8 ", StringComparison.Ordinal)));

        Assert.Equal(("shop.example", 2), (incident.Host, incident.FailedRequests));
    }

    /// <summary>
    /// An entry wrapped over several lines in a container's output: its continuations carry no container name, the
    /// stream's next line does, and is the next entry (an access line here), not more of this one's host.
    /// </summary>
    [Fact]
    public void WrappedEntry_EndsWhereTheContainersNextLineBegins()
    {
        string[] lines =
        [
            "geonode_1 | 2018/09/12 16:12:01 [error] 6#6: *1 upstream prematurely closed connection while",
            "reading response header from upstream, client: 172.25.0.1, server: , request: \"GET / HTTP/1.1\", ",
            "upstream: \"uwsgi://172.25.0.2:8000\", host: \"192.168.0.6:8888\"",
            "",
            "geonode_1 | 172.25.0.1 - - [12/Sep/2018:16:12:01 +0000] \"GET / HTTP/1.1\" 502 173 \"-\" \"Mozilla/5.0",
            " (Macintosh; Intel Mac OS X 10.11; rv:62.0) Gecko/20100101 Firefox/62.0\" \"-\"",
        ];

        var incident = Assert.Single(Analyze(lines));

        Assert.Equal(("172.25.0.2:8000", "192.168.0.6"), (incident.Upstream, incident.Host));
    }

    /// <summary>
    /// 502s an access excerpt holds without naming the upstream are not one outage with a refusal an error excerpt shows
    /// months later: an upstream still down fails every request that comes, so a day without a failure is one
    /// served again, or a site nobody used.
    /// </summary>
    [Theory]
    [InlineData("08/Jul/2022:20:37:50", 1)]
    [InlineData("08/Mar/2022:21:25:12", 2)]
    public void UnnamedFailures_JoinANamedOutage_OnlyWithinADay(string accessTime, int incidents)
    {
        var access = LogAnalyzer.Analyze(
            [EngineTestKit.Input("access.log", [$"172.29.0.1 - - [{accessTime} +0000] \"GET / HTTP/1.0\" 502 559 \"-\" \"Mozilla/5.0\" \"-\""])],
            [EngineTestKit.Input("error.log", [Line("connect() failed (111: Connection refused) while connecting to upstream", "http://192.168.48.6:80/", host: "tube.example", time: "2022/07/08 20:38:16")])],
            format: null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(incidents, access.Incidents.Count);
        Assert.Contains(access.Incidents, i => i.Upstream == "192.168.48.6:80" && i.Cause == IncidentCause.UpstreamDown);
    }

    /// <summary>What the steps name is the server behind the line: fcgiwrap's CGI program, PHP-FPM only where the address
    /// is PHP's, a unix socket's own listing, and for a uwsgi upstream no keepalive (nginx opens a connection per request).</summary>
    [Fact]
    public void Steps_SpeakOfTheServerBehindTheLine()
    {
        var fcgiwrap = Assert.Single(Analyze(Line("upstream prematurely closed FastCGI stdout while reading response header from upstream", "fastcgi://unix:/run/fcgiwrap.socket:")));
        var python = Assert.Single(Analyze(Line("upstream timed out (110: Connection timed out) while reading response header from upstream", "fastcgi://127.0.0.1:8000")));
        var php = Assert.Single(Analyze(Line("upstream timed out (110: Connection timed out) while reading response header from upstream", "fastcgi://unix:/run/php/php8.2-fpm.sock:")));
        var uwsgi = Assert.Single(Analyze(Line("upstream prematurely closed connection while reading response header from upstream", "uwsgi://127.0.0.1:8000")));

        Assert.Contains(fcgiwrap.Remediation, step => step.StartsWith("fcgiwrap runs a CGI program for each request", StringComparison.Ordinal));
        Assert.DoesNotContain(fcgiwrap.Remediation, step => step.Contains("`proxy_pass http://` vs `https://`", StringComparison.Ordinal));
        Assert.Contains(python.Remediation, step => step.Contains("the FastCGI server's own time limit for a request (PHP-FPM's", StringComparison.Ordinal));
        Assert.Contains(php.Remediation, step => step.Contains("together with PHP-FPM's `request_terminate_timeout`", StringComparison.Ordinal));
        Assert.DoesNotContain(uwsgi.Remediation, step => step.Contains("keepalive", StringComparison.Ordinal));
        Assert.DoesNotContain("kept-alive", uwsgi.Summary, StringComparison.Ordinal);
    }

    /// <summary>A header nginx refused is the answer's own, so its steps start with what the upstream sends; a reset
    /// makes no such step, nor one about the protocol, and says a kept-alive connection may have been closed idle.</summary>
    [Fact]
    public void InvalidResponse_StepsFitWhatBroke()
    {
        var header = Assert.Single(Analyze(Line("upstream sent invalid header: \"X-Foo\\x09Bar: 1\" while reading response header from upstream", "http://10.0.0.7:8080/")));
        var reset = Assert.Single(Analyze(Line("recv() failed (104: Connection reset by peer) while reading response header from upstream", "http://10.0.0.7:8080/")));

        Assert.Equal((IncidentCause.InvalidResponse, IncidentCause.InvalidResponse), (header.Cause, reset.Cause));
        Assert.StartsWith("See what 10.0.0.7:8080 answers", header.Remediation[0], StringComparison.Ordinal);
        Assert.DoesNotContain(reset.Remediation, step => step.StartsWith("See what", StringComparison.Ordinal) || step.StartsWith("Check that nginx speaks", StringComparison.Ordinal));
        Assert.Contains("kept-alive connection the server had already closed as idle", reset.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// A bare name that did not resolve is a container's or a Compose service's: the first step is the container and
    /// its network (Docker's DNS knows it only while it runs on a network nginx shares), not the DNS server's upstreams.
    /// </summary>
    [Theory]
    [InlineData("geoserver could not be resolved (2: Server failure)", "geoserver", true)]
    [InlineData("bitwarden could not be resolved (3: Host not found)", "bitwarden", true)]
    [InlineData("api.example.org could not be resolved (3: Host not found)", "api.example.org", false)]
    public void UnresolvedBareName_IsAContainersName(string message, string name, bool bare)
    {
        var line = $"{Time} [error] 41#41: *7 {message}, client: 203.0.113.9, server: shop.example, request: \"GET / HTTP/1.1\", host: \"shop.example\"";

        var incident = Assert.Single(Analyze(line));

        Assert.Equal((IncidentCause.Dns, name), (incident.Cause, incident.Upstream));
        Assert.Equal(bare, incident.Remediation[0].StartsWith($"`{name}` is a bare name", StringComparison.Ordinal));
    }

    /// <summary>On the BSDs nginx's refusal is errno 61, and a unix socket is listed with their own tools, not Linux's.</summary>
    [Fact]
    public void UnixSocketOnBsd_IsListedWithTheBsdsTools()
    {
        var incident = Assert.Single(Analyze(Line("connect() to unix:/var/run/fcgiwrap.socket failed (61: Connection refused) while connecting to upstream", "fastcgi://unix:/var/run/fcgiwrap.socket:")));

        Assert.Contains(incident.Remediation, step => step.Contains("`sockstat -u | grep fcgiwrap.socket`", StringComparison.Ordinal));
        Assert.DoesNotContain(incident.Remediation, step => step.Contains("ss -lxp", StringComparison.Ordinal));
    }

    /// <summary>
    /// A loopback address refused in nginx's container is another container's application dialled at the wrong address,
    /// or, in an all-in-one image, the application beside nginx not running: the first step says both.
    /// </summary>
    [Fact]
    public void LoopbackRefusedInAContainer_StepsCoverTheAllInOneImage()
    {
        var line = $"{Time} [error] 12#12: *388 connect() failed (111: Connection refused) while connecting to upstream, client: 172.19.0.1, server: _, request: \"GET /graphql HTTP/1.0\", upstream: \"http://127.0.0.1:8080/graphql\", host: \"pim.example\"";

        var incident = Assert.Single(Analyze(line));

        Assert.Equal(IncidentCause.Misconfiguration, incident.Cause);
        Assert.StartsWith("In nginx's container 127.0.0.1:8080 is that container itself", incident.Remediation[0], StringComparison.Ordinal);
        Assert.Contains("all-in-one image", incident.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// With the configuration, a socket nginx may not open is no wrong address: the address step (nothing accepts
    /// connections there) is left for connects that found nothing, and lists a unix socket with its own tools.
    /// </summary>
    [Fact]
    public void ConfigurationSteps_NameTheAddress_OnlyWhereNothingAnswered()
    {
        const string Config = "http { server { listen 80; server_name git.example; location / { fastcgi_pass unix:/var/run/fcgiwrap.socket; } } "
            + "server { listen 80; server_name app.example; location / { proxy_pass http://127.0.0.1:3000; } } }";
        var model = NginxConfigParser.ParseText(Config).Model!;
        var denied = Line("connect() to unix:/var/run/fcgiwrap.socket failed (13: Permission denied) while connecting to upstream", "fastcgi://unix:/var/run/fcgiwrap.socket:", host: "git.example", level: "crit");
        var loopback = $"{Time} [error] 12#12: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 172.17.0.1, server: app.example, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:3000/\", host: \"app.example\"";

        var permission = IncidentConfigEnricher.Enrich(Assert.Single(Analyze(denied)), model);
        var wrongAddress = IncidentConfigEnricher.Enrich(Assert.Single(Analyze(loopback)), model);

        Assert.Equal((IncidentCause.Misconfiguration, IncidentCause.Misconfiguration), (permission.Cause, wrongAddress.Cause));
        Assert.DoesNotContain(permission.Remediation, step => step.Contains("nothing accepts connections", StringComparison.Ordinal) || step.Contains("ss -ltnp", StringComparison.Ordinal));
        Assert.Contains(permission.Remediation, step => step.Contains("fcgiwrap's socket unit's `SocketUser`", StringComparison.Ordinal));
        Assert.Contains(wrongAddress.Remediation, step => step.StartsWith("Fix the address at nginx.conf:1", StringComparison.Ordinal) && step.Contains("nothing accepts connections at 127.0.0.1:3000", StringComparison.Ordinal));
    }

    /// <summary>
    /// Servers refused a scanner's request (its Host an address), and seconds later nginx found their group empty for
    /// the site's: one outage of the group, told by the refusals, under the group's name and the site's. Past the
    /// servers' fail_timeout, or for a group that failed nothing first, the group's lines stand alone.
    /// </summary>
    [Theory]
    [InlineData("2026/11/24 10:00:06", 1)]
    [InlineData("2026/11/24 10:05:00", 2)]
    public void ServersFailingThenTheirGroupEmpty_IsOneOutageOfTheGroup(string noneLiveAt, int incidents)
    {
        string[] lines =
        [
            Line("connect() failed (111: Connection refused) while connecting to upstream", "fastcgi://172.22.1.13:9002", host: "168.119.164.100", cid: 10),
            Line("connect() failed (111: Connection refused) while connecting to upstream", "fastcgi://172.22.1.14:9002", host: "168.119.164.100", cid: 10),
            Line("no live upstreams while connecting to upstream", "fastcgi://phpfpm", host: "mail.example", time: noneLiveAt, cid: 13),
        ];

        var found = Analyze(lines);

        Assert.Equal(incidents, found.Count);
        var group = Assert.Single(found, i => i.Upstream == "phpfpm");
        Assert.Equal(("mail.example", IncidentCause.UpstreamDown), (group.Host, group.Cause));
        Assert.Equal(incidents == 1, group.Summary.Contains("refused connections", StringComparison.Ordinal));
    }

    /// <summary>
    /// A refusal's steps for where the service listens: on another host or container, an application bound to
    /// 127.0.0.1 refuses nginx (listen on 0.0.0.0); on nginx's own loopback or socket, no second server but a supervised
    /// service started before nginx.
    /// </summary>
    [Theory]
    [InlineData("http://172.18.0.5:1337/", true, false)]
    [InlineData("http://127.0.0.1:3000/", false, true)]
    [InlineData("fastcgi://unix:/run/php/php8.2-fpm.sock:", false, true)]
    public void Refusal_StepsFitWhereTheServiceListens(string upstream, bool bindStep, bool local)
    {
        var message = upstream.Contains("unix:", StringComparison.Ordinal)
            ? "connect() to unix:/run/php/php8.2-fpm.sock failed (111: Connection refused) while connecting to upstream"
            : "connect() failed (111: Connection refused) while connecting to upstream";

        var incident = Assert.Single(Analyze(Line(message, upstream)));

        Assert.Equal(IncidentCause.UpstreamDown, incident.Cause);
        Assert.Equal(bindStep, incident.Remediation.Any(step => step.Contains("bound to 127.0.0.1", StringComparison.Ordinal)));
        Assert.Equal(local, incident.Remediation.Contains(Remediation.LocalServiceStep));
        Assert.Equal(!local, incident.Remediation.Contains(Remediation.MoreThanOneServerStep));
    }

    /// <summary>
    /// nginx for Windows says so in lines of its own (<c>CreateFile()</c>, a path on a drive) when the incident's line
    /// carries no Winsock errno: its steps list listeners with Windows' tools and name php-cgi's own listener.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NginxForWindows_ToldByAnotherLine_GetsWindowsSteps(bool createFileLine)
    {
        var notFastCgi = "2018/10/14 18:43:23 [error] 25648#13304: *17 upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream, client: 127.0.0.1, server: localhost, request: \"GET /organizr HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\", host: \"localhost:81\"";
        var createFile = "2018/10/14 18:43:20 [error] 25648#13304: *17 CreateFile() \"c:/nginx/www/organizr/html/organizr\" failed (2: The system cannot find the file specified), client: 127.0.0.1, server: localhost, request: \"GET /organizr HTTP/1.1\", host: \"localhost:81\"";

        var incident = Assert.Single(Analyze(createFileLine ? [createFile, notFastCgi] : [notFastCgi]));

        Assert.Equal(IncidentCause.Misconfiguration, incident.Cause);
        Assert.Equal(createFileLine, incident.Remediation.Any(step => step.Contains("php-cgi.exe -b", StringComparison.Ordinal)));
        Assert.Equal(!createFileLine, incident.Remediation.Any(step => step.Contains("ss -ltnp", StringComparison.Ordinal)));
    }

    /// <summary>
    /// A connect that timed out is nginx's <c>proxy_connect_timeout</c>, whose value the configuration gives, even where
    /// Winsock's long errno text cuts the signature before the phase; to localhost's [::1], nginx then tries 127.0.0.1.
    /// </summary>
    [Fact]
    public void ConnectTimeout_WithTheConfiguration_NamesTheConnectTimer()
    {
        const string Config = "http { server { listen 8989; server_name localhost; location / { proxy_pass http://localhost:9999; proxy_read_timeout 500; } } }";
        var line = "2020/12/16 07:23:59 [error] 2592#13852: *1 upstream timed out (10060: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond) while connecting to upstream, client: 127.0.0.1, server: localhost, request: \"GET /feature/index HTTP/1.1\", upstream: \"http://[::1]:9999/feature/index\", host: \"localhost:8989\"";

        var incident = IncidentConfigEnricher.Enrich(Assert.Single(Analyze(line)), NginxConfigParser.ParseText(Config).Model!);

        Assert.Equal((IncidentCause.Timeout, 504), (incident.Cause, incident.Status));
        Assert.Contains("nginx gave up after proxy_connect_timeout 60s (nginx's default; not set)", incident.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("proxy_read_timeout", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, step => step.StartsWith("`localhost` names both [::1] and 127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>
    /// Requests a limit rejected from a private address may be a proxy's in front of nginx, whose users then share one
    /// bucket: the first step says how to give nginx their address. A public client gets no such step.
    /// </summary>
    [Theory]
    [InlineData("10.4.0.1", true)]
    [InlineData("203.0.113.50", false)]
    public void RateLimitedPrivateClient_IsPossiblyAProxysBucket(string client, bool proxyStep)
    {
        var line = $"{Time} [error] 20#20: *563 limiting requests, excess: 30.297 by zone \"myzone\", client: {client}, server: _, request: \"GET /rest/v1/ HTTP/1.0\", host: \"shop.example\"";

        var incident = Assert.Single(Analyze(line));

        Assert.Equal((IncidentCause.RateLimited, 503), (incident.Cause, incident.Status));
        Assert.Equal(proxyStep, incident.Remediation[0].StartsWith($"The client nginx rejected is {client}, a private address", StringComparison.Ordinal));
    }

    /// <summary>
    /// A journal's lines of nginx refusing its configuration at start (<c>nginx -t</c>'s verdict, systemd's word that the
    /// start failed) are nginx's lines read, in the input's count as in the error lines': no warning that nothing of
    /// the file was read beside "2 error lines".
    /// </summary>
    [Fact]
    public void JournalOfAFailedStart_CountsItsLinesAsRead()
    {
        string[] lines =
        [
            "Jan 08 13:46:17 raspberrypi systemd[1]: Starting A high performance web server and a reverse proxy server...",
            "Jan 08 13:46:17 raspberrypi nginx[14213]: nginx: [emerg] \"listen\" directive is not allowed here in /etc/nginx/sites-enabled/site:1",
            "Jan 08 13:46:17 raspberrypi nginx[14213]: nginx: configuration file /etc/nginx/nginx.conf test failed",
            "Jan 08 13:46:17 raspberrypi systemd[1]: nginx.service: Control process exited, code=exited, status=1/FAILURE",
            "Jan 08 13:46:17 raspberrypi systemd[1]: Failed to start A high performance web server and a reverse proxy server.",
        ];

        var report = LogAnalyzer.Analyze([], [EngineTestKit.Input("error.log", lines)], format: null, new DiagnosisOptions(), CancellationToken.None);

        var input = Assert.Single(report.Stats.Inputs);
        Assert.True(report.Stats.ErrorLines >= 2);
        Assert.Equal(report.Stats.ErrorLines, input.Parsed);
    }

    /// <summary>
    /// A refused or unreachable address on a Docker bridge network (172.17–31.x.x) is a container's: whether it runs,
    /// and that a recreated one has a new address nginx resolved once, come first; not for any other private address.
    /// </summary>
    [Theory]
    [InlineData("connect() failed (113: No route to host) while connecting to upstream", "http://172.17.1.84:5000/", true)]
    [InlineData("connect() failed (111: Connection refused) while connecting to upstream", "http://172.19.0.7:9000/", true)]
    [InlineData("connect() failed (113: No route to host) while connecting to upstream", "http://10.0.3.84:5000/", false)]
    public void ContainersAddressFailing_SaysWhereContainersAddressesGo(string message, string upstream, bool container)
    {
        var incident = Assert.Single(Analyze(Line(message, upstream)));

        Assert.Equal(IncidentCause.UpstreamDown, incident.Cause);
        Assert.Equal(container, incident.Remediation.Any(step => step.Contains("is a container's address on a Docker network: `docker ps -a`", StringComparison.Ordinal)));
    }

    /// <summary>
    /// A 504 of a request held open by design (an event stream, a long poll) is nginx's read timer running out between
    /// events: the first step says so, in the module's words; an ordinary page's timeout gets no such step.
    /// </summary>
    [Theory]
    [InlineData("/user/events", "http://127.0.0.1:3000", "`proxy_read_timeout` (60s by default)")]
    [InlineData("/api/longpoll?since=5", "http://127.0.0.1:3000", "`proxy_read_timeout` (60s by default)")]
    [InlineData("/woodpecker.proto.Woodpecker/Poll", "grpc://127.0.0.1:9000", "`grpc_read_timeout` (60s by default)")]
    [InlineData("/cart/checkout", "http://127.0.0.1:3000", null)]
    public void TimeoutOfARequestHeldOpen_IsTheReadTimerBetweenEvents(string path, string upstream, string? timer)
    {
        var line = $"{Time} [error] 41#41: *7 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 203.0.113.9, server: shop.example, request: \"GET {path} HTTP/1.1\", upstream: \"{upstream}{path}\", host: \"shop.example\"";

        var incident = Assert.Single(Analyze(line));

        Assert.Equal((IncidentCause.Timeout, 504), (incident.Cause, incident.Status));
        Assert.Equal(timer is not null, incident.Remediation[0].Contains("looks like a stream or a long poll", StringComparison.Ordinal));
        if (timer is not null)
        {
            Assert.Contains(timer, incident.Remediation[0], StringComparison.Ordinal);
        }
    }
}
