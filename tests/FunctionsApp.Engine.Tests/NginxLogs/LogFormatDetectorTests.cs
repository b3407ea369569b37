using System.Globalization;
using System.Text;
using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class LogFormatDetectorTests
{
    private static byte[][] Lines(params string[] lines) => [.. lines.Select(Encoding.UTF8.GetBytes)];

    [Fact]
    public void Detect_CombinedLines_PicksCombined()
    {
        var format = LogFormatDetector.Detect(Lines(
            "10.0.0.1 - - [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8.0\""));
        Assert.Equal("combined", format?.Name);
    }

    /// <summary>
    /// The number after the status that is the size of nginx's own page for it (a 503 naming nginx/1.14.0 (Ubuntu) is
    /// 206 bytes, a 502 naming nginx/1.18.0 (Ubuntu) 166) is the body's, though 206 is also Partial Content's code.
    /// </summary>
    [Theory]
    [InlineData(503, 206, "\"-\"", "main")]
    [InlineData(503, 197, "", "combined")]
    [InlineData(502, 166, "\"-\"", "main")]
    [InlineData(504, 183, "", "combined")]
    public void Detect_ABodyTheSizeOfNginxsOwnPage_IsTheBodyNotAnUpstreamStatus(int status, int bytes, string forwarded, string expected)
    {
        var format = LogFormatDetector.Detect(Lines(
            $"123.23.12.234 - - [10/Jul/2020:06:33:12 +0000] \"GET /elb-status HTTP/1.1\" {status} {bytes} \"-\" \"ELB-HealthChecker/2.0\" {forwarded}".TrimEnd()));
        Assert.Equal(expected, format?.Name);
    }

    /// <summary>A status after the status that is no page's size is still the upstream's (a custom format).</summary>
    [Fact]
    public void Detect_TwoStatusesNoPageSize_ReadsTheSecondAsTheUpstreams()
    {
        var format = LogFormatDetector.Detect(Lines(
            "10.0.0.1 - - [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 502 502 \"-\" \"curl/8.0\" \"-\"",
            "10.0.0.1 - - [24/Nov/2026:10:00:02 +0000] \"GET / HTTP/1.1\" 200 200 \"-\" \"curl/8.0\" \"-\""));
        Assert.Contains("$status $upstream_status", format?.Definition, StringComparison.Ordinal);
    }

    /// <summary>
    /// A number after the status that is a status code but never the status itself is the body's size: the last try's
    /// status is the one nginx passes on, so `$upstream_status` equals `$status` on lines where both are there.
    /// </summary>
    [Theory]
    [InlineData("1.2.3.4", 504, 208)]
    [InlineData("ip", 504, 208)]
    [InlineData("10.0.0.1", 502, 301)]
    public void Detect_ASizeThatIsAStatusCodeButNeverTheStatus_IsTheBody(string client, int status, int bytes)
    {
        var format = LogFormatDetector.Detect(Lines(
            $"{client} - - [27/Nov/2018:14:23:25 +0000] \"POST /repo.git/git-receive-pack HTTP/1.1\" {status} {bytes} \"-\" \"git/1.0 (libgit2 Client 12.0.0.0)\""));

        Assert.Equal("combined", format?.Name);
    }

    [Theory]
    [InlineData("192.168.x.x")]
    [InlineData("x.x.32.2")]
    [InlineData("xxx.xxx.xxx.xxx")]
    [InlineData("10.0.*.*")]
    [InlineData("91.bbb.ccc.ddd")] // each masked octet a letter repeated
    [InlineData("aaa.bbb.ccc.ddd")]
    [InlineData("a.b.c.d")]
    public void Detect_CombinedWithTheClientMaskedBeforePosting_StillPicksCombined(string masked)
    {
        // A masked address has letters, like a host name; it stands where $remote_addr stands, not a $host.
        var format = LogFormatDetector.Detect(Lines(
            $"{masked} - - [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\""));
        Assert.Equal("combined", format?.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{0}               | ")] // docker compose logs
    [InlineData("<30>Nov 17 04:04:09 host {0}[1]: ")] // a syslog file of several programs
    public void DetectWithPrefix_AnotherProgramsLinesOutnumberNginxs_StillReadsNginxsWithItsFormat(string prefix)
    {
        // CouchDB's request lines have a method, a path and a status too: a template inferred from them reads three of
        // four lines, but none of nginx's, which a format nginx ships reads.
        string[] couch =
        [
            "[notice] 2025-11-17T04:04:09.169298Z nonode@nohost <0.1086.0> 655de37663 localhost:5984 127.0.0.1 admin GET /_up 200 ok 2",
            "[notice] 2025-11-17T04:04:09.274739Z nonode@nohost <0.1086.0> 3ec07593b7 localhost:5984 127.0.0.1 admin GET /_up 200 ok 2",
            "[notice] 2025-11-17T04:04:09.398566Z nonode@nohost <0.1086.0> ed674454c9 localhost:5984 127.0.0.1 admin GET /_up 200 ok 2",
        ];
        const string Nginx = "172.21.0.8 - - [17/Nov/2025:04:04:13 +0000] \"GET /metrics HTTP/1.1\" 200 8953 \"-\" \"Prometheus/2.45.0\"";
        var lines = couch.Select(l => string.Format(CultureInfo.InvariantCulture, prefix, "couchdb0") + l)
            .Append(string.Format(CultureInfo.InvariantCulture, prefix, "nginx-proxy") + Nginx).ToArray();

        var detection = LogFormatDetector.DetectWithPrefix(Lines(lines));

        Assert.Equal("combined", detection.Format?.Name);
    }

    /// <summary>
    /// A format whose bracketed time is glued to the next field by a colon (<c>'[$time_local]:$remote_addr - …'</c>): the
    /// colon is the format's text, and the address after it a field of its own, as after a space.
    /// </summary>
    [Fact]
    public void Detect_BracketedTimeGluedToTheAddressByAColon_InfersBothFields()
    {
        var format = LogFormatDetector.Detect(Lines(
            "[01/Jul/2020:07:51:59 +0000]:10.176.208.13 - \"GET /service/token HTTP/1.1\" 200 737 \"-\" \"Go-http-client/1.1\" 1.547 1.548 .",
            "[01/Jul/2020:07:51:59 +0000]:10.176.208.13 - \"HEAD /v2/app/manifests/1.0 HTTP/1.1\" 404 0 \"-\" \"harbor-registry-client\" 0.032 0.032 .",
            "[01/Jul/2020:07:53:04 +0000]:10.176.208.13 - \"HEAD /v2/app/manifests/0.9 HTTP/1.1\" 200 0 \"-\" \"harbor-registry-client\" 0.127 0.124 .",
            "[01/Jul/2020:07:53:05 +0000]:10.176.208.13 - \"HEAD /v2/app/manifests/0.8 HTTP/1.1\" 200 0 \"-\" \"harbor-registry-client\" 0.122 0.124 .",
            "[01/Jul/2020:07:53:03 +0000]:10.176.208.13 - \"PUT /v2/app/manifests/1.0 HTTP/1.1\" 504 160 \"-\" \"harbor-registry-client\" 59.997 60.003 ."));

        Assert.NotNull(format);
        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(
            "[01/Jul/2020:07:53:03 +0000]:10.176.208.13 - \"PUT /v2/app/manifests/1.0 HTTP/1.1\" 504 160 \"-\" \"harbor-registry-client\" 59.997 60.003 ."), out var entry));
        Assert.Equal(504, entry.Status);
        Assert.Equal("10.176.208.13", entry.Text(AccessField.RemoteAddr));

        // Two times apart by no more than rounding and the drift of nginx's two clocks (the wall clock's $request_time,
        // the monotonic one's upstream times: 60.003 beside 59.997 after 60 s) are the request's and the upstream's
        // response time, which values alone cannot order; neither is a header time, which would say the upstream answered.
        Assert.Equal(["59.997", "60.003"], new[] { entry.Text(AccessField.RequestTime), entry.Text(AccessField.UpstreamResponseTime) }.Order());
        Assert.DoesNotContain("$upstream_header_time", format.Definition, StringComparison.Ordinal);
        Assert.True(entry.TryGetTime(out var time));
        Assert.Equal(new DateTimeOffset(2020, 7, 1, 7, 53, 3, TimeSpan.Zero), time);
    }

    /// <summary>
    /// A platform's stream (`fly logs`: the proxy's, the runner's and the VM's own lines) with one line of nginx's in a
    /// format of its own: no preset reads it, and the platform's lines outnumber it, yet the layout whose lines hold a
    /// quoted request line is inferred, and reads it.
    /// </summary>
    [Fact]
    public void DetectWithPrefix_FewNginxLinesOfAnOwnFormatAmongAPlatformsLines_InfersTheirFormat()
    {
        string[] lines =
        [
            "2025-06-12T12:08:54.675 proxy[e2860] fra [info] Starting machine",
            "2025-06-12T12:08:55.093 runner[e2860] fra [info] Machine started in 403ms",
            "2025-06-12T12:08:55.096 proxy[e2860] fra [info] machine started in 420.864897ms",
            "2025-06-12T12:08:55.106 proxy[e2860] fra [info] machine became reachable in 10.048795ms",
            "2025-06-12T12:09:55.316 app[e2860] fra [info] ERROR stderr to vsock zero copy err: Broken pipe (os error 32)",
            "2025-06-12T12:09:55.316 app[e2860] fra [info] 176.235.138.138 - [12/Jun/2025:15:09:55 +0300] \"POST /auth/login HTTP/1.1\" 504 569 bytes",
        ];

        var detection = LogFormatDetector.DetectWithPrefix(Lines(lines));

        var format = Assert.IsType<AccessLogFormat>(detection.Format);
        Assert.True(format.TryParse(System.Text.Encoding.UTF8.GetBytes(lines[^1]), out var entry));
        Assert.Equal(504, entry.Status);
    }

    [Theory]
    [InlineData(8, 3, true)]
    [InlineData(3, 3, true)]
    // JSON lines of another program beside nginx's combined lines: the text reading still wins.
    [InlineData(0, 2, false)]
    public void Detect_JsonAccessLinesAfterTheEntrypointBanner_AreReadAsJson(int bannerLines, int jsonLines, bool json)
    {
        // `docker logs` of the official image just after a start: its /docker-entrypoint.sh banner, then nginx's lines.
        string[] banner =
        [
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
            "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
        ];
        var lines = banner.Take(bannerLines).Concat(Enumerable.Range(0, jsonLines).Select(i =>
            $"{{\"time_local\":\"08/Mar/2024:13:00:3{i} +0000\",\"remote_addr\":\"172.22.0.1\",\"request\":\"GET /api/{i} HTTP/1.1\",\"status\": \"200\",\"body_bytes_sent\":\"615\",\"request_time\":\"0.002\",\"upstream_response_time\":\"0.001\"}}"));
        if (!json)
        {
            lines = lines.Concat(Enumerable.Range(0, 3).Select(i => $"172.22.0.{i + 2} - - [08/Mar/2024:13:00:4{i} +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"curl/8.5.0\""));
        }

        var format = LogFormatDetector.Detect(Lines([.. lines]));

        Assert.Equal(json, format?.IsJson);
        Assert.NotNull(format);
    }

    [Fact]
    public void Detect_MainLines_PicksMainOverCombined()
    {
        var format = LogFormatDetector.Detect(Lines(
            "10.0.0.1 - - [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8.0\" \"203.0.113.1\""));
        Assert.Equal("main", format?.Name);
    }

    [Fact]
    public void Detect_IngressNginxLines_PicksIngressNginx()
    {
        var format = LogFormatDetector.Detect(Lines(
            "10.0.0.1 - - [24/Nov/2026:10:00:01 +0000] \"GET /api HTTP/1.1\" 502 150 \"-\" \"curl/8.0\" 78 0.002 [default-api-80] [] 10.244.0.7:8080, 10.244.0.8:8080 0, 150 0.001, 0.001 502, 502 5f2c"));
        Assert.Equal("ingress-nginx", format?.Name);
    }

    [Fact]
    public void Detect_NginxProxyManagerLines_PicksItsPreset_WhichTellsTheTwoStatusesApart()
    {
        // A proxy host's log: its upstream answered 500 where error_page made it 503, and one request no upstream saw.
        var lines = Lines(
            "[24/Nov/2026:10:00:01 +0545] - 200 200 - GET https app.example.com \"/\" [Client 203.0.113.25] [Length 2367] [Gzip -] [Sent-to 192.168.1.50] \"curl/8.5.0\" \"-\"",
            "[24/Nov/2026:10:00:02 +0545] - 500 503 - GET https app.example.com \"/cart\" [Client 203.0.113.26] [Length 150] [Gzip 2.41] [Sent-to 192.168.1.50] \"Mozilla/5.0\" \"https://app.example.com/\"",
            "[24/Nov/2026:10:00:03 +0545] HIT - 200 - GET https app.example.com \"/logo.png\" [Client 203.0.113.27] [Length 912] [Gzip -] [Sent-to 192.168.1.50] \"curl/8.5.0\" \"-\"");

        var format = LogFormatDetector.Detect(lines);

        Assert.Equal("nginx-proxy-manager", format?.Name);
        Assert.True(format!.TryParse(lines[1], out var entry));
        Assert.Equal((503, "500", "203.0.113.26"), (entry.Status, Encoding.UTF8.GetString(entry.Get(AccessField.UpstreamStatus)), entry.Text(AccessField.RemoteAddr)));
    }

    /// <summary>
    /// ingress-nginx's formats of 2016 and 2017–2018 (the client's forwarded-for list in brackets after its address;
    /// later the backend's name in brackets too): lines in which nginx answered itself log every upstream field "-",
    /// which inference cannot name from values, so only the format read on sight says no upstream was tried.
    /// </summary>
    [Theory]
    [InlineData("", "ingress-nginx-2016")]
    [InlineData("[default-app-80] ", "ingress-nginx-2017")]
    public void Detect_IngressNginxFormatsBefore2019_UpstreamFieldsReadEvenWhenAllDashes(string backend, string name)
    {
        var lines = Lines(
            $"127.0.0.1 - [127.0.0.1] - - [24/May/2016:07:44:19 +0000] \"GET / HTTP/1.1\" 503 23342 \"-\" \"lua-resty-http/0.07 (Lua) ngx_lua/10001\" 117 14.774 {backend}- - - -",
            $"10.10.10.10 - [10.10.10.10, 10.10.10.10] - - [24/May/2016:07:44:20 +0000] \"GET / HTTP/1.1\" 503 23343 \"-\" \"agent here\" 592 0.000 {backend}- - - -");

        var format = LogFormatDetector.Detect(lines);

        Assert.Equal(name, format?.Name);
        Assert.True(format!.Has(AccessField.UpstreamAddr) && format.Has(AccessField.UpstreamStatus));
        Assert.True(format.TryParse(lines[1], out var entry));
        Assert.Equal((503, "10.10.10.10"), (entry.Status, entry.Text(AccessField.RemoteAddr)));
    }

    /// <summary>
    /// `docker compose logs` of nginx-proxy: compose's column, then forego's, before nginx's lines and docker-gen's
    /// alike, each going on its own way. Two nginx lines among five of docker-gen and forego are read in its vhost
    /// format (with <c>$upstream_addr</c> since 2018, without before), the Host first.
    /// </summary>
    [Theory]
    [InlineData(" \"172.20.0.5:80\"", "nginx-proxy")]
    [InlineData("", "nginx-proxy-legacy")]
    public void DetectWithPrefix_NginxProxyLinesAmongDockerGensInAComposeStream_ReadsTheVhostFormat(string upstream, string name)
    {
        var sample = Lines(
            $"proxy_1      | nginx.1    | shop.test 172.20.0.1 - - [02/Feb/2018:15:23:48 +0000] \"GET / HTTP/1.1\" 503 213 \"-\" \"Mozilla/5.0\"{upstream}",
            "proxy_1      | forego     | starting dockergen.1 on port 5000",
            "proxy_1      | forego     | starting nginx.1 on port 5100",
            "proxy_1      | dockergen.1 | 2018/02/03 22:56:51 Contents of /etc/nginx/conf.d/default.conf did not change. Skipping notification 'nginx -s reload'",
            "proxy_1      | dockergen.1 | 2018/02/03 22:56:51 Watching docker events",
            "proxy_1      | dockergen.1 | 2018/02/03 22:56:52 Generated '/etc/nginx/conf.d/default.conf' from 3 containers",
            $"proxy_1      | nginx.1    | shop.test 172.20.0.3 - - [03/Feb/2018:22:56:54 +0000] \"POST /wp-cron.php HTTP/1.1\" 502 166 \"-\" \"WordPress/4.9.2\"{upstream}");

        var detection = LogFormatDetector.DetectWithPrefix(sample);

        Assert.Equal((name, "docker-compose+docker-compose"), (detection.Format?.Name, detection.Prefix.Name));
        Assert.True(detection.Format!.TryParse(sample[6].AsSpan(detection.Prefix.Strip(sample[6], out _)), out var entry));
        Assert.Equal(("shop.test", 502), (entry.Text(AccessField.Host), entry.Status));
    }

    [Fact]
    public void Detect_ApplicationTimingsBesideNginxs_TheTimeClosestBelowTheRequestsIsTheUpstreams()
    {
        // Discourse's log_format: "$upstream_response_time $request_time", then the application's own timings from
        // its answer's headers ("$upstream_http_x_sql_time"…), each a part of the request's. The upstream's time is
        // the one the request's holds and little else; which others are nginx's nothing tells, so none is a header time.
        var random = new Random(3);
        var lines = Enumerable.Range(0, 60).Select(i =>
        {
            var upstream = random.Next(20, 300) / 1000.0;
            var (queue, redis, sql) = (random.Next(0, 3) / 1000.0, random.Next(1, 9) / 1000.0, upstream * random.Next(20, 80) / 100);
            return string.Create(CultureInfo.InvariantCulture,
                $"[24/Nov/2026:10:00:{i:00} -0500] \"forum.example.com\" 198.51.100.{i} \"GET /latest.json HTTP/1.1\" \"Mozilla/5.0\" \"list/latest\" 200 5123 \"-\" {upstream:0.000} {upstream + 0.002:0.000} \"alice\" \"1\" \"{queue:0.000}\" \"3\" \"{redis:0.000}\" \"12\" \"{sql:0.000}\"");
        }).ToArray();

        var format = LogFormatDetector.Detect(Lines(lines));

        Assert.NotNull(format);
        Assert.Contains(" $upstream_response_time $request_time ", format.Definition, StringComparison.Ordinal);
        Assert.DoesNotContain("$upstream_header_time", format.Definition, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_LtsvHostBesideVhost_IsTheClient()
    {
        // ltsv.org's labels: "host" is the remote host, "vhost" the virtual host (a published LTSV log_format).
        var lines = Enumerable.Range(0, 20).Select(i =>
            $"time:02/Dec/2026:14:18:{i:00} +0545\thost:10.0.0.{i}\tforwardedfor:-\treq:GET /api/items/{i} HTTP/1.1\tstatus:{(i % 4 == 0 ? 502 : 200)}\tsize:23\treferer:-\tua:curl/8.5.0\treqtime:0.002\tvhost:api.example.com\tupstream:127.0.0.1:8080\tupstream_status:{(i % 4 == 0 ? 502 : 200)}\tapptime:0.002").ToArray();

        var format = LogFormatDetector.Detect(Lines(lines));

        Assert.NotNull(format);
        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(lines[4]), out var entry), format.Definition);
        Assert.Equal(("10.0.0.4", "api.example.com", "127.0.0.1:8080"), (entry.Text(AccessField.RemoteAddr), entry.Text(AccessField.Host), entry.Text(AccessField.UpstreamAddr)));
    }

    [Fact]
    public void Detect_NameSpaceEqualsValuePairs_AreReadByTheirNames()
    {
        // JFrog's published "timing" format: 'ip = $remote_addr user = \"$remote_user\" local_time = \"$time_local\" …'.
        var lines = Enumerable.Range(0, 20).Select(i =>
            $"ip = 10.5.21.{i} user = \"-\" local_time = \"27/Jan/2021:00:09:{i:00} +0000\" host = repo.example.com request = \"GET /artifactory/api/system/ping HTTP/1.1\" status = {(i % 5 == 0 ? 502 : 200)} bytes = {(i % 5 == 0 ? 157 : 2)} upstream = \"172.20.70.253:8082\" upstream_time = 0.0{i:00} request_time = 0.0{i + 1:00} referer = \"-\" UA = \"kube-probe/1.18+\"").ToArray();

        var format = LogFormatDetector.Detect(Lines(lines));

        Assert.NotNull(format);
        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(lines[5]), out var entry), format.Definition);
        Assert.Equal(("10.5.21.5", "repo.example.com", "502", "157", "172.20.70.253:8082", "0.005"),
            (entry.Text(AccessField.RemoteAddr), entry.Text(AccessField.Host), entry.Text(AccessField.Status), entry.Text(AccessField.BodyBytesSent), entry.Text(AccessField.UpstreamAddr), entry.Text(AccessField.UpstreamResponseTime)));
        Assert.True(entry.TryGetTime(out _));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("T")]
    public void Detect_LocalTimeWithoutAZone_IsTheTimeField(string separator)
    {
        // A published format: 'map $time_iso8601 $time { "~(.+)T(.+)[+-]" "$1 $2"; }', then '$time $remote_addr
        // $status "$request"'. nginx's local time without its offset: still the line's time.
        var lines = Enumerable.Range(0, 20).Select(i =>
            $"2026-12-01{separator}22:29:{i:00} 10.0.0.{i} {(i % 4 == 0 ? 502 : 200)} \"GET /api/orders/{i}?expand=items HTTP/1.1\"").ToList();

        var format = LogFormatDetector.Detect(Lines([.. lines]));

        Assert.NotNull(format);
        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(lines[4]), out var entry));
        Assert.True(entry.TryGetTime(out var time));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 22, 29, 4, TimeSpan.Zero), time);
        Assert.Equal(502, entry.Status);
        Assert.Null(entry.TimeZoneOffset);
    }

    [Fact]
    public void Detect_StatusesOfHttp09Answers_StillInferTheFormat()
    {
        // proxy_pass http:// to a TLS port: the upstream's bytes are no HTTP/1.0 header, nginx passes them as an HTTP/0.9
        // answer and logs the status 009 (and $upstream_status 009). The upstream fields must still be found.
        var lines = Enumerable.Range(0, 20).Select(i => i % 3 == 0
            ? $"203.0.113.{i} - - [01/Dec/2026:11:00:{i:00} +0100] \"GET /billing/ HTTP/1.1\" 009 7 \"-\" \"curl/8.5.0\" host=\"portal.example.com\" ua=\"10.0.3.4:8443\" us=\"009\" rt=0.004 urt=\"0.004\""
            : $"198.51.100.{i} - - [01/Dec/2026:11:00:{i:00} +0100] \"GET / HTTP/1.1\" 200 14933 \"-\" \"curl/8.5.0\" host=\"portal.example.com\" ua=\"10.0.3.4:8080\" us=\"200\" rt=0.156 urt=\"0.155\"").ToArray();

        var format = LogFormatDetector.Detect(Lines(lines));

        Assert.NotNull(format);
        Assert.True(format.Has(AccessField.UpstreamAddr) && format.Has(AccessField.UpstreamStatus) && format.Has(AccessField.Host), format.Definition);
    }

    [Fact]
    public void Detect_UpstreamTimesThatAreADashPerTry_AreStillTheirVariables()
    {
        // Two servers tried, neither sent a header: nginx logs "-" for each try ("-, -"), which says as little as "-".
        var lines = Enumerable.Range(0, 20).Select(i => i % 5 < 2
            ? $"10.1.2.{i} - - [01/Dec/2026:11:00:{i:00} +0100] \"GET /a HTTP/1.1\" 504 0 \"-\" \"curl/8.5.0\" ua=\"10.0.1.1:8080, 10.0.1.2:8080\" us=\"502, 504\" uht=\"-, -\" urt=\"0.001, 60.001\""
            : $"10.1.2.{i} - - [01/Dec/2026:11:00:{i:00} +0100] \"GET /a HTTP/1.1\" 200 512 \"-\" \"curl/8.5.0\" ua=\"10.0.1.2:8080\" us=\"200\" uht=\"0.010\" urt=\"0.012\"").ToArray();

        var format = LogFormatDetector.Detect(Lines(lines));

        Assert.NotNull(format);
        Assert.True(format.Has(AccessField.UpstreamHeaderTime) && format.Has(AccessField.UpstreamResponseTime), format.Definition);
    }

    [Fact]
    public void Detect_JsonLines_PicksJson()
    {
        var format = LogFormatDetector.Detect(Lines("{\"time_iso8601\":\"2026-11-24T10:00:01+00:00\",\"status\":200}"));
        Assert.Equal("json", format?.Name);
    }

    [Fact]
    public void Detect_GelfShapedJsonFormat_TakesItsHostForTheSender_AndTheHttpHostForTheRequest()
    {
        // A log_format that writes GELF itself (DECK36's): "host" is the machine that sent the message, by GELF's spec.
        var lines = Lines(Enumerable.Range(0, 10).Select(i =>
            $$"""{"version":"1.1","host":"vm","short_message":"GET /api/{{i}} HTTP/1.1","timestamp":1796180008.{{i}}49,"remote_addr":"127.0.0.1","request_status":{{(i % 3 == 0 ? 502 : 200)}},"http_host":"shop.example.test","upstream_addr":"127.0.0.1:21999"}""").ToArray());

        var format = LogFormatDetector.Detect(lines);

        Assert.NotNull(format);
        Assert.True(format.TryParse(lines[0], out var entry));
        Assert.Equal((502, "shop.example.test"), (entry.Status, entry.Has(AccessField.Host) ? entry.Text(AccessField.Host) : entry.Text(AccessField.HttpHost)));
    }

    [Theory]
    [InlineData("nginx.1     | ")]
    [InlineData("2024-01-24 10:25:11 nginx.1     | ")]
    public void DetectWithPrefix_AServiceColumnBeforeAVhostLine_IsStrippedEvenFromOneLine(string prefix)
    {
        // nginx-proxy's vhost format ($host first) behind compose's padded service column: as posted, one line. Read as
        // part of the line, the column would be the host.
        var line = prefix + "whoami.local 192.168.65.1 - - [24/Jan/2024:15:25:11 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"Mozilla/5.0\" \"172.18.0.3:8400\"";

        var detection = LogFormatDetector.DetectWithPrefix(Lines(line));

        Assert.False(detection.Prefix.IsNone);
        Assert.NotNull(detection.Format);
        Assert.True(detection.Format.TryParse(Encoding.UTF8.GetBytes(line)[detection.Prefix.Strip(Encoding.UTF8.GetBytes(line), out _)..], out var entry));
        Assert.Equal(("whoami.local", "172.18.0.3:8400"), (entry.Text(AccessField.Host), entry.Text(AccessField.UpstreamAddr)));
    }

    [Fact]
    public void Detect_Garbage_ReturnsNull() =>
        Assert.Null(LogFormatDetector.Detect(Lines("hello", "world", "")));

    // Sixty formats in CI; SYNTHETIC_FORMAT_SEEDS=first:count explores more (every seed must pass).
    public static TheoryData<int> Seeds()
    {
        var range = (Environment.GetEnvironmentVariable("SYNTHETIC_FORMAT_SEEDS") ?? "1:60").Split(':');
        return [.. Enumerable.Range(int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture))];
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Detect_RandomFormatOfEveryFamily_ReadsStatusTimeHostAndUpstreamLikeTheGivenFormat(int seed)
    {
        var logs = new SyntheticAccessLogs(seed);
        var lines = logs.Lines(300).Select(Encoding.UTF8.GetBytes).ToList();
        Assert.True(AccessLogFormat.TryCompile(logs.Directive, out var truth, out var error), error);

        var detected = LogFormatDetector.Detect(lines.Take(LogFormatDetector.SampleLines).ToList());

        Assert.True(detected is not null, $"{logs.Family}: nothing detected for {logs.Directive}");
        var wrong = lines.Where(line => !SameReading(truth, detected, line)).Select(Encoding.UTF8.GetString).ToList();
        Assert.True(wrong.Count * 20 <= lines.Count,
            $"{logs.Family}: {wrong.Count} of {lines.Count} lines read differently.\nformat:   {logs.Directive}\ndetected: {detected.Definition}\ne.g. {wrong.FirstOrDefault()}");
    }

    [Fact]
    public void Detect_CapturedFixtures_ReadEveryLineLikeTheirFormat()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "formats.json")));
        foreach (var dir in new[] { "mixed-custom", "mixed-json", "mixed-combined" })
        {
            var id = manifest.RootElement.GetProperty("fixtures").EnumerateArray().Single(f => f.GetProperty("dir").GetString() == dir).GetProperty("format").GetString()!;
            var declaration = manifest.RootElement.GetProperty("formats").GetProperty(id).GetProperty("declaration").GetString()!;
            Assert.True(AccessLogFormat.TryCompile(declaration.Length == 0 ? "combined" : declaration, out var truth, out _));
            var lines = File.ReadAllLines(Path.Combine(root, dir, "access.log")).Select(Encoding.UTF8.GetBytes).ToList();

            var detected = LogFormatDetector.Detect(lines.Take(LogFormatDetector.SampleLines).ToList());

            Assert.NotNull(detected);
            Assert.All(lines, line => Assert.True(SameReading(truth, detected, line), $"{dir}: {detected.Definition}\n{Encoding.UTF8.GetString(line)}"));
        }
    }

    [Fact]
    public void Detect_LabCustomFormat_InfersItsTemplate()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx", "mixed-custom");
        var lines = File.ReadAllLines(Path.Combine(root, "access.log")).Select(Encoding.UTF8.GetBytes).ToList();

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.Equal("inferred", detected.Name);
        Assert.Equal(
            "$time_iso8601 $host $status \"$request\" rt=$request_time ua=\"$upstream_addr\" us=\"$upstream_status\" uct=\"$upstream_connect_time\" urt=\"$upstream_response_time\" cid=$connection rid=$request_id $remote_addr",
            detected.Definition);
    }

    /// <summary>
    /// A format that quotes nothing and ends with the user agent (<c>$remote_addr $host - $msec $time_local $request
    /// $status $body_bytes_sent $http_user_agent</c>, as one project wrote it): browsers have more or fewer words, and
    /// semicolons among them, than the one that fills the sample; every line is read all the same.
    /// </summary>
    [Fact]
    public void Detect_UnquotedUserAgentAtTheEnd_ReadsEveryBrowsersLine()
    {
        string[] agents =
        [
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36",
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/119.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "curl/8.5.0",
        ];
        var random = new Random(20261202);
        var text = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            // The sample is one browser's; the rest of the file is everyone's.
            var agent = i < LogFormatDetector.SampleLines ? agents[0] : agents[random.Next(agents.Length)];
            var status = random.Next(10) == 0 ? 502 : 200;
            text.Add($"127.0.0.1 shop.test - {1699967371 + i}.514 14/Nov/2023:16:{i / 60 % 60:D2}:{i % 60:D2} +0330 GET /p/{i} HTTP/1.1 {status} {random.Next(0, 9000)} {agent}");
        }

        var lines = Lines([.. text]);

        var detected = LogFormatDetector.Detect(lines.Take(LogFormatDetector.SampleLines).ToList());

        Assert.NotNull(detected);
        Assert.All(lines, line =>
        {
            Assert.True(detected.TryParse(line, out var entry), $"{detected.Definition}\n{Encoding.UTF8.GetString(line)}");
            Assert.True(entry.TryGetTime(out _));
            Assert.Equal(Encoding.UTF8.GetString(line).Contains(" 502 ", StringComparison.Ordinal) ? 502 : 200, entry.Status);
            Assert.Equal("shop.test", entry.HostName);
        });
    }

    [Fact]
    public void Detect_CombinedWithUpstreamFieldsAppended_PrefersTheRicherInferredFormat()
    {
        // bench/'s "upstream" format: combined parses these lines too, but without host and upstream fields.
        var lines = Lines(
            "203.0.113.7 - - [24/Nov/2026:10:00:01 +0100] \"GET /a HTTP/1.1\" 200 5120 \"-\" \"curl/8.5.0\" \"api.example.com\" 0.046 10.0.1.11:8080, 10.0.1.12:8080 502, 200 -, 0.001 -, 0.045 0.001, 0.046",
            "203.0.113.8 - - [24/Nov/2026:10:00:02 +0100] \"GET /b HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\" \"api.example.com\" 0.001 10.0.1.11:8080 502 - - 0.000",
            "203.0.113.9 - - [24/Nov/2026:10:00:03 +0100] \"GET /c HTTP/1.1\" 200 12 \"-\" \"curl/8.5.0\" \"static.example.com\" 0.000 - - - - -",
            "203.0.113.7 - - [24/Nov/2026:10:00:04 +0100] \"GET /d HTTP/1.1\" 200 900 \"https://x.test/\" \"Mozilla/5.0 (X11)\" \"api.example.com\" 0.020 10.0.1.12:8080 200 0.001 0.019 0.020");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.Equal("inferred", detected.Name);
        Assert.True(detected.TryParse(lines[0], out var entry));
        Assert.Equal("10.0.1.11:8080, 10.0.1.12:8080", entry.Text(AccessField.UpstreamAddr));
        Assert.Equal("502, 200", entry.Text(AccessField.UpstreamStatus));
        Assert.Equal("api.example.com", entry.HostName);
        Assert.Equal(0.046, entry.RequestTime);
        Assert.Equal("0.001, 0.046", entry.Text(AccessField.UpstreamResponseTime));
    }

    [Theory]
    [InlineData(" | ", " | ")]
    [InlineData(" | ", " --> ")]
    [InlineData("; ", " ; ")]
    public void Detect_CombinedThenBarredGroupsOfKeyedTimes_ReadsEveryWordOfEachGroup(string before, string after)
    {
        // '… "$http_user_agent" | rt=$request_time uct="$upstream_connect_time" urt=$upstream_response_time | $upstream_addr':
        // the bars cut the line into groups of several space-separated values each, so the format is read word by word.
        string Line(int second, int status, string rt, string urt, string upstream) =>
            $"203.0.113.{7 + second} - - [24/Nov/2026:10:00:0{second} +0530] \"GET /api/{second} HTTP/1.1\" {status} 157 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\""
            + $"{before}rt={rt} uct=\"0.001\" urt={urt}{after}{upstream}";
        var lines = Lines(
            Line(1, 200, "0.046", "0.045", "172.18.0.5:8000"),
            Line(2, 504, "60.001", "60.000", "172.18.0.5:8000"),
            Line(3, 200, "0.450", "0.012", "172.18.0.6:8000"),
            Line(4, 502, "0.002", "0.001, 0.001", "172.18.0.5:8000, 172.18.0.6:8000"));

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.Equal("inferred", detected.Name);
        Assert.True(detected.TryParse(lines[1], out var entry), detected.Definition);
        Assert.Equal((504, 60.001, "60.000", "172.18.0.5:8000"), (entry.Status, entry.RequestTime, entry.Text(AccessField.UpstreamResponseTime), entry.Text(AccessField.UpstreamAddr)));
        Assert.True(detected.TryParse(lines[3], out entry), detected.Definition);
        Assert.Equal("172.18.0.5:8000, 172.18.0.6:8000", entry.Text(AccessField.UpstreamAddr));
        Assert.Equal("0.001", entry.Text(AccessField.UpstreamConnectTime));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Detect_TimesJoinedByASlash_AreEachTheirVariable_TheOneClearlyAboveTheRequests(bool upstreamFirst)
    {
        // '... $upstream_response_time/$request_time $upstream_addr': nginx rounds both to milliseconds, so they are
        // often equal; a slow client's request outlasts the upstream's answer, never the other way.
        (string Upstream, string Request)[] times = [("0.012", "0.012"), ("0.040", "0.041"), ("0.008", "0.420"), ("-", "0.000"), ("60.000", "60.001"), ("0.100", "0.100")];
        var lines = Lines([.. times.Select((t, i) =>
            $"192.0.2.{i + 1} - - [24/Nov/2026:10:00:{i:00} -0930] \"GET /x/{i} HTTP/1.1\" {(t.Upstream == "-" ? 502 : t.Upstream.StartsWith('6') ? 504 : 200)} 9 \"-\" \"curl/8.5.0\" "
            + (upstreamFirst ? $"{t.Upstream}/{t.Request}" : $"{t.Request}/{t.Upstream}") + " 10.0.0.4:9000")]);

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.Contains(upstreamFirst ? "$upstream_response_time/$request_time" : "$request_time/$upstream_response_time", detected.Definition, StringComparison.Ordinal);
        Assert.True(detected.TryParse(lines[2], out var entry), detected.Definition);
        Assert.Equal((0.420, "0.008"), (entry.RequestTime, entry.Text(AccessField.UpstreamResponseTime)));
    }

    [Theory]
    [InlineData("[{0} {1}] [{2} {3} {4}] \"{5}\"", "[$status $body_bytes_sent] [$upstream_addr $upstream_status")]
    [InlineData("{0} {1} \"-\" \"{5}\" [rt={4} ua={2} us={3}]", "[rt=$request_time ua=$upstream_addr us=$upstream_status]")]
    [InlineData("{0} {1} [{5}] {2} {3}", "[$http_user_agent]")]
    public void Detect_SeveralFieldsInOneBracket_AreEachAField_ButOneValueWithSpacesStaysOne(string tail, string expected)
    {
        // Brackets are the format's text: nginx never brackets a value itself. Words inside are fields of their own,
        // unless the bracket holds one value with spaces (a user agent, $time_local, a list of tries).
        string[] agents = ["curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "python-requests/2.31.0"];
        var lines = Lines([.. Enumerable.Range(0, 12).Select(i =>
        {
            var status = i == 5 ? 502 : 200;
            return $"10.0.0.{i + 1} [24/Nov/2026:10:00:{i:00} +0530] \"GET /a/{i} HTTP/1.1\" "
                + string.Format(CultureInfo.InvariantCulture, tail, status, status == 502 ? 157 : 900 + i, "127.0.0.1:8000", status, status == 502 ? "0.000" : "0.013", agents[i % 3]);
        })]);

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.Contains(expected, detected.Definition, StringComparison.Ordinal);
        Assert.True(detected.TryParse(lines[5], out var entry), detected.Definition);
        Assert.Equal(502, entry.Status);
    }

    [Fact]
    public void Detect_ATimeAndAnAddressJoinedByASlash_AreEachTheirVariable()
    {
        // '... upstream time/addr $upstream_response_time/$upstream_addr ...': cut at the first slash (a unix socket's
        // path has more); a product version or a date before a slash has no three decimals.
        string[] upstreams = ["127.0.0.1:21121", "unix:/run/app/gunicorn.sock", "[::1]:8080"];
        var lines = Lines([.. Enumerable.Range(0, 12).Select(i =>
            $"192.0.2.{i + 1} - - [24/Nov/2026:10:00:{i:00} -0900]  \"GET /api/{i} HTTP/1.1\" {(i == 5 ? 502 : 200)} {(i == 5 ? 309 : 264)} upstream time/addr "
            + $"0.0{i:00}/{upstreams[i % 3]} - \"-\" \"curl/8.5.0\"")]);

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.True(detected.TryParse(lines[4], out var entry), detected.Definition);
        Assert.Equal("unix:/run/app/gunicorn.sock", entry.Text(AccessField.UpstreamAddr));
        Assert.True(detected.TryParse(lines[5], out entry), detected.Definition);
        Assert.Equal((502, "[::1]:8080"), (entry.Status, entry.Text(AccessField.UpstreamAddr)));
    }

    [Theory]
    [InlineData("{0} {1} - -")]
    [InlineData("{0} - {1} - -")]
    public void Detect_HostFirstWhoseValuesAreSometimesAddresses_IsTheHost(string head)
    {
        // nginx-proxy's vhost format ('$host $remote_addr - $remote_user …') and a variant with a dash between: a Host
        // header is an address when a client browsed to the IP, so the first field holds names and addresses.
        string[] hosts = ["shop.example.com", "api.example.com", "192.168.1.20"];
        var lines = Lines([.. Enumerable.Range(0, 12).Select(i =>
            string.Format(CultureInfo.InvariantCulture, head, hosts[i % 3], $"172.18.0.{1 + (i % 5)}")
            + $" [24/Nov/2026:10:00:{i:00} +0000] \"GET /p/{i} HTTP/1.1\" {(i > 8 ? 502 : 200)} 157 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" \"172.18.0.5:80\"")]);

        var detected = LogFormatDetector.DetectWithPrefix(lines).Format;

        Assert.NotNull(detected);
        Assert.True(detected.TryParse(lines[2], out var entry), detected.Definition);
        Assert.Equal(("192.168.1.20", "172.18.0.3"), (entry.HostName, entry.Text(AccessField.RemoteAddr)));
    }

    [Fact]
    public void Detect_TimeUnderARequestTimeKeyThatIsSometimesAList_IsTheUpstreams()
    {
        // Captured (nginx 1.22, keepalive to a server closing reused connections): '... conn=$upstream_connect_time
        // rt=$upstream_response_time recv=$upstream_bytes_received'. nginx writes $request_time once per request, never a
        // list and never "-": a key that says "rt" holding "0.000, 0.004" on retried requests is the upstream's time.
        var lines = Lines(
            "1796364439.326 127.0.0.1 \"GET /v2/orders/1\" 200 93/176 up=127.0.0.1:29061 ups=200 conn=0.000 rt=0.006 recv=93 host=orders.api.example",
            "1796364439.369 127.0.0.1 \"POST /v2/orders\" 200 165/174 up=127.0.0.1:29061 ups=200 conn=0.000 rt=0.003 recv=91 host=orders.api.example",
            "1796364439.417 127.0.0.1 \"GET /v2/orders/1/status\" 200 100/183 up=127.0.0.1:29061, 127.0.0.1:29061 ups=502, 200 conn=0.000, 0.000 rt=0.000, 0.004 recv=0, 100 host=orders.api.example",
            "1796364439.512 127.0.0.1 \"POST /v2/orders\" 502 157/314 up=127.0.0.1:29061 ups=502 conn=0.000 rt=0.001 recv=0 host=orders.api.example");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.Contains("conn=$upstream_connect_time rt=$upstream_response_time recv=$upstream_bytes_received", detected.Definition, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("upstream")]
    [InlineData("backend")]
    public void Detect_JsonTimeUnderAnObjectAboutTheUpstream_IsTheUpstreamsTime(string name)
    {
        // {"rt":$request_time,"up":{"addr":"$upstream_addr","rt":"$upstream_response_time"}}: an "rt" alone is the
        // request's time; under the upstream's object, the upstream's.
        var lines = Lines(
            $"{{\"ts\":\"2026-03-04T10:00:01+01:00\",\"status\":200,\"rt\":0.051,\"{name}\":{{\"addr\":\"172.18.0.5:8000\",\"status\":\"200\",\"rt\":\"0.050\"}}}}",
            $"{{\"ts\":\"2026-03-04T10:00:02+01:00\",\"status\":504,\"rt\":60.001,\"{name}\":{{\"addr\":\"172.18.0.5:8000\",\"status\":\"504\",\"rt\":\"60.000\"}}}}");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.True(detected.TryParse(lines[1], out var entry), detected.Definition);
        Assert.Equal((60.001, "60.000", "172.18.0.5:8000"), (entry.RequestTime, entry.Text(AccessField.UpstreamResponseTime), entry.Text(AccessField.UpstreamAddr)));
    }

    [Fact]
    public void Detect_RandomBytesAndMixedGarbage_NeverThrows()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var sample = Enumerable.Range(0, random.Next(1, 30)).Select(_ =>
            {
                var bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
                return random.Next(3) == 0 ? Encoding.UTF8.GetBytes("{\"status\":" + random.Next(1000) + ",\"a\":[{\"b\":\"" + Encoding.Latin1.GetString(bytes)) : bytes;
            }).ToList();

            var format = LogFormatDetector.DetectWithPrefix(sample).Format;
            foreach (var line in sample)
            {
                format?.TryParse(line, out _);
            }
        }
    }

    // The lines below were written by nginx 1.22 (TZ=Asia/Kathmandu) with published formats, for two requests on "/"
    // (a healthy upstream, refusing at first) and "/api/orders/N?page=2" (a port that refuses); see
    // tests/FunctionsApp.IntegrationTests/Nginx/Corpus/PublicFormats.cs for where each format was found.

    [Fact]
    public void Detect_TwoKeyedFieldsAmongBareOnes_ReadsTheKeysAsLiteralText()
    {
        // log_format custom '$status url=$request_uri $msec "$request_method" size=$body_bytes_sent "$request_id"';
        // (real nginx 1.22, corpus seed 2026): two keys are too few for the line to read as key=value.
        var lines = Lines(
            "200 url=/items/294 1796029860.271 \"GET\" size=18 \"cbc80f39b72c62381071b3e15b021e71\"",
            "200 url=/events/ 1796029860.296 \"GET\" size=18 \"b6b5c314d442572c5f013515aea4204d\"",
            "502 url=/v2/list?page=15&sort=desc 1796029861.000 \"GET\" size=157 \"360b7b237cf8a750813acd89508f766f\"",
            "200 url=/214 1796029861.159 \"GET\" size=18 \"086b641148135b20ddedc3ec28683c62\"",
            "200 url=/items/204 1796029861.181 \"POST\" size=18 \"fc719972631a444e4a88ce2b5891fd51\"",
            "502 url=/2778/detail?ref=home 1796029861.744 \"GET\" size=157 \"1efb302f87245a8fbef9ba9f014b681e\"");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.All(lines, l => Assert.True(detected.TryParse(l, out _), detected.Definition));
        Assert.True(detected.TryParse(lines[2], out var entry));
        Assert.Equal(502, entry.Status);
        Assert.True(entry.Text(AccessField.RequestUri) == "/v2/list?page=15&sort=desc", detected.Definition);
        Assert.StartsWith("$status url=$request_uri $msec", detected.Definition, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_UpstreamTimeAMillisecondAboveTheRequests_IsStillTheUpstreams()
    {
        // '$time_iso8601\t$remote_addr\t$host\t"$request"\t$status\t$request_time\t$upstream_response_time': nginx rounds
        // each to whole milliseconds, and the upstream's often reads 1 ms above the request's.
        var lines = Lines(
            "2018-07-19T23:21:56+03:00\t141.8.0.1\twww.example.com\t\"GET / HTTP/1.1\"\t200\t0.000\t0.001",
            "2018-07-19T23:21:57+03:00\t141.8.0.2\twww.example.com\t\"GET /a HTTP/1.1\"\t200\t0.001\t0.001",
            "2018-07-19T23:21:58+03:00\t141.8.0.3\twww.example.com\t\"GET /b HTTP/1.1\"\t502\t0.000\t0.001");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.EndsWith("$status\t$request_time\t$upstream_response_time", detected.Definition, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_ElasticBeanstalkHealthd_ReadsItsQuotesAsSeparators()
    {
        // log_format healthd '$msec"$uri"' '$status"$request_time"$upstream_response_time"' '$http_x_forwarded_for';
        var lines = Lines(
            "1796031190.732\"/\"502\"0.001\"0.000\"203.0.113.7",
            "1796031191.164\"/api/orders/1\"502\"0.000\"0.001\"203.0.113.7",
            "1796031191.444\"/\"502\"0.000\"0.000\"203.0.113.7",
            "1796031191.735\"/api/orders/2\"502\"0.000\"0.000\"203.0.113.7",
            "1796031191.888\"/\"200\"0.005\"0.005\"203.0.113.7",
            "1796031192.023\"/api/orders/3\"502\"0.000\"0.000\"203.0.113.7",
            "1796031192.196\"/\"200\"0.009\"0.009\"203.0.113.7",
            "1796031192.309\"/api/orders/4\"502\"0.000\"0.000\"203.0.113.7");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.All(lines, l => Assert.True(detected.TryParse(l, out _), detected.Definition));
        Assert.True(detected.TryParse(lines[4], out var entry));
        Assert.Equal(200, entry.Status);
        Assert.True(entry.TryGetTime(out var time));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1796031191888), time);
        Assert.True(detected.TryParse(lines[1], out entry));
        Assert.True(entry.Text(AccessField.Uri) == "/api/orders/1", detected.Definition);
    }

    [Fact]
    public void Detect_FormatStringsJoinedWithoutSpaces_SplitsTheGluedFields()
    {
        // log_format combined_realip '$remote_addr $http_x_forwarded_for [$time_local]' '$host "$request_uri" $status'
        //                            '"$http_referer" "$http_user_agent"';
        var lines = Lines(
            "127.0.0.1 203.0.113.7 [30/Nov/2026:15:18:10 +0545]shop.example.com \"/?q=1\" 502\"https://shop.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64)\"",
            "127.0.0.1 203.0.113.7 [30/Nov/2026:15:18:11 +0545]shop.example.com \"/api/orders/1?page=2\" 502\"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"",
            "127.0.0.1 203.0.113.7 [30/Nov/2026:15:18:11 +0545]shop.example.com \"/?q=3\" 200\"https://shop.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64)\"",
            "127.0.0.1 203.0.113.7 [30/Nov/2026:15:18:12 +0545]shop.example.com \"/api/orders/3?page=2\" 502\"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.True(detected.TryParse(lines[1], out var entry), detected.Definition);
        Assert.Equal(502, entry.Status);
        Assert.Equal("shop.example.com", entry.HostName);
        Assert.Equal("/api/orders/1?page=2", entry.Text(AccessField.RequestUri));
        Assert.True(entry.TryGetTime(out var time));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 15, 18, 11, new TimeSpan(5, 45, 0)), time);
        Assert.True(detected.TryParse(lines[2], out entry));
        Assert.Equal(200, entry.Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Detect_JsonUpstreamHostKeyBesideUpstreamAddr_TakesTheAddressesForTheUpstream(bool hostFirst)
    {
        // APISIX's JSON format logs "upstream_host":"$upstream_host" (the Host sent upstream) beside "upstream_addr".
        string Line(int status, string addr) => hostFirst
            ? $"{{\"time\":\"2026-12-02T05:33:19+00:00\",\"status\":{status},\"vhost\":\"shop.example.test\",\"upstream_host\":\"shop.example.test\",\"upstream_addr\":\"{addr}\",\"request\":\"GET / HTTP/1.1\"}}"
            : $"{{\"time\":\"2026-12-02T05:33:19+00:00\",\"status\":{status},\"vhost\":\"shop.example.test\",\"upstream_addr\":\"{addr}\",\"upstream_host\":\"shop.example.test\",\"request\":\"GET / HTTP/1.1\"}}";
        var lines = Lines(Line(502, "127.0.0.1:23999"), Line(200, "127.0.0.1:23990"), Line(200, "127.0.0.1:23990"));

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.True(detected.TryParse(lines[0], out var entry), detected.Definition);
        Assert.Equal("127.0.0.1:23999", entry.Text(AccessField.UpstreamAddr));
    }

    [Fact]
    public void Detect_JsonHostKeyHoldingTheServerAddress_ReadsTheHostFromTheKeyWithNames()
    {
        // github.com/nanfeng/note: "host":"$server_addr", ... "http_host":"$host".
        var lines = Lines(
            "{\"@timestamp\":\"2026-11-30T15:18:11+05:45\",\"host\":\"127.0.0.1\",\"clientip\":\"127.0.0.1\",\"size\":157,\"responsetime\":0.000,\"upstreamtime\":\"0.001\",\"upstreamhost\":\"127.0.0.1:1\",\"http_host\":\"shop.example.com\",\"url\":\"/api/orders/1\",\"xff\":\"203.0.113.7\",\"referer\":\"-\",\"agent\":\"Mozilla/5.0 (X11; Linux x86_64)\",\"status\":\"502\"}",
            "{\"@timestamp\":\"2026-11-30T15:18:11+05:45\",\"host\":\"127.0.0.1\",\"clientip\":\"127.0.0.1\",\"size\":506,\"responsetime\":0.005,\"upstreamtime\":\"0.005\",\"upstreamhost\":\"127.0.0.1:18932\",\"http_host\":\"shop.example.com\",\"url\":\"/\",\"xff\":\"203.0.113.7\",\"referer\":\"https://shop.example.com/\",\"agent\":\"Mozilla/5.0 (X11; Linux x86_64)\",\"status\":\"200\"}");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.True(detected.TryParse(lines[0], out var entry), detected.Definition);
        Assert.Equal("shop.example.com", entry.HostName);
        Assert.Equal("127.0.0.1:1", entry.Text(AccessField.UpstreamAddr));
    }

    [Fact]
    public void Detect_JsonHostKeyOfAddressesBesideAPortKeyThatChanges_IsTheClient()
    {
        // alp's and ISUCON's format: "host":"$remote_addr","port":$remote_port, and no other key for the client.
        var lines = Enumerable.Range(0, 6).Select(i => Encoding.UTF8.GetBytes(
            $"{{\"time\":\"2026-12-03T16:18:0{i}+09:00\",\"host\":\"192.0.2.{10 + (i % 2)}\",\"port\":\"{60526 + (i * 4)}\",\"method\":\"GET\",\"uri\":\"/api/items/{i}?page={i}\",\"status\":\"{(i < 3 ? 200 : 504)}\",\"body_bytes\":\"28\",\"request_time\":\"0.004\",\"response_time\":\"0.004\"}}")).ToList();

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.True(detected.TryParse(lines[0], out var entry), detected.Definition);
        Assert.Equal("192.0.2.10", entry.Text(AccessField.RemoteAddr));
        Assert.Equal("-", entry.HostName);
    }

    [Fact]
    public void Analyze_JsonHostKeyOfTheClientsAddress_StillMeetsTheErrorLines()
    {
        // "host":"$remote_addr" without a port key to tell it: the error lines' client is the value, so the lines meet.
        var start = new DateTimeOffset(2026, 12, 3, 7, 18, 0, TimeSpan.Zero);
        var access = Enumerable.Range(0, 20).Select(i =>
            $"{{\"time\":\"{start.AddSeconds(i):yyyy-MM-ddTHH:mm:ss}+00:00\",\"host\":\"127.0.0.1\",\"method\":\"GET\",\"uri\":\"/api/{i}\",\"status\":\"{(i < 15 ? 200 : 504)}\",\"request_time\":\"{(i < 15 ? "0.004" : "1.001")}\"}}");
        var errors = Enumerable.Range(15, 5).Select(i =>
            $"{start.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: isu.example.jp, request: \"GET /api/{i} HTTP/1.1\", upstream: \"http://127.0.0.1:8080/api/{i}\", host: \"isu.example.jp\"");

        var incident = Assert.Single(FunctionsApp.Engine.Tests.Incidents.EngineTestKit.Analyze(access, errors, format: null).Incidents);

        Assert.Equal(("127.0.0.1:8080", IncidentCause.Timeout, 5), (incident.Upstream, incident.Cause, incident.FailedRequests));
    }

    [Fact]
    public void Detect_JsonTimesUnderKeysOfTheirOwn_ReadsThemAsNginxsTimes()
    {
        // The same published format: "responsetime":$request_time, "upstreamtime":"$upstream_response_time". The
        // times are what tells an application server's timeout (all failures at one limit) from a broken response.
        var lines = Lines(
            "{\"@timestamp\":\"2026-11-30T18:45:39+05:45\",\"host\":\"127.0.0.1\",\"clientip\":\"192.0.2.110\",\"size\":157,\"responsetime\":3.417,\"upstreamtime\":\"3.416\",\"upstreamhost\":\"unix:/run/gunicorn.sock\",\"http_host\":\"status.example.com\",\"url\":\"/cart/v2/list\",\"status\":\"502\"}",
            "{\"@timestamp\":\"2026-11-30T18:45:40+05:45\",\"host\":\"127.0.0.1\",\"clientip\":\"192.0.2.111\",\"size\":3,\"responsetime\":0.035,\"upstreamtime\":\"0.035\",\"upstreamhost\":\"unix:/run/gunicorn.sock\",\"http_host\":\"status.example.com\",\"url\":\"/cart/\",\"status\":\"200\"}");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.True(detected.TryParse(lines[0], out var entry), detected.Definition);
        Assert.Equal("3.416", entry.Text(AccessField.UpstreamResponseTime));
        Assert.Equal(3.417, entry.RequestTime!.Value, 3);
    }

    [Fact]
    public void Detect_NestedJsonDurationKeyWithAUnit_ReadsItAsRequestTime()
    {
        // ECS-like nesting with a key of its own for $request_time ("event.duration_s"): the failed requests' times are
        // what tells an application server's own timeout (all at its limit) from a broken response.
        var lines = Lines(
            "{\"@timestamp\":\"2026-12-01T09:24:16+00:00\",\"upstream\":{\"addr\":\"unix:/run/gunicorn.sock\"},\"event\":{\"duration_s\":\"30.004\"},\"http\":{\"response\":{\"body_bytes\":\"157\",\"status_code\":\"502\"},\"request\":{\"line\":\"GET /webhooks/1927 HTTP/1.1\"}},\"url\":{\"domain\":\"partners.example.com\"},\"client\":{\"ip\":\"203.0.113.64\"}}",
            "{\"@timestamp\":\"2026-12-01T09:24:17+00:00\",\"upstream\":{\"addr\":\"unix:/run/gunicorn.sock\"},\"event\":{\"duration_s\":\"0.001\"},\"http\":{\"response\":{\"body_bytes\":\"18\",\"status_code\":\"200\"},\"request\":{\"line\":\"POST /77644 HTTP/1.1\"}},\"url\":{\"domain\":\"partners.example.com\"},\"client\":{\"ip\":\"203.0.113.97\"}}");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.True(detected.TryParse(lines[0], out var entry), detected.Definition);
        Assert.Equal(30.004, entry.RequestTime!.Value, 3);
        Assert.Equal("unix:/run/gunicorn.sock", entry.Text(AccessField.UpstreamAddr));
    }

    [Theory]
    [InlineData("upstreamtime", nameof(AccessField.UpstreamResponseTime))]
    [InlineData("upstreamResponseTime", nameof(AccessField.UpstreamResponseTime))]
    [InlineData("upstream-connect-time", nameof(AccessField.UpstreamConnectTime))]
    [InlineData("UpstreamHeaderTime", nameof(AccessField.UpstreamHeaderTime))]
    [InlineData("upstreamStatus", nameof(AccessField.UpstreamStatus))]
    [InlineData("upstream_host", nameof(AccessField.UpstreamAddr))]
    [InlineData("upstreamServer", nameof(AccessField.UpstreamAddr))]
    [InlineData("requestTime", nameof(AccessField.RequestTime))]
    [InlineData("statusCode", nameof(AccessField.Status))]
    [InlineData("httpHost", nameof(AccessField.HttpHost))]
    [InlineData("userAgent", nameof(AccessField.UserAgent))]
    [InlineData("upstream_cache_status", nameof(AccessField.Ignored))]
    [InlineData("upstreamHttpXCache", nameof(AccessField.Ignored))]
    [InlineData("upstream_queue_time", nameof(AccessField.Ignored))]
    [InlineData("upstream_bytes_sent", nameof(AccessField.Ignored))]
    [InlineData("upstream_response_length", nameof(AccessField.UpstreamResponseLength))]
    [InlineData("upstreamResponseLength", nameof(AccessField.UpstreamResponseLength))]
    [InlineData("upstream_content_length", nameof(AccessField.Ignored))]
    [InlineData("code", nameof(AccessField.Ignored))]
    [InlineData("hostname", nameof(AccessField.Ignored))]
    [InlineData("latency", nameof(AccessField.RequestTime))]
    [InlineData("duration_s", nameof(AccessField.RequestTime))]
    [InlineData("request_time_sec", nameof(AccessField.RequestTime))]
    [InlineData("timeTakenSeconds", nameof(AccessField.RequestTime))]
    [InlineData("event.duration_s", nameof(AccessField.RequestTime))]
    [InlineData("http.latency_seconds", nameof(AccessField.RequestTime))]
    [InlineData("upstream.duration_s", nameof(AccessField.UpstreamResponseTime))]
    [InlineData("upstream.latency", nameof(AccessField.UpstreamResponseTime))]
    [InlineData("duration_ms", nameof(AccessField.Ignored))]
    [InlineData("timestamps", nameof(AccessField.Ignored))]
    [InlineData("upstream.cache_status", nameof(AccessField.Ignored))]
    [InlineData("host_domain", nameof(AccessField.Host))]
    [InlineData("server_host", nameof(AccessField.Host))]
    [InlineData("domain_http_host", nameof(AccessField.Host))]
    [InlineData("http_request_method", nameof(AccessField.RequestMethod))]
    [InlineData("http_request_uri", nameof(AccessField.RequestUri))]
    [InlineData("ups_resp_time", nameof(AccessField.UpstreamResponseTime))] // the upstream's short names start a key
    [InlineData("upstr-addr", nameof(AccessField.UpstreamAddr))]
    [InlineData("backend_status", nameof(AccessField.UpstreamStatus))]
    [InlineData("ups_cache_status", nameof(AccessField.Ignored))]
    [InlineData("upsell_time", nameof(AccessField.Ignored))] // a word that only starts like one
    public void FromJsonKey_KeysSpelledTheirOwnWay_ReadAsTheVariableTheySpell(string key, string expected) =>
        Assert.Equal(Enum.Parse<AccessField>(expected), AccessFields.FromJsonKey(key));

    [Fact]
    public void Detect_JsonRequestUriKeyThatNeverHoldsAQuery_ReadsItAsUriAndMeetsTheErrorLinesRequest()
    {
        // An ingress-nginx log-format-upstream (gist.github.com/Schnitzel): "request_uri": "$uri", "request_query": "$args".
        var lines = Lines(
            "{ \"time\": \"2026-11-30T15:18:11+05:45\", \"remote_addr\": \"127.0.0.1\", \"status\": \"502\", \"host\": \"shop.example.com\", \"request_uri\": \"/api/orders/1\", \"request_query\": \"page=2\", \"request_method\": \"GET\", \"request_time\": 0.000 }",
            "{ \"time\": \"2026-11-30T15:18:11+05:45\", \"remote_addr\": \"127.0.0.1\", \"status\": \"200\", \"host\": \"shop.example.com\", \"request_uri\": \"/\", \"request_query\": \"q=3\", \"request_method\": \"GET\", \"request_time\": 0.005 }");

        var detected = LogFormatDetector.Detect(lines);

        Assert.NotNull(detected);
        Assert.True(detected.TryParse(lines[0], out var entry), detected.Definition);
        Assert.Equal("/api/orders/1", entry.Text(AccessField.Uri));
        Assert.Equal(RequestAgreement.Agree, AccessRequest.From(in entry).Compare("GET /api/orders/1?page=2 HTTP/1.1"));
        Assert.Equal(RequestAgreement.Disagree, AccessRequest.From(in entry).Compare("GET /api/orders/2?page=2 HTTP/1.1"));
    }

    private static bool SameReading(AccessLogFormat truth, AccessLogFormat detected, byte[] line)
    {
        if (!truth.TryParse(line, out var expected) || !expected.TryGetTime(out var time))
        {
            return true;
        }

        return detected.TryParse(line, out var actual) && actual.Status == expected.Status
            && actual.TryGetTime(out var detectedTime) && detectedTime == time
            && actual.HostName == expected.HostName
            && (!truth.Has(AccessField.UpstreamAddr) || actual.Text(AccessField.UpstreamAddr) == expected.Text(AccessField.UpstreamAddr));
    }
}
