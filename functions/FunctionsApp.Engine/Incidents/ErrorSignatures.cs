using System.Buffers;
using System.Buffers.Text;
using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// Recognises what an nginx error message means and reduces it to a signature that is the same for
/// every request that failed the same way. nginx writes one line per failed try (ngx_http_upstream.c,
/// ngx_event_connect.c, ngx_resolver.c): the message, the system call's <c>(errno: text)</c> and the phase
/// (<c>while connecting to upstream</c>). Matching is on nginx's own words first, then on the errno text as
/// Linux, the BSDs, macOS and Windows spell it, then on the errno number, and always within the phase: the same
/// "Connection reset by peer" is the upstream's doing while reading its response and the client's while sending to it.
/// </summary>
internal static class ErrorSignatures
{
    /// <summary>
    /// A line of nginx's mail proxy (SMTP, IMAP, POP3): no HTTP status, and no status at all, comes of it. Its actions
    /// are <c>in auth state</c>, <c>in http auth state</c> and <c>in resolving client address</c> (its reverse lookup
    /// of the client), and its context names the <c>login: "…"</c>. The stream module's sessions are not among them:
    /// a TCP proxy whose upstream refuses ends the session with <c>$status</c> 502, and is diagnosed like http's.
    /// </summary>
    public static bool InMailProxy(in ErrorLogLine line) =>
        line.Message.IndexOf(" while in "u8) >= 0 || line.Line.IndexOf(", login: \""u8) >= 0;

    /// <summary>
    /// A line about a connection no client request made: a Lua timer's, worker-init's or TLS handshake's own cosocket
    /// (<c>context: ngx.timer</c>, <c>init_worker_by_lua*</c>, <c>ssl_certificate_by_lua*</c>: lua-resty-auto-ssl's
    /// call to its helper, which falls back to another certificate), or ssl_stapling's OCSP request (<c>while requesting
    /// certificate status</c>, whose failure only leaves the handshake unstapled), or NGINX Plus's active health check
    /// (<c>upstream timed out (110: …) while reading response header from upstream, health check "" of peer
    /// 10.0.0.4:80 in upstream "app"</c>: its probe's own try, which takes the peer out of the clients' rotation). No
    /// request failed of it.
    /// </summary>
    public static bool OfNoRequest(in ErrorLogLine line) =>
        line.Message.IndexOf(" while requesting certificate status"u8) >= 0
        || (line.Request.IsEmpty && (line.Line.IndexOf("context: ngx.timer"u8) >= 0 || line.Line.IndexOf("context: init_worker_by_lua"u8) >= 0
            || line.Line.IndexOf("context: ssl_"u8) >= 0
            || (line.Client.IsEmpty && line.Line.IndexOf(", health check \""u8) >= 0 && line.Line.IndexOf("\" of peer "u8) >= 0)));

    /// <summary>
    /// nginx proxying to itself (<c>proxy_pass</c> at its own <c>listen</c> address and port): each request comes back
    /// to it as a new one, which it proxies again, until a hop finds no free connection (<c>worker_connections are not
    /// enough</c>, <c>Too many open files</c>) and the last try fails (reset, refused, timed out); the error is passed
    /// down the chain as a 502. A request nginx sent itself comes from the upstream's address (nginx's own) with the
    /// <c>Host</c> nginx sends, <c>$proxy_host</c>: that address and port, or the name and port in <c>proxy_pass</c>
    /// (<c>localhost:8080</c>). A stream session's line names the listening address as <c>server</c>. A caching or
    /// forward proxy is asked for the upstream's address by other clients: no loop (a loop through a published port,
    /// whose hops come from the bridge's gateway, is not told from one).
    /// </summary>
    public static bool BackToItself(in ErrorLogLine line)
    {
        if (line.Upstream.IsEmpty || line.Client.IsEmpty || !TryAuthority(line.Upstream, out var address, out var port, out var https)
            || !System.Net.IPAddress.TryParse(address, out _))
        {
            return false;
        }

        // Linux picks lo's address, 127.0.0.1, as the source of a connection to any 127/8 address: a hop to 127.0.1.1
        // (the machine's own name in Debian's /etc/hosts) comes from 127.0.0.1.
        var viaLoopback = !line.Client.SequenceEqual(address) && InLoopback(line.Client) && InLoopback(address);
        if (!line.Client.SequenceEqual(address) && !viaLoopback)
        {
            return false;
        }

        if (!line.Host.IsEmpty)
        {
            var host = line.Host;
            var colon = host.LastIndexOf((byte)':');
            var explicitPort = colon > 0 && host[(colon + 1)..].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0 && colon < host.Length - 1
                && host.IndexOf((byte)']') < colon;
            var name = explicitPort ? host[..colon] : host;
            name = name.Length > 2 && name[0] == (byte)'[' && name[^1] == (byte)']' ? name[1..^1] : name;
            var hostPort = explicitPort ? host[(colon + 1)..] : https ? "443"u8 : "80"u8;
            return hostPort.SequenceEqual(port) && (explicitPort || viaLoopback || name.SequenceEqual(address));
        }

        // A stream session: "server: 0.0.0.0:8480" is the listening socket.
        var server = line.Server;
        var serverColon = server.LastIndexOf((byte)':');
        return line.Request.IsEmpty && serverColon > 0 && server[(serverColon + 1)..].SequenceEqual(port);
    }

    /// <summary>The line's kind read with the try's target: <see cref="FailureKind.ProxyLoop"/> when its try went back to
    /// nginx itself, <see cref="FailureKind.WrongScheme"/> when it spoke one protocol to another's port (a failure of
    /// nginx's own choosing, a limit, a name or a script, chose no such try). <paramref name="outOfConnections"/>: nginx
    /// had just run out of connections for the clients it accepted, which a loop does (each hop takes one more); then a
    /// try from the upstream's own address to it is nginx's own request coming back, whatever its Host says.</summary>
    public static FailureKind WithTarget(FailureKind kind, in ErrorLogLine line, bool outOfConnections = false) =>
        !MayLoop(kind) ? kind
        : !FoundNoListener(kind) && (BackToItself(in line) || (outOfConnections && FromTheUpstreamsAddress(in line))) ? FailureKind.ProxyLoop
        : OnTheOtherProtocolsPort(kind, in line) ? FailureKind.WrongScheme
        : kind;

    /// <summary>
    /// A try in one protocol to the well-known port of another, failing the way that peer refuses it: plain HTTP (or
    /// gRPC's cleartext HTTP/2) to 443, HTTPS's port, whose TLS server closes or resets on bytes that are no ClientHello
    /// before any header; TLS to 80, HTTP's port, whose server answers the ClientHello with a 400 nginx's TLS library
    /// cannot read ("wrong version number", "unknown protocol") or waits for a request line until the handshake times
    /// out. nginx reads each as the peer's failure; it is the scheme in <c>proxy_pass</c> (or <c>grpc_pass</c>). Only
    /// the two ports every client takes for the scheme's: a reset from 9000 is PHP-FPM refusing HTTP as often as an
    /// API failing there.
    /// </summary>
    public static bool OnTheOtherProtocolsPort(FailureKind kind, in ErrorLogLine line)
    {
        var url = line.Upstream;
        var schemeEnd = url.IndexOf("://"u8);
        if (schemeEnd <= 0 || !TryAuthority(url, out _, out var port, out _))
        {
            return false;
        }

        var scheme = url[..schemeEnd];
        var plain = scheme.SequenceEqual("http"u8) || scheme.SequenceEqual("grpc"u8);
        var tls = scheme.SequenceEqual("https"u8) || scheme.SequenceEqual("grpcs"u8);
        return (plain && port.SequenceEqual("443"u8) && line.Message.IndexOf(" while reading upstream"u8) < 0
                && kind is FailureKind.PrematureClose or FailureKind.Reset or FailureKind.InvalidHeader)
            || (tls && port.SequenceEqual("80"u8) && kind is FailureKind.TlsHandshake or FailureKind.TimedOutHandshaking or FailureKind.PlainTextAnswer);
    }

    /// <summary>What nginx's TLS library (or nginx 1.29.5 on) says when the reply to its ClientHello is no TLS at all:
    /// a plain-HTTP server answers a 400 whose "HTTP/1.1" is no TLS record header (OpenSSL: "wrong version number",
    /// "unknown protocol" before 1.1, "packet length too long"), or speaks before the handshake.</summary>
    private static bool AnsweredInPlainText(ReadOnlySpan<byte> message) =>
        message.IndexOf("wrong version number"u8) >= 0 || message.IndexOf("unknown protocol"u8) >= 0
        || message.IndexOf("packet length too long"u8) >= 0 || message.IndexOf("upstream prematurely sent response"u8) >= 0;

