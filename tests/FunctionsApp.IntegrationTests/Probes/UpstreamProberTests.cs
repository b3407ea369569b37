using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Nginx.Upstreams;
using FunctionsApp.NginxConfig;
using FunctionsApp.Probes;
using FunctionsApp.Probes.Internal;

namespace FunctionsApp.IntegrationTests.Probes;

/// <summary>
/// The probe against real servers on 127.0.0.1 that fail each way nginx sees them fail: stopped, wrong port, slow,
/// expired and wrong-name certificates, plain HTTP behind https://, a name a local DNS server says does not exist,
/// headers too big for the configured buffer, a missing or saturated unix socket; and the addresses it must refuse.
/// </summary>
public sealed class UpstreamProberTests
{
    private const string TlsName = "api.internal.example.test";

    private static readonly ProbeOptions Options = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        // Long enough for a TLS handshake on a loaded machine, short against the slow server's 6 s.
        HttpTimeout = TimeSpan.FromSeconds(2.5),
        DnsTimeout = TimeSpan.FromSeconds(1),
        Timeout = TimeSpan.FromSeconds(15),
    };

    // What nginx would use for this upstream, from a real configuration.
    private static readonly ConfigRoute Route = NginxConfigParser.ParseText("""
        http {
            server {
                listen 80;
                location / {
                    proxy_pass http://127.0.0.1:1;
                    proxy_read_timeout 1s;
                    proxy_buffer_size 1k;
                }
            }
        }
        """).Model!.Route("x", "/")!;

    private static Task<ProbeResult> ProbeAsync(ProbeTarget target, ProbeOptions? options = null, AddressPolicy? policy = null) =>
        new UpstreamProber(options ?? Options, policy ?? new AddressPolicy([], allowLoopback: true), TimeProvider.System).ProbeAsync(target, CancellationToken.None);

    private static ProbeTarget Http(string host, int port, string scheme = "http") => new()
    {
        Display = $"{host}:{port}", Scheme = scheme, Host = host, Port = port, HealthPath = "/health", HostHeader = host,
        TlsName = TlsName, ReadTimeout = Route.Effective("proxy_read_timeout"), BufferSize = Route.Effective("proxy_buffer_size"),
    };

    [Fact]
    public async Task Probe_HealthyServerByName_ReportsDnsTtlConnectAndHttp()
    {
        await using var dns = new AnsweringDnsServer(42, "api.probe.test");
        await using var server = LoopbackTcpServer.Start(UpstreamBehaviors.Respond(200, "OK"));

        var result = await ProbeAsync(Http("api.probe.test", server.Port), new ProbeOptions
        {
            DnsServer = $"127.0.0.1:{dns.Port}", ConnectTimeout = Options.ConnectTimeout, HttpTimeout = Options.HttpTimeout, DnsTimeout = Options.DnsTimeout,
        });

        Assert.Equal(ProbeOutcome.Ok, result.Outcome);
        var answer = Assert.Single(result.Dns!.Answers);
        Assert.Equal(("127.0.0.1", (int?)42), (answer.Address, answer.Ttl));
        Assert.Equal($"127.0.0.1:{dns.Port}", result.Dns.Server);
        Assert.Equal($"127.0.0.1:{server.Port}", result.Connect!.Address);
        Assert.Null(result.Connect.Error);
        Assert.Equal(200, result.Http!.Status);
        Assert.NotNull(result.Http.TimeToFirstByteMs);
        Assert.InRange(result.Http.HeaderBytes!.Value, 50, 200);
        Assert.StartsWith("probe ", result.Summary, StringComparison.Ordinal);
        Assert.Contains("HTTP 200", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_StoppedServer_IsRefused()
    {
        var server = LoopbackTcpServer.Start(UpstreamBehaviors.Respond(200, "OK"));
        await server.DisposeAsync();

        var result = await ProbeAsync(Http("127.0.0.1", server.Port));

        Assert.Equal(ProbeOutcome.Refused, result.Outcome);
        Assert.Null(result.Http);
        Assert.Contains($"TCP connect to 127.0.0.1:{server.Port} refused", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_WrongPort_IsRefused()
    {
        using var port = HeldPort.Refusing();
        var result = await ProbeAsync(Http("127.0.0.1", port.Port));

        Assert.Equal(ProbeOutcome.Refused, result.Outcome);
        Assert.Equal("refused (nothing listens there)", result.Connect!.Error);
    }

    [Fact]
    public async Task Probe_SlowServer_TimesOutAndSaysNginxWouldAnswer504()
    {
        await using var server = LoopbackTcpServer.Start(UpstreamBehaviors.Slow(TimeSpan.FromSeconds(6)));

        var result = await ProbeAsync(Http("127.0.0.1", server.Port));

        Assert.Equal(ProbeOutcome.HttpFailed, result.Outcome);
        Assert.Contains("no response header within 2.5 s", result.Summary, StringComparison.Ordinal);
        Assert.Contains(result.Notes, n => n.Contains("proxy_read_timeout 1s", StringComparison.Ordinal) && n.Contains("504", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Probe_HeaderLargerThanProxyBufferSize_SaysNginxWouldAnswer502()
    {
        await using var server = LoopbackTcpServer.Start(UpstreamBehaviors.BigHeader(4096));

        var result = await ProbeAsync(Http("127.0.0.1", server.Port));

        Assert.Equal(ProbeOutcome.HeadersTooLarge, result.Outcome);
        Assert.True(result.Http!.HeaderBytes > 4096);
        Assert.Contains(result.Notes, n => n.Contains("proxy_buffer_size 1k", StringComparison.Ordinal) && n.Contains("too big header", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Probe_ExpiredCertificate_SaysWhenItExpired()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = ProbeCertificates.Create(TlsName, now.AddDays(-30), now.AddDays(-2));
        await using var server = LoopbackTcpServer.Start(UpstreamBehaviors.Tls(certificate));

        var result = await ProbeAsync(Http("127.0.0.1", server.Port, "https"));

        Assert.Equal(ProbeOutcome.CertificateProblem, result.Outcome);
        Assert.True(result.Tls!.Expired);
        Assert.True(result.Tls.NameMatches);
        Assert.Equal(TlsName, result.Tls.Sni);
        Assert.NotNull(result.Tls.Protocol);
        Assert.NotNull(result.Tls.Cipher);
        Assert.Contains($"certificate expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}", result.Summary, StringComparison.Ordinal);
        Assert.Equal(TlsName, Assert.Single(Assert.Single(result.Tls.Chain).Names));
    }

    [Fact]
    public async Task Probe_WrongNameCertificate_SaysWhichNameItHas()
    {
        using var certificate = SelfSignedCertificates.Create("wrong-name.example.test", TimeProvider.System);
        await using var server = LoopbackTcpServer.Start(UpstreamBehaviors.Tls(certificate));

        var result = await ProbeAsync(Http("127.0.0.1", server.Port, "https"));

        Assert.True(result.Outcome == ProbeOutcome.CertificateProblem, result.Summary);
        Assert.False(result.Tls!.NameMatches);
        Assert.False(result.Tls.Expired);
        Assert.False(result.Tls.TrustedBySystem);
        Assert.Contains($"certificate is not for \"{TlsName}\" (it names wrong-name.example.test)", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_WrongNameButNginxDoesNotVerify_IsOnlyANote()
    {
        using var certificate = SelfSignedCertificates.Create("wrong-name.example.test", TimeProvider.System);
        await using var server = LoopbackTcpServer.Start(UpstreamBehaviors.Tls(certificate));

        var result = await ProbeAsync(Http("127.0.0.1", server.Port, "https") with { Verifies = false });

        Assert.Equal(ProbeOutcome.Ok, result.Outcome);
        Assert.Contains(result.Notes, n => n.Contains("proxy_ssl_verify off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Probe_PlainHttpBehindHttps_SaysTheServerDoesNotSpeakTls()
    {
        await using var server = LoopbackTcpServer.Start(UpstreamBehaviors.PlainHttpRejectingAnything());

        var result = await ProbeAsync(Http("127.0.0.1", server.Port, "https"));

        Assert.Equal(ProbeOutcome.TlsFailed, result.Outcome);
        Assert.Contains("plain HTTP", result.Tls!.Error, StringComparison.Ordinal);
        Assert.Contains(result.Notes, n => n.Contains("use `http://`", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Probe_NameTheDnsServerDoesNotKnow_IsNxDomain()
    {
        await using var dns = StubDnsServer.StartNxDomain();

        var result = await ProbeAsync(Http("api.gone.example.test", 8080), new ProbeOptions { DnsServer = $"127.0.0.1:{dns.Port}", DnsTimeout = TimeSpan.FromSeconds(1) });

        Assert.Equal(ProbeOutcome.DnsFailed, result.Outcome);
        Assert.Contains("NXDOMAIN: api.gone.example.test does not exist", result.Summary, StringComparison.Ordinal);
        Assert.Null(result.Connect);
        Assert.True(dns.Queries >= 1);
    }

    [Fact]
    public async Task Probe_SilentDnsServer_SaysNoAnswer()
    {
        await using var dns = StubDnsServer.StartSilent();

        var result = await ProbeAsync(Http("api.slow-dns.example.test", 8080), new ProbeOptions { DnsServer = $"127.0.0.1:{dns.Port}", DnsTimeout = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(ProbeOutcome.DnsFailed, result.Outcome);
        Assert.Contains($"no answer from 127.0.0.1:{dns.Port}", result.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("169.254.169.254", "cloud metadata endpoint")]
    [InlineData("168.63.129.16", "cloud metadata endpoint")]
    [InlineData("169.254.10.1", "link-local")]
    [InlineData("224.0.0.1", "not a unicast address")]
    public async Task Probe_ForbiddenAddress_IsNotContacted(string address, string reason)
    {
        var result = await ProbeAsync(Http(address, 80));

        Assert.Equal(ProbeOutcome.Blocked, result.Outcome);
        Assert.Null(result.Connect);
        Assert.Contains(reason, result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_LoopbackWhereNotAllowed_IsBlockedUnlessListed()
    {
        using var held = HeldPort.Refusing();
        var port = held.Port;

        var blocked = await ProbeAsync(Http("127.0.0.1", port), policy: new AddressPolicy([], allowLoopback: false));
        var listed = await ProbeAsync(Http("127.0.0.1", port), policy: new AddressPolicy(["127.0.0.0/8"], allowLoopback: false));

        Assert.Equal(ProbeOutcome.Blocked, blocked.Outcome);
        Assert.Contains("loopback", blocked.Summary, StringComparison.Ordinal);
        Assert.Equal(ProbeOutcome.Refused, listed.Outcome);
    }

    [Fact]
    public async Task Probe_NameResolvingToAForbiddenAddress_IsBlockedAfterDns()
    {
        // A name may point anywhere: the check is on the address actually connected to.
        await using var dns = new AnsweringDnsServer(30, "sneaky.probe.test");
        var result = await ProbeAsync(Http("sneaky.probe.test", 80), new ProbeOptions { DnsServer = $"127.0.0.1:{dns.Port}" },
            new AddressPolicy([], allowLoopback: false));

        Assert.Equal(ProbeOutcome.Blocked, result.Outcome);
        Assert.NotNull(result.Dns);
        Assert.Null(result.Connect);
    }

    [Fact]
    public async Task Probe_UnixSockets_MissingAndSaturated()
    {
        var directory = Directory.CreateTempSubdirectory("probe-unix-").FullName;
        try
        {
            var missing = await ProbeAsync(new ProbeTarget { Display = "unix", Scheme = "tcp", UnixPath = Path.Combine(directory, "php-fpm.sock"), HealthPath = "/", HostHeader = "localhost" });
            Assert.Equal(ProbeOutcome.SocketMissing, missing.Outcome);

            using var saturated = new SaturatedUnixSocket(Path.Combine(directory, "app.sock"));
            var full = await ProbeAsync(new ProbeTarget { Display = "unix", Scheme = "tcp", UnixPath = saturated.Path, HealthPath = "/", HostHeader = "localhost" });
            Assert.Contains(full.Outcome, new[] { ProbeOutcome.BacklogFull, ProbeOutcome.Timeout });
            Assert.NotNull(full.Connect!.Error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
