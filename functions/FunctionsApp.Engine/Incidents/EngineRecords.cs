using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>An access-log request that failed (or recovered from a failed try), waiting to be joined
/// with its error-log lines.</summary>
internal sealed class PendingRequest
{
    public DateTimeOffset Time { get; set; }

    /// <summary>When the request began: <see cref="Time"/> minus <c>$request_time</c>, when logged.</summary>
    public DateTimeOffset? Began { get; set; }

    public int Status { get; set; }

    /// <summary>
    /// A request nginx refused itself with a status other than a gateway error (<c>limit_req_status 429</c>,
    /// <c>limit_conn_status 444</c>): not a failure, but the owner of its <c>limiting requests</c> line.
    /// </summary>
    public bool Rejection { get; set; }

    /// <summary>
    /// A 500 nginx answered without trying an upstream for the request itself: an <c>auth_request</c> subrequest whose
    /// upstream failed makes one (any status but 2xx, 401 or 403 from it is a 500), its try logged with
    /// <c>subrequest:</c>; so does a try nginx had no connection or descriptor for (<c>worker_connections are not
    /// enough</c>). It fails with that try's status when it claims such a line; without one it is nginx's own.
    /// </summary>
    public bool MaybeFailedSubrequest { get; set; }

    public string Client { get; set; } = "";

    /// <summary>The forwarded-for field, when the format has one: in a format that logs two addresses, which one is
    /// nginx's <c>$remote_addr</c> (the error log's <c>client:</c>) is inferred, and may be this one.</summary>
    public string Forwarded { get; set; } = "";

    /// <summary>What the format says about the request, to compare with an error line's <c>request:</c>.</summary>
    public AccessRequest Request { get; set; } = AccessRequest.None;

    /// <summary>The <c>Host</c> (<c>$host</c>, <c>$http_host</c>) as a key, or <c>-</c>.</summary>
    public string Host { get; set; } = "";

    /// <summary><c>$server_name</c> when the format logs it (compared with the error line's <c>server:</c>).</summary>
    public string ServerName { get; set; } = "";

    public long ConnectionId { get; set; } = -1;

    public string HistoryKey { get; set; } = "";

    /// <summary>Under a host key, the request's route (<see cref="HistoryKeys.RouteOf"/>); empty otherwise.</summary>
    public string Route { get; set; } = "";

    /// <summary>Upstream tries in order; empty when the format does not log <c>$upstream_addr</c>.</summary>
    public List<UpstreamTry> Tries { get; set; } = [];

    /// <summary>Without <c>$upstream_addr</c>, the last try as the upstream's status and times tell it (its address
    /// <c>(unknown)</c>); null when the format logs none of them or nginx contacted no upstream.</summary>
    public UpstreamTry? Unaddressed { get; set; }

    /// <summary>Whether the line says which upstreams were tried, so that none means "no upstream contacted": the format
    /// logs <c>$upstream_addr</c>, or it logs other <c>$upstream_*</c> variables and all are <c>-</c>.</summary>
    public bool LogsUpstream { get; set; }

    /// <summary>The backend a failed request was routed to although nginx contacted no upstream (ingress-nginx's
    /// <c>$proxy_upstream_name</c>, <c>namespace-service-port</c>); empty otherwise.</summary>
    public string Backend { get; set; } = "";

    /// <summary>Whether the format logs <c>$upstream_connect_time</c> and <c>$upstream_header_time</c>:
    /// only then does a missing value mean "no connection" or "no header".</summary>
    public bool LogsConnectTime { get; set; }

    public bool LogsHeaderTime { get; set; }

    /// <summary>Whether the format logs <c>$upstream_bytes_received</c> or <c>$upstream_response_length</c>.</summary>
    public bool LogsReceived { get; set; }

    /// <summary>Whether the format logs <c>$upstream_status</c>: the tries' own statuses, whatever the client got.</summary>
    public bool LogsUpstreamStatus { get; set; }

