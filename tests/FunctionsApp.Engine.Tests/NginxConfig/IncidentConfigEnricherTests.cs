using FunctionsApp.Incidents;
using FunctionsApp.NginxConfig;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxConfig;

/// <summary>
/// The enrichment on the real logs and the real configuration that produced them (Fixtures/nginx/mixed-custom: one
/// nginx instance, every failure scenario, its exact nginx.conf), so the lines named are the lines nginx used.
/// </summary>
public sealed class IncidentConfigEnricherTests
{
    private static readonly string Dir = Path.Combine(ConfigFixtures.NginxRoot, "mixed-custom");
    private static readonly string Conf = Path.Combine(Dir, "nginx.conf");

    private static (IReadOnlyList<Incident> Incidents, NginxConfigModel Model, RouteObservations Observations) Analyze()
    {
        var formatText = File.ReadAllText(Path.Combine(ConfigFixtures.NginxRoot, "formats.json"));
        var format = System.Text.Json.JsonDocument.Parse(formatText).RootElement.GetProperty("formats").GetProperty("custom").GetProperty("format").GetString()!;
        Assert.True(AccessLogFormat.TryCompile(format, out var compiled, out _));
        var access = new[] { LogInput.FromPath(Path.Combine(Dir, "access.log")) };
        var report = LogAnalyzer.Analyze(access, [LogInput.FromPath(Path.Combine(Dir, "error.log"))], compiled, new DiagnosisOptions(), CancellationToken.None);
        var model = NginxConfigParser.ParseFile(Conf).Model!;
        Assert.True(AccessLogFormat.TryCompile(format, out var again, out _));
        var observations = RouteObservations.Collect(model, access, again, CancellationToken.None);
        return (IncidentConfigEnricher.Enrich(report.Incidents, model, observations), model, observations);
    }

    private static Incident For(IReadOnlyList<Incident> incidents, string scenario) =>
        incidents.Single(i => i.Host == scenario + ".example.test");

    private static string Line(string text, string scenario) => $"{Conf}:{ConfigFixtures.LineOf(Conf, text, after: $"server_name {scenario}.example.test;")}";

