using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>Everything the classifier weighs for one incident. Built by the engine; a plain value so the
/// classifier stays a pure function that tests can feed directly.</summary>
internal sealed record IncidentEvidence
{
    public required string Upstream { get; init; }

    /// <summary>The upstream as sentences name it: its address, or, when the access log names none, where the requests
    /// went (<c>the upstream behind /graphql</c>, <c>the upstream of shop.example.com</c>).</summary>
    public string UpstreamLabel
    {
        get => _upstreamLabel ?? Upstream;
        init => _upstreamLabel = value;
    }

    private readonly string? _upstreamLabel;

    /// <summary>Error-log lines per failure kind.</summary>
    public IReadOnlyDictionary<FailureKind, int> Kinds { get; init; } = new Dictionary<FailureKind, int>();

    /// <summary>
    /// Of those, the lines of tries nginx moved past: a try it recovered from (the next server answered), or an earlier
    /// try of a request whose last try failed too. A request's status is its last try's, so these lines did not decide
    /// any failed request's status.
    /// </summary>
    public IReadOnlyDictionary<FailureKind, int> ToleratedKinds { get; init; } = new Dictionary<FailureKind, int>();

    public IReadOnlyDictionary<int, int> Statuses { get; init; } = new Dictionary<int, int>();

    /// <summary>The module that passed the requests, by the scheme of the error lines' <c>upstream:</c> (<c>proxy</c> for
    /// http and https, and when no line says: <c>fastcgi</c>, <c>uwsgi</c>, <c>scgi</c>, <c>grpc</c>, <c>memcached</c>, and
    /// <c>stream</c> for TCP and UDP sessions).</summary>
    public string Module { get; init; } = "proxy";

    /// <summary>The system nginx runs on, as its error lines' errno numbers tell (<see cref="NginxHosts.Of"/>).</summary>
    public NginxHost NginxHost { get; init; }

    /// <summary>What the TLS lines' words say the upstream refused (<see cref="TlsRefusals.Of"/>).</summary>
    public TlsRefusal TlsRefusal { get; init; }

    public int FailedRequests { get; init; }

    public int RecoveredTries { get; init; }

    /// <summary>
    /// Recovered tries nginx retried on the same server: their cached keep-alive connection had been closed by the
    /// server (nginx gives such a request one more try; a request it may not repeat, a POST, fails instead).
    /// </summary>
    public int StaleConnectionRetries { get; init; }

    /// <summary>Failed requests with no error-log line: what the access log alone says about them follows.</summary>
    public int WithoutErrorLine { get; init; }

    /// <summary>Failed requests answered with nginx's own 404 or 403: it could not open the page their
    /// <c>error_page</c> names.</summary>
    public int MissingErrorPages { get; init; }

    /// <summary>Of those, the ones explained by lines of the same upstream and host at the same time (no per-request
    /// join was possible): they count as explained.</summary>
    public int ExplainedByAttribution { get; init; }

    /// <summary>The upstream sent the status itself (<c>$upstream_status</c> equals it, headers were received).</summary>
    public int UpstreamAnswered { get; init; }

    /// <summary>nginx answered without contacting any upstream (<c>$upstream_addr</c> is <c>-</c>).</summary>
    public int NoUpstreamContacted { get; init; }

    /// <summary>Of <see cref="NoUpstreamContacted"/>, the 503s whose route served other requests within a second.</summary>
    public int RejectedWhileRouteServed { get; init; }

    /// <summary>Of those, requests routed to a backend by name (ingress-nginx's <c>$proxy_upstream_name</c>):
    /// its balancer answers 503 itself, without an error line, when the backend has no endpoints.</summary>
    public int NoEndpoints { get; init; }

    /// <summary>ingress-nginx's controller said a Service had no endpoints, in the same stream.</summary>
    public bool BackendWithoutEndpointsSaid { get; init; }

    /// <summary>Most of the requests, 503s without an error line, were routed to a backend that had no endpoints, by
    /// name or (the controller having said one had none) with no upstream contacted.</summary>
    public bool BackendWithoutEndpoints =>
        (NoEndpoints * 2 >= Math.Max(1, WithoutErrorLine) || (BackendWithoutEndpointsSaid && NoUpstreamContacted * 2 >= Math.Max(1, WithoutErrorLine)))
        && Kinds.Count == 0 && Statuses.GetValueOrDefault(503) * 2 > Statuses.Values.Sum();