    /// <summary>Logged with nginx-proxy's <c>vhost</c> format: nginx-proxy answers a Host that no container is routed
    /// for from its default server, <c>return 503</c>.</summary>
    public bool ByNginxProxy { get; set; }

    /// <summary><c>$request_time</c> in seconds, when logged (stands in for the upstream's time when that is not).</summary>
    public double? RequestSeconds { get; set; }

    /// <summary><c>$body_bytes_sent</c>, when logged: nginx's own error page has a size of its own.</summary>
    public long? BodyBytes { get; set; }

    public string Raw { get; set; } = "";
}

/// <summary>One try on one upstream, from <c>$upstream_addr</c>, <c>$upstream_status</c> and the timing variables.</summary>
/// <param name="Address">The server tried (<c>$upstream_addr</c>).</param>
/// <param name="Status">Its <c>$upstream_status</c>: what it sent, or what nginx made of the try; 0 when none.</param>
/// <param name="ConnectTime"><c>$upstream_connect_time</c>; null for <c>-</c> or when not logged.</param>
/// <param name="HeaderTime"><c>$upstream_header_time</c>; null for <c>-</c> or when not logged.</param>
/// <param name="ResponseTime"><c>$upstream_response_time</c>; null for <c>-</c> or when not logged.</param>
/// <param name="Received">What nginx got back for the try: <c>$upstream_bytes_received</c>, else
/// <c>$upstream_response_length</c>; null when the format logs neither.</param>
/// <param name="Group">The internal redirect the try belongs to (<see cref="UpstreamTries.Group"/>): tries of one group
/// are one location's servers; a later group is where an <c>error_page</c> sent the request next.</param>
internal sealed record UpstreamTry(string Address, int Status, double? ConnectTime, double? HeaderTime, double? ResponseTime, long? Received = null, int Group = 0);

/// <summary>An upstream-related error-log line, waiting to be joined with its access-log request.</summary>
internal sealed class PendingError
{
    public DateTimeOffset Time { get; set; }

    public FailureKind Kind { get; set; }

    public string Signature { get; set; } = "";

    public string Upstream { get; set; } = "";

    public string Client { get; set; } = "";

    /// <summary>The <c>request: "GET /a?b=1 HTTP/1.1"</c> context, decoded.</summary>
    public string Request { get; set; } = "";

    /// <summary>The <c>host:</c> context as a key, or <c>-</c>.</summary>
    public string Host { get; set; } = "";

    /// <summary>The <c>server:</c> context (the matching <c>server_name</c>), or empty.</summary>
    public string Server { get; set; } = "";

    /// <summary><see cref="Host"/> is the <c>server:</c> name: the line had no <c>host:</c> (cut short, an empty
    /// <c>Host</c>), so it says nothing of the Host the request sent.</summary>
    public bool HostFromServer { get; set; }

    public long ConnectionId { get; set; } = -1;

    /// <summary>The line is about a subrequest (<c>subrequest: "..."</c>: SSI, <c>auth_request</c>): the access log
    /// logs its main request, not it.</summary>
    public bool InSubrequest { get; set; }

    /// <summary>
    /// The subrequest is one of the slice module's (its URI the request's own path): the first slice is the main
    /// request's, and each later one a subrequest fetched once the client has the response's status and its first
    /// slice, so a failure there cuts the body short (nginx logs <c>unexpected status code 504 in slice response</c>).
    /// </summary>
    public bool InSliceSubrequest { get; set; }

    /// <summary>The line has no time, nor had any line of its log before it: <see cref="Time"/> is the access log's
    /// first, which says nothing of whether the access log holds its request.</summary>
    public bool TimeBorrowed { get; set; }

    /// <summary>The line is about a session of the stream module (TCP/UDP proxying), whose context counts
    /// <c>bytes from/to client:</c>: it has no request, and its <c>$status</c> is 200, 400, 403, 500, 502 or 503.</summary>
    public bool InStreamSession { get; set; }

