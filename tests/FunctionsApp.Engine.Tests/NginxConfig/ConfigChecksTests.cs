using FunctionsApp.NginxConfig;

namespace FunctionsApp.Engine.Tests.NginxConfig;

public sealed class ConfigChecksTests
{
    [Fact]
    public void Run_ApiGateway_FindsEachProblemAtItsLine()
    {
        var root = Path.GetDirectoryName(ConfigFixtures.MainFile("api-gateway"))!;
        var api = root + "/sites-enabled/api.example.com";
        var upstreams = root + "/conf.d/upstreams.conf";

        var findings = ConfigChecks.Run(ConfigFixtures.Load("api-gateway"));

        var found = findings.Select(f => (f.Rule, f.Where)).ToHashSet();
        var expected = new[]
        {
            ("max-fails-zero", $"{upstreams}:{ConfigFixtures.LineOf(upstreams, "max_fails=0")}"),
            ("single-server-no-backup", $"{upstreams}:{ConfigFixtures.LineOf(upstreams, "server 127.0.0.1:9003")}"),
            ("limit-req-without-burst", $"{api}:{ConfigFixtures.LineOf(api, "limit_req zone=per_client;")}"),
            ("keepalive-not-used", $"{api}:{ConfigFixtures.LineOf(api, "proxy_pass http://orders_v1;")}"),
            ("variable-pass-without-resolver", $"{api}:{ConfigFixtures.LineOf(api, "proxy_pass http://$tenant_backend;")}"),
            ("tls-upstream-without-sni", $"{api}:{ConfigFixtures.LineOf(api, "proxy_pass https://payments;")}"),
            ("next-upstream-off", $"{api}:{ConfigFixtures.LineOf(api, "proxy_next_upstream off;")}"),
            ("log-format-missing-fields", $"{root}/nginx.conf:{ConfigFixtures.LineOf(root + "/nginx.conf", "access_log")}"),
        };
        Assert.All(expected, e => Assert.Contains(e, found));

        // Not findings: a limit_req with burst (admin), keepalive with HTTP/1.1 and a cleared Connection, also where a
        // nested location inherits them; a group with a backup server.
        Assert.DoesNotContain(findings, f => f.Rule == "limit-req-without-burst" && f.File.EndsWith("admin.example.com", StringComparison.Ordinal));
        Assert.Single(findings, f => f.Rule == "keepalive-not-used");
        Assert.DoesNotContain(findings, f => f.Rule == "single-server-no-backup" && f.Directive.Contains("8443", StringComparison.Ordinal));
        Assert.Equal(expected.Length, findings.Count);

        var sni = findings.Single(f => f.Rule == "tls-upstream-without-sni");
        Assert.Contains("proxy_ssl_server_name on;", sni.Fix, StringComparison.Ordinal);
        Assert.Contains("\"payments\"", sni.Fix, StringComparison.Ordinal);
        var logFormat = findings.Single(f => f.Rule == "log-format-missing-fields");
        Assert.Contains("$upstream_connect_time", logFormat.Why, StringComparison.Ordinal);
        Assert.DoesNotContain("$upstream_addr", logFormat.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_IngressStyle_SeesKeepaliveOnlyWhereConnectionIsNotCleared()
    {
        var main = ConfigFixtures.MainFile("ingress-style");

        var findings = ConfigChecks.Run(ConfigFixtures.Load("ingress-style"));

        var keepalive = Assert.Single(findings, f => f.Rule == "keepalive-not-used");
        Assert.Equal(ConfigFixtures.LineOf(main, "proxy_pass http://default-shop-frontend-80;"), keepalive.Line);
        Assert.Contains(findings, f => f.Rule == "single-server-no-backup" && f.Directive.Contains("8181", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Rule == "max-fails-zero" && f.Directive.Contains("30080", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Rule == "max-fails-zero" && f.Directive.Contains("31080", StringComparison.Ordinal));
        var logFormat = Assert.Single(findings, f => f.Rule == "log-format-missing-fields");
        Assert.Contains("$request_id", logFormat.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PhpFpm_OnlyTheDefaultLogFormat()
    {
        var finding = Assert.Single(ConfigChecks.Run(ConfigFixtures.Load("php-fpm")));

        Assert.Equal("log-format-missing-fields", finding.Rule);
        Assert.Contains("\"combined\"", finding.Why, StringComparison.Ordinal);
        Assert.Contains("log_format combined_upstream '$remote_addr - $remote_user [$time_local]", finding.Fix, StringComparison.Ordinal);
    }

    // Hostnames are resolved by nginx -t itself, so configurations naming hosts that only exist in someone's DNS cannot
    // be nginx -t fixtures here; these two are inline.
    [Fact]
    public void Run_LiteralHostname_IsResolvedOnce()
    {
        var model = ConfigFixtures.LoadText("""
            http {
                upstream api { server api-1.internal:8080; server 10.0.0.2:8080; server localhost:8080; }
                server {
                    listen 80;
                    location / { proxy_pass http://legacy.internal:8080; }
                    location /api/ { proxy_pass http://api; }
                    location /local/ { proxy_pass http://localhost:9000; }
                }
            }
            """);

        var findings = ConfigChecks.Run(model).Where(f => f.Rule == "hostname-resolved-once").ToList();

        Assert.Equal(["server api-1.internal:8080;", "proxy_pass http://legacy.internal:8080;"], findings.Select(f => f.Directive));
        Assert.Contains("set $upstream_legacy_internal legacy.internal;", findings[1].Fix, StringComparison.Ordinal);
    }

    /// <summary>
    /// A bare word with no port (<c>proxy_pass http://rewired/</c>) names an <c>upstream</c> block as often as a host: in
    /// a configuration given in part, with no upstream block read, the finding says so at info; a name with a port or a
    /// dot is a host resolved once, a warning.
    /// </summary>
    [Theory]
    [InlineData("http://rewired/", FindingSeverity.Info, "Unless rewired is an `upstream` block")]
    [InlineData("http://web:3000", FindingSeverity.Warning, "nginx resolves web once")]
    [InlineData("http://app.internal/", FindingSeverity.Warning, "nginx resolves app.internal once")]
    public void Run_BareNameInAPartialConfiguration_MayBeAGroupNotRead(string pass, FindingSeverity severity, string why)
    {
        var model = ConfigFixtures.LoadText($$"""
            server {
                listen 80;
                location / { proxy_pass {{pass}}; }
            }
            """);

        var finding = Assert.Single(ConfigChecks.Run(model), f => f.Rule == "hostname-resolved-once");

        Assert.Equal(severity, finding.Severity);
        Assert.StartsWith(why, finding.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_VariableWithResolverOrLiteralAddress_IsNotAFinding()
    {
        var model = ConfigFixtures.LoadText("""
            http {
                upstream pool { server 10.0.0.1:80; server 10.0.0.2:80; }
                server {
                    listen 80;
                    location /a/ { resolver 10.0.0.53 valid=30s; proxy_pass http://$host_a; }
                    location /b/ { set $b pool; proxy_pass http://$b; }
                    location /c/ { set $c 10.0.0.9:8080; proxy_pass http://$c; }
                    location /d/ { proxy_pass http://$http_x_backend; }
                }
            }
            """);

        var finding = Assert.Single(ConfigChecks.Run(model), f => f.Rule == "variable-pass-without-resolver");

        Assert.Equal("proxy_pass http://$http_x_backend;", finding.Directive);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
    }
}
