using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Nginx.Upstreams;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>
/// Builds the failure scenarios for one nginx instance: starts each scenario's upstream
/// (owned by the catalog, stopped on dispose) and returns its nginx config and traffic.
/// </summary>
internal sealed class NginxScenarioCatalog(string prefix, TimeProvider timeProvider) : IAsyncDisposable
{
    public const string UpstreamDown = "upstream-down";
    public const string ConnectionRefused = "connection-refused";
    public const string UpstreamTimeout = "upstream-timeout";
    public const string GarbageResponse = "garbage-response";
    public const string InvalidHeader = "invalid-header";
    public const string PrematureClose = "premature-close";
    public const string ConnectionReset = "connection-reset";
    public const string TooBigHeader = "too-big-header";
    public const string TlsNameMismatch = "tls-name-mismatch";
    public const string TlsUntrusted = "tls-untrusted";
    public const string TlsToPlainHttp = "tls-to-plain-http";
    public const string DnsNxDomain = "dns-nxdomain";
    public const string DnsTimeout = "dns-timeout";
    public const string UnixSocketOverload = "unix-socket-overload";
    public const string RateLimited = "rate-limited";
    public const string Upstream503 = "upstream-503";
    public const string Upstream502 = "upstream-502";
    public const string Failover = "failover";
    public const string NoLiveUpstreams = "no-live-upstreams";
    public const string ErrorPageMissing = "error-page-missing";

    public static IReadOnlyList<string> All { get; } =
    [
        UpstreamDown, ConnectionRefused, UpstreamTimeout, GarbageResponse, InvalidHeader, PrematureClose,
        ConnectionReset, TooBigHeader, TlsNameMismatch, TlsUntrusted, TlsToPlainHttp, DnsNxDomain, DnsTimeout,
        UnixSocketOverload, RateLimited, Upstream503, Upstream502, Failover, NoLiveUpstreams, ErrorPageMissing,
    ];

    /// <summary>Scenarios in which the client is served, so the engine must count no failed request.</summary>
    public static IReadOnlyList<string> WithoutFailedRequests { get; } = [Failover];

    private const int Failures = 5;

    private readonly List<IAsyncDisposable> _resources = [];