    /// <summary>nginx runs in a container, as its clients (a Docker network's gateway) or its master's PID (1) say: its
    /// loopback is the container's own.</summary>
    public bool InContainer { get; set; }

    /// <summary>A Lua balancer's own name lookup failed (Kong's <c>[lua] balancer.lua … DNS resolution failed</c>): the
    /// gateway answers the request itself, 503 "name resolution failed".</summary>
    public bool InLuaBalancer { get; set; }

    /// <summary>The status the line says the client got, where an application server inside nginx answered itself
    /// (Passenger's <c>Returning HTTP 503</c>), or a proxy loop's last hop's 500 (no connection left to try with) that
    /// every hop before it relays; null for nginx's other lines, whose status follows from their kind.</summary>
    public int? StatedStatus { get; set; }

    /// <summary>nginx answered the request 500 itself, having no connection or socket left for the try (its own
    /// resources, or a proxy loop's last hop) or no temporary file for its body: the failure a 500 access line without
    /// an upstream owns.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool NginxAnswered500 => Kind.AnsweredBeforeAnyTry() || (Kind == FailureKind.ProxyLoop && StatedStatus == 500);

    public string Raw { get; set; } = "";

    /// <summary>nginx cut the line after the request, before its <c>upstream:</c> and <c>host:</c> (2048 bytes): it takes its
    /// server's only upstream (<see cref="EngineState.ServerUpstreams"/>), from a line before or after it.</summary>
    public bool UpstreamCut { get; set; }

    public bool Claimed { get; set; }

    /// <summary>nginx then failed to open the page an <c>error_page</c> names for the failure: the request was answered
    /// 404 (or 403) in the access log, and failed all the same.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool AnsweredByMissingErrorPage => ErrorPageStatus is not null;

    /// <summary>What the client got instead of the gateway's status when the page an <c>error_page</c> names for the
    /// failure could not be opened (<see cref="DiagnosisEngine"/>'s NoteErrorPageMissing); null when none was missing.</summary>
    public int? ErrorPageStatus { get; set; }

    /// <summary>This subrequest's try failed and <c>auth_request</c> then answered its main request 500 (<c>auth request
    /// unexpected status: 502</c> on the same connection and request): what the client got.</summary>
    public bool AnsweredByAuthRequest { get; set; }

    /// <summary>nginx disabled the server after this failed connect, which it does only in a group of several, and
    /// went on to the group's next server (<c>upstream server temporarily disabled while connecting to upstream</c>).</summary>
    public bool NextServerTried { get; set; }

    /// <summary>What this try failed with did not decide its request (the error log alone, the request's tries on
    /// several servers each with a line): nginx went on to another server after it, or its server fails on every
    /// request and nginx steps over it (<see cref="DiagnosisEngine"/>'s standing failures).</summary>
    public bool DidNotDecide { get; set; }
}

/// <summary>A failed request (or recovered try) on one upstream, with the error lines that explain it.</summary>
internal sealed class FailureEvent
{
    public DateTimeOffset Time { get; set; }

    public int Status { get; set; }

    public string Upstream { get; set; } = "";

    public string Host { get; set; } = "";

    public string HistoryKey { get; set; } = "";

    /// <summary>Under a host key, the failed request's route; empty otherwise.</summary>
    public string Route { get; set; } = "";

    /// <summary>A failed try that is not the request's answer: nginx passed the request to the next server.</summary>
    public bool Recovered { get; set; }

    /// <summary>
    /// The next try went to the same server (<c>$upstream_addr</c> <c>10.0.0.1:80, 10.0.0.1:80</c>): nginx gives a
    /// request whose cached keep-alive connection failed one more try without counting it, so this try failed on a
    /// connection the server had already closed.
    /// </summary>
    public bool RetriedOnSameServer { get; set; }

