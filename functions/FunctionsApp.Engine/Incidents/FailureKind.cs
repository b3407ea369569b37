namespace FunctionsApp.Incidents;

/// <summary>What an nginx error line says went wrong with an upstream (or with nginx's own limits).</summary>
internal enum FailureKind
{
    /// <summary>Not an upstream failure (startup notices, client errors, ...).</summary>
    None = 0,
    Refused,

    /// <summary>No route, host or network unreachable, or a connect() the kernel gave up on: the host cannot be reached.</summary>
    Unreachable,
    NoLiveUpstreams,
    MissingSocket,

    /// <summary>
    /// A unix socket path with a URI glued to it (<c>connect() to unix:/run/app.sock:/prefix failed (2: …)</c>): in an
    /// <c>upstream</c> block's <c>server unix:…</c> the whole rest is the path, as <c>proxy_pass http://unix:/run/app.sock:/prefix</c>
    /// would have split it, so nginx looks for a file nobody creates.
    /// </summary>
    SocketPathWithUri,
    PermissionDenied,

    /// <summary>nginx's own timer fired while reading from or sending to the upstream (504).</summary>
    TimedOut,

    /// <summary>nginx's <c>proxy_connect_timeout</c> fired (504).</summary>
    TimedOutConnecting,
    ResourceUnavailable,
    PortExhaustion,
    WorkerConnections,

    /// <summary>nginx ran out of file descriptors opening a connection to the upstream.</summary>
    TooManyOpenFiles,

    /// <summary>connect() to <c>[::1]</c> failed with "Cannot assign requested address": no IPv6 on loopback (containers).</summary>
    Ipv6Unavailable,
    Reset,
    PrematureClose,
    InvalidHeader,
    TooBigHeader,
    DnsNotFound,
    DnsTimeout,
    NoResolver,

    /// <summary>The resolver itself failed (<c>... while resolving, resolver: 10.0.0.2:53</c>): no request is named.</summary>
    Resolver,
    TlsHandshake,
    TlsVerify,
    RateLimitRequests,
    RateLimitConnections,
    OtherUpstream,

    /// <summary>connect() rejected the address itself (<c>22: Invalid argument</c>, <c>97: Address family not
    /// supported</c>): nginx was given an address it cannot connect to, so no packet left; a configuration error.</summary>
    InvalidAddress,

    /// <summary>The upstream reset the connection before nginx was connected (<c>connect() failed (104: ...)</c>): the
    /// kernel tore down a connection the server had not taken from its queue: an accept queue overflowing with
    /// <c>tcp_abort_on_overflow</c>, a server shedding load, or one dying with connections queued.</summary>
    ResetConnecting,

    /// <summary>
    /// ngx_lua's own line on a request (OpenResty, Kong, APISIX: <c>[lua] session.lua:41: failed to connect to redis:
    /// connection refused</c>): a call the script made failed, and the script chose what the client got. It explains
    /// the request it names (nginx answered, not an upstream), but is never a failure by itself.
    /// </summary>
    Script,

    /// <summary>The resolver answered SERVFAIL (<c>could not be resolved (2: Server failure)</c>): the name may well
    /// exist, but the DNS server could not answer for it (its own upstream or DNSSEC validation failed).</summary>
    DnsServerFailure,

    /// <summary>nginx's <c>proxy_connect_timeout</c> fired during the TLS handshake (<c>upstream timed out … while SSL
    /// handshaking to upstream</c>): the connection was made, and no answer came to nginx's ClientHello (504).</summary>
    TimedOutHandshaking,

    /// <summary>The try went back to nginx itself (<c>proxy_pass</c> at its own address): see <see cref="ErrorSignatures.BackToItself"/>.</summary>
    ProxyLoop,

    /// <summary>
    /// The DNS server would not resolve for nginx (<c>could not be resolved (5: Operation refused)</c>, or
    /// <c>(1: Format error)</c>, <c>(4: Unimplemented)</c>): REFUSED, FORMERR or NOTIMP say nothing of the name; the
    /// <c>resolver</c> nginx was given is no recursive resolver it may use (an authoritative-only server, an ACL).
    /// </summary>
    DnsRefused,

    /// <summary>The kernel gave up on a connection nginx had made (<c>recv() failed (110: Connection timed out)</c>): the
    /// peer stopped acknowledging (the host died or the path to it broke mid-request). A failed system call, so nginx
    /// answers 502: only its own timer (<see cref="TimedOut"/>) makes a 504.</summary>
    ConnectionTimedOut,

    /// <summary><c>proxy_bind</c>'s address could not be bound for a try (<c>bind(192.0.2.10) failed (99: …) while
    /// connecting to upstream</c>): an address this host does not have, or one in use; a configuration error.</summary>
    BindFailed,

