using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// One real nginx error message per failure kind. Lines are as nginx 1.22 writes them (see the captured
/// fixtures under Fixtures/nginx for whole logs); the kinds decide the classifier's votes.
/// </summary>
public sealed class ErrorSignaturesTests
{
    public static TheoryData<string, string> Messages => new()
    {
        { "connect() failed (111: Connection refused) while connecting to upstream", "Refused" },
        { "connect() failed (113: No route to host) while connecting to upstream", "Unreachable" },
        { "failed to run balancer_by_lua*: /usr/local/apisix/apisix/balancer.lua:187: attempt to index local 'up_conf' (a nil value)", "BalancerScriptFailed" },
        // Posted in Markdown, whose emphasis took the star of "*27527237" and this one.
        { "failed to run balancer_by_lua: /usr/local/apisix/apisix/balancer.lua:187: attempt to index local 'up_conf' (a nil value)", "BalancerScriptFailed" },
        { "no live upstreams while connecting to upstream", "NoLiveUpstreams" },
        { "connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream", "MissingSocket" },
        { "connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied) while connecting to upstream", "PermissionDenied" },
        { "connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream", "ResourceUnavailable" },
        { "upstream timed out (110: Connection timed out) while reading response header from upstream", "TimedOut" },
        { "upstream timed out (110: Connection timed out) while connecting to upstream", "TimedOutConnecting" },
        { "upstream timed out (110: Connection timed out) while SSL handshaking to upstream", "TimedOutHandshaking" },
        { "upstream timed out (60: Operation timed out) while reading response header from upstream", "TimedOut" },
        { "connect() failed (110: Connection timed out) while connecting to upstream", "Unreachable" },
        { "connect() to 10.0.0.7:8080 failed (65: No route to host) while connecting to upstream", "Unreachable" },
        { "connect() to 10.0.0.7:8080 failed (112: Host is down) while connecting to upstream", "Unreachable" },
        { "connect() failed (10061: No connection could be made because the target machine actively refused it) while connecting to upstream", "Refused" },
        { "connect() to [::1]:8000 failed (99: Cannot assign requested address) while connecting to upstream", "Ipv6Unavailable" },
        { "socket() failed (24: Too many open files) while connecting to upstream", "TooManyOpenFiles" },
        { "connect() to unix:/run/php/php-fpm.sock failed (111: Connection refused) while connecting to upstream", "Refused" },
        { "kevent() reported about an closed connection (54: Connection reset by peer) while reading response header from upstream", "Reset" },
        { "writev() failed (32: Broken pipe) while sending request to upstream", "Reset" },
        { "readv() failed (104: Connection reset by peer) while reading upstream", "Reset" },
        { "connect() failed (104: Connection reset by peer) while connecting to upstream", "ResetConnecting" },
        { "kevent() reported that connect() failed (54: Connection reset by peer) while connecting to upstream", "ResetConnecting" },
        { "upstream prematurely closed FastCGI stdout while reading response header from upstream", "PrematureClose" },
        { "upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream", "NotFastCgi" },
        // A control byte is no other protocol's first: a FastCGI server's stream out of step with its records.
        { "upstream sent unsupported FastCGI protocol version: 0 while reading upstream", "InvalidHeader" },
        { "upstream sent unsupported FastCGI protocol version: 22 while reading response header from upstream", "NotFastCgi" },
        // The named location a try_files fallback or an error_page sends the request to is not defined.
        { "could not find named location \"@h2c\"", "NamedLocationMissing" },
        { "upstream sent unexpected FastCGI record: 3 while reading response header from upstream", "InvalidHeader" },
        // A frame length whose three bytes are text: "HTT" (an HTTP/1.x status line), "<!D" (an HTML page), "<ht".
        { "upstream sent too large http2 frame: 4740180 while reading response header from upstream", "NotHttp2" },
        { "upstream sent too large http2 frame: 3940676 while reading response header from upstream", "NotHttp2" },
        { "upstream sent too large http2 frame: 3958900 while reading response header from upstream", "NotHttp2" },
        // A length with a control byte in it (0x01_00_00, 0x00_40_01) is an HTTP/2 server's frame too large: invalid.
        { "upstream sent too large http2 frame: 65536 while reading response header from upstream", "InvalidHeader" },
        { "upstream sent too large http2 frame: 16385 while reading response header from upstream", "InvalidHeader" },
        { "send() failed (111: Connection refused) while resolving, resolver: 127.0.0.11:53", "Resolver" },
        { "unexpected DNS response for api.internal", "Resolver" },
        { "api.internal could not be resolved (2: Server failure)", "DnsServerFailure" },
        { "writev() failed (32: Broken pipe) while sending to client", "None" },
        // The body pipe's own action, left from writing to the client when the upstream's read timer fired.
        { "upstream timed out (110: Connection timed out) while sending to client", "TimedOut" },
        { "recv() failed (104: Connection reset by peer) while reading client request line", "None" },
        { "SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking", "None" },
        { "client SSL certificate verify error: (10:certificate has expired) while reading client request headers", "None" },
        { "connect() to 10.0.0.5:80 failed (99: Cannot assign requested address) while connecting to upstream", "PortExhaustion" },
        { "1024 worker_connections are not enough while connecting to upstream", "WorkerConnections" },
        { "recv() failed (104: Connection reset by peer) while reading response header from upstream", "Reset" },
        { "upstream prematurely closed connection while reading response header from upstream", "PrematureClose" },
        { "upstream sent invalid header: \"X-Bad\\x00...\" while reading response header from upstream", "InvalidHeader" },
        { "upstream sent no valid HTTP/1.0 header while reading response header from upstream", "InvalidHeader" },
        { "memcached sent invalid response: \"-ERR unknown command 'get'\" while reading response header from upstream", "InvalidHeader" },
        { "memcached sent invalid length in response \"x\" for key \"/p/1\" while reading response header from upstream", "InvalidHeader" },
        { "upstream sent too big header while reading response header from upstream", "TooBigHeader" },
        { "upstream buffer is too small to read response while reading response header from upstream", "TooBigHeader" },
        { "api.internal could not be resolved (3: Host not found)", "DnsNotFound" },
        { "api.internal could not be resolved (110: Operation timed out)", "DnsTimeout" },
        { "no resolver defined to resolve api.internal", "NoResolver" },
        // Kong before 1.0: its balancer's own lookup; a reason in no DNS words says nothing of the name.
        { "[lua] responses.lua:107: before(): failed the initial dns/balancer resolve for 'api.internal' with: dns query returned no results", "DnsNotFound" },
        { "[lua] responses.lua:121: after(): failed the initial dns/balancer resolve for 'mrest_web' with: table: 0x5c909238", "Script" },
        // nginx's own temporary files: the upstream answered, nginx's disk failed (a cut body or a 500, no gateway error).
        { "open() \"/var/lib/nginx/proxy/7/00/0000000007\" failed (13: Permission denied) while reading upstream", "ResponseBufferUnwritable" },
        { "pwrite() \"/var/cache/nginx/proxy_temp/1/00/0000000001\" failed (28: No space left on device) while reading upstream", "ResponseBufferDiskFull" },
        { "open() \"/var/www/static/index.html\" failed (13: Permission denied) while reading upstream", "None" }, // a page, not a temporary file
        // The request body's, outside any upstream phase: nginx answers the request 500 itself before any try.
        { "open() \"/var/lib/nginx/body/0000000025\" failed (13: Permission denied)", "BodyBufferUnwritable" },
        { "open() \"/tmp/nginx_client_body/0000000018\" failed (2: No such file or directory)", "BodyBufferUnwritable" },
        { "pwrite() \"/var/lib/nginx/tmp/client_body/0000000002\" failed (28: No space left on device)", "BodyBufferDiskFull" },
        { "open() \"/srv/www/0000000025\" failed (40: Too many levels of symbolic links)", "None" },
        // The connection's last action is whatever it was when the upstream module chose its server: a real line says
        // "sending to client", yet no byte of the response existed.
        { "no resolver defined to resolve api.openai.com while sending to client", "NoResolver" },
        { "backend could not be resolved (3: Host not found) while sending to client", "DnsNotFound" },
        // A reply that is no TLS at all: the port speaks plain text (OpenSSL 3, 1.1 and 1.0 wordings).
        { "SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream", "PlainTextAnswer" },
        { "SSL_do_handshake() failed (SSL: error:1408F10B:SSL routines:ssl3_get_record:wrong version number) while SSL handshaking to upstream", "PlainTextAnswer" },
        { "SSL_do_handshake() failed (SSL: error:140770FC:SSL routines:SSL23_GET_SERVER_HELLO:unknown protocol) while SSL handshaking to upstream", "PlainTextAnswer" },
        { "SSL_do_handshake() failed (SSL: error:1408F119:SSL routines:ssl3_get_record:packet length too long) while SSL handshaking to upstream", "PlainTextAnswer" },
        { "SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream", "TlsHandshake" },
        { "peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking to upstream", "TlsHandshake" },
        { "upstream SSL certificate verify error: (62:hostname mismatch) while SSL handshaking to upstream", "TlsVerify" },
        { "upstream SSL certificate does not match \"api.internal\" while SSL handshaking to upstream", "TlsVerify" },
        { "limiting requests, excess: 10.520 by zone \"perip\"", "RateLimitRequests" },
        { "limiting connections by zone \"addr\"", "RateLimitConnections" },
        // APISIX's limit plugins (OpenResty): the gateway's own rejection, one line each; a status other than 503 is none of ours.
        { "[lua] plugin.lua:1100: run_plugin(): limit-req exits with http status code 503", "RateLimitRequests" },
        { "[lua] plugin.lua:1100: run_plugin(): limit-conn exits with http status code 503", "RateLimitConnections" },
        { "[lua] plugin.lua:1100: run_plugin(): limit-count exits with http status code 429", "Script" },
        { "[lua] plugin.lua:1100: run_plugin(): key-auth exits with http status code 401", "Script" },

        // limit_req_dry_run / limit_conn_dry_run: logged, not refused.
        { "limiting requests, dry run, excess: 10.520 by zone \"perip\"", "None" },
        { "limiting connections, dry run, by zone \"addr\"", "None" },
        { "upstream sent \"Content-Length\" and \"Transfer-Encoding\" headers at the same time while reading response header from upstream", "InvalidHeader" },
        { "upstream sent invalid chunked response while reading upstream", "InvalidHeader" },
        { "upstream rejected request with error 2 while reading response header from upstream", "InvalidHeader" },
        // OpenSSL 3's words for a peer that closed without close_notify: the upstream closed, it did not reset.
        { "SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) while reading upstream", "PrematureClose" },
        { "SSL_read() failed (SSL: error:0A000119:SSL routines::decryption failed or bad record mac) while reading response header from upstream", "Reset" },

        // nginx's own sockets (the RTMP module's relay between workers) carry no request context: no request failed.
        { "connect() to unix:/tmp/nginx-http-flv.7 failed (11: Resource temporarily unavailable)", "None" },

        // A line cut inside the errno's text (a copy, a length limit) still names the errno.
        { "connect() failed (111: Connection ref", "Refused" },

        // No IPv6 address on the host to connect from, for any IPv6 peer, not only localhost.
        { "connect() to [240e:83:205:59:0:ff:b09b:159e]:443 failed (99: Cannot assign requested address) while connecting to upstream", "Ipv6Unavailable" },
        { "connect() to 127.0.0.1:8080 failed (99: Cannot assign requested address) while connecting to upstream", "PortExhaustion" },
        { "kevent() reported that connect() failed (61: Connection refused) while connecting to upstream", "Refused" },
        // A stream session already relaying, or a WebSocket: nginx ends it as a close, with $status 200 (101).
        { "recv() failed (104: Connection reset by peer) while proxying and reading from upstream", "None" },
        { "upstream timed out (110: Connection timed out) while proxying connection", "None" },
        { "recv() failed (104: Connection reset by peer) while proxying upgraded connection", "None" },
        // A connect() that failed made no connection to relay on, whatever action the line names.
        { "connect() failed (111: Connection refused) while proxying connection", "Refused" },

        // No route to IPv6 networks from this host (ENETUNREACH to an IPv6 peer); to an IPv4 peer, a route gone.
        { "connect() to [2001:db8::1]:80 failed (101: Network is unreachable) while connecting to upstream", "Ipv6Unavailable" },
        { "connect() to 10.20.0.5:80 failed (101: Network is unreachable) while connecting to upstream", "Unreachable" },
        { "connect() to [2001:db8::1]:80 failed (10051: A socket operation was attempted to an unreachable network) while connecting to upstream", "Ipv6Unavailable" },
        { "connect() to [2001:db8::1]:80 failed (113: No route to host) while connecting to upstream", "Unreachable" },
        { "FastCGI sent in stderr: \"PHP message: PHP Warning:  Undefined variable $x in /srv/index.php on line 3\" while reading response header from upstream", "None" },
        { "recv() failed (111: Connection refused) while resolving, resolver: 127.0.0.53:53", "Resolver" },
        { "upstream server temporarily disabled while connecting to upstream", "None" },

        // Pasted without the errno's number (or without the call and number): the kernel's words still say what it answered.
        { "connect() failed (Connection refused) while connecting to upstream", "Refused" },
        { "connect() to unix:/run/php/php-fpm.sock failed (Resource temporarily unavailable) while connecting to upstream", "ResourceUnavailable" },
        { "Resource temporarily unavailable while connecting to upstream", "ResourceUnavailable" },
        { "connect() to unix:/run/gitea.sock failed (No such file or directory) while connecting to upstream", "MissingSocket" },
        { "recv() failed (Connection reset by peer) while reading response header from upstream", "Reset" },
        { "recv() failed while reading response header from upstream, client: 10.0.0.1, server: a, request: \"GET /refused HTTP/1.1\"", "OtherUpstream" },
        { "epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too while sending request to upstream", "None" },
        { "client prematurely closed connection while reading client request line", "None" },
        { "open() \"/usr/share/nginx/html/favicon.ico\" failed (2: No such file or directory)", "None" },
        { "client intended to send too large body: 10485760 bytes", "None" },

        // An alert the upstream's TLS layer sent is a refused session in any phase: TLS 1.3 checks nginx's certificate
        // after nginx's side of the handshake is done, so the first SSL_read() reads the refusal.
        { "SSL_read() failed (SSL: error:0A00045C:SSL routines::tlsv13 alert certificate required:SSL alert number 116) while reading response header from upstream", "TlsHandshake" },
        { "SSL_read() failed (SSL: error:0A000418:SSL routines::tlsv1 alert unknown ca:SSL alert number 48) while reading response header from upstream", "TlsHandshake" },
        { "SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) while reading response header from upstream", "PrematureClose" },
        { "upstream prematurely sent response while connecting to upstream", "PlainTextAnswer" },

        // The kernel's timeout on a connection made is a failed call (502), not nginx's timer (504).
        { "recv() failed (110: Connection timed out) while reading response header from upstream", "ConnectionTimedOut" },

        // EADDRNOTAVAIL from connect() is ports running out; from bind(), proxy_bind's address is not this host's.
        { "connect() to 10.0.0.7:8080 failed (99: Cannot assign requested address) while connecting to upstream", "PortExhaustion" },
        { "bind(192.0.2.10) failed (99: Cannot assign requested address) while connecting to upstream", "BindFailed" },
        { "bind() to 0.0.0.0:80 failed (98: Address already in use)", "None" },

        // A connect() line cut before its errno (a pager's width): a failed try whose reason is lost.
        { "connect() to unix:/home/huginn/huginn$", "OtherUpstream" },

        // The process's own failure about an upstream block's shared memory (the API adding servers), no request's.
        { "ngx_slab_alloc() failed: no memory in upstream zone \"scale_backend_80\"", "None" },

        // From the hold-out table (Fixtures/real-error-lines/holdout.json).
        { "unexpected RR type 6", "Resolver" },
        { "no A or CNAME types in DNS response", "Resolver" },
        // nginx could not take a client's connection: dropped before a request (a load balancer in front says 502).
        { "1024 worker_connections are not enough", "AcceptFailed" },
        { "connect() to 10.42.207.51:50051 failed (22: Invalid argument) while connecting to upstream", "InvalidAddress" },
        { "accept4() failed (24: No file descriptors available)", "AcceptFailed" },
        { "accept4() failed (23: Too many open files in system)", "AcceptFailed" },
        { "accept4() failed (103: Software caused connection abort)", "None" },
        { "upstream sent invalid http2 table index: 67 while reading response header from upstream", "InvalidHeader" },
        { "[lua] main.lua:28: request failed: example.com could not be resolved (110: Operation timed out), ", "Script" },
        { "lua ssl certificate verify error: (20: unable to get local issuer certificate)", "Script" },
        { "[lua] balancer.lua:304: load_balancer(): failed to pick server: missing upstream configuration while connecting to upstream", "OtherUpstream" },
        // APISIX's balancer with no node left (a retry after a failed try, or every node marked unhealthy).
        { "[lua] balancer.lua:199: load_balancer(): failed to pick server: failed to find valid upstream server, all upstream servers tried while connecting to upstream", "NoLiveUpstreams" },

        // nginx 0.7's FastCGI module's words for an empty stdout record before any header.
        { "upstream closed prematurely FastCGI stdout while reading response header from upstream", "PrematureClose" },

        // Cut inside the phase (a pager's width): one only the upstream module names is a try's; one that a client's
        // phase begins alike says nothing of which side.
        { "recv() failed (104: Connection reset by peer) while reading response header from", "Reset" },
        { "recv() failed (104: Connection reset by peer) while reading", "None" },
        { "recv() failed (104: Connection reset by peer) while sending", "None" },

        // A module's note logged in the upstream phase says no failure (a request that went on to be answered); a
        // module's own failure there does.
        { "ANDDOS mime: text/html; charset=utf-8 while reading response header from upstream", "None" },
        { "when reading the response header from upstream", "None" },
        { "proxy_connect: connection error while connecting to upstream", "OtherUpstream" },

        // The CONNECT module's own timers: its words, not its stale action, say which.
        { "proxy_connect: upstream read timed out (peer:127.0.0.1:443) while connecting to upstream", "TimedOut" },
        { "proxy_connect: upstream connect timed out (peer:10.0.0.5:443) while connecting to upstream", "TimedOutConnecting" },

        // The master on a worker that died: SIGKILL is the OOM killer's (or an operator's), the others a crash; a worker
        // someone asked to stop is neither.
        { "worker process 338 exited on signal 9", "WorkerKilled" },
        { "worker process 4021 exited on signal 11 (core dumped)", "WorkerCrashed" },
        { "worker process 77 exited on signal 6", "WorkerCrashed" },
        { "worker process 40 exited on signal 15", "None" },
        { "cache manager process 339 exited on signal 9", "None" },

        // gRPC handed a connection proxy_pass kept alive in the same block; Kong 0.x's balancer failing on the name.
        { "no connection data found for keepalive http2 connection while sending request to upstream", "SharedKeepalive" },
        { "[lua] balancer.lua:781: execute(): [dns] dns server error: 3 name error. Tried: (short)bearbear.service.consul:(na) - cache-hit/stale", "DnsNotFound" },
        { "[lua] balancer.lua:781: execute(): [dns] dns server error: 2 server failure. Tried: (short)orders:(na) - cache-miss", "DnsServerFailure" },
        { "upstream split a header line in FastCGI records while reading response header from upstream", "OtherUpstream" },

        // A request that reached the upstream module without its configuration (a module re-running its handler).
        { "no upstream configuration", "NoUpstreamConfiguration" },

        // APISIX's resolver dropping a node whose name failed, in its two files' words.
        { "stream [lua] resolver.lua:47: parse_domain(): failed to parse domain: storaged-0.storaged.default.svc.cluster.local, error: failed to query the DNS server: dns client error: 101 empty record received while prereading client data", "DnsNotFound" },
        { "stream [lua] upstream.lua:79: parse_domain_for_nodes(): dns resolver domain: storaged-0.storaged.default.svc.cluster.local error: failed to query the DNS server: dns client error: 101 empty record received while prereading client data", "DnsNotFound" },
        { "[lua] resolver.lua:47: parse_domain(): failed to parse domain: httpbin.local, error: failed to query the DNS server: dns server error: 2 server failure", "DnsServerFailure" },
        { "[lua] resolver.lua:47: parse_domain(): failed to parse domain: httpbin.local, error: failed to query the DNS server: timeout", "DnsTimeout" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Classify_RealMessage_GivesKind(string message, string kind) =>
        Assert.Equal(kind, ErrorSignatures.Classify(Encoding.UTF8.GetBytes(message)).ToString());

    [Theory]
    [InlineData("connect() to 127.0.0.1:9001 failed (111: Connection refused) while connecting to upstream", "connect() failed (111: Connection refused) while connecting to upstream")]
    [InlineData("limiting requests, excess: 10.520 by zone \"perip\"", "limiting requests, excess: N by zone \"perip\"")]
    public void Normalize_RequestSpecificParts_AreRemoved(string message, string expected) =>
        Assert.Equal(expected, ErrorSignatures.Normalize(Encoding.UTF8.GetBytes(message)));

    [Theory]
    [InlineData("upstream: \"http://127.0.0.1:9001/api/x?y=1\"", "127.0.0.1:9001")]
    [InlineData("upstream: \"fastcgi://unix:/run/php/php-fpm.sock:\"", "unix:/run/php/php-fpm.sock")]
    [InlineData("upstream: \"http://unix:/tmp/app.sock:/path\"", "unix:/tmp/app.sock")]
    [InlineData("upstream: \"passenger:unix:/passenger_helper_server:\"", "unix:/passenger_helper_server")]
    [InlineData("upstream: \"http://backend/\"", "backend")]
    [InlineData("upstream: \"https://[2001:db8::1]:8443/\"", "[2001:db8::1]:8443")]
    public void UpstreamOf_UpstreamField_IsNormalised(string field, string expected)
    {
        var line = $"2026/11/24 10:00:01 [error] 1#1: *1 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: a, request: \"GET / HTTP/1.1\", {field}, host: \"a\"";
        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal(expected, ErrorSignatures.UpstreamOf(in entry, FailureKind.PrematureClose));
    }

    [Fact]
    public void UpstreamOf_ConnectLineCutBeforeItsErrno_IsWhatIsLeftOfTheAddress()
    {
        Assert.True(ErrorLogParser.TryParse("2017/02/04 19:04:56 [error] 8962#8962: *1 connect() to unix:/home/huginn/huginn$"u8, out var entry));
        Assert.Equal("unix:/home/huginn/huginn", ErrorSignatures.UpstreamOf(in entry, ErrorSignatures.Classify(entry.Message)));
    }

    [Theory]
    // Kong's balancer names the upstream's own name first among those it tried: in a JSON array since 1.0, bare before.
    [InlineData("[lua] balancer.lua:819: execute(): DNS resolution failed: dns server error: 3 name error. Tried: [\"(short)orders:(na) - cache-miss\"], client: 10.0.0.1, server: kong, request: \"GET / HTTP/1.1\", host: \"k\"", "orders")]
    [InlineData("[lua] balancer.lua:781: execute(): [dns] dns server error: 3 name error. Tried: (short)bearbear.service.consul:(na) - cache-hit/stale", "bearbear.service.consul")]
    // Kong 0.10 to 0.14 quote it (a page may have curled the quotes).
    [InlineData("[lua] responses.lua:107: before(): failed the initial dns/balancer resolve for 'ibapi-sand.adnxs.test' with: dns query returned no results, client: 10.3.64.175, server: kong, request: \"GET /status HTTP/1.1\", host: \"k\"", "ibapi-sand.adnxs.test")]
    [InlineData("[lua] responses.lua:121: after(): failed the initial dns/balancer resolve for \u2018orders_web\u2019 with: dns server error: 2 server failure, client: 10.0.0.1, server: kong, request: \"GET / HTTP/1.1\", host: \"k\"", "orders_web")]
    // APISIX names the node's name after its resolver's words.
    [InlineData("[lua] resolver.lua:47: parse_domain(): failed to parse domain: httpbin.local, error: failed to query the DNS server: dns server error: 3 name error, client: 10.0.0.1, server: _, request: \"GET / HTTP/1.1\", host: \"a\"", "httpbin.local")]
    [InlineData("[lua] upstream.lua:79: parse_domain_for_nodes(): dns resolver domain: storaged-0.storaged.svc error: failed to query the DNS server: dns client error: 101 empty record received, client: 10.0.0.1, server: _, request: \"GET / HTTP/1.1\", host: \"a\"", "storaged-0.storaged.svc")]
    // A module resolving by itself quotes the name.
    [InlineData("upstream-dynamic-servers: 'furry.top' could not be resolved (110: Operation timed out)", "furry.top")]
    // The CONNECT module names the tunnel's peer itself.
    [InlineData("proxy_connect: upstream read timed out (peer:127.0.0.1:443) while connecting to upstream, client: 10.3.249.100, server: _, request: \"CONNECT r.test:443 HTTP/1.1\", host: \"r.test:443\"", "127.0.0.1:443")]
    public void UpstreamOf_ModulesNamingTheirTarget_IsThatName(string message, string expected)
    {
        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes($"2018/04/19 15:48:15 [error] 51#0: *52619 {message}"), out var entry));
        Assert.Equal(expected, ErrorSignatures.UpstreamOf(in entry, ErrorSignatures.Classify(entry.Message)));
    }