    /// <summary>An error line no request claimed, attributed to the incident of the same upstream and host by time:
    /// it explains that incident's failures whose own lines could not be told apart (no per-request join possible).</summary>
    public bool Attributed { get; set; }

    /// <summary>The upstream's own answer for this try (<c>$upstream_status</c>), or 0.</summary>
    public int UpstreamStatus { get; set; }

    public double? ConnectTime { get; set; }

    public double? HeaderTime { get; set; }

    public double? ResponseTime { get; set; }

    /// <summary>What nginx got back for the try (<see cref="UpstreamTry.Received"/>), when logged.</summary>
    public long? Received { get; set; }

    /// <summary>The request's <c>$request_time</c>, when logged.</summary>
    public double? RequestSeconds { get; set; }

    /// <summary>The response's <c>$body_bytes_sent</c>, when logged.</summary>
    public long? BodyBytes { get; set; }

    public bool FromAccessLog { get; set; }

    /// <summary>Whether the access log names upstreams at all.</summary>
    public bool LogsUpstream { get; set; }

    /// <summary>See <see cref="PendingRequest.ByNginxProxy"/>.</summary>
    public bool ByNginxProxy { get; set; }

    /// <summary>See <see cref="PendingRequest.Backend"/>: then <see cref="Upstream"/> is that name.</summary>
    public string Backend { get; set; } = "";

    /// <summary>A 503 nginx answered itself, no upstream contacted, as its access line tells: <c>-</c> for the upstream in a
    /// format that logs it, or nginx's own 503 page in one that logs none (the request's side:
    /// <see cref="DiagnosisEngine.NginxAnsweredItself"/>).</summary>
    public bool NginxAnswered503 =>
        Status == 503 && (LogsUpstream ? Upstream == "-" : UpstreamStatus == 0 && NginxErrorPage.Is(503, BodyBytes));

    /// <summary>A 503 nginx answered without an upstream while its route served others within a second of it: nginx
    /// let some of the route's requests through and not this one (a limiter's excess), where a <c>return 503</c>
    /// answers every request of its location.</summary>
    public bool RouteServedMeanwhile { get; set; }

    public bool LogsConnectTime { get; set; }

    public bool LogsHeaderTime { get; set; }

    public bool LogsReceived { get; set; }

    /// <summary>The request found no error line that could be its own (no candidate at all), so lines of the same
    /// upstream and host around it may explain it.</summary>
    public bool Unjoined { get; set; }

    public string AccessRaw { get; set; } = "";

    /// <summary>The request as the access format logs it (<c>GET /a?b=1</c>); null when it logs none.</summary>
    public string? AccessRequest { get; set; }

    public List<PendingError> Errors { get; set; } = [];

    /// <summary>The servers a request tried, every one of which failed it (two or more): the servers of one upstream
    /// block failing together. Null otherwise.</summary>
    public string[]? Servers { get; set; }

    /// <summary>The block <see cref="Servers"/> belong to, when nginx logged its name after them (none was left).</summary>
    public string? Block { get; set; }

    /// <summary>A try before the last of such a request: evidence in the block's incident, not another failed request.</summary>
    public bool EarlierTry { get; set; }

    /// <summary><c>$upstream_addr</c> named an upstream block, not a server: nginx found no live server in it.</summary>
    public bool BlockName { get; set; }

    /// <summary>The request reached this upstream through an internal redirect (<c>error_page</c> to another upstream,
    /// after <c> : </c> in <c>$upstream_addr</c>): nginx needs it only when the first location fails.</summary>
    public bool AfterRedirect { get; set; }
}

/// <summary>Counts of what was read, and the first few malformed lines (as GoAccess keeps them).</summary>
public sealed class AnalysisStats
{
    public const int MaxMalformedSamples = 5;

    public const int MaxConfigEvents = 20;

    public long AccessLines { get; set; }

    public long ErrorLines { get; set; }

    public long MalformedLines { get; set; }