    /// <summary>A connect nothing answered at that address: refused, no such socket, no route. nginx listening there
    /// would have accepted it, so such a try never came back to nginx itself, whatever its address and Host say.</summary>
    private static bool FoundNoListener(FailureKind kind) => kind is FailureKind.Refused or FailureKind.MissingSocket or FailureKind.SocketPathWithUri or FailureKind.Unreachable;

    /// <summary>A try nginx chose a peer for: a limit, a name that did not resolve or a script chose none.</summary>
    public static bool MayLoop(FailureKind kind) =>
        kind is not (FailureKind.None or FailureKind.RateLimitRequests or FailureKind.RateLimitConnections or FailureKind.Script or FailureKind.Resolver)
        && !kind.ChoseNoPeer() && !kind.BodyNotBuffered();

    /// <summary>The bare <c>N worker_connections are not enough</c>: the listener accepted a client and found no free
    /// connection for it (see <see cref="Classify(ReadOnlySpan{byte})"/>).</summary>
    public static bool OutOfConnections(in ErrorLogLine line) =>
        line.Client.IsEmpty && line.Message.IndexOf("worker_connections are not enough"u8) >= 0 && line.Message.IndexOf(" while "u8) < 0;

    private static bool InLoopback(ReadOnlySpan<byte> address) => address.StartsWith("127."u8) && System.Net.IPAddress.TryParse(address, out _);

    /// <summary>
    /// The request is one nginx proxied, as it sends them by default: HTTP/1.0 (<c>proxy_http_version</c>) with
    /// <c>Host: $proxy_host</c>, which for <c>proxy_pass http://node_app</c> is the <c>upstream</c> block's bare name, one
    /// no browser sends (no dot, no port: not <c>localhost</c>, not an address).
    /// </summary>
    public static bool ProxiedByNginx(in ErrorLogLine line)
    {
        var host = line.Host;
        return line.Request.EndsWith(" HTTP/1.0"u8) && host.Length > 0 && host.IndexOfAny(".:[]"u8) < 0
            && !host.SequenceEqual("localhost"u8) && host.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0;
    }

    /// <summary>The client is the upstream's own address: the host connected to itself.</summary>
    public static bool FromTheUpstreamsAddress(in ErrorLogLine line) =>
        !line.Client.IsEmpty && !line.Upstream.IsEmpty && TryAuthority(line.Upstream, out var address, out _, out _) && line.Client.SequenceEqual(address);

    /// <summary><c>http://10.0.0.1:8080/a</c> → <c>10.0.0.1</c>, <c>8080</c> (the scheme's port when none is written);
    /// <c>[::1]:80</c> → <c>::1</c>; a stream upstream (<c>10.0.0.1:5432</c>) has no scheme.</summary>
    private static bool TryAuthority(ReadOnlySpan<byte> url, out ReadOnlySpan<byte> address, out ReadOnlySpan<byte> port, out bool https)
    {
        address = port = default;
        var scheme = url.IndexOf("://"u8);
        https = scheme > 0 && url[..scheme].SequenceEqual("https"u8);
        var rest = scheme >= 0 ? url[(scheme + 3)..] : url;
        var end = rest.IndexOfAny("/?"u8);
        var authority = end < 0 ? rest : rest[..end];
        if (authority.StartsWith("unix:"u8) || authority.IsEmpty)
        {
            return false;
        }

        var close = authority.IndexOf((byte)']');
        var colon = authority.LastIndexOf((byte)':');
        if (authority[0] == (byte)'[' && close > 0)
        {
            address = authority[1..close];
            port = colon > close ? authority[(colon + 1)..] : https ? "443"u8 : "80"u8;
        }
        else
        {
            address = colon > 0 ? authority[..colon] : authority;
            port = colon > 0 ? authority[(colon + 1)..] : https ? "443"u8 : "80"u8;
        }

        return !port.IsEmpty;
    }

    /// <summary>The reasons ngx_parse_url gives for an address it cannot use, which the upstream modules log as
    /// <c>"%s in upstream \"%V\""</c> when a <c>proxy_pass</c> with variables made it.</summary>
    private static readonly byte[][] UrlParseErrors =
    [
        "invalid port in upstream \""u8.ToArray(),
        "no host in upstream \""u8.ToArray(),
        "invalid host in upstream \""u8.ToArray(),
        "no port in upstream \""u8.ToArray(),
        "invalid IPv6 address in upstream \""u8.ToArray(),
        "invalid URL prefix in \""u8.ToArray(),
    ];

    /// <summary>
    /// A file nginx could not open for a request that had gone to an upstream (its line names the <c>upstream:</c>), whose
    /// name says it is the gateway errors' page: nginx's stock <c>error_page 500 502 503 504 /50x.html</c>, or a page named
    /// for one of those statuses (<c>502.html</c>, <c>5xx.html</c>). A page for a client error (<c>404.html</c>) is an
    /// upstream's 404 that <c>proxy_intercept_errors</c> sent there.
    /// </summary>
    public static bool IsGatewayErrorPage(in ErrorLogLine line)
    {
        var path = QuotedPath(line.Message, out _);
        if (line.Upstream.IsEmpty || path.IsEmpty)
        {
            return false;
        }

        var file = Encoding.UTF8.GetString(path);
        var name = file[(file.LastIndexOfAny(['/', '\\']) + 1)..];
        return GatewayErrorPageNames.Any(words => name.Contains(words, StringComparison.OrdinalIgnoreCase));
    }

    private static readonly string[] GatewayErrorPageNames = ["50x", "5xx", "500", "502", "503", "504"];

    /// <summary>lua-nginx-module's words for a <c>balancer_by_lua*</c> handler that raised an error, before the error.</summary>
    private static ReadOnlySpan<byte> BalancerScriptWords => "failed to run balancer_by_lua*:"u8;

    /// <summary>ngx_http_named_location's words for a name no location of the server block has, before the name.</summary>
    public static ReadOnlySpan<byte> NamedLocationWords => "could not find named location \""u8;

    /// <summary>
    /// Where the quoted address starts in nginx's complaint about a <c>proxy_pass</c> (or <c>fastcgi_pass</c>, …) made
    /// of variables whose value it could not use (<c>invalid port in upstream "jenkins:"</c>; a value with no
    /// <c>http://</c>, <c>invalid URL prefix in "backend:8080"</c>), or -1. The same words at start carry the file and
    /// line of the directive and are configuration messages, read before this.
    /// </summary>
    public static int UnparsedUpstreamUrl(ReadOnlySpan<byte> message)
    {
        foreach (var words in UrlParseErrors)
        {
            if (message.StartsWith(words))
            {
                return words.Length;
            }
        }

        return -1;
    }

    /// <summary>
    /// What Phusion Passenger answered itself, in nginx's error log (<see cref="PassengerLog"/>): with every application
    /// process busy and its request queue (<c>passenger_max_request_queue_size</c>) full it refuses the request,
    /// <c>Returning HTTP 503 due to: Request queue full (configured max. size: 100)</c> (before 5.0.6 <c>Request queue
    /// is full. Returning an error</c>); an application that closed without a complete response, or whose socket failed
    /// before one, gets the client Passenger's 502 (<c>Sending 502 response: application did not send a complete
    /// response</c>, <c>… application socket read error</c>). nginx relays these answers as the upstream's.
    /// </summary>
    private static FailureKind PassengerAnswer(ReadOnlySpan<byte> message) =>
        message.StartsWith("Returning HTTP "u8) && message.IndexOf(" due to: Request queue full"u8) > 0 ? FailureKind.QueueFull
        : message.StartsWith("Request queue is full"u8) ? FailureKind.QueueFull
        : !message.StartsWith("Sending 502 response: application "u8) ? FailureKind.None
        : message.IndexOf("did not send a complete response"u8) > 0 ? FailureKind.PrematureClose
        : message.IndexOf("socket read error"u8) > 0 ? FailureKind.Reset
        : FailureKind.None;