    [Fact]
    public void Enrich_Timeout_SaysThe504sTookTheConfiguredReadTimeout()
    {
        var (incidents, _, _) = Analyze();

        var incident = For(incidents, "upstream-timeout");

        Assert.Equal(IncidentCause.Timeout, incident.Cause);
        var where = Line("proxy_read_timeout 1s;", "upstream-timeout");
        Assert.Contains($"504(s) took", incident.Summary, StringComparison.Ordinal);
        Assert.Contains($"proxy_read_timeout 1s ({where})", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Evidence, e => e.Source == "config" && e.Sample == $"proxy_read_timeout 1s ({where})");
        Assert.StartsWith($"Raise `proxy_read_timeout 1s` at {where}", incident.Remediation[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Enrich_RefusedSinceTheLogsBegin_NamesTheProxyPassWhereTheAddressIs()
    {
        var (incidents, _, _) = Analyze();

        var incident = For(incidents, "connection-refused");

        // Refused from the first request: a stopped service or a wrong port; the configuration shows where to check the latter.
        Assert.Equal(IncidentCause.UpstreamDown, incident.Cause);
        var where = Line("proxy_pass", "connection-refused");
        Assert.Contains($"is named at {where}", incident.Summary, StringComparison.Ordinal);
        Assert.Contains(incident.Remediation, step => step.StartsWith($"If the service is running, check the address at {where}", StringComparison.Ordinal));
    }

    [Fact]
    public void Enrich_Tls_NamesTheProxySslLines()
    {
        var (incidents, _, _) = Analyze();

        var mismatch = For(incidents, "tls-name-mismatch");
        var untrusted = For(incidents, "tls-untrusted");

        Assert.Contains(Line("proxy_ssl_name", "tls-name-mismatch"), mismatch.Summary, StringComparison.Ordinal);
        Assert.Contains(mismatch.Evidence, e => e.Sample.StartsWith("proxy_ssl_server_name on (", StringComparison.Ordinal));
        Assert.Contains(Line("proxy_ssl_trusted_certificate", "tls-untrusted"), untrusted.Summary, StringComparison.Ordinal);
        Assert.Contains(Line("proxy_ssl_verify on", "tls-untrusted"), string.Join('\n', untrusted.Evidence.Select(e => e.Sample)), StringComparison.Ordinal);
    }

    [Fact]
    public void Enrich_BuffersAndRateLimits_NameTheirDirectives()
    {
        var (incidents, model, observations) = Analyze();

        Assert.Contains(Line("proxy_buffer_size 1k", "too-big-header"), For(incidents, "too-big-header").Summary, StringComparison.Ordinal);
        Assert.Contains(Line("limit_req zone=lab_ratelimit", "rate-limited"), For(incidents, "rate-limited").Summary, StringComparison.Ordinal);

        var findings = LogChecks.Run(model, observations, incidents);
        Assert.Contains(findings, f => f.Rule == "buffer-below-headers" && f.Where == Line("proxy_buffer_size 1k", "too-big-header"));
        Assert.Contains(findings, f => f.Rule == "timeout-below-latency" && f.Where == Line("proxy_read_timeout 1s", "upstream-timeout") && f.Severity == FindingSeverity.Error);
        Assert.Contains(findings, f => f.Rule == "no-error-page" && f.Where == Line("location /", "upstream-down"));
        Assert.DoesNotContain(findings, f => f.Rule is "no-error-page" or "no-stale-cache" && f.Where == Line("location /", "rate-limited"));
    }

    [Fact]
    public void Enrich_UnknownUpstream_IsResolvedThroughTheRouteOfItsRequests()
    {
        // A real access line of the upstream-503 scenario; the incident as the engine makes it when the format logs no upstream.
        var line = File.ReadLines(Path.Combine(ConfigFixtures.NginxRoot, "upstream-503-custom", "access.log")).First(l => l.Contains(" 503 ", StringComparison.Ordinal));
        var model = NginxConfigParser.ParseFile(Conf).Model!;
        var expected = model.Route("upstream-503.example.test", "/")!.Target!.Address;
        var incident = new Incident
        {
            Id = "abc", Upstream = "(unknown)", Host = "upstream-503.example.test", Status = 503, Statuses = new Dictionary<string, int> { ["503"] = 5 },
            Cause = IncidentCause.UpstreamReturned, Confidence = 0.9, Summary = "The gateway errors came from the upstream.",
            Start = DateTimeOffset.UnixEpoch, End = DateTimeOffset.UnixEpoch, State = IncidentState.Resolved, FailedRequests = 5,
            Evidence = [new EvidenceItem("upstream answered 503 itself", 5, line, "access")], Remediation = [],
        };

        var enriched = IncidentConfigEnricher.Enrich(incident, model);

        Assert.Equal(expected, enriched.Upstream);
        Assert.Contains("routes these requests to", enriched.Summary, StringComparison.Ordinal);
        Assert.Same(enriched, IncidentConfigEnricher.Enrich(enriched, model));
    }

    private const string ThreeSites = """
        http {
            server { listen 80; server_name shop.example.com;
                location / { proxy_pass http://127.0.0.1:8001; }
                location /graphql/ { proxy_pass http://127.0.0.1:8002; }
            }
            server { listen 80; server_name app.example.org;
                location / { proxy_pass http://127.0.0.1:8003; }
                location ~ \.php$ { fastcgi_pass unix:/run/php/app.sock; }
            }
            server { listen 80; server_name partners.example.com;
                location / { proxy_pass http://127.0.0.1:8004; }
                location /graphql/ { return 404; }
            }
        }
        """;

    private static Incident Unrouted(string sample, string? request = null, string host = "-") => new()
    {
        Id = "abc", Upstream = "(unknown)", Host = host, Status = 502, Statuses = new Dictionary<string, int> { ["502"] = 5 },
        Cause = IncidentCause.UpstreamReturned, Confidence = 0.6, Summary = "The gateway errors came from (unknown) itself.",
        Start = DateTimeOffset.UnixEpoch, End = DateTimeOffset.UnixEpoch, State = IncidentState.Resolved, FailedRequests = 5,
        Evidence = [new EvidenceItem("502 in the access log, no matching error-log line", 5, sample, "access", request)], Remediation = [],
    };

    [Theory]
    [InlineData("GET /graphql/items/390 HTTP/1.1", "127.0.0.1:8002", "shop.example.com")]
    [InlineData("POST /cart/checkout.php HTTP/1.1", "unix:/run/php/app.sock", "app.example.org")]
    public void Enrich_NeitherHostNorUpstreamLogged_TheOneServerWithALocationForTheUriIsTheGuess(string request, string upstream, string host)
    {
        // combined logs no Host: every server could have taken the request, but only one has a location for it
        // that is not its catch-all (partners' /graphql/ returns by itself, so it cannot answer 502).
        var model = NginxConfigParser.ParseText(ThreeSites).Model!;
        var sample = $"198.51.100.112 - - [30/Nov/2026:14:50:00 +0530] \"{request}\" 502 18 \"-\" \"Go-http-client/1.1\"";

        var enriched = IncidentConfigEnricher.Enrich(Unrouted(sample), model);

        Assert.Equal(upstream, enriched.Upstream);
        Assert.Equal(host, enriched.Host);
        Assert.Contains("inferred from the URI", enriched.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Enrich_NeitherHostNorUpstreamLogged_OnlyCatchAllsMatch_NothingIsGuessed()
    {
        var model = NginxConfigParser.ParseText(ThreeSites).Model!;
        var sample = "198.51.100.112 - - [30/Nov/2026:14:50:00 +0530] \"GET /account/ HTTP/1.1\" 502 18 \"-\" \"curl/8.0\"";

        var enriched = IncidentConfigEnricher.Enrich(Unrouted(sample), model);

        Assert.Equal("(unknown)", enriched.Upstream);
        Assert.Equal("-", enriched.Host);
    }

    [Fact]
    public void Enrich_RequestReadWithTheFormat_RoutesALineWithoutAQuotedRequest()
    {
        // '$request_method' and '$uri' in separate fields: no "GET /x HTTP/1.1" in the line for a pattern to find; the
        // engine's reading of the request (EvidenceItem.Request) routes it.
        var model = NginxConfigParser.ParseText(ThreeSites).Model!;
        var sample = "[30/Nov/2026:09:26:28 +0000] \"GET\" \"shop.example.com\" client=\"10.0.0.7\" elapsed=0.004 /graphql/q status=502";

        var enriched = IncidentConfigEnricher.Enrich(Unrouted(sample, request: "GET /graphql/q", host: "shop.example.com"), model);

        Assert.Equal("127.0.0.1:8002", enriched.Upstream);
        Assert.Contains("routes these requests to", enriched.Summary, StringComparison.Ordinal);
    }

    /// <summary>
    /// A conf.d file given alone (nginx-proxy's generated default.conf: `server` and `upstream` blocks at its top, which
    /// nginx includes inside `http`) is read as the http context; its upstream's only server marked `down` is why nginx
    /// found no live upstream: the configuration turned the requests away, a misconfiguration whatever runs at the
    /// address, and the summary and the first step say so.
    /// </summary>
    [Fact]
    public void Enrich_ConfDFileAlone_EveryServerMarkedDown_IsAMisconfigurationAndTheFirstStep()
    {
        const string Fragment = """
            server {
                server_name _;
                listen 80;
                return 503;
            }
            upstream jenkins.example.test {
                # jenkins_1
                server 172.17.0.3 down;
            }
            server {
                server_name jenkins.example.test;
                listen 80;
                location / {
                    proxy_pass http://jenkins.example.test;
                }
            }
            """;
        var model = NginxConfigParser.ParseText(Fragment).Model!;
        string[] errors = ["2015/12/27 16:55:24 [error] 67#67: *224 no live upstreams while connecting to upstream, client: 92.131.166.169, server: jenkins.example.test, request: \"GET / HTTP/1.1\", upstream: \"http://jenkins.example.test/\", host: \"jenkins.example.test\""];
        var report = LogAnalyzer.Analyze([], [Incidents.EngineTestKit.Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var enriched = IncidentConfigEnricher.Enrich(Assert.Single(report.Incidents), model);

        Assert.Equal((2, 1), (model.Servers.Count, model.Upstreams.Count));
        Assert.Equal(IncidentCause.UpstreamDown, report.Incidents[0].Cause); // the logs alone cannot tell
        Assert.Equal(IncidentCause.Misconfiguration, enriched.Cause);
        Assert.StartsWith("Every server of upstream jenkins.example.test is marked `down` in the configuration (nginx.conf:8)", enriched.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("most often its servers failed", enriched.Summary, StringComparison.Ordinal);
        Assert.StartsWith("Remove `down` from the servers of upstream jenkins.example.test (nginx.conf:8)", enriched.Remediation[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// 503s nginx made itself (its page's size, no upstream, no error line) in a location that passes nowhere and limits
    /// requests are its limit's rejections, when that limit answers 503; another status there (<c>limit_req_status
    /// 429</c>) or a location that proxies leaves the logs' verdict alone.
    /// </summary>
    [Theory]
    [InlineData("limit_req zone=one;", "", IncidentCause.RateLimited)]
    [InlineData("limit_conn addr 1;", "", IncidentCause.RateLimited)]
    [InlineData("limit_req zone=one;", "limit_req_status 429;", IncidentCause.Unknown)]
    [InlineData("limit_req zone=one;", "proxy_pass http://127.0.0.1:8080;", IncidentCause.Unknown)]
    [InlineData("", "", IncidentCause.Unknown)]
    public void Enrich_NginxsOwn503sWhereALimitRejects_AreRateLimited(string limit, string other, IncidentCause expected)
    {
        var conf = $$"""
            http {
                limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;
                limit_conn_zone $binary_remote_addr zone=addr:10m;
                server {
                    listen 80;
                    server_name localhost;
                    location / {
                        {{limit}}
                        {{other}}
                        root /usr/share/nginx/html;
                    }
                }
            }
            """;
        var model = NginxConfigParser.ParseText(conf).Model!;
        string[] access = [.. Enumerable.Range(0, 9).Select(i => $"192.168.0.107 - - [05/May/2020:20:58:4{i} +0800] \"GET / HTTP/1.0\" 503 197 \"-\" \"ApacheBench/2.3\"")];
        var report = LogAnalyzer.Analyze([Incidents.EngineTestKit.Input("access", access)], [], null, new DiagnosisOptions(), CancellationToken.None);

        var enriched = IncidentConfigEnricher.Enrich(Assert.Single(report.Incidents), model);

        Assert.Equal(IncidentCause.Unknown, report.Incidents[0].Cause); // the logs alone cannot tell
        Assert.Equal(expected, enriched.Cause);
        if (expected == IncidentCause.RateLimited)
        {
            Assert.Contains("nginx answered the 503s itself", enriched.Summary, StringComparison.Ordinal);
            Assert.DoesNotContain(enriched.Remediation, step => step.Contains("upstream behind", StringComparison.Ordinal));
        }
    }
}