    /// <summary>Error-log lines that were not about an upstream (startup notices, client errors, ...).</summary>
    public long ErrorLinesIgnored { get; set; }

    /// <summary>Error-log lines without nginx's time (pasted from their level or message on), read at the time of the
    /// line before them (<see cref="ErrorLogParser.TryParseHeadless"/>).</summary>
    public long UntimedErrorLines { get; set; }

    /// <summary>Access lines whose time has no zone (a <c>map</c> of <c>$time_iso8601</c> that dropped it): read in
    /// the error log's offset, nginx's local time for both.</summary>
    public long ZonelessAccessLines { get; set; }

    /// <summary>Access lines of a format without a time, timed by an RFC 3164 syslog header that gives no year: read in
    /// <see cref="YearAssumed"/>.</summary>
    public long YearlessAccessLines { get; set; }

    /// <summary>The year <see cref="YearlessAccessLines"/> were read in, or 0.</summary>
    public int YearAssumed { get; set; }

    /// <summary>Gateway errors (502/503/504) in the access log.</summary>
    public long GatewayErrors { get; set; }

    /// <summary>Failed requests counted towards incidents: the access log's (a request nginx retried once), or the
    /// error lines that stand for them where the access log does not cover them.</summary>
    public long FailedRequests { get; set; }

    /// <summary>Failed tries of the error log alone that nginx went past to the group's next server, with no line
    /// saying that one failed too: most likely served, but no access log says.</summary>
    public long TriesMovedPast { get; set; }

    /// <summary>Of <see cref="TriesMovedPast"/>, tries on an IPv6 address that nginx said it went past (<c>upstream
    /// server temporarily disabled</c>): localhost's [::1] refused, or no IPv6 on the host; the next server is the same
    /// name's IPv4 address.</summary>
    public long TriesMovedPastToIpv4 { get; set; }

    /// <summary>Tries that failed after nginx had passed the upstream's status on (<c>… while reading upstream</c>): the
    /// client got that status and a body cut short, no gateway error.</summary>
    public long ResponsesCutShort { get; set; }

    /// <summary>Servers whose failed connects were counted as failed requests before a later request showed nginx
    /// going on from them to another server of their group (<see cref="EngineState.ServersWithPeers"/>).</summary>
    public List<string> PeeredLate { get; set; } = [];

    public string Format { get; set; } = "";

    public List<string> MalformedSamples { get; set; } = [];

    /// <summary>How the error log's local times were read: <c>configured</c>, <c>access log</c> (its offset),
    /// <c>inferred</c> (aligned with the access log), or <c>assumed UTC</c>.</summary>
    public string ErrorLogOffsetSource { get; set; } = "";

    /// <summary>Configuration-time errors nginx logged (<c>[emerg] host not found in upstream ... in file:line</c>): not
    /// request failures, but often why the failures that follow happened.</summary>
    public List<ConfigEvent> ConfigEvents { get; set; } = [];
}

/// <summary>A configuration-time error nginx logged, with the file and line it names: the first time it was seen (null
/// for nginx's own stderr, which has no time), and how often.</summary>
public sealed record ConfigEvent(DateTimeOffset? Time, string Level, string Message, string? File, int? Line, string Sample)
{
    public long Count { get; set; } = 1;
}

/// <summary>Servers of a host nginx disabled for their answers (<see cref="EngineState.DisabledAfterAnswer"/>): when,
/// how often, and one line as evidence.</summary>
internal sealed class DisabledNote
{
    public DateTimeOffset First { get; set; }

    public DateTimeOffset Last { get; set; }

    public int Count { get; set; }

    public string Sample { get; set; } = "";
}

/// <summary>An application server's line about killing a worker at its time limit (<see cref="NginxLogs.AppServerLine"/>).</summary>
internal sealed class AppServerKillNote
{
    public DateTimeOffset Time { get; set; }

    public string Server { get; set; } = "";

    public double? LimitSeconds { get; set; }
}