    /// <summary>The status an application server's line says it answered (<c>Returning HTTP 503</c>, <c>Sending 502
    /// response</c>), or null: Passenger's request-queue status is configurable.</summary>
    public static int? StatedStatus(ReadOnlySpan<byte> message)
    {
        var digits = message.StartsWith("Returning HTTP "u8) ? message[15..] : message.StartsWith("Sending "u8) ? message[8..] : default;
        return digits.Length >= 3 && int.TryParse(digits[..3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status)
            && status is >= 400 and < 600 ? status : null;
    }

    /// <summary>
    /// The kind of a line read with its session's transport. A stream module's UDP session waits for the datagrams
    /// <c>proxy_responses</c> says the upstream owes for the client's; when <c>proxy_timeout</c> passes with fewer, nginx
    /// logs <c>upstream timed out (110: …) while proxying connection, udp client: …</c> and ends the session with
    /// <c>$status</c> 502 (with no <c>proxy_responses</c> it owes none, and the session ends 200 at [info], <c>udp timed
    /// out</c>). A TCP session's relay going idle is a session ended, no failure (<see cref="Classify(ReadOnlySpan{byte})"/>).
    /// </summary>
    public static FailureKind Classify(in ErrorLogLine line, ReadOnlySpan<byte> message) =>
        Classify(message) is var kind && kind == FailureKind.None && line.Datagram && message.StartsWith("upstream timed out"u8)
            ? FailureKind.TimedOut
            : kind;

    public static FailureKind Classify(ReadOnlySpan<byte> message)
    {
        if (PassengerAnswer(message) is var passenger and not FailureKind.None)
        {
            return passenger;
        }

        // ngx_lua's own lines: a Lua handler's log ("[lua] main.lua:28: request failed: x could not be resolved") and its
        // cosockets' errors ("lua ssl certificate verify error: (20: ...)", "lua tcp socket read timed out") are about
        // calls the script makes itself, and the script decides what the client gets: evidence about the request it
        // names, not an upstream's failure. Only a Lua balancer's failure (balancer_by_lua, "... while connecting to
        // upstream") is in the proxied request's upstream phase.
        // A Lua balancer's peer that nginx would not take is why the try on the placeholder server that follows failed
        // (DiagnosisEngine.OnThePlaceholder), not a failure of its own.
        if (BalancerPeerRefused(message) != FailureKind.None)
        {
            return FailureKind.None;
        }

        // APISIX's balancer answers such a request 502 itself, no try made.
        if (ApisixPeerRefused(message, out _) is var apisixPeer and not FailureKind.None)
        {
            return apisixPeer;
        }

        // (APISIX's upstream.lua names the phase's word in its file's name.)
        if ((IsLua(message) || message.StartsWith("lua "u8)) && (!IsUpstreamPhase(message) || ApisixUnresolved(message, out _, out _)))
        {
            return BalancerNameFailure(message) is var dns and not FailureKind.None ? dns
                : GatewayLimiter(message) is var limit and not FailureKind.None ? limit
                : FailureKind.Script;
        }

        // nginx's own file I/O: a system call on a quoted path (open() "/var/lib/nginx/proxy/7/00/0000000007" failed,
        // pwrite() "…" failed (28: No space left on device)), a temporary file of the upstream's body or a page it
        // serves. What fails is nginx's disk, not a connection to an upstream: the client gets a cut body, a 500 or a
        // 404, never a gateway error of this line's making (a missing error_page file after a failed try leaves that
        // try's own line as the failure).
        // Two exceptions: a request's body nginx could not buffer, which it answers 500 before any try, and a response's
        // it could not buffer as it read it, whose body it cut short.
        if (IsFileCall(message))
        {
            return TempFileNotWritten(message);
        }

        // A name the upstream module resolves per request (proxy_pass with a variable) that failed: only the upstream
        // module writes these, before any byte went upstream, with whatever action the connection last set, "sending
        // to client" included, so they come before the client's side is ruled out.
        if (message.IndexOf("could not be resolved"u8) >= 0)
        {
            return message.IndexOf("timed out"u8) >= 0 ? FailureKind.DnsTimeout
                : message.IndexOf("(2: Server failure)"u8) >= 0 ? FailureKind.DnsServerFailure
                : message.IndexOf("(5: Operation refused)"u8) >= 0 || message.IndexOf("(1: Format error)"u8) >= 0
                    || message.IndexOf("(4: Unimplemented)"u8) >= 0 ? FailureKind.DnsRefused
                : FailureKind.DnsNotFound;
        }

        if (message.IndexOf("no resolver defined"u8) >= 0)
        {
            return FailureKind.NoResolver;
        }

        if (UnparsedUpstreamUrl(message) >= 0)
        {
            return FailureKind.UpstreamUrlInvalid;
        }

        if (message.StartsWith(NamedLocationWords))
        {
            return FailureKind.NamedLocationMissing;
        }

        // Markdown takes the star of "*27527237 … balancer_by_lua*:" and the one after for emphasis, and drops both.
        if (message.StartsWith(BalancerScriptWords) || message.StartsWith("failed to run balancer_by_lua:"u8))
        {
            return FailureKind.BalancerScriptFailed;
        }

        if (message.SequenceEqual("no upstream configuration"u8))
        {
            return FailureKind.NoUpstreamConfiguration;
        }

        // The client went away or misbehaved: nginx closes the upstream side too, but nothing failed upstream. The
        // upstream's own read timer and early close say so in their words whatever the phase: the body pipe logs them
        // with the action it last set, "sending to client" as often as "reading upstream" (ngx_event_pipe.c). So does
        // nginx running out of connections: whoever asked for one, the phase is the request's.
        if (IsAboutClient(message) && !message.StartsWith("upstream timed out"u8) && !message.StartsWith("upstream prematurely closed"u8)
            && message.IndexOf("worker_connections are not enough"u8) < 0)
        {
            return FailureKind.None;
        }

        // A stream session (or an upgraded HTTP connection, a WebSocket) already relaying bytes: a read error or an
        // idle timeout there ends it the way a close does, and nginx logs the session with $status 200 (101 for the
        // WebSocket). The relay's phases are "proxying and reading from upstream", "... sending to client",
        // "proxying connection", "proxying upgraded connection"; only the connect phase fails a session with 502. A
        // connect() that failed made no connection to relay on, whatever action the line names (a stream session's
        // refusal has been logged "while proxying connection", with 0 bytes from and to the upstream).
        if (message.IndexOf(" while proxying "u8) >= 0 && !message.StartsWith("connect() failed"u8)
            && !message.StartsWith("kevent() reported that connect() failed"u8))
        {
            return FailureKind.None;
        }

        // The application's stderr relayed by FastCGI comes with or without a failure; the line that follows says
        // what failed. Warnings about a server being taken out of rotation follow the failure they report.
        if (message.StartsWith("FastCGI sent in stderr"u8) || message.IndexOf("upstream server temporarily disabled"u8) >= 0)
        {
            return FailureKind.None;
        }

        // Something nginx tolerated (", ignored"), and nginx's own connections for logging to syslog.
        if (message.IndexOf(", ignored"u8) >= 0 || message.IndexOf(" while logging to syslog"u8) >= 0)
        {
            return FailureKind.None;
        }

        // limit_req_dry_run and limit_conn_dry_run log what the limit would have rejected ("limiting requests, dry run,
        // excess: ...") and let the request through: nothing was refused.
        if (message.IndexOf(", dry run"u8) >= 0 && (message.StartsWith("limiting requests"u8) || message.StartsWith("limiting connections"u8)))
        {
            return FailureKind.None;
        }

        if (message.IndexOf("limiting requests"u8) >= 0)
        {
            return FailureKind.RateLimitRequests;
        }

        if (message.IndexOf("limiting connections"u8) >= 0)
        {
            return FailureKind.RateLimitConnections;
        }

        // The resolver's own complaints name no request: a refused or silent DNS server, a bad answer. ngx_resolver.c
        // logs an answer record it does not use as "unexpected RR type 6" (an SOA where an A was asked for) or
        // "unexpected RR class", and an RCODE it got as "DNS error (3: Host not found), query id:..."; the request
        // waiting on that name fails with its own "could not be resolved" line.
        if (message.IndexOf(" while resolving"u8) >= 0 || message.IndexOf("DNS response"u8) >= 0
            || message.StartsWith("unexpected response for "u8) || message.StartsWith("wrong ident "u8)
            || message.StartsWith("unexpected RR "u8) || message.StartsWith("DNS error ("u8)
            || message.IndexOf(", resolver: "u8) >= 0 || message.StartsWith("resolver "u8))
        {
            return FailureKind.Resolver;
        }

        // The CONNECT module (ngx_http_proxy_connect_module: a forward proxy's tunnels) names its own timers: the
        // tunnel's connect, and its reads and writes once the upstream took the connection. Its action stays the last
        // it set ("upstream read timed out (peer:127.0.0.1:443) while connecting to upstream"): the words say which.
        if (message.StartsWith("proxy_connect: upstream "u8) && message.IndexOf(" timed out"u8) > 0)
        {
            return message.StartsWith("proxy_connect: upstream connect timed out"u8) ? FailureKind.TimedOutConnecting : FailureKind.TimedOut;
        }

        if (message.IndexOf("upstream timed out"u8) >= 0)
        {
            return message.IndexOf("while connecting to upstream"u8) >= 0 ? FailureKind.TimedOutConnecting
                : message.IndexOf("while SSL handshaking to upstream"u8) >= 0 ? FailureKind.TimedOutHandshaking
                : FailureKind.TimedOut;
        }

        // APISIX's Lua balancer finding no server left to pick, on a retry after a failed try or at the first pick when
        // its health checks marked every node down ("failed to pick server: failed to find valid upstream server, all
        // upstream servers tried"), or no node at all once its resolver dropped those whose names failed ("failed to set
        // upstream: no valid upstream node"): nginx's own "no live upstreams" in a balancer's words.
        if (message.IndexOf("no live upstreams"u8) >= 0
            || (IsLua(message) && (message.IndexOf("failed to find valid upstream server"u8) >= 0 || message.IndexOf("all upstream servers tried"u8) >= 0))
            || ApisixNoNode(message))
        {
            return FailureKind.NoLiveUpstreams;
        }

        var upstreamPhase = IsUpstreamPhase(message);
        if (message.IndexOf("certificate verify"u8) >= 0 || message.IndexOf("SSL certificate does not match"u8) >= 0)
        {
            return FailureKind.TlsVerify;
        }

        // Handshakes with clients (scanners, old browsers) fail all day: only the upstream's handshake matters here. An
        // alert the upstream sent ("tlsv13 alert certificate required", "tlsv1 alert unknown ca": OpenSSL's "SSL alert
        // number N") is its TLS layer refusing the session whenever it comes: with TLS 1.3 the server checks nginx's
        // certificate after nginx has finished its side of the handshake, so the refusal is read by the first
        // SSL_read(). And a response before nginx began TLS on an https upstream ("upstream prematurely sent response",
        // nginx 1.29.5 on; "wrong version number" in the handshake before) is a server that does not speak TLS there.
        if (message.IndexOf("SSL handshaking to upstream"u8) >= 0
            || (upstreamPhase && (message.IndexOf("SSL_do_handshake()"u8) >= 0 || message.IndexOf("in SSL handshake"u8) >= 0
                || message.IndexOf("SSL alert number"u8) >= 0))
            || message.IndexOf("upstream prematurely sent response"u8) >= 0)
        {
            return AnsweredInPlainText(message) ? FailureKind.PlainTextAnswer : FailureKind.TlsHandshake;
        }

        // The proxy and FastCGI modules say "too big header"; the upstream core says "buffer is too small" for the
        // others (gRPC, uwsgi, SCGI, memcached) when the header does not fit the *_buffer_size buffer.
        if (message.IndexOf("upstream sent too big header"u8) >= 0 || message.IndexOf("upstream buffer is too small to read response"u8) >= 0)
        {
            return FailureKind.TooBigHeader;
        }

        // ngx_http_fastcgi_process_record checks the first byte of every record against FastCGI's only version, 1: a
        // printable one is another protocol's first byte (72, the "H" of "HTTP/1.1"; 60, the "<" of a page), as is TLS's
        // record type 22, an answer from something that is not a FastCGI server. A control byte (0) is a FastCGI
        // server's stream out of step with its records (bytes left over on a kept connection), an answer it broke.
        if (message.IndexOf("upstream sent unsupported FastCGI protocol version"u8) is var fastCgi and >= 0)
        {
            var version = message[(fastCgi + "upstream sent unsupported FastCGI protocol version"u8.Length)..].TrimStart(": "u8);
            return !Utf8Parser.TryParse(version, out int first, out _) || first >= 32 || first == 22 ? FailureKind.NotFastCgi : FailureKind.InvalidHeader;
        }

        // ngx_http_grpc_parse_frame reads the first three bytes as the frame's length: a length too large whose bytes are
        // all printable text is a text answer's start ("HTT"), an HTTP/1 server where HTTP/2 was expected.
        if (TextAsFrameLength(message))
        {
            return FailureKind.NotHttp2;
        }

        // ngx_http_grpc_get_connection_data finds no gRPC state on a connection from the keepalive cache: another
        // module's (proxy_pass's HTTP/1.1) connection to the same upstream block.
        if (message.StartsWith("no connection data found for keepalive http2 connection"u8))
        {
            return FailureKind.SharedKeepalive;
        }

        // Every other "upstream sent ..." is nginx refusing what the upstream answered: invalid header or status, no
        // HTTP status line, a FastCGI record it cannot read, bad chunked encoding, duplicate or
        // conflicting headers, more data than Content-Length. The memcached module names itself instead ("memcached sent
        // invalid response: "-ERR unknown command"", "… invalid key/flags/length in response", "… invalid trailer"):
        // something other than memcached on that port, or a corrupted answer; its "key not found" is a 404, not this.
        if (message.IndexOf("upstream sent "u8) >= 0 || message.IndexOf("upstream rejected request"u8) >= 0
            || message.IndexOf("memcached sent invalid"u8) >= 0)
        {
            return FailureKind.InvalidHeader;
        }

        // nginx 0.7's FastCGI module worded it "upstream closed prematurely FastCGI stdout".
        if (message.IndexOf("upstream prematurely closed"u8) >= 0 || message.IndexOf("upstream closed prematurely"u8) >= 0)
        {
            return FailureKind.PrematureClose;
        }

        // ngx_get_connection() logs this with the log of whoever asked for a connection: with a request's context
        // (", while connecting to upstream, client: ...") when nginx opened one to the upstream, and bare when the
        // listener accepted a client (ngx_event_accept.c): then the client's connection is closed before any request
        // is read, nothing is proxied and no status is logged; the client (or a load balancer in front) sees it dropped.
        // accept() failing for want of descriptors (24, or 23 for the system's table) leaves the client waiting in the
        // listen queue alike.
        if (message.IndexOf("worker_connections are not enough"u8) >= 0)
        {
            return message.IndexOf(" while "u8) >= 0 ? FailureKind.WorkerConnections : FailureKind.AcceptFailed;
        }

        // The master's word on a worker that died (ngx_process.c): SIGKILL (9) is nobody's but the kernel's OOM killer's
        // or an operator's; SIGSEGV (11), SIGBUS (7 on Linux, 10 on the BSDs and macOS, where Linux's 10 is SIGUSR1, which
        // a worker handles), SIGABRT (6), SIGILL (4) and SIGFPE (8) are a crash. Other signals end a worker someone asked
        // to stop.
        if (message.StartsWith("worker process "u8) && message.IndexOf(" exited on signal "u8) is var signalAt and > 0)
        {
            Utf8Parser.TryParse(message[(signalAt + " exited on signal "u8.Length)..], out int signal, out _);
            return signal switch
            {
                9 => FailureKind.WorkerKilled,
                4 or 6 or 7 or 8 or 10 or 11 => FailureKind.WorkerCrashed,
                _ => FailureKind.None,
            };
        }

        if ((message.StartsWith("accept4() failed ("u8) || message.StartsWith("accept() failed ("u8))
            && (message.IndexOf("(24: "u8) >= 0 || message.IndexOf("(23: "u8) >= 0))
        {
            return FailureKind.AcceptFailed;
        }

        // proxy_bind's address could not be bound for the try ("bind(192.0.2.10) failed (99: Cannot assign requested
        // address) while connecting to upstream"): an address this host does not have, or one in use, in nginx's
        // configuration; ports running out is EADDRNOTAVAIL from connect(), not from bind(). (nginx's own listen
        // failing at start, "bind() to 0.0.0.0:80 failed", has no upstream phase.)
        if (message.StartsWith("bind("u8) && message.IndexOf("while connecting to upstream"u8) >= 0)
        {
            return FailureKind.BindFailed;
        }

        var connecting = message.IndexOf("connect()"u8) >= 0 || message.IndexOf("while connecting to upstream"u8) >= 0
            || message.IndexOf("socket()"u8) >= 0;

        // A request's connect() to its upstream is logged with the request's context (", while connecting to upstream,
        // client: ..."). One whose whole message ends at the errno has none: a socket of nginx's own (the RTMP module's
        // relay between workers, "connect() to unix:/tmp/nginx-rtmp.7 failed (11: ...)"), no request that failed.
        if (connecting && !upstreamPhase && message.IndexOf(" while "u8) < 0 && message.IndexOf("client: "u8) < 0
            && message.TrimEnd((byte)' ').EndsWith(")"u8))
        {
            return FailureKind.None;
        }

        // nginx writes "connect() to ADDRESS failed (errno: …)" only when a connect failed: one cut before its errno (a
        // terminal's or pager's width, "connect() to unix:/srv/app/app$") is a failed try whose reason was lost.
        if (message.StartsWith("connect() to "u8) && message.IndexOf("failed ("u8) < 0 && message.IndexOf(" while "u8) < 0)
        {
            return FailureKind.OtherUpstream;
        }

        if (upstreamPhase || connecting)
        {
            var kind = FromErrno(message, connecting);
            if (kind != FailureKind.None)
            {
                return kind;
            }

            // OpenSSL 3 says "unexpected eof while reading" when the peer closed the TCP connection without a TLS
            // close_notify: the upstream closed, as "upstream prematurely closed" says over plain HTTP.
            if (message.IndexOf("SSL_read() failed"u8) >= 0 || message.IndexOf("SSL_write() failed"u8) >= 0)
            {
                return message.IndexOf("unexpected eof"u8) >= 0 ? FailureKind.PrematureClose : FailureKind.Reset;
            }
        }

        // Anything else said in the upstream phase is a failure only when it says one: the upstream module's own
        // "upstream ..." words, a call that failed, a module's "error". The phase is only what the connection was doing
        // when someone logged: a module's or a script's note at [error] ("... while reading response header from
        // upstream") carries it too, about a request that went on to be answered. A failed call is a request's only
        // with a request's context (", while …", "client: "): one without is the process's own, about an upstream
        // block's shared memory, say ("ngx_slab_alloc() failed: no memory in upstream zone", when the API adds servers).
        var aboutARequest = message.IndexOf(" while "u8) >= 0 || message.IndexOf("client: "u8) >= 0;
        return upstreamPhase && (message.StartsWith("upstream "u8) || (aboutARequest && (message.IndexOf("fail"u8) >= 0
            || message.IndexOf("error"u8) >= 0 || ErrorLogParser.TryGetErrno(message, out _, out _))))
            ? FailureKind.OtherUpstream
            : FailureKind.None;
    }

    /// <summary>What the system call's error says, by its text on any OS nginx runs on, else by its number.</summary>
    private static FailureKind FromErrno(ReadOnlySpan<byte> message, bool connecting)
    {
        if (!ErrorLogParser.TryGetErrno(message, out var errno, out var text))
        {
            // nginx always writes the number with the kernel's words ("(111: Connection refused)"); a paste that dropped
            // the number ("failed (Connection refused)"), or the call with it ("Resource temporarily unavailable while
            // connecting to upstream"), still says in those words what the kernel answered. Only the message's own
            // words: the request's context after ", client: " is the client's.
            var context = message.IndexOf(", client: "u8);
            text = context < 0 ? message : message[..context];
            errno = 0;
        }

        var meaning = NginxLogs.Errno.Classify(errno, text);
        var unixSocket = message.IndexOf("unix:"u8) >= 0;
        return meaning switch
        {
            ErrnoKind.ConnectionRefused => FailureKind.Refused,
            ErrnoKind.ConnectionReset or ErrnoKind.BrokenPipe => connecting ? FailureKind.ResetConnecting : FailureKind.Reset,
            ErrnoKind.HostUnreachable or ErrnoKind.HostDown => FailureKind.Unreachable,

            // ENETUNREACH: no route to the peer's network. To an IPv6 peer that is a host without IPv6 (a name that
            // resolves to AAAA records too, on an IPv4-only host); to an IPv4 one, a route or VPN gone.
            ErrnoKind.NetworkUnreachable => IsIpv6Peer(message) ? FailureKind.Ipv6Unavailable : FailureKind.Unreachable,

            // The kernel gave up on the SYN (the host does not answer, a firewall drops it): nginx answers 502, not 504.
            // On a connection made (recv(), send(), SSL_read()), the kernel's retransmissions gave up: 502 as well.
            ErrnoKind.TimedOut => connecting ? FailureKind.Unreachable : FailureKind.ConnectionTimedOut,
            ErrnoKind.WouldBlock => FailureKind.ResourceUnavailable,
            // EADDRNOTAVAIL: no local address to connect from. For an IPv6 peer ("connect() to [2001:db8::1]:443", "[::1]"
            // for localhost) the host has no IPv6 address (containers, IPv4-only VMs); otherwise its ports ran out.
            ErrnoKind.AddressNotAvailable => IsIpv6Peer(message) ? FailureKind.Ipv6Unavailable : FailureKind.PortExhaustion,
            ErrnoKind.TooManyOpenFiles => FailureKind.TooManyOpenFiles,
            ErrnoKind.NoSuchFile when unixSocket && SocketPathWithUri(message) => FailureKind.SocketPathWithUri,
            ErrnoKind.NoSuchFile when unixSocket || connecting => FailureKind.MissingSocket,
            // On a connection made, the kernel refuses a read or write with EACCES only for a security module (SELinux,
            // AppArmor) denying nginx that socket.
            ErrnoKind.PermissionDenied when unixSocket || connecting || OnASocket(message) => FailureKind.PermissionDenied,

            // connect() itself rejected the address (EINVAL, EAFNOSUPPORT): nginx logs it at [crit], not [error], as
            // nothing on the network answered; the address configured (or resolved) is one this socket cannot use.
            ErrnoKind.InvalidAddress when connecting => FailureKind.InvalidAddress,
            _ => FailureKind.None,
        };
    }

    /// <summary>A read or write on the upstream's connection (<c>readv() failed</c>, <c>send() failed</c>), not a file's.</summary>
    private static bool OnASocket(ReadOnlySpan<byte> message) =>
        message.StartsWith("recv() failed"u8) || message.StartsWith("readv() failed"u8) || message.StartsWith("send() failed"u8)
        || message.StartsWith("writev() failed"u8) || message.StartsWith("sendfile() failed"u8);

    /// <summary>
    /// The path of <c>connect() to unix:PATH failed</c> holds <c>:/</c>: a URI after the socket's path, which only
    /// <c>proxy_pass</c>'s URL splits off (<see cref="FailureKind.SocketPathWithUri"/>).
    /// </summary>
    private static bool SocketPathWithUri(ReadOnlySpan<byte> message)
    {
        var at = message.IndexOf("connect() to unix:"u8);
        if (at < 0)
        {
            return false;
        }

        var path = message[(at + "connect() to unix:".Length)..];
        var end = path.IndexOf(" failed ("u8);
        return end > 0 && path[..end].IndexOf(":/"u8) > 0;
    }

    private static bool IsIpv6Peer(ReadOnlySpan<byte> message) => message.IndexOf("[::1]"u8) >= 0 || message.IndexOf("connect() to ["u8) >= 0;

    /// <summary>
    /// An API gateway built on OpenResty rejecting a request by a limit of its own: APISIX's limit-req, limit-conn and
    /// limit-count plugins (<c>[lua] plugin.lua:1100: run_plugin(): limit-req exits with http status code 503</c>, one
    /// line per rejection). The gateway answered before any upstream was tried, as nginx's limit_req does; only a 503
    /// (their default <c>rejected_code</c>) is a gateway status to count.
    /// </summary>
    private static FailureKind GatewayLimiter(ReadOnlySpan<byte> message)
    {
        var at = message.IndexOf("run_plugin(): limit-"u8);
        if (at < 0 || message[at..].IndexOf(" exits with http status code 503"u8) < 0)
        {
            return FailureKind.None;
        }

        return message[at..].StartsWith("run_plugin(): limit-conn"u8) ? FailureKind.RateLimitConnections : FailureKind.RateLimitRequests;
    }

    /// <summary>
    /// A Lua balancer that resolves the upstream's name itself and failed to (Kong's <c>[lua] balancer.lua:819:
    /// execute(): DNS resolution failed: dns server error: 3 name error. Tried: ["(short)orders:(na) - cache-miss", …]</c>):
    /// the gateway then answers the request itself (503 "name resolution failed") without a peer, as nginx's own
    /// <c>could not be resolved</c> does with 502. Kong before 1.0 wrote <c>execute(): [dns] dns server error: 3 name
    /// error. Tried: (short)orders:(na) - cache-miss</c>, one name tried per line after it, and from 0.10 to 0.14
    /// <c>failed the initial dns/balancer resolve for 'orders' with: dns query returned no results</c>, answering 500
    /// (<see cref="KongInitialResolve"/>). The DNS server's words say which failure; None when not such a line (a reason
    /// in no DNS words, Kong's <c>table: 0x5c909238</c>, says nothing).
    /// </summary>
    private static FailureKind BalancerNameFailure(ReadOnlySpan<byte> message)
    {
        if (ApisixUnresolved(message, out _, out var why))
        {
            return why.IndexOf("server failure"u8) >= 0 ? FailureKind.DnsServerFailure
                : why.IndexOf("timeout"u8) >= 0 ? FailureKind.DnsTimeout
                : FailureKind.DnsNotFound;
        }

        var at = message.IndexOf("DNS resolution failed"u8);
        at = at >= 0 ? at : message.IndexOf("execute(): [dns] "u8);
        if (at < 0 && KongInitialResolve(message) is var initial and >= 0)
        {
            var reason = message[initial..];
            return reason.IndexOf("dns query returned no results"u8) >= 0 || reason.IndexOf("name error"u8) >= 0 ? FailureKind.DnsNotFound
                : reason.IndexOf("server failure"u8) >= 0 ? FailureKind.DnsServerFailure
                : reason.IndexOf("dns"u8) >= 0 && reason.IndexOf("timeout"u8) >= 0 ? FailureKind.DnsTimeout
                : FailureKind.None;
        }

        if (at < 0 || message.IndexOf("balancer"u8) < 0)
        {
            return FailureKind.None;
        }

        // The first error is the upstream's own name's ("dns server error: 3 name error"); the list after it repeats
        // each search domain's.
        var words = message[at..];
        var tried = words.IndexOf("Tried:"u8);
        words = tried < 0 ? words : words[..tried];
        return words.IndexOf("name error"u8) >= 0 ? FailureKind.DnsNotFound
            : words.IndexOf("server failure"u8) >= 0 ? FailureKind.DnsServerFailure
            : words.IndexOf("timeout"u8) >= 0 ? FailureKind.DnsTimeout
            : FailureKind.DnsNotFound;
    }

    /// <summary>
    /// APISIX's resolver failing for an upstream node's name (<c>[lua] resolver.lua:47: parse_domain(): failed to parse
    /// domain: storaged-0.storaged.default.svc.cluster.local, error: failed to query the DNS server: dns client error:
    /// 101 empty record received</c>, and its <c>upstream.lua</c>'s <c>parse_domain_for_nodes(): dns resolver domain: …
    /// error: …</c>): the node is dropped, and with none left the route answers without a peer (<c>failed to set
    /// upstream: no valid upstream node</c>). The name, and the DNS client's reason.
    /// </summary>
    private static bool ApisixUnresolved(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> why)
    {
        name = default;
        why = default;
        var marker = "parse_domain(): failed to parse domain: "u8;
        var at = message.IndexOf(marker);
        if (at < 0)
        {
            marker = "parse_domain_for_nodes(): dns resolver domain: "u8;
            at = message.IndexOf(marker);
        }

        if (at < 0)
        {
            return false;
        }

        var rest = message[(at + marker.Length)..];
        var end = rest.IndexOf(" error: "u8);
        if (end <= 0)
        {
            return false;
        }

        name = rest[..end].TrimEnd((byte)',');
        why = rest[(end + " error: ".Length)..];
        return !name.IsEmpty && name.IndexOf((byte)' ') < 0;
    }

    /// <summary>Where the name begins in Kong's pre-1.0 <c>failed the initial dns/balancer resolve for 'orders' with: …</c>
    /// (its <c>responses.lua</c> answered such a request 500); -1 when not such a line.</summary>
    public static int KongInitialResolve(ReadOnlySpan<byte> message)
    {
        var marker = "failed the initial dns/balancer resolve for "u8;
        var at = message.IndexOf(marker);
        return at < 0 ? -1 : at + marker.Length;
    }

    /// <summary>
    /// <c>upstream sent too large http2 frame: N</c> where N's three bytes (big-endian, as the frame header holds them)
    /// are printable ASCII: no HTTP/2 server sends a frame larger than the 16 KB nginx allows, so the bytes were text.
    /// </summary>
    private static bool TextAsFrameLength(ReadOnlySpan<byte> message)
    {
        var marker = "upstream sent too large http2 frame: "u8;
        var at = message.IndexOf(marker);
        if (at < 0)
        {
            return false;
        }

        var digits = message[(at + marker.Length)..];
        var end = digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (!System.Buffers.Text.Utf8Parser.TryParse(end < 0 ? digits : digits[..end], out int length, out _) || length is < 0 or > 0xFFFFFF)
        {
            return false;
        }

        return IsPrintable(length >> 16) && IsPrintable((length >> 8) & 0xFF) && IsPrintable(length & 0xFF);

        static bool IsPrintable(int b) => b is >= 0x20 and <= 0x7E;
    }

    /// <summary>A line ngx_lua wrote (<c>[lua] balancer.lua:…</c>), or its stream module's twin (<c>stream [lua] tcp_udp_balancer.lua:…</c>).</summary>
    public static bool IsLua(ReadOnlySpan<byte> message) => message.StartsWith("[lua] "u8) || message.StartsWith("stream [lua] "u8);

    /// <summary>
    /// A Lua balancer that chose a peer nginx would not take (ingress-nginx's <c>[lua] balancer.lua:240: balance(): error
    /// while setting current upstream peer orders.shop.svc.cluster.local:80: no host allowed</c>): the request then goes
    /// to the placeholder server. ngx.balancer takes addresses only, so "no host allowed" is a name the balancer did not
    /// resolve (an ExternalName Service whose lookup failed), <see cref="FailureKind.DnsNotFound"/>; any other reason
    /// ("invalid port": port 0, a Service port that names no container port) is an address that cannot be,
    /// <see cref="FailureKind.InvalidAddress"/>. None when not such a line.
    /// </summary>
    public static FailureKind BalancerPeerRefused(ReadOnlySpan<byte> message) =>
        PeerRefused(message, "error while setting current upstream peer "u8, ": "u8, out _, out var reason)
            ? reason.StartsWith("no host allowed"u8) ? FailureKind.DnsNotFound : FailureKind.InvalidAddress
            : FailureKind.None;

    /// <summary>
    /// APISIX's balancer handing nginx a node it would not take (<c>[lua] balancer.lua:382: run(): failed to set server
    /// peer [orders:8080] err: no host allowed</c>), which it answers 502 without a try. ngx.balancer takes addresses
    /// only: a name there is one the gateway did not resolve (<see cref="FailureKind.DnsNotFound"/>); anything else (a
    /// bare number, port 0) is a node that cannot be, <see cref="FailureKind.InvalidAddress"/>. None when not such a line.
    /// </summary>
    public static FailureKind ApisixPeerRefused(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> peer)
    {
        if (!PeerRefused(message, "failed to set server peer ["u8, "] err: "u8, out peer, out var reason))
        {
            return FailureKind.None;
        }

        var colon = peer.LastIndexOf((byte)':');
        var host = colon > 0 ? peer[..colon] : peer;
        return reason.StartsWith("no host allowed"u8) && host.IndexOfAnyInRange((byte)'a', (byte)'z') >= 0
            ? FailureKind.DnsNotFound
            : FailureKind.InvalidAddress;
    }

    /// <summary>A Lua balancer's words for a peer ngx.balancer refused: the peer between <paramref name="marker"/> and
    /// <paramref name="end"/>, and the reason after it. False when the line is not such a one.</summary>
    private static bool PeerRefused(ReadOnlySpan<byte> message, ReadOnlySpan<byte> marker, ReadOnlySpan<byte> end, out ReadOnlySpan<byte> peer, out ReadOnlySpan<byte> reason)
    {
        peer = default;
        reason = default;
        if (!IsLua(message) || message.IndexOf(marker) is not (>= 0 and var at))
        {
            return false;
        }

        var rest = message[(at + marker.Length)..];
        var close = rest.IndexOf(end);
        if (close <= 0)
        {
            return false;
        }

        peer = rest[..close];
        reason = rest[(close + end.Length)..];
        return true;
    }

    /// <summary>APISIX's route that found no node to proxy to (<c>failed to set upstream: no valid upstream node</c>, or
    /// nodes its discovery returned malformed): the gateway answers 503 itself (HTTP_CODE_UPSTREAM_UNAVAILABLE).</summary>
    public static bool ApisixNoNode(ReadOnlySpan<byte> message) =>
        IsLua(message) && message.IndexOf("failed to set upstream: "u8) is var at and >= 0
        && (message[at..].IndexOf("no valid upstream node"u8) >= 0 || message[at..].IndexOf("invalid nodes format"u8) >= 0);

    /// <summary>The name in <c>host not found in upstream "app:3000"</c>, nginx's words when a name in its configuration
    /// did not resolve as it read it; null for any other message.</summary>
    public static string? UnresolvedAtStart(string message)
    {
        const string Marker = "host not found in upstream \"";
        if (!message.StartsWith(Marker, StringComparison.Ordinal))
        {
            return null;
        }

        var end = message.IndexOf('"', Marker.Length);
        return end > Marker.Length ? message[Marker.Length..end] : null;
    }

    /// <summary>A system call on a quoted path: <c>open() "/path" failed</c>, <c>CreateFile() "C:\…" failed</c>.</summary>
    private static bool IsFileCall(ReadOnlySpan<byte> message)
    {
        var call = message.IndexOf("() \""u8);
        return call > 0 && !message[..call].ContainsAnyExcept(FileCallName);
    }

    /// <summary>The path a system call quotes (<c>open() "/path" failed</c>): to its closing quote, whose index is
    /// <paramref name="end"/>, or in a line cut inside it to the line's end (<paramref name="end"/> -1). Empty when the
    /// message quotes none.</summary>
    private static ReadOnlySpan<byte> QuotedPath(ReadOnlySpan<byte> message, out int end)
    {
        end = -1;
        var open = message.IndexOf("() \""u8);
        if (open < 0)
        {
            return default;
        }

        var path = message[(open + 4)..];
        var length = path.IndexOf((byte)'"');
        if (length < 0)
        {
            return path;
        }

        end = open + 4 + length;
        return path[..length];
    }

    /// <summary>
    /// A file call on one of nginx's temporary files (named by a ten-digit number, <c>0000000025</c>). Outside any
    /// upstream phase it is the request body's, which nginx writes to <c>client_body_temp_path</c> when it is larger
    /// than <c>client_body_buffer_size</c> and before it proxies the request (ngx_http_read_client_request_body):
    /// failing, it answers the request 500. "While reading upstream" it is the response's, which the body pipe writes to
    /// <c>proxy_temp_path</c> once its buffers are full, after the status went out: failing, it cuts the body short.
    /// Permission denied, a directory gone (2, 20) or a read-only filesystem (30) are the configuration; no space (28)
    /// or no quota left (122) a full disk.
    /// </summary>
    private static FailureKind TempFileNotWritten(ReadOnlySpan<byte> message)
    {
        var path = QuotedPath(message, out var end);
        var response = message.IndexOf(" while reading upstream"u8) >= 0;
        if (end < 0 || (message.IndexOf(" while "u8) >= 0 && !response))
        {
            return FailureKind.None;
        }

        var name = path[(path.LastIndexOf((byte)'/') + 1)..];
        if (name.Length != 10 || name.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return FailureKind.None;
        }

        return NginxLogs.Errno.Of(message[end..]) switch
        {
            ErrnoKind.NoSpace => response ? FailureKind.ResponseBufferDiskFull : FailureKind.BodyBufferDiskFull,
            ErrnoKind.PermissionDenied or ErrnoKind.NoSuchFile or ErrnoKind.NotWritablePath => response ? FailureKind.ResponseBufferUnwritable : FailureKind.BodyBufferUnwritable,
            _ => FailureKind.None,
        };
    }

    private static readonly SearchValues<byte> FileCallName =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"u8);

    /// <summary>The phase or message says the upstream side was being worked on.</summary>
    private static bool IsUpstreamPhase(ReadOnlySpan<byte> message) =>
        message.IndexOf(" upstream"u8) >= 0 || message.StartsWith("upstream"u8) || ErrorLogParser.UpstreamPhaseCutShort(message);

    /// <summary>Lines about the client's side of the request: it closed, timed out, sent garbage, or nginx failed
    /// writing to it. nginx says "client" in the message or the phase (<c>while sending to client</c>).</summary>
    private static bool IsAboutClient(ReadOnlySpan<byte> message) =>
        message.IndexOf("client prematurely closed"u8) >= 0 || message.IndexOf("client closed"u8) >= 0
        || message.IndexOf("client timed out"u8) >= 0 || message.IndexOf("client sent"u8) >= 0
        || message.IndexOf("client intended to send"u8) >= 0
        || message.IndexOf("while sending to client"u8) >= 0 || message.IndexOf("while reading client"u8) >= 0
        || message.IndexOf("while sending response to client"u8) >= 0 || message.IndexOf("while waiting for request"u8) >= 0
        || message.StartsWith("client "u8);

    /// <summary>
    /// The message without what differs between requests: the target of <c>connect() to X failed</c>, the numbers of
    /// <c>excess: 1.234</c>, the bytes nginx quotes from an invalid header or status, and a cut at 200 characters.
    /// <c>connect() to 127.0.0.1:9001 failed (111: Connection refused) while connecting to upstream</c> becomes
    /// <c>connect() failed (111: Connection refused) while connecting to upstream</c>.
    /// </summary>
    public static string Normalize(ReadOnlySpan<byte> message)
    {
        var text = Encoding.UTF8.GetString(message);
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (Matches(text, i, "connect() to ") && text.IndexOf(" failed", i, StringComparison.Ordinal) is var failed and > 0)
            {
                sb.Append("connect()");
                i = failed;
                continue;
            }

            if (Matches(text, i, "excess: "))
            {
                sb.Append("excess: N");
                i += 8;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                continue;
            }

            // nginx 1.23+ quotes what it could not parse: `upstream sent invalid header: "X-\x01..." while ...`.
            if ((Matches(text, i, "invalid header: \"") || Matches(text, i, "invalid status \"")) && text.IndexOf("\" while", i, StringComparison.Ordinal) is var quoteEnd and > 0)
            {
                var open = text.IndexOf('"', i);
                sb.Append(text, i, open - i).Append("\"…\"");
                i = quoteEnd + 1;
                continue;
            }

            sb.Append(text[i]);
            i++;
        }

        var normalized = sb.ToString().Trim();
        return normalized.Length > 200 ? normalized[..200] + "…" : normalized;
    }