    /// <summary>
    /// What a <c>fastcgi_pass</c> reached does not speak FastCGI (<c>upstream sent unsupported FastCGI protocol version:
    /// 72</c>): every FastCGI record begins with version 1, so the first byte nginx read is another protocol's (72 is the
    /// "H" of an HTTP server's "HTTP/1.1", 83 the "S" of a CGI "Status:", 60 an HTML page's "&lt;"): the address or
    /// socket is another service's, a configuration error.
    /// </summary>
    NotFastCgi,

    /// <summary>The application server refused the request itself with its request queue full, every process busy
    /// (Phusion Passenger's <c>Request queue full</c>, 503 unless configured otherwise).</summary>
    QueueFull,

    /// <summary>
    /// A try in one protocol to the well-known port of another (<see cref="ErrorSignatures.OnTheOtherProtocolsPort"/>):
    /// plain HTTP to 443, TLS to 80. The peer's refusal reads as its failure; it is the scheme in <c>proxy_pass</c>.
    /// </summary>
    WrongScheme,

    /// <summary>
    /// nginx began TLS and the server answered in plain text: OpenSSL finds no TLS record in the reply ("wrong version
    /// number"; "unknown protocol" before OpenSSL 1.1; "packet length too long"), or nginx (1.29.5 on) read a response
    /// before it had sent its handshake ("upstream prematurely sent response"). The port does not speak TLS, whatever
    /// its number: <c>https://</c> in <c>proxy_pass</c> for a plain-HTTP server, or the server's TLS on another port.
    /// </summary>
    PlainTextAnswer,

    /// <summary>
    /// What a <c>grpc_pass</c> reached does not speak HTTP/2 (<c>upstream sent too large http2 frame: 4740180</c>):
    /// nginx reads a frame's first three bytes as its length, and a length whose three bytes are printable text is the
    /// start of a text answer ("HTT", 4740180, is an HTTP/1.x server's status line; "&lt;!D", 3940676, an HTML page):
    /// the address is an HTTP/1 service's, or its port speaks something else, a configuration error.
    /// </summary>
    NotHttp2,

    /// <summary>
    /// <c>no connection data found for keepalive http2 connection</c>: <c>grpc_pass</c> took a cached connection from an
    /// upstream block's <c>keepalive</c> pool that <c>proxy_pass</c> had put there (an HTTP/1.1 connection, without the
    /// gRPC module's state), which it cannot use. One upstream block serves both directives: a configuration error.
    /// </summary>
    SharedKeepalive,

    /// <summary>
    /// A try on ingress-nginx's placeholder server, <c>0.0.0.1</c> (<c>connect() to 0.0.0.1:80 failed (22: Invalid
    /// argument)</c>): its Lua balancer set no peer for the request (no endpoints synced for the backend, none ready), so
    /// nginx went to the <c>upstream_balancer</c> block's stand-in, which nothing can be connected to.
    /// </summary>
    NoPeerFromBalancer,

    /// <summary>
    /// nginx could not take a client's connection (<c>1024 worker_connections are not enough</c> with no request,
    /// <c>accept4() failed (24: Too many open files)</c>): the listener accepted it, or tried to, and found no free
    /// connection or descriptor, so the client was closed before any request was read. No access line logs it; a load
    /// balancer in front reports a 502 for each.
    /// </summary>
    AcceptFailed,

    /// <summary>
    /// An nginx worker killed (<c>[alert] 1#1: worker process 4821 exited on signal 9</c>): SIGKILL, which nginx never
    /// sends itself, most often from the kernel's OOM killer when the host ran out of memory (or a container's memory
    /// limit). Every connection the worker held was dropped unanswered and unlogged; the master starts another.
    /// </summary>
    WorkerKilled,

    /// <summary>
    /// An nginx worker crashed (<c>exited on signal 11 (core dumped)</c>: SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE): a
    /// bug in nginx or, far more often, a third-party module or Lua library. Its connections were dropped like a killed
    /// worker's; what crashed is in the core dump, not in these lines.
    /// </summary>
    WorkerCrashed,

    /// <summary>
    /// A name in <c>proxy_pass</c> or an <c>upstream</c> block did not resolve when nginx read its configuration
    /// (<c>[emerg] host not found in upstream "app:3000" in /etc/nginx/conf.d/default.conf:2</c>): nginx resolves such
    /// names once, at start, and does not start without them, so no client got an answer from it meanwhile.
    /// </summary>
    UnresolvedAtStart,

    /// <summary>
    /// The endpoint <c>auth_request</c> asks answered a redirect or a client error the module does not take (<c>auth
    /// request unexpected status: 302</c>, 404, 405: it takes 2xx, 401 and 403), and no try of the subrequest failed: a
    /// path that is not the auth service's check endpoint. nginx answers the client 500. (A 5xx is left to the
    /// subrequest's own try line, which says why, or to the access log.)
    /// </summary>
    AuthEndpointWrong,