    /// <summary>No connection to the upstream was made (<c>$upstream_connect_time</c> is <c>-</c>).</summary>
    public int NotConnected { get; init; }

    /// <summary>Connected, but no response header came (<c>$upstream_header_time</c> is <c>-</c>).</summary>
    public int ConnectedNoHeader { get; init; }

    /// <summary>nginx got nothing back (<c>$upstream_bytes_received</c> or <c>$upstream_response_length</c> is 0).</summary>
    public int NoResponse { get; init; }

    /// <summary><c>$upstream_status</c> equals the status and no other upstream field tells whether the upstream sent
    /// it or nginx made it.</summary>
    public int StatusOnly { get; init; }

    /// <summary><c>$upstream_addr</c> names the group, not a server: nginx logs it so when it found no live server
    /// ("no live upstreams").</summary>
    public int NoneLive { get; init; }

    /// <summary>Failed requests of a format without upstream fields whose body is nginx's own error page, with no
    /// error line (<see cref="IncidentTracker.NginxPage"/>).</summary>
    public int NginxPage { get; init; }

    /// <summary>nginx-proxy's default server's 503s (<see cref="IncidentTracker.UnroutedHost"/>).</summary>
    public int UnroutedHost { get; init; }

    /// <summary>Refused connects to a loopback upstream for clients from a Docker network's gateway
    /// (<see cref="IncidentTracker.RefusedLoopbackInContainer"/>).</summary>
    public int RefusedLoopbackInContainer { get; init; }

    /// <summary>Failed requests of a format without upstream fields whose body is not nginx's own page, with no error
    /// line (<see cref="IncidentTracker.OtherPage"/>).</summary>
    public int OtherPage { get; init; }

    /// <summary>Of <see cref="NoResponse"/>, those only the body's size said nginx made (<see cref="IncidentTracker.NginxPageOnly"/>).</summary>
    public int NginxPageOnly { get; init; }

    /// <summary>Requests the upstream served before the incident began.</summary>
    public long ServedBefore { get; init; }

    /// <summary>A failure of the upstream before the incident came after nginx was connected to it
    /// (<see cref="UpstreamHistory.FirstConnected"/>): something listened at its address.</summary>
    public bool ConnectedBefore { get; init; }

    /// <summary>How long the site (any upstream) had been observed serving before this upstream first appeared, and
    /// how many requests it served in that time: a route that fails from its first request after a long healthy
    /// history was most likely pointed at the wrong place; one failing since the logs begin was most likely down.</summary>
    public TimeSpan SiteObservedBeforeFirstSeen { get; init; }

    public long SiteServedBeforeFirstSeen { get; init; }

    /// <summary>The site served requests in the hour before the incident (<see cref="IncidentTracker.SiteServedJustBefore"/>).</summary>
    public bool SiteWorkingBefore { get; init; } = true;

    /// <summary>The upstream served before this incident's failures, as another host's requests for it showed
    /// (<see cref="EngineState.UpstreamsServedBefore"/>): whatever this host's own history says, its address was right.</summary>
    public bool UpstreamServedBefore { get; init; }

    /// <summary>nginx disabled servers on the host for how they answered, around the incident
    /// (<see cref="EngineState.DisabledAfterAnswer"/>): its "no live upstreams" followed answers, not a dead server.</summary>
    public bool ServersDisabledForAnswers { get; init; }

    /// <summary>A fallback reached through an internal redirect (<see cref="IncidentTracker.ReachedByRedirect"/>).</summary>
    public bool ReachedByRedirect { get; init; }

    /// <summary>Requests the same upstream served inside the incident after its first second, and in how many
    /// seconds: interleaved successes mean saturation; a crash leaves none after the requests in flight.</summary>
    public long ServedInside { get; init; }

    public int SecondsWithSuccess { get; init; }

    /// <summary>From the first failed request to the last.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Whether the history above is the upstream's own (the access log names upstreams) rather than its host's.</summary>
    public bool HistoryIsPerUpstream { get; init; }

    /// <summary>History is per location (the first path segment): the format names no upstream and no host.</summary>
    public bool HistoryIsPerPath { get; init; }

    /// <summary>What was served inside the incident is its route's (a host and first path segment, every failed request
    /// on it): the format names hosts but no upstream.</summary>
    public bool HistoryIsPerRoute { get; init; }