    /// <summary>Whether a signature's phase comes after nginx sent the upstream's status to the client (see
    /// <see cref="IncidentEvidence.AfterStatusSent"/>).</summary>
    public static bool AfterStatusSent(string signature) =>
        signature.Contains(" while reading upstream", StringComparison.Ordinal) || signature.Contains(" while sending to client", StringComparison.Ordinal);

    /// <summary>Whether there are error-log signatures and every one is <see cref="AfterStatusSent(string)"/>.</summary>
    public static bool AfterStatusSent(IEnumerable<string> errorSignatures) => AllAndAny(errorSignatures, AfterStatusSent);

    /// <summary>Whether every signature is APISIX's route finding no node (<see cref="ApisixNoNode"/>).</summary>
    public static bool GatewayFoundNoNode(IEnumerable<string> errorSignatures) =>
        AllAndAny(errorSignatures, signature => signature.Contains("failed to set upstream: no valid upstream node", StringComparison.Ordinal));

    /// <summary>Whether there are error-log signatures and every one is in the phase of sending the request (<c>…
    /// while sending request to upstream</c>): the upstream stopped taking it before it had it whole.</summary>
    public static bool WhileSendingRequest(IEnumerable<string> errorSignatures) =>
        AllAndAny(errorSignatures, signature => signature.Contains(" while sending request to upstream", StringComparison.Ordinal));