    [Fact]
    public void UpstreamOf_DnsFailure_IsTheName()
    {
        var line = "2026/11/24 10:00:01 [error] 1#1: *3 api.dns.example.test could not be resolved (3: Host not found), client: 127.0.0.1, server: dns.example.test, request: \"GET / HTTP/1.1\", host: \"dns.example.test\"";
        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal("api.dns.example.test", ErrorSignatures.UpstreamOf(in entry, FailureKind.DnsNotFound));
    }

    /// <summary>
    /// A try nginx sent back to itself: the looped request arrives from the upstream's address with the Host nginx sends
    /// (<c>$proxy_host</c>: that address and port, or a name and that port); a stream session names its listening
    /// address as <c>server</c>; a hop to another 127/8 address (the machine's own name, 127.0.1.1 on Debian) comes
    /// from 127.0.0.1 with the client's Host. An application calling its own site through nginx, a caching or forward proxy asked
    /// for an address (lancache's line), and a browser at nginx's port are no loop.
    /// </summary>
    [Theory]
    [InlineData("client: 127.0.0.1, server: loop.test, request: \"GET /cart HTTP/1.0\", upstream: \"http://127.0.0.1:29080/cart\", host: \"127.0.0.1:29080\"", true)]
    [InlineData("client: 172.18.0.1, server: , request: \"GET / HTTP/1.0\", upstream: \"http://10.0.0.101:80/\", host: \"10.0.0.101\"", false)]
    [InlineData("client: 127.0.0.1, server: localhost, request: \"GET /api HTTP/1.1\", upstream: \"http://127.0.0.1:8080/api\", host: \"localhost:8080\"", true)]
    [InlineData("client: ::1, server: _, request: \"GET / HTTP/1.1\", upstream: \"https://[::1]:443/\", host: \"[::1]\"", true)]
    [InlineData("client: 10.193.124.19, server: 0.0.0.0:8480, upstream: \"10.193.124.19:8480\", bytes from/to client:0/0, bytes from/to upstream:0/0", true)]
    [InlineData("client: 127.0.0.1, server: shop.test, request: \"GET /wp-cron.php HTTP/1.1\", upstream: \"http://127.0.0.1:8080/wp-cron.php\", host: \"shop.test\"", false)]
    [InlineData("client: 10.0.0.7, server: _, request: \"GET http://93.184.216.34/ HTTP/1.1\", upstream: \"http://93.184.216.34:80/\", host: \"93.184.216.34\"", false)]
    [InlineData("client: 10.0.0.7, server: app.test, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"app.test:8080\"", false)]
    [InlineData("client: 127.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"localhost:9000\"", false)]
    [InlineData("client: 127.0.0.1, server: _, request: \"GET / HTTP/1.0\", upstream: \"fastcgi://unix:/run/php/fpm.sock:\", host: \"localhost\"", false)]
    [InlineData("client: 10.0.0.9, server: 0.0.0.0:5432, upstream: \"10.0.0.20:5432\", bytes from/to client:0/0, bytes from/to upstream:0/0", false)]
    [InlineData("client: 127.0.0.1, server: , request: \"GET / HTTP/1.0\", upstream: \"http://127.0.1.1:80/\", host: \"203.0.113.28\"", true)]
    [InlineData("client: 127.0.0.1, server: , request: \"GET / HTTP/1.0\", upstream: \"http://127.0.1.1:8000/\", host: \"shop.test\"", false)]
    public void BackToItself_TheTryReturnedToNginx(string context, bool expected)
    {
        var line = $"2026/12/03 06:47:34 [error] 11499#11499: *61 recv() failed (104: Connection reset by peer) while reading response header from upstream, {context}";
        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out var entry));

        Assert.Equal(expected, ErrorSignatures.BackToItself(in entry));
    }

    /// <summary>
    /// A TCP session's relay that timed out is an idle session ended (200), and a UDP session's line names its client
    /// after <c>udp client:</c>, which is read as the client.
    /// </summary>
    [Fact]
    public void UdpSessionLine_NamesItsClient_AndOnlyItsUpstreamTimeoutIsAFailure()
    {
        const string Udp = "2026/12/07 21:21:41 [error] 18005#18005: *57 upstream timed out (110: Connection timed out) while proxying connection, udp client: 10.1.2.3, server: 0.0.0.0:53, upstream: \"10.0.0.2:53\", bytes from/to client:40/0, bytes from/to upstream:0/40";
        const string Tcp = "2026/12/07 21:21:41 [error] 18005#18005: *58 upstream timed out (110: Connection timed out) while proxying connection, client: 10.1.2.3, server: 0.0.0.0:5432, upstream: \"10.0.0.2:5432\", bytes from/to client:40/0, bytes from/to upstream:0/40";

        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(Udp), out var udp));
        Assert.Equal(("10.1.2.3", "upstream timed out (110: Connection timed out) while proxying connection", true), (Encoding.UTF8.GetString(udp.Client), Encoding.UTF8.GetString(udp.Message), udp.Datagram));
        Assert.Equal(FailureKind.TimedOut, ErrorSignatures.Classify(in udp, udp.Message));
        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(Tcp), out var tcp));
        Assert.Equal(FailureKind.None, ErrorSignatures.Classify(in tcp, tcp.Message));
    }
}