    /// <summary>Mean response time in the minutes just before the incident, and in the hour before that.</summary>
    public double? ResponseMillisBefore { get; init; }

    public double? ResponseMillisBaseline { get; init; }

    /// <summary>The median time of the upstream's last requests before the incident's first failure (see
    /// <see cref="UpstreamHistory.TypicalMillis"/>): what "usual" is when the logs hold no whole minute before it.</summary>
    public double? ResponseMillisTypical { get; init; }

    /// <summary>Every error line sampled names a subrequest (<c>subrequest: "/_auth"</c>): the tries were an
    /// <c>auth_request</c>'s (the client got 500) or another subrequest's, not the requests' own.</summary>
    public bool InSubrequest { get; init; }

    /// <summary>Workers the application server said it killed at its time limit around the incident's failures
    /// (<c>WORKER TIMEOUT</c>, <c>HARAKIRI</c>, <c>execution timed out</c>), in a stream that carries nginx's lines.</summary>
    public int AppServerKills { get; init; }

    /// <summary>The server that said so (gunicorn, uWSGI, PHP-FPM, Unicorn, Puma), when one did.</summary>
    public string? AppServerName { get; init; }

    /// <summary>Its time limit, when its lines tell it (the least they tell).</summary>
    public double? AppServerKillLimit { get; init; }

    /// <summary>Mean response time in the five whole minutes before the incident's own: what its requests usually took.</summary>
    public double? ResponseMillisUsual { get; init; }

    /// <summary>
    /// Every error line of the incident is in the phase after nginx sent the upstream's status and headers to the
    /// client (<c>… while reading upstream</c>, <c>… while sending to client</c>: ngx_http_upstream_send_response has
    /// run): nginx could only cut the body short, and logged the request with the upstream's status, not a 502. Such
    /// lines count only with a request whose access line holds a 5xx, the upstream's own.
    /// </summary>
    public bool AfterStatusSent { get; init; }

    /// <summary>Every error line is about a slice module's subrequest (<see cref="ErrorSignatures.IsSliceSubrequest"/>),
    /// which <see cref="AfterStatusSent"/> then holds too.</summary>
    public bool InSliceSubrequests { get; init; }

    /// <summary>Every error line of the incident is APISIX's route finding no node to proxy to (<c>failed to set upstream:
    /// no valid upstream node</c>): the gateway answered 503 itself, and its discovery, not a server, is in question.</summary>
    public bool GatewayFoundNoNode { get; init; }

    /// <summary>Every error line of the incident is in the phase of sending the request (<c>… while sending request to
    /// upstream</c>): the upstream closed or reset the connection before it had taken the whole request (its body).</summary>
    public bool WhileSendingRequest { get; init; }

    /// <summary>An error line of the incident says the upstream's chunked body did not parse (<c>upstream sent invalid
    /// chunked response</c>): its framing was broken, not its connection.</summary>
    public bool InvalidChunked { get; init; }

    /// <summary>Every unreachable try failed with ENETUNREACH (<c>(101: Network is unreachable)</c>): most often nginx's
    /// own host had no route to the upstream's network (else a router said so), where EHOSTUNREACH (113) is the far
    /// host or its neighbourhood.</summary>
    public bool NetworkUnreachable { get; init; }

    /// <summary>
    /// This evidence with what its error lines' words tell (the phase, the slice subrequests, a chunked body, the errno of
    /// an unreachable try, a TLS alert, the module): read the same way from an engine's tracker and from a stored
    /// incident's evidence items.
    /// </summary>
    /// <param name="signatures">The error lines' normalized messages.</param>
    /// <param name="samples">A line of each, as nginx wrote it.</param>
    public IncidentEvidence WithErrorLines(IReadOnlyList<string> signatures, IReadOnlyList<string> samples)
    {
        var slices = ErrorSignatures.InSliceSubrequests(samples);
        return this with
        {
            AfterStatusSent = ErrorSignatures.AfterStatusSent(signatures) || slices,
            InSliceSubrequests = slices,
            WhileSendingRequest = ErrorSignatures.WhileSendingRequest(signatures),
            GatewayFoundNoNode = ErrorSignatures.GatewayFoundNoNode(signatures),
            InvalidChunked = ErrorSignatures.InvalidChunked(signatures),
            NetworkUnreachable = ErrorSignatures.NetworkUnreachable(signatures),
            TlsRefusal = TlsRefusals.Of(signatures),
            Module = UpstreamModules.Of(samples),
            NginxHost = NginxHosts.Of(signatures),
            LimitedPrivateClient = PrivateClientLimited(samples),
            HeldOpenPath = HeldOpen(samples),
        };
    }