    public NginxScenario Create(string name) => name switch
    {
        UpstreamDown => CreateUpstreamDown(),
        ConnectionRefused => CreateConnectionRefused(),
        UpstreamTimeout => CreateUpstreamTimeout(),
        // nginx treats a response without a status line as HTTP/0.9: it logs an error and relays the bytes, logging
        // $status 009 ($upstream_status 200). No HTTP/1.x client can read that: every request failed.
        GarbageResponse => SimpleTcp(name, UpstreamBehaviors.Garbage(), "invalid_response", status: 0, "upstream sent no valid HTTP/1.0 header") with { LoggedStatus = 9 },
        InvalidHeader => SimpleTcp(name, UpstreamBehaviors.InvalidHeader(), "invalid_response", 502, "upstream sent invalid header"),
        PrematureClose => SimpleTcp(name, UpstreamBehaviors.CloseWithoutResponse(), "invalid_response", 502, "upstream prematurely closed connection"),
        ConnectionReset => SimpleTcp(name, UpstreamBehaviors.Reset(), "invalid_response", 502, "Connection reset by peer"),
        TooBigHeader => SimpleTcp(
            name, UpstreamBehaviors.BigHeader(16 * 1024), "misconfiguration", 502, "upstream sent too big header", "proxy_buffer_size 1k;"),
        TlsNameMismatch => CreateTls(name, certificateName: "wrong-name.example.test", trustServerCertificate: true, "does not match"),
        TlsUntrusted => CreateTls(name, certificateName: "api.internal.example.test", trustServerCertificate: false, "certificate verify error"),
        TlsToPlainHttp => CreateTlsToPlainHttp(),
        DnsNxDomain => CreateDns(name, StubDnsServer.StartNxDomain(), "could not be resolved (3: Host not found)"),
        DnsTimeout => CreateDns(name, StubDnsServer.StartSilent(), "could not be resolved (110: Operation timed out)"),
        UnixSocketOverload => CreateUnixSocketOverload(),
        RateLimited => CreateRateLimited(),
        Upstream503 => SimpleTcp(name, UpstreamBehaviors.Respond(503, "Service Unavailable"), "upstream_returned", 503, null),
        Upstream502 => SimpleTcp(name, UpstreamBehaviors.Respond(502, "Bad Gateway"), "upstream_returned", 502, null),
        Failover => CreateFailover(),
        NoLiveUpstreams => CreateNoLiveUpstreams(),
        ErrorPageMissing => CreateErrorPageMissing(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown scenario."),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in _resources)
        {
            await resource.DisposeAsync();
        }

        _resources.Clear();
    }

    /// <summary>A port nothing listens on, held for the scenario's lifetime so that no other server is given it.</summary>
    private string HoldRefusingPort()
    {
        var port = HeldPort.Refusing();
        _resources.Add(new AsyncDisposableAdapter(port));
        return port.Address;
    }

    private LoopbackTcpServer StartServer(Func<System.Net.Sockets.Socket, CancellationToken, Task> behavior)
    {
        var server = LoopbackTcpServer.Start(behavior);
        _resources.Add(server);
        return server;
    }

    private NginxScenario SimpleTcp(
        string name,
        Func<System.Net.Sockets.Socket, CancellationToken, Task> behavior,
        string? cause,
        int status,
        string? errorMessage,
        string extraDirectives = "")
    {
        var server = StartServer(behavior);
        return new NginxScenario
        {
            Name = name,
            Upstream = server.Address,
            ExpectedCause = cause,
            ExpectedStatus = status,
            ExpectedErrorMessages = errorMessage is null ? [] : [errorMessage],
            LocationDirectives = $"proxy_pass http://{server.Address};\n{extraDirectives}",
            DriveAsync = (client, ct) => client.SendSequentialAsync(Failures, ct),
        };
    }

    private NginxScenario CreateUpstreamDown()
    {
        var server = StartServer(UpstreamBehaviors.Respond(200, "OK"));
        return new NginxScenario
        {
            Name = UpstreamDown,
            Upstream = server.Address,
            ExpectedCause = "upstream_down",
            ExpectedStatus = 502,
            ExpectedErrorMessages = ["connect() failed (111: Connection refused) while connecting to upstream"],
            LocationDirectives = $"proxy_pass http://{server.Address};",
            DriveAsync = async (client, ct) =>
            {
                await client.SendSequentialAsync(3, ct);

                // Log times have one-second resolution: without the pause, successes and failures
                // could share a timestamp by chance and the order would show only in line order.
                await Task.Delay(TimeSpan.FromSeconds(1.1), ct);
                await server.StopAsync();
                await client.SendSequentialAsync(Failures, ct);
            },
        };
    }

    private NginxScenario CreateConnectionRefused()
    {
        // Nothing ever listens here, from the first request the logs show: with no history to tell a wrong port from
        // a service that is not running, the engine says the more common one (down) and names the other.
        var address = HoldRefusingPort();
        return new NginxScenario
        {
            Name = ConnectionRefused,
            Upstream = address,
            ExpectedCause = "upstream_down",
            ExpectedStatus = 502,
            ExpectedErrorMessages = ["connect() failed (111: Connection refused) while connecting to upstream"],
            LocationDirectives = $"proxy_pass http://{address};",
            DriveAsync = (client, ct) => client.SendSequentialAsync(Failures, ct),
        };
    }

    private NginxScenario CreateErrorPageMissing()
    {
        // error_page sends the 502 to a page its location's root does not hold: the static module answers 404 and
        // logs the file it could not open beside the failed connect. The client never sees the 502.
        var address = HoldRefusingPort();
        var emptyRoot = Path.Combine(prefix, "error-page-missing-root");
        Directory.CreateDirectory(emptyRoot);
        return new NginxScenario
        {
            Name = ErrorPageMissing,
            Upstream = address,
            ExpectedCause = "upstream_down",
            ExpectedStatus = 404,
            ExpectedErrorMessages = ["connect() failed (111: Connection refused) while connecting to upstream"],
            LocationDirectives = $$"""
                proxy_pass http://{{address}};
                error_page 502 503 504 /50x.html;
                location = /50x.html { root {{emptyRoot}}; }
                """,
            DriveAsync = (client, ct) => client.SendSequentialAsync(Failures, ct),
        };
    }

    private NginxScenario CreateUpstreamTimeout()
    {
        var server = StartServer(UpstreamBehaviors.Slow(TimeSpan.FromSeconds(3)));
        return new NginxScenario
        {
            Name = UpstreamTimeout,
            Upstream = server.Address,
            ExpectedCause = "timeout",
            ExpectedStatus = 504,
            ExpectedErrorMessages = ["upstream timed out (110: Connection timed out) while reading response header from upstream"],
            LocationDirectives = $"proxy_pass http://{server.Address};\nproxy_connect_timeout 1s;\nproxy_read_timeout 1s;",
            DriveAsync = (client, ct) => client.SendConcurrentAsync(Failures, ct),
        };
    }

    private NginxScenario CreateTls(string name, string certificateName, bool trustServerCertificate, string errorMessage)
    {
        const string ExpectedName = "api.internal.example.test";
        var certificate = SelfSignedCertificates.Create(certificateName, timeProvider);
        var trusted = trustServerCertificate ? certificate : SelfSignedCertificates.Create("other-ca.example.test", timeProvider);
        _resources.Add(new AsyncDisposableAdapter(certificate));
        if (!ReferenceEquals(trusted, certificate))
        {
            _resources.Add(new AsyncDisposableAdapter(trusted));
        }

        var trustedPath = Path.Combine(prefix, $"{name}-trusted.pem");
        SelfSignedCertificates.WritePem(trusted, trustedPath);
        var server = StartServer(UpstreamBehaviors.Tls(certificate));
        return new NginxScenario
        {
            Name = name,
            Upstream = server.Address,
            ExpectedCause = "tls_handshake",
            ExpectedStatus = 502,
            ExpectedErrorMessages = [errorMessage, "while SSL handshaking to upstream"],
            LocationDirectives = $"""
                proxy_pass https://{server.Address};
                proxy_ssl_verify on;
                proxy_ssl_trusted_certificate {trustedPath};
                proxy_ssl_name {ExpectedName};
                proxy_ssl_server_name on;
                """,
            DriveAsync = (client, ct) => client.SendSequentialAsync(Failures, ct),
        };
    }

    private NginxScenario CreateTlsToPlainHttp()
    {
        var server = StartServer(UpstreamBehaviors.PlainHttpRejectingAnything());
        return new NginxScenario
        {
            Name = TlsToPlainHttp,
            Upstream = server.Address,
            ExpectedCause = "misconfiguration",
            ExpectedStatus = 502,
            ExpectedErrorMessages = ["SSL_do_handshake() failed", "while SSL handshaking to upstream"],
            LocationDirectives = $"proxy_pass https://{server.Address};\nproxy_connect_timeout 2s;",
            DriveAsync = (client, ct) => client.SendSequentialAsync(Failures, ct),
        };
    }

    private NginxScenario CreateDns(string name, StubDnsServer dns, string errorMessage)
    {
        _resources.Add(dns);
        var backend = $"api.{name}.example.test";

        // Only the silent resolver must time out: an answering stub gets 5 s, so a loaded machine that delays its
        // answer past 1 s does not turn NXDOMAIN into "(110: Operation timed out)" (a CI flake, seen once in ten runs).
        var timeout = name == DnsTimeout ? "1s" : "5s";
        return new NginxScenario
        {
            Name = name,
            Upstream = backend,
            ExpectedCause = "dns",
            ExpectedStatus = 502,
            ExpectedErrorMessages = [$"{backend} {errorMessage}"],
            LocationDirectives = $"""
                resolver 127.0.0.1:{dns.Port} ipv6=off;
                resolver_timeout {timeout};
                set $backend_host {backend};
                proxy_pass http://$backend_host:8080;
                """,
            DriveAsync = (client, ct) => client.SendConcurrentAsync(Failures, ct),
        };
    }

    private NginxScenario CreateUnixSocketOverload()
    {
        var socket = new SaturatedUnixSocket(Path.Combine(prefix, "app.sock"));
        _resources.Add(new AsyncDisposableAdapter(socket));
        return new NginxScenario
        {
            Name = UnixSocketOverload,
            Upstream = socket.Address,
            ExpectedCause = "overload",
            ExpectedStatus = 502,
            ExpectedErrorMessages = [$"connect() to {socket.Address} failed (11: Resource temporarily unavailable) while connecting to upstream"],
            LocationDirectives = $"proxy_pass http://{socket.Address}:;\nproxy_read_timeout 1s;",
            DriveAsync = (client, ct) => client.SendConcurrentAsync(8, ct),
        };
    }

    private NginxScenario CreateRateLimited()
    {
        var server = StartServer(UpstreamBehaviors.Respond(200, "OK"));
        return new NginxScenario
        {
            Name = RateLimited,
            Upstream = "-",
            ExpectedCause = "rate_limited",
            ExpectedStatus = 503,
            ExpectedErrorMessages = ["limiting requests, excess:", "by zone \"lab_ratelimit\""],
            HttpDirectives = "limit_req_zone $server_name zone=lab_ratelimit:1m rate=1r/m;",
            LocationDirectives = $"limit_req zone=lab_ratelimit;\nproxy_pass http://{server.Address};",
            DriveAsync = (client, ct) => client.SendSequentialAsync(1 + Failures, ct),
        };
    }

    private NginxScenario CreateFailover()
    {
        var healthy = StartServer(UpstreamBehaviors.Respond(200, "OK"));
        var dead = HoldRefusingPort();
        return new NginxScenario
        {
            Name = Failover,
            Upstream = dead,
            ExpectedCause = null,
            ExpectedStatus = 0,
            ExpectedErrorMessages = ["connect() failed (111: Connection refused) while connecting to upstream"],
            // max_fails=0 keeps the dead server in rotation, so every other request fails over.
            HttpDirectives = $$"""
                upstream lab_failover {
                    server {{dead}} max_fails=0;
                    server {{healthy.Address}};
                }
                """,
            LocationDirectives = "proxy_pass http://lab_failover;",
            DriveAsync = (client, ct) => client.SendSequentialAsync(8, ct),
        };
    }

    private NginxScenario CreateNoLiveUpstreams()
    {
        const string Group = "lab_pool";
        var first = StartServer(UpstreamBehaviors.Respond(200, "OK"));
        var second = StartServer(UpstreamBehaviors.Respond(200, "OK"));
        return new NginxScenario
        {
            Name = NoLiveUpstreams,
            Upstream = Group,
            ExpectedCause = "upstream_down",
            ExpectedStatus = 502,
            ExpectedErrorMessages = ["no live upstreams while connecting to upstream"],
            // Two servers: nginx never marks the only server of a group as failed.
            HttpDirectives = $$"""
                upstream {{Group}} {
                    server {{first.Address}} max_fails=1 fail_timeout=30s;
                    server {{second.Address}} max_fails=1 fail_timeout=30s;
                }
                """,
            LocationDirectives = $"proxy_pass http://{Group};",
            DriveAsync = async (client, ct) =>
            {
                await client.SendSequentialAsync(4, ct);
                await Task.Delay(TimeSpan.FromSeconds(1.1), ct);
                await Task.WhenAll(first.StopAsync(), second.StopAsync());

                // The first failure tries both servers (refused twice) and marks them failed;
                // nginx then answers 502 "no live upstreams" without trying for fail_timeout.
                await client.SendSequentialAsync(1 + Failures, ct);
            },
        };
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