    /// <summary>A subrequest of the request's own path, as the slice module makes for each slice after the first
    /// (ngx_http_slice_body_filter asks for <c>r->uri</c> again), and <c>proxy_cache_background_update</c> for a stale
    /// entry it refreshes after answering from it: either way the client had its status. <c>auth_request</c> and
    /// <c>mirror</c> name other paths.</summary>
    public static bool IsSliceSubrequest(in ErrorLogLine line)
    {
        var target = line.RequestTarget;
        var query = target.IndexOf((byte)'?');
        return !line.Subrequest.IsEmpty && line.Subrequest.SequenceEqual(query < 0 ? target : target[..query]);
    }

    /// <summary>
    /// A subrequest whose location is named for checking who asks: <c>/_auth</c>, <c>/oauth2/auth</c>,
    /// <c>/authelia/api/verify</c>, <c>/outpost.goauthentik.io/auth/nginx</c>, vouch-proxy's <c>/validate</c>. Only
    /// <c>auth_request</c> makes such subrequests, and it answers the client 500 for any status but 2xx, 401 and 403, so
    /// its failed try is the client's 500 even when the module's own line (<c>auth request unexpected status</c>) was not
    /// pasted. A media, SSI or <c>mirror</c> subrequest is named for what it fetches, and its status is the client's or none.
    /// </summary>
    public static bool IsAuthSubrequest(in ErrorLogLine line)
    {
        if (line.Subrequest.IsEmpty || IsSliceSubrequest(in line))
        {
            return false;
        }

        var location = Encoding.ASCII.GetString(line.Subrequest);
        return location.Contains("auth", StringComparison.OrdinalIgnoreCase)
            || location.Contains("verify", StringComparison.OrdinalIgnoreCase)
            || location.Contains("validate", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether there are error-line samples and every one is about a slice subrequest
    /// (<see cref="IsSliceSubrequest"/>): the client had the response's status and first slice before it failed.</summary>
    public static bool InSliceSubrequests(IEnumerable<string> samples) =>
        AllAndAny(samples, sample => ErrorLogParser.TryParseAnywhere(Encoding.UTF8.GetBytes(sample), null, out var line) && IsSliceSubrequest(in line));

    /// <summary>Whether there are unreachable tries and every one failed with ENETUNREACH (<c>(101: Network is
    /// unreachable)</c>, musl's "Network unreachable"): most often nginx's host found no route to the network.</summary>
    public static bool NetworkUnreachable(IEnumerable<string> errorSignatures)
    {
        var unreachable = errorSignatures
            .Select(s => NginxLogs.Errno.Of(Encoding.UTF8.GetBytes(s)))
            .Where(errno => errno is ErrnoKind.NetworkUnreachable or ErrnoKind.HostUnreachable or ErrnoKind.HostDown)
            .ToList();
        return unreachable.Count > 0 && unreachable.TrueForAll(errno => errno == ErrnoKind.NetworkUnreachable);
    }

    /// <summary>Whether a signature is nginx's complaint about a chunked body it could not parse (ngx_http_parse_chunked
    /// failed, in the body's phase or, unbuffered, as it passed it on).</summary>
    public static bool InvalidChunked(IEnumerable<string> errorSignatures) =>
        errorSignatures.Any(signature => signature.StartsWith("upstream sent invalid chunked response", StringComparison.Ordinal));

    private static bool AllAndAny(IEnumerable<string> signatures, Func<string, bool> predicate)
    {
        var any = false;
        foreach (var signature in signatures)
        {
            if (!predicate(signature))
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    /// <summary>The upstream an error line names: from <c>upstream: "http://host:port/uri"</c>, else from
    /// <c>connect() to X failed</c>, <c>X could not be resolved</c>, <c>no resolver defined to resolve X</c> or the
    /// resolver's address. Empty when none.</summary>
    public static string UpstreamOf(in ErrorLogLine line, FailureKind kind)
    {
        var message = line.Message;
        if (kind.IsUnresolved() && message.IndexOf(" could not be resolved"u8) is var unresolvedAt and >= 0)
        {
            // nginx names the host it failed to resolve; `upstream:` (when present) is only the unresolved URL. A module
            // resolving by itself may quote it ("upstream-dynamic-servers: 'app.test' could not be resolved").
            var name = message[..unresolvedAt];
            var space = name.LastIndexOf((byte)' ');
            return Encoding.UTF8.GetString((space >= 0 ? name[(space + 1)..] : name).Trim("'\""u8));
        }

        if (kind.IsUnresolved() && message.IndexOf("Tried: "u8) is var triedAt and >= 0
            && message[(triedAt + "Tried: "u8.Length)..].TrimStart("[\" "u8) is var tried && tried.StartsWith("(short)"u8))
        {
            // Kong's balancer lists the names it tried, the upstream's own first: "(short)orders:(na) - cache-miss"
            // (in a JSON array since 1.0).
            var name = tried["(short)"u8.Length..];
            var end = name.IndexOfAny((byte)':', (byte)'"');
            return Encoding.UTF8.GetString(end < 0 ? name : name[..end]);
        }

        if (kind.IsUnresolved() && ApisixUnresolved(message, out var apisixName, out _))
        {
            return Encoding.UTF8.GetString(apisixName);
        }

        if (kind.IsUnresolved() && KongInitialResolve(message) is var kongAt and >= 0)
        {
            // The name in quotes, straight or as a page curled them: 'orders', ‘orders’.
            var name = message[kongAt..];
            var end = name.IndexOf(" with: "u8);
            return Encoding.UTF8.GetString((end < 0 ? name : name[..end]).Trim("'\"\u2018\u2019"u8));
        }

        if (line.Upstream.IsEmpty && ApisixPeerRefused(message, out var apisixPeer) != FailureKind.None)
        {
            return Encoding.UTF8.GetString(apisixPeer);
        }

        if (kind == FailureKind.BalancerScriptFailed && line.Upstream.IsEmpty)
        {
            // Its line names no peer, for none was chosen: the balancer is what failed.
            return "balancer_by_lua";
        }

        if (kind == FailureKind.NamedLocationMissing)
        {
            // The name as the configuration wrote it, "@app".
            var name = message[NamedLocationWords.Length..];
            var end = name.IndexOf((byte)'"');
            return end > 0 ? Encoding.UTF8.GetString(name[..end]) : "-";
        }

        if (kind == FailureKind.UpstreamUrlInvalid && UnparsedUpstreamUrl(message) is var quoted and >= 0)
        {
            // The address as the variables made it, quoted by nginx: empty when a variable was. nginx quotes the value
            // with its path, which is each request's own (a redirect's Location passed on, a captured URI): the address
            // is what comes before it, or the path's first segment for a value that is only a path.
            var value = message[quoted..];
            var quoteEnd = value.LastIndexOf((byte)'"');
            if (quoteEnd <= 0)
            {
                return "-";
            }

            value = value[..quoteEnd];
            if (!value.StartsWith("unix:"u8))
            {
                var scheme = value.IndexOf("://"u8);
                var host = scheme >= 0 ? scheme + 3 : value.StartsWith("/"u8) ? 1 : 0;
                var pathAt = value[host..].IndexOfAny((byte)'/', (byte)'?');
                value = pathAt < 0 ? value : value[..(host + pathAt)];
            }

            return Encoding.UTF8.GetString(value);
        }

        if (kind == FailureKind.NoResolver)
        {
            var at = message.IndexOf("no resolver defined to resolve "u8);
            if (at >= 0)
            {
                var name = message[(at + 31)..];
                var end = name.IndexOfAny((byte)' ', (byte)',');
                return Encoding.UTF8.GetString(end < 0 ? name : name[..end]);
            }
        }

        if (kind == FailureKind.Resolver)
        {
            if (!line.Resolver.IsEmpty)
            {
                return "resolver " + Encoding.UTF8.GetString(line.Resolver);
            }

            var at = message.IndexOf("resolver: "u8);
            var resolver = at < 0 ? default : message[(at + 10)..];
            var end = resolver.IndexOfAny((byte)' ', (byte)',');
            return resolver.IsEmpty ? "resolver" : "resolver " + Encoding.UTF8.GetString(end < 0 ? resolver : resolver[..end]);
        }

        if (!line.Upstream.IsEmpty)
        {
            return UpstreamAddress.FromUrl(line.Upstream, RequestTarget(line.Request));
        }

        // The CONNECT module names the tunnel's peer itself: "(peer:127.0.0.1:443)".
        if (message.StartsWith("proxy_connect: "u8) && message.IndexOf("(peer:"u8) is var peerAt and >= 0
            && message[(peerAt + 6)..] is var peer && peer.IndexOf((byte)')') is var close and > 0)
        {
            return Encoding.UTF8.GetString(peer[..close]);
        }

        var connect = message.IndexOf("connect() to "u8);
        if (connect >= 0)
        {
            var target = message[(connect + 13)..];
            var end = target.IndexOf(" failed"u8);
            if (end > 0)
            {
                return Encoding.UTF8.GetString(target[..end]);
            }

            // Cut before " failed": what is left of the address, without the pager's mark of the cut.
            var cut = target.TrimEnd(" \t$>"u8);
            if (kind == FailureKind.OtherUpstream && cut.Length > 0 && cut.IndexOf((byte)' ') < 0)
            {
                return Encoding.UTF8.GetString(cut);
            }
        }

        return string.Empty;
    }

    /// <summary><c>GET /a?b=1 HTTP/1.1</c> → <c>/a?b=1</c>; empty when the request line has no target.</summary>
    private static ReadOnlySpan<byte> RequestTarget(ReadOnlySpan<byte> request)
    {
        var start = request.IndexOf((byte)' ');
        if (start < 0)
        {
            return default;
        }

        var target = request[(start + 1)..];
        var end = target.LastIndexOf(" HTTP/"u8);
        return end < 0 ? target : target[..end];
    }

    private static bool Matches(string text, int at, string value) =>
        string.CompareOrdinal(text, at, value, 0, value.Length) == 0;
}