    /// <summary>
    /// The path of a request whose answer is held open by design, when the timed-out lines are such requests: a
    /// server-sent event stream or a long poll (a path ending in <c>events</c>, <c>stream</c>, <c>sse</c>,
    /// <c>subscribe</c> or <c>poll</c>, or socket.io's <c>transport=polling</c>). Its silence between events is no
    /// slowness: nginx's read timer runs out between two of them.
    /// </summary>
    public string? HeldOpenPath { get; init; }

    private static string? HeldOpen(IReadOnlyList<string> samples)
    {
        string? held = null;
        foreach (var sample in samples.Where(s => s.Contains("timed out", StringComparison.Ordinal)))
        {
            // The request line's target: "GET /user/events?x=1 HTTP/1.1".
            var request = RequestOf(sample);
            var target = request is null ? null : request.Split(' ') is [_, var second, ..] ? second : null;
            if (target is null)
            {
                return null;
            }

            var path = target.Split('?')[0].TrimEnd('/');
            var last = path[(path.LastIndexOf('/') + 1)..].ToLowerInvariant();
            if (!(last.EndsWith("events", StringComparison.Ordinal) || last is "stream" or "sse" or "subscribe" or "poll" or "longpoll" or "long-poll"
                || target.Contains("transport=polling", StringComparison.Ordinal)))
            {
                return null;
            }

            held ??= path;
        }

        return held;
    }

    /// <summary>The <c>request:</c> and <c>client:</c> of a sample line, as nginx's parser reads them.</summary>
    private static string? RequestOf(string sample) => Parsed(sample) is { } line ? line.Request : null;

    private static (string Request, string Client)? Parsed(string sample) =>
        ErrorLogParser.TryParseAnywhere(System.Text.Encoding.UTF8.GetBytes(sample), null, out var line)
            ? (System.Text.Encoding.UTF8.GetString(line.Request), System.Text.Encoding.UTF8.GetString(line.Client))
            : null;

    /// <summary>
    /// The client of the limit's rejections when every one shown is a private address (10/8, 172.16/12, 192.168/16,
    /// 100.64/10, loopback, fc00::/7): what nginx saw as the client is a proxy or load balancer in front (an ingress's
    /// node, a CDN's edge), so every user behind it shares one bucket of a zone keyed on <c>$binary_remote_addr</c>.
    /// </summary>
    public string? LimitedPrivateClient { get; init; }

    private static string? PrivateClientLimited(IReadOnlyList<string> samples)
    {
        string? client = null;
        foreach (var sample in samples.Where(s => s.Contains("limiting requests", StringComparison.Ordinal) || s.Contains("limiting connections", StringComparison.Ordinal)))
        {
            if (Parsed(sample) is not { } line || !System.Net.IPAddress.TryParse(line.Client, out var address) || !UpstreamAddress.IsPrivate(address))
            {
                return null;
            }

            client ??= address.ToString();
        }

        return client;
    }

    /// <summary>Whether an access log was read with it (or before it, for the site): without one, nothing says what an
    /// upstream served before it failed.</summary>
    public bool AccessLogRead { get; init; } = true;

    /// <summary>Mean response time of what the upstream served during the incident (its minutes).</summary>
    public double? ResponseMillisInside { get; init; }

    /// <summary>The failed requests' upstream (or request) times in seconds, as logged.</summary>
    public IReadOnlyList<double> ResponseTimes { get; init; } = [];

    /// <summary>Whether an error log covering the incident was read (so a missing error line means something).</summary>
    public bool ErrorLogCovered { get; init; }

    /// <summary>Whether the upstream is an <c>upstream {}</c> group name rather than an address (no live upstreams).</summary>
    public bool UpstreamIsGroup => !Upstream.Contains(':', StringComparison.Ordinal) && Upstream is not ("-" or "(unknown)")
        && !Upstream.StartsWith("resolver", StringComparison.Ordinal) && Upstream.Contains('.', StringComparison.Ordinal) is false;
}