    /// <summary>
    /// The endpoint <c>auth_request</c> asks answered a 5xx itself (<c>auth request unexpected status: 503</c>; not 502
    /// or 504, which nginx gives a try it failed), and no try of the subrequest failed: the auth service erred, and nginx
    /// answers the client 500 for any status other than 2xx, 401 and 403. The auth upstream's own answer.
    /// </summary>
    AuthEndpointFailed,

    /// <summary>
    /// uWSGI refused the request for its size: its own line (<c>invalid request block size: 4143 (max 4096)...skip</c>)
    /// says the request's header block was larger than its <c>buffer-size</c> (4096 bytes by default), and it closed the
    /// connection without an answer, which nginx reads as the upstream closing or resetting it. Long cookies or query
    /// strings outgrow the buffer: a setting of the application server's, not a failure of it.
    /// </summary>
    OverAppServerBuffer,

    /// <summary>
    /// nginx could not create or open the temporary file it writes a request's body to (<c>open()
    /// "/var/lib/nginx/body/0000000025" failed (13: Permission denied)</c>, or (2: No such file or directory) where the
    /// directory is gone): a body larger than <c>client_body_buffer_size</c> goes to <c>client_body_temp_path</c> before
    /// the request is proxied, so nginx answered the request 500 itself and tried no server. The path or its
    /// permissions are the configuration.
    /// </summary>
    BodyBufferUnwritable,

    /// <summary>
    /// The filesystem under <c>client_body_temp_path</c> is full (<c>pwrite() "…/client_body/0000000002" failed (28: No
    /// space left on device)</c>, or a quota, 122): nginx could not buffer the request's body and answered 500 itself.
    /// </summary>
    BodyBufferDiskFull,

    /// <summary>
    /// nginx could not create or write the temporary file it buffers an upstream's response to (<c>open()
    /// "/var/lib/nginx/proxy/2/00/0000000002" failed (13: Permission denied) while reading upstream</c>): a response
    /// larger than its buffers goes to <c>proxy_temp_path</c> as it is read, after its status and first buffers went out,
    /// so the client got the upstream's status and a body cut short. The path or its permissions are the configuration.
    /// </summary>
    ResponseBufferUnwritable,

    /// <summary>
    /// The filesystem under <c>proxy_temp_path</c> is full (<c>(28: No space left on device) while reading
    /// upstream</c>, or a quota): nginx could not buffer the rest of a response, whose client got a body cut short.
    /// </summary>
    ResponseBufferDiskFull,

    /// <summary>
    /// The address a <c>proxy_pass</c> (<c>fastcgi_pass</c>, <c>uwsgi_pass</c>, <c>grpc_pass</c>) with variables made for
    /// the request is not one nginx can use (<c>invalid port in upstream "jenkins:"</c>, <c>no host in upstream ""</c>,
    /// <c>invalid URL prefix in "backend:8080"</c>): such a directive is evaluated per request, and nginx answers 500
    /// itself when the result does not parse, before any try. A variable left empty, a port left blank, a scheme missing:
    /// a configuration error.
    /// </summary>
    UpstreamUrlInvalid,

    /// <summary>
    /// nginx refused its configuration as it started (<c>[emerg] no servers are inside upstream in
    /// /etc/nginx/conf.d/default.conf:54</c>, an unknown directive, an <c>include</c> that is not there: any
    /// <c>[emerg]</c> naming the file and line it stopped at), and systemd then said nginx's unit failed to start: no
    /// client got an answer from it meanwhile. (A name it could not resolve is <see cref="UnresolvedAtStart"/>; a reload
    /// or a test refused so leaves the running configuration serving, and the line alone does not tell them apart.)
    /// </summary>
    ConfigRejectedAtStart,

    /// <summary>
    /// A named location the request was sent to is not defined in its <c>server</c> block (<c>could not find named
    /// location "@app"</c>): a <c>try_files</c> fallback, an <c>error_page</c> or an <c>X-Accel-Redirect</c> names it,
    /// nginx answers 500 itself, and nothing is proxied. (After a failed try, an <c>error_page</c> to it turns that try's
    /// 502 into the 500: the try's own line says what failed.)
    /// </summary>
    NamedLocationMissing,

    /// <summary>
    /// A Lua balancer's code failed before it chose a peer (<c>failed to run balancer_by_lua*: … attempt to index a nil
    /// value</c>, <c>module 'ngx.balancer' not found</c>): lua-nginx-module's get-peer handler returns an error, and
    /// ngx_http_upstream_connect answers the request 500 itself, no server tried. OpenResty gateways (APISIX, Kong,
    /// ingress-nginx) choose every peer so.
    /// </summary>
    BalancerScriptFailed,

    /// <summary>
    /// The request reached the upstream module without an upstream configuration (<c>[alert] … no upstream
    /// configuration</c>, ngx_http_upstream_init_request): a third-party module ran the proxied location's content
    /// handler again outside it (ModSecurity 2's nginx port re-running a POST after reading its body), and nginx answered
    /// 500 itself, no server tried.
    /// </summary>
    NoUpstreamConfiguration,
}
