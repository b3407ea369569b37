using System.Globalization;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// Turns an incident's evidence into one cause. A pure function: error-log kinds vote for causes, the upstream's
/// history and the shape of the incident decide between "down", "never worked" and "overloaded" for connection
/// failures, the failed requests' timings tell an application server's own timeout from a broken response, and the
/// access log's upstream fields speak when the error log is silent.
/// </summary>
internal static class IncidentClassifier
{
    /// <summary>A route first used after this much healthy traffic on the site, and failing from its first request,
    /// points at the wrong place; before it, the logs are too short to tell that from an upstream already down.</summary>
    public static readonly TimeSpan LongHistory = TimeSpan.FromSeconds(60);

    public const int LongHistoryRequests = 20;

    /// <summary>How far back before an incident the site's successes show it working then.</summary>
    public static readonly TimeSpan SiteStillWorking = TimeSpan.FromHours(1);

    /// <summary>The evidence signature's end for nginx-proxy's default server's 503 (<see cref="IncidentTracker.UnroutedHost"/>).</summary>
    public const string UnroutedHostSignature = "answered by nginx-proxy's default server: no container is routed for this Host";

    /// <summary>The evidence item for servers nginx disabled for their answers (<see cref="EngineState.DisabledAfterAnswer"/>).</summary>
    public const string DisabledForAnswersSignature = "upstream server temporarily disabled while reading response header from upstream (no error line: an answer proxy_next_upstream counts as a failure)";

    /// <summary>
    /// What the summary adds when nginx could not open the page an <c>error_page</c> names for the failure: it then
    /// sends the static module's own 404 (403 where it may not read), which is what those requests' clients got.
    /// </summary>
    public static string? MissingErrorPageNote(IncidentEvidence e) => e.MissingErrorPages switch
    {
        0 => null,
        var n => $"Clients got {string.Join("/", e.Statuses.Keys.Where(s => s is 403 or 404 or 500).Order())} for {(n >= e.FailedRequests ? "these requests" : $"{n} of them")}, not the gateway's status: nginx could not open the page `error_page` names for the failure.",
    };

    public static Verdict Classify(IncidentEvidence e)
    {
        // A request that came back to nginx itself loops on every try there: whatever its hops' lines say (a reset, a
        // 502 passed down the chain), the route is the fault.
        if (e.Kinds.ContainsKey(FailureKind.ProxyLoop))
        {
            return Verdict(IncidentCause.Misconfiguration, 0.9, e);
        }

        var votes = new Dictionary<IncidentCause, double>();
        var errorLines = 0;
        foreach (var (kind, count) in VotingKinds(e))
        {
            errorLines += count;
            var (cause, weight) = Vote(kind, e);
            votes[cause] = votes.GetValueOrDefault(cause) + (count * weight);
        }

        if (errorLines == 0)
        {
            return FromAccessLog(e);
        }

        // Failed requests the error log says nothing about vote with what their access-log fields say.
        var unexplained = Unexplained(e);
        if (unexplained > 0)
        {
            var access = FromAccessLog(e);
            votes[access.Cause] = votes.GetValueOrDefault(access.Cause) + (unexplained * (access.Cause == IncidentCause.Unknown ? 0.3 : 1.0));
        }

        return FromErrorLog(e, votes);
    }

    /// <summary>
    /// The error lines that vote: those of the tries that decided the failed requests' statuses (a request's last try;
    /// nginx moved past the others), or all of them when none did. A standing failure nginx steps over on every
    /// request (<c>localhost</c> tried as <c>[::1]</c> first on a host without IPv6) is not what made the requests fail
    /// when the next server failed them too. "no live upstreams" is what follows failures: nginx marks a server down
    /// after <c>max_fails</c> of them (one, by default) for <c>fail_timeout</c>; beside the failures that did it, they
    /// decide.
    /// </summary>
    private static IEnumerable<KeyValuePair<FailureKind, int>> VotingKinds(IncidentEvidence e)
    {
        var decisive = e.Kinds
            .Select(k => KeyValuePair.Create(k.Key, k.Value - e.ToleratedKinds.GetValueOrDefault(k.Key)))
            .Where(k => k.Value > 0)
            .ToList();
        var voting = decisive.Count > 0 ? decisive : [.. e.Kinds];
        return voting.Count > 1 && voting.Exists(k => k.Key == FailureKind.NoLiveUpstreams)
            ? voting.Where(k => k.Key != FailureKind.NoLiveUpstreams)
            : voting;
    }

    /// <summary>
    /// The application server's own timeout, when the failed requests' times cluster at one value. A server that kills
    /// its worker closes or resets nginx's connection, so with error lines and none of those ("upstream timed out" while
    /// connecting, say) the cluster is nginx's own limit.
    /// </summary>
    public static double? AppServerTimeout(IncidentEvidence e)
    {
        if (!SeenAsAKill(e))
        {
            return null;
        }

        var times = e.ResponseTimes.Where(t => t >= 1.0).Order().ToList();
        if (times.Count < 3 || times.Count < 0.6 * e.ResponseTimes.Count)
        {
            return null;
        }

        // Servers check their workers about once a second (gunicorn's arbiter, uWSGI's master), so the kills land
        // within a second or so after the limit, and no slow request dies before it (one that did was not killed by a
        // clock: a crash, at a random point).
        var median = times[times.Count / 2];
        var band = Math.Max(1.0, 0.05 * median);
        var near = times.Where(t => Math.Abs(t - median) <= band).ToList();
        if (near.Count >= 3 && near.Count >= 0.6 * e.ResponseTimes.Count && FewSooner(e, near[0]))
        {
            return Math.Round(near[0], 1);
        }

        // With every worker stuck, requests queue in the server's backlog before a worker takes them and its clock
        // starts: the times spread upward from the limit, but none fails sooner than it, and several land right at it
        // (within the same second or so as the median's band: the first requests each worker took).
        // A server of two workers puts only two there: enough when five or more failed, none sooner than that floor,
        // all took far longer than the upstream's other requests take (a crash kills the short requests in flight
        // alike, so failures that each outlasted twenty of its usual answers were held up first).
        var floor = times[0];
        var atFloor = times.Count(t => t - floor <= Math.Max(1.0, 0.15 * floor));
        var farAboveUsual = times.Count >= 5 && (UsualMillis(e) ?? e.ResponseMillisInside) is { } usual && floor * 1000 >= 20 * Math.Max(usual, 10);
        return atFloor >= (farAboveUsual ? 2 : 3) && times.Count >= 0.9 * e.ResponseTimes.Count && FewSooner(e, floor) ? Math.Round(floor, 1) : null;
    }

    /// <summary>
    /// The application server said it killed workers at its time limit around the failures (gunicorn's <c>WORKER
    /// TIMEOUT</c>, uWSGI's <c>HARAKIRI</c>, PHP-FPM's <c>execution timed out … terminating</c>), and nginx saw what a
    /// kill looks like from its side (<see cref="SeenAsAKill"/>). Not beside <c>upstream timed out</c>: nginx's limit.
    /// </summary>
    public static bool AppServerKilled(IncidentEvidence e) =>
        e.AppServerKills > 0 && SeenAsAKill(e) && !e.Kinds.ContainsKey(FailureKind.TimedOut);

    /// <summary>
    /// What nginx sees of a worker its application server killed: the connection closed or reset while it waited for
    /// the answer (or, from an access log alone, no error line to say otherwise), answered with 502; most requests
    /// answered 504 are nginx's own timer instead.
    /// </summary>
    private static bool SeenAsAKill(IncidentEvidence e) =>
        e.Statuses.GetValueOrDefault(504) * 2 <= e.Statuses.Values.Sum()
        && (e.Kinds.Count == 0 || e.Kinds.Keys.Any(k => k is FailureKind.PrematureClose or FailureKind.Reset or FailureKind.ResetConnecting));

    /// <summary>The upstream closed or reset connections nginx was reading an answer from, and no time was logged for
    /// the failed requests: a crash and an application server's own time limit look alike.</summary>
    private static bool ClosedUntimed(IncidentEvidence e) =>
        e.ResponseTimes.Count == 0 && e.Kinds.Keys.Any(k => k is FailureKind.PrematureClose or FailureKind.Reset)
        && !e.Kinds.ContainsKey(FailureKind.InvalidHeader) && !StaleKeepAlive(e);

    /// <summary>At most a tenth of the failed requests ended before <paramref name="limit"/>, not counting instant failures (a connect refused).</summary>
    private static bool FewSooner(IncidentEvidence e, double limit) =>
        e.ResponseTimes.Count(t => t > 0.005 && t < limit - 0.05) <= 0.1 * e.ResponseTimes.Count;

    private static int Unexplained(IncidentEvidence e) => Math.Max(0, e.WithoutErrorLine - e.ExplainedByAttribution);

    private static (IncidentCause Cause, double Weight) Vote(FailureKind kind, IncidentEvidence e) => kind switch
    {
        FailureKind.Refused or FailureKind.Unreachable or FailureKind.NoLiveUpstreams or FailureKind.MissingSocket => (Connectivity(e, kind), 1.0),
        FailureKind.TimedOutConnecting when ListenQueueOverflows(e) || AcceptQueueFull(e) => (IncidentCause.Overload, 1.0),
        FailureKind.TimedOutConnecting when HostUnreachable(e) => (IncidentCause.UpstreamDown, 1.0),
        FailureKind.TimedOut or FailureKind.TimedOutConnecting or FailureKind.ConnectionTimedOut => (IncidentCause.Timeout, 1.0),

        // Connected, and no answer to the ClientHello until nginx's connect timer ran out: a server that does not speak
        // TLS there waits for a request line that never comes (https:// to a plain-HTTP port), and answers no request.
        // One that still serves some, or lets others through the handshake to time out reading, is slow: a timeout.
        FailureKind.TimedOutHandshaking => (Interleaved(e) || e.Kinds.ContainsKey(FailureKind.TimedOut) ? IncidentCause.Timeout : IncidentCause.TlsHandshake, 1.0),
        FailureKind.ResourceUnavailable or FailureKind.PortExhaustion or FailureKind.WorkerConnections or FailureKind.TooManyOpenFiles
            or FailureKind.QueueFull or FailureKind.AcceptFailed or FailureKind.WorkerKilled or FailureKind.BodyBufferDiskFull
            or FailureKind.ResponseBufferDiskFull => (IncidentCause.Overload, 1.0),
        FailureKind.WorkerCrashed => (IncidentCause.Unknown, 1.0),

        // ingress-nginx's balancer had no endpoint to give: as "no live upstreams", no server to try.
        FailureKind.NoPeerFromBalancer => (IncidentCause.UpstreamDown, 1.0),
        FailureKind.Reset or FailureKind.ResetConnecting or FailureKind.PrematureClose => (BrokenResponse(e, kind), 1.0),
        FailureKind.InvalidHeader => (IncidentCause.InvalidResponse, 1.0),
        FailureKind.TooBigHeader or FailureKind.PermissionDenied or FailureKind.SocketPathWithUri or FailureKind.NoResolver or FailureKind.Ipv6Unavailable or FailureKind.InvalidAddress
            or FailureKind.BindFailed or FailureKind.NotFastCgi or FailureKind.NotHttp2 or FailureKind.SharedKeepalive or FailureKind.WrongScheme or FailureKind.PlainTextAnswer
            or FailureKind.OverAppServerBuffer or FailureKind.BodyBufferUnwritable or FailureKind.ResponseBufferUnwritable or FailureKind.UpstreamUrlInvalid
            or FailureKind.NamedLocationMissing or FailureKind.BalancerScriptFailed or FailureKind.NoUpstreamConfiguration => (IncidentCause.Misconfiguration, 1.0),
        FailureKind.DnsNotFound or FailureKind.DnsTimeout or FailureKind.DnsServerFailure or FailureKind.DnsRefused or FailureKind.UnresolvedAtStart => (IncidentCause.Dns, 1.0),
        FailureKind.AuthEndpointWrong or FailureKind.ConfigRejectedAtStart => (IncidentCause.Misconfiguration, 1.0),
        FailureKind.AuthEndpointFailed => (IncidentCause.UpstreamReturned, 1.0),

        // The resolver's own complaints come with the per-request "could not be resolved" lines: evidence, a small vote.
        FailureKind.Resolver => (IncidentCause.Dns, 0.5),
        FailureKind.TlsHandshake or FailureKind.TlsVerify => (IncidentCause.TlsHandshake, 1.0),
        FailureKind.RateLimitRequests or FailureKind.RateLimitConnections => (IncidentCause.RateLimited, 1.0),

        // nginx's script answered after a failure of its own: no upstream cause, and a small say beside nginx's lines.
        FailureKind.Script => (IncidentCause.Unknown, 0.25),
        _ => (IncidentCause.Unknown, 0.5),
    };

    /// <summary>
    /// The upstream dropped the connection: when every slow request dies after the same time, the application
    /// server's own timeout killed the worker; resets while successes keep interleaving, or after response times
    /// rose, are a saturated upstream shedding connections; otherwise the response was broken.
    /// </summary>
    private static IncidentCause BrokenResponse(IncidentEvidence e, FailureKind kind)
    {
        if (kind is FailureKind.Reset or FailureKind.ResetConnecting && ListenQueueOverflows(e))
        {
            return IncidentCause.Overload;
        }

        if (AppServerTimeout(e) is not null || AppServerKilled(e))
        {
            return IncidentCause.Timeout;
        }

        // Requests nginx retried on the same server beside them: the server closes idle keep-alive connections nginx
        // still reuses (its keep-alive timeout shorter than nginx's), and a request nginx may not repeat fails. The
        // successes around are the retried ones, not a saturated server's.
        if (StaleKeepAlive(e))
        {
            return IncidentCause.InvalidResponse;
        }

        if (kind is FailureKind.Reset or FailureKind.ResetConnecting && (SlowedDownBefore(e) || Interleaved(e) || ShedsConnections(e)))
        {
            return IncidentCause.Overload;
        }

        // Answers broken beside connects refused, or a socket gone, on the same server: the process went away (a crash,
        // an OOM kill, a restart), breaking the answers in flight and refusing what came next. Read as its refusals are.
        if (NothingAccepting(e) is var gone and not FailureKind.None)
        {
            return Connectivity(e, gone);
        }

        // Reset before nginx was connected, and not shedding load: no answer was broken, none was sent. A listener that
        // closed (the application exiting) resets the connections still queued on it, and a proxy in front of the
        // application (docker-proxy, a service mesh's sidecar) accepts and then resets when nothing is behind it.
        return kind == FailureKind.ResetConnecting ? IncidentCause.UpstreamDown : IncidentCause.InvalidResponse;
    }

    /// <summary>
    /// Stale keep-alive connections, with no slowdown before: failures beside requests nginx retried on the same server
    /// (it gives a request whose cached connection failed one more try), or, where every request was one nginx may not
    /// repeat, connections closed the moment a request was sent on them while the upstream served the rest as fast as
    /// before. A saturated server is slow to those it serves; an idle connection it had closed fails at once: a reset
    /// answers the request within a round trip, or as soon as a busy event loop gets to the close it had timed (within
    /// 50 ms, or twice the time the server takes to serve).
    /// </summary>
    private static bool StaleKeepAlive(IncidentEvidence e) =>
        !SlowedDownBefore(e) && (e.StaleConnectionRetries >= 2 || ClosedAtOnceWhileServingAsBefore(e));

    // "Before" counts the incident's own first minute; the five whole minutes before it, when served, say what the
    // server took before anything happened (a saturated server slows in the very minute it starts shedding).
    private static bool ClosedAtOnceWhileServingAsBefore(IncidentEvidence e) =>
        e is { ResponseMillisInside: { } inside, ResponseMillisBefore: { } before }
        && inside < 3 * Math.Max(e.ResponseMillisUsual ?? before, 10)
        && Interleaved(e)
        && e.Kinds.Count > 0 && e.Kinds.Keys.All(k => k is FailureKind.Reset or FailureKind.PrematureClose)
        && e.ResponseTimes.Count >= 3 && e.ResponseTimes.Count(t => t <= Math.Max(0.05, 2 * inside / 1000)) >= 0.9 * e.ResponseTimes.Count;

    /// <summary>
    /// Resets before nginx was even connected, alongside the resets of accepted requests: the server (or its kernel,
    /// its accept queue full) is tearing down connections it has no room for. A server that crashed refuses instead;
    /// one that breaks its answers resets only after accepting.
    /// </summary>
    private static bool ShedsConnections(IncidentEvidence e) =>
        e.Kinds.TryGetValue(FailureKind.ResetConnecting, out var connecting) && connecting >= 3
        && e.Kinds.GetValueOrDefault(FailureKind.Reset) > 0
        && connecting >= 0.1 * e.Kinds.Where(k => k.Key is FailureKind.Reset or FailureKind.ResetConnecting).Sum(k => k.Value);

    /// <summary>
    /// Connects that time out beside connections reset by the same server: its accept queue is full. The kernel drops
    /// new connection attempts while the queue is full (nginx times out connecting), and resets connections whose
    /// handshake it could not complete into the queue once nginx sends on them (nginx reads a reset where it awaited
    /// the header). A host that is gone resets nothing; a process that is gone refuses; a slow one times out reading.
    /// </summary>
    private static bool ListenQueueOverflows(IncidentEvidence e)
    {
        var connecting = e.Kinds.GetValueOrDefault(FailureKind.TimedOutConnecting);
        var resets = e.Kinds.GetValueOrDefault(FailureKind.Reset) + e.Kinds.GetValueOrDefault(FailureKind.ResetConnecting);
        return connecting >= 3 && resets >= 3 && Math.Min(connecting, resets) >= 0.1 * (connecting + resets);
    }

    /// <summary>
    /// Connects that time out while the same server goes on answering others, several times slower than it usually
    /// does: its accept queue is full. The kernel drops a connection attempt while the listener's queue is full (the
    /// application's workers all busy), so nginx's connect timer runs out, and what the workers take from the queue
    /// is answered late. A host or process that is gone answers nobody; a lost packet slows no answer.
    /// </summary>
    private static bool AcceptQueueFull(IncidentEvidence e) =>
        Interleaved(e) && e is { ResponseMillisInside: { } inside } && UsualMillis(e) is { } usual
        && inside >= 3 * Math.Max(usual, 10) && inside - usual >= 100;

    /// <summary>What the upstream's requests usually took: the whole minutes before the incident, else its last requests
    /// before the first failure (logs that begin moments before it), else the minutes just before.</summary>
    private static double? UsualMillis(IncidentEvidence e) => e.ResponseMillisUsual ?? e.ResponseMillisTypical ?? e.ResponseMillisBefore;

    /// <summary>
    /// Connects that time out beside connects the kernel reports unreachable (113, 101), to the same server: one host
    /// gone. Its address stops answering ARP (or its route is withdrawn): some attempts fail at once with "unreachable",
    /// the others get no answer until nginx's connect timer runs out.
    /// </summary>
    private static bool HostUnreachable(IncidentEvidence e)
    {
        var connecting = e.Kinds.GetValueOrDefault(FailureKind.TimedOutConnecting);
        var unreachable = e.Kinds.GetValueOrDefault(FailureKind.Unreachable);
        return connecting > 0 && unreachable >= 3 && unreachable >= 0.1 * (connecting + unreachable);
    }

    /// <summary>
    /// Refused, no socket: down if it had served; saturated if successes kept interleaving with the
    /// refusals after response times had risen; never served: pointed at the wrong place if the site had long been
    /// serving other routes when this one first appeared, else most likely a process that is not running.
    /// </summary>
    private static IncidentCause Connectivity(IncidentEvidence e, FailureKind kind)
    {
        // Every server marked down, and nginx had disabled them for their answers (proxy_next_upstream http_500 and the
        // like count as failures), with no failure to connect beside: the servers were up; their errors emptied the block.
        if (kind is FailureKind.NoLiveUpstreams && e.ServersDisabledForAnswers)
        {
            return IncidentCause.UpstreamReturned;
        }

        // No live server in the block; or a host or network nginx cannot reach (113, 101): an outage whether or not
        // it ever served, with network checks first (a wrong address is named as the alternative).
        if (kind is FailureKind.NoLiveUpstreams or FailureKind.Unreachable)
        {
            return IncidentCause.UpstreamDown;
        }

        if (kind == FailureKind.Refused && Interleaved(e) && SlowedDownBefore(e))
        {
            return IncidentCause.Overload;
        }

        if (e.ServedBefore > 0 || e.UpstreamServedBefore || !(NeverWorkedOnAHealthySite(e) || LoopbackOfAContainer(e)))
        {
            return IncidentCause.UpstreamDown;
        }

        return IncidentCause.Misconfiguration;
    }

    /// <summary>
    /// Refused on 127.0.0.1 (or [::1]) by an nginx that runs in a container (its clients arrive from a Docker network's
    /// gateway, or its master is PID 1) and never served there: a container's loopback is its own, so the application,
    /// in another container or on the host, was never at that address (its service name, or host.docker.internal, is).
    /// </summary>
    internal static bool LoopbackOfAContainer(IncidentEvidence e) =>
        e.RefusedLoopbackInContainer * 2 >= Math.Max(1, e.Kinds.GetValueOrDefault(FailureKind.Refused));

    /// <summary>
    /// "no live upstreams" and nothing before it: nginx says it when every server of the block is marked down, which
    /// failures do (max_fails within fail_timeout, each logged as a failed connect or answer, and tried again once
    /// fail_timeout passes) and so does the configuration (<c>server … down;</c>, or a block of backups only). With no
    /// server's failure anywhere in the logs and nothing served before, either is as likely.
    /// </summary>
    private static bool NoneLiveWithoutAFailure(IncidentEvidence e) =>
        e.ServedBefore == 0 && !e.ServersDisabledForAnswers && e.Kinds.Count > 0 && e.Kinds.Keys.All(k => k == FailureKind.NoLiveUpstreams);

    // A fallback (an error_page's upstream) is first used when the primary fails: that it never answered before says
    // nothing about its address. Nor does a site's traffic long before (logs sampled months apart): it must have been
    // working when this upstream was first needed. Nor does anything about a subrequest's upstream (auth_request's):
    // the access log logs the requests, not their subrequests, so it never shows that upstream serving.
    // Nor does it when the upstream's earlier failures came after nginx had connected (closed, reset, timed out
    // reading): something listened at that address, so refusals there now are a service stopped, not a wrong port.
    private static bool NeverWorkedOnAHealthySite(IncidentEvidence e) =>
        e.ServedBefore == 0 && !e.ConnectedBefore && !e.ReachedByRedirect && !e.InSubrequest && e.SiteWorkingBefore && e.SiteObservedBeforeFirstSeen >= LongHistory && e.SiteServedBeforeFirstSeen >= LongHistoryRequests;

    /// <summary>The upstream kept serving through the incident, not just the requests in flight in its first second.</summary>
    private static bool Interleaved(IncidentEvidence e)
    {
        // Successes of the same upstream, or of the same location when the format names no upstream (a host spans
        // locations with other upstreams, so its successes say nothing about this one; its route's do).
        if (!(e.HistoryIsPerUpstream || e.HistoryIsPerPath || e.HistoryIsPerRoute) || e.ServedInside == 0)
        {
            return false;
        }

        var seconds = Math.Max(1, (int)e.Duration.TotalSeconds - 1);
        return e.SecondsWithSuccess >= 2 && (e.SecondsWithSuccess >= 0.2 * seconds || e.ServedInside >= 0.2 * (e.ServedInside + e.FailedRequests));
    }

    /// <summary>Response times in the minutes before the failures at least three times the earlier baseline.</summary>
    private static bool SlowedDownBefore(IncidentEvidence e) =>
        e is { HistoryIsPerUpstream: true, ResponseMillisBefore: { } before, ResponseMillisBaseline: { } baseline }
        && baseline > 0 && before >= 3 * baseline && before - baseline >= 100;

    private static Verdict FromErrorLog(IncidentEvidence e, Dictionary<IncidentCause, double> votes)
    {
        var total = votes.Values.Sum();
        var (cause, score) = votes.OrderByDescending(v => v.Value).ThenBy(v => v.Key).First();
        var share = score / total;

        // Coverage: how many of the failed requests the error log explains.
        var explained = e.FailedRequests == 0 ? 1.0 : Math.Clamp(1.0 - ((double)Unexplained(e) / e.FailedRequests), 0, 1);
        var strength = cause switch
        {
            IncidentCause.Misconfiguration when e.Kinds.Keys.All(k => k is FailureKind.Refused or FailureKind.Unreachable or FailureKind.MissingSocket) => 0.8,
            IncidentCause.UpstreamDown when e.ServedBefore == 0 && !e.Kinds.ContainsKey(FailureKind.NoLiveUpstreams) => 0.7,
            IncidentCause.UpstreamDown when NoneLiveWithoutAFailure(e) => 0.55,
            // A worker killed says the memory ran out, most likely, not whose: an operator's `kill -9` looks the same.
            IncidentCause.Overload when e.Kinds.Keys.All(k => k == FailureKind.WorkerKilled) => 0.45,
            IncidentCause.Overload when !e.Kinds.ContainsKey(FailureKind.ResourceUnavailable) && !e.Kinds.ContainsKey(FailureKind.QueueFull) => 0.8,
            IncidentCause.Timeout when !e.Kinds.ContainsKey(FailureKind.TimedOut) && !e.Kinds.ContainsKey(FailureKind.TimedOutConnecting) => 0.85,
            IncidentCause.UpstreamReturned when e.ServersDisabledForAnswers => 0.8,
            IncidentCause.InvalidResponse or IncidentCause.Timeout when e.AfterStatusSent => 0.6,
            IncidentCause.InvalidResponse when ClosedUntimed(e) => 0.7,
            IncidentCause.Unknown => 0.4,
            _ => 0.97,
        };
        var confidence = Math.Round(Math.Clamp(strength * (0.55 + (0.45 * share)) * (0.7 + (0.3 * explained)), 0.05, 0.99), 2);
        return new Verdict(cause, confidence, Describe(cause, e) + AlsoSeen(cause, e));
    }

    /// <summary>
    /// Another way the same upstream failed, when it decided a good part of the failed requests (an application that
    /// hung, its requests timing out, before it was restarted and refused): named after the verdict, so the summary
    /// tells the whole outage.
    /// </summary>
    private static string AlsoSeen(IncidentCause cause, IncidentEvidence e)
    {
        var voting = VotingKinds(e).ToList();
        var lines = voting.Sum(k => k.Value);
        var top = voting.Count == 0 ? FailureKind.None : voting.MaxBy(k => k.Value).Key;

        // Answers broken beside refusals vote with them (a process that went away), and are still another way it failed.
        var other = voting.Where(k => k.Key != top && ((Vote(k.Key, e).Cause is var c && c != cause && c != IncidentCause.Unknown) || (IsBrokenAnswer(k.Key) && !IsBrokenAnswer(top))))
            .OrderByDescending(k => k.Value).FirstOrDefault();
        return other.Value >= 3 && other.Value * 4 >= lines
            ? $" Also seen: {Words(other.Key)} ({other.Value}×)."
            : "";
    }

    /// <summary>The upstream broke an answer nginx was reading, or the connection it was opening: a reset or an early close.</summary>
    private static bool IsBrokenAnswer(FailureKind kind) => kind is FailureKind.Reset or FailureKind.ResetConnecting or FailureKind.PrematureClose;

    /// <summary>Most tries broke mid-answer, and others found nothing accepting (refused, or the socket gone): the
    /// process went away under the requests it was serving.</summary>
    private static FailureKind WentAway(IncidentEvidence e, FailureKind top) => IsBrokenAnswer(top) ? NothingAccepting(e) : FailureKind.None;

    /// <summary>Some tries found nothing accepting at the server: its socket gone (said first), or connects refused;
    /// None when neither.</summary>
    private static FailureKind NothingAccepting(IncidentEvidence e) =>
        e.Kinds.ContainsKey(FailureKind.MissingSocket) ? FailureKind.MissingSocket
        : e.Kinds.ContainsKey(FailureKind.Refused) ? FailureKind.Refused
        : FailureKind.None;

    private static Verdict FromAccessLog(IncidentEvidence e)
    {
        var n = Math.Max(1, e.WithoutErrorLine);
        double Share(int count) => (double)count / n;
        var dominant = DominantStatus(e);

        // ingress-nginx's balancer answers 503 itself, writing nothing to the error log, for a request routed to a
        // backend that has no endpoints (no ready pod behind the Service); rate limits there are opt-in per Ingress and
        // limit_req logs each rejection.
        if (e.BackendWithoutEndpoints && dominant == 503)
        {
            return Verdict(IncidentCause.UpstreamDown, e.ErrorLogCovered ? 0.8 : 0.6, e);
        }

        // limit_req and limit_conn log each request they reject (at `error`, by default): an error log read and silent
        // about these requests says nginx made the 503 another way (`return 503` for maintenance, an `error_page`),
        // unless the limiter logs below the error log's level (`limit_req_log_level warn` beside `error_log … error`).
        // What the route did meanwhile tells them apart: a limiter rejects only the excess, so the same route keeps
        // serving others in the same seconds; a `return 503` answers every request of its location.
        if (Share(e.NoUpstreamContacted) >= 0.5 && dominant == 503)
        {
            return !e.ErrorLogCovered ? Verdict(IncidentCause.RateLimited, 0.6 * Share(e.NoUpstreamContacted) + 0.05, e)
                : e.RejectedWhileRouteServed * 2 >= e.NoUpstreamContacted ? Verdict(IncidentCause.RateLimited, 0.5, e)
                : Verdict(IncidentCause.Unknown, 0.35, e);
        }

        // nginx-proxy's default server answers a Host that no container is routed for: the Host the clients send and
        // the containers' VIRTUAL_HOST disagree (or the container is not on nginx-proxy's network). Its `return 503`
        // writes no error line, so an error log read and silent says nothing of an upstream here: none was contacted.
        if (dominant == 503 && e.UnroutedHost * 2 > e.WithoutErrorLine)
        {
            return Verdict(IncidentCause.Misconfiguration, 0.5, e);
        }

        // 009: the upstream's answer had no HTTP status line, and nginx passed it on as HTTP/0.9 ($upstream_status 200).
        if (dominant == RequestJoin.NotHttp)
        {
            return Verdict(IncidentCause.InvalidResponse, e.ErrorLogCovered ? 0.8 : 0.7, e);
        }

        if (Share(e.UpstreamAnswered) >= 0.5)
        {
            return Verdict(IncidentCause.UpstreamReturned, (e.ErrorLogCovered ? 0.9 : 0.75) * Share(e.UpstreamAnswered), e);
        }

        // $upstream_addr is the group's name when nginx found no live server in it: every server had failed max_fails
        // times within fail_timeout (or is marked down). What failed first, only the error log says.
        if (Share(e.NoneLive) >= 0.5)
        {
            return Verdict(IncidentCause.UpstreamDown, 0.5, e);
        }

        // A 502 for which nginx chose no server at all ($upstream_addr empty or "-" in a format that logs it): with
        // proxy_pass naming a variable, nginx resolves the name per request and answers 502 when it does not resolve
        // (an error from the DNS server, or none within resolver_timeout). No error log says otherwise here.
        if (!e.ErrorLogCovered && dominant == 502 && Share(e.NoUpstreamContacted - e.NoEndpoints) >= 0.5)
        {
            return Verdict(IncidentCause.Dns, 0.35, e);
        }

        // nginx's own error page, yet the error log, read and covering these requests, has no line for any of them:
        // this nginx logs each 502/504 it makes, so an nginx further up made the page (an inner tier, ingress-nginx, a
        // load balancer built on nginx) and this one passed it through. The page's size says who can make it, not which.
        if (e.ErrorLogCovered && e.WithoutErrorLine == e.FailedRequests && e.FailedRequests > 0 && Share(e.NginxPageOnly) >= 0.5)
        {
            return Verdict(IncidentCause.UpstreamReturned, 0.5, e);
        }

        // $upstream_status holds the status nginx made for a try as well as one it was sent. With the error log read
        // and silent it was sent (nginx logs each status it makes); without it, a 504 is nginx's own timeout and
        // failures that all end after the same time are an application server's timeout.
        var unanswered = e.ConnectedNoHeader + e.NotConnected + e.NoResponse + (e.ErrorLogCovered ? 0 : e.StatusOnly);
        if (dominant == 504 && Share(unanswered) >= 0.5)
        {
            return Verdict(IncidentCause.Timeout, 0.6, e);
        }

        if (!e.ErrorLogCovered && Share(e.NoResponse + e.StatusOnly) >= 0.5 && (AppServerTimeout(e) is not null || AppServerKilled(e)))
        {
            return Verdict(IncidentCause.Timeout, 0.45, e);
        }

        // Nothing came back: refused if nginx gave up at once (no connect takes no time), a broken answer if it had
        // waited. With no time logged, the likelier of nginx's own 502s: a connect that failed.
        if (Share(e.NoResponse) >= 0.5)
        {
            return NginxPageAlone(e) ? Verdict(IncidentCause.Unknown, 0.25, e)
                : InstantFailures(e) || e.ResponseTimes.Count == 0
                ? Verdict(Connectivity(e, FailureKind.Refused), e.ResponseTimes.Count == 0 ? 0.3 : 0.4, e)
                : Verdict(IncidentCause.InvalidResponse, 0.35, e);
        }

        // Only $upstream_status, and no error log to tell. nginx sets $upstream_status to 502 for a try it failed
        // itself as well, so the status says nothing; the time does: a refused or unreachable connect fails within
        // a few milliseconds ($upstream_response_time 0.000 to a few thousandths: the timer counts whole milliseconds,
        // and a refused connect across a Docker bridge or a loaded host takes one or two), where an upstream that
        // answers has read the request first. Instant failures: most likely nothing listening, with a confidence that
        // says so; otherwise most likely sent by the upstream (a proxy answering 502 at once looks the same). An
        // upstream that served others in the same seconds was accepting connections: its instant 502s were answers.
        if (Share(e.StatusOnly) >= 0.5 && !e.ErrorLogCovered)
        {
            return InstantFailures(e) && e.ResponseTimes.All(t => t <= 0.005) && !Interleaved(e)
                ? Verdict(Connectivity(e, FailureKind.Refused), 0.35, e)
                : Verdict(IncidentCause.UpstreamReturned, 0.4, e);
        }

        if (Share(e.NotConnected) >= 0.5)
        {
            return Verdict(Connectivity(e, FailureKind.Refused), 0.45, e);
        }

        if (Share(e.ConnectedNoHeader) >= 0.5)
        {
            return Verdict(AppServerTimeout(e) is null && !AppServerKilled(e) ? IncidentCause.InvalidResponse : IncidentCause.Timeout, 0.45, e);
        }

        // nginx writes an error line for every failure it generates itself: with the error log read and silent,
        // the status came from the upstream.
        if (e.ErrorLogCovered && e.WithoutErrorLine == e.FailedRequests && e.FailedRequests > 0)
        {
            return Verdict(IncidentCause.UpstreamReturned, 0.6, e);
        }

        // Nothing in the line tells who made a 504 and no error log says: nginx makes a 504 only when its own timer
        // runs out, which is how most 504s come; an upstream's own 504 passed through is the rarer case.
        if (dominant == 504 && !e.ErrorLogCovered)
        {
            return Verdict(IncidentCause.Timeout, 0.4, e);
        }

        // No upstream field at all, only $request_time: 502s that nginx gave within a few milliseconds of the request
        // had no answer to wait for (a refused or unreachable connect), where an upstream's own 502 comes after it has
        // read the request and worked on it. Most likely nothing listening; the confidence says how little this is.
        if (dominant == 502 && !e.ErrorLogCovered && e.Upstream == "(unknown)"
            && e.NotConnected + e.ConnectedNoHeader + e.NoResponse + e.StatusOnly + e.UpstreamAnswered == 0
            && InstantFailures(e))
        {
            return Verdict(Connectivity(e, FailureKind.Refused), 0.3, e);
        }

        // No upstream field and no error log, but the body is the size of nginx's own error page: nginx made the 502,
        // most often for a connect that failed. (With the error log read and silent, the same page came from an
        // upstream that is nginx too, and the check above said so.)
        // Unless nginx waited for them: a refused connect fails at once, so 502s that each took seconds were connections
        // the upstream accepted and then closed or broke. All at one duration, a time limit killed the work (an
        // application server's); otherwise an answer nginx could not use.
        // Nothing else to go on (no time logged, and nothing served there before in these lines: a paste of the failing
        // lines alone), the page says only that nginx made the 502, for a refusal as for a reset or a broken answer:
        // the lines do not tell which, and the reading says so.
        if (dominant == 502 && !e.ErrorLogCovered && e.Upstream == "(unknown)" && e.NginxPage * 2 > e.WithoutErrorLine)
        {
            return NginxPageAlone(e) ? Verdict(IncidentCause.Unknown, 0.25, e)
                : !AwaitedEach(e) ? Verdict(Connectivity(e, FailureKind.Refused), 0.3, e)
                : AppServerTimeout(e) is not null ? Verdict(IncidentCause.Timeout, 0.35, e)
                : Verdict(IncidentCause.InvalidResponse, 0.3, e);
        }

        // nginx makes a 503 itself only when limit_req or limit_conn rejects a request (or `return 503`), and sends its
        // own page for it unless an error_page says otherwise. 503s whose body is another size, with no error log to name
        // a limit, most likely came from the upstream: an application's answer while its database or a dependency is
        // down, or its maintenance switch.
        if (dominant == 503 && !e.ErrorLogCovered && e.Upstream == "(unknown)" && e.OtherPage * 2 > e.WithoutErrorLine)
        {
            return Verdict(IncidentCause.UpstreamReturned, 0.4, e);
        }

        // nginx's own 503 page, then, made by limit_req, limit_conn or a `return 503`: a limiter rejects only the excess,
        // so the same route served others in the same seconds; a `return 503` answers every request of its location.
        if (dominant == 503 && !e.ErrorLogCovered && e.Upstream == "(unknown)" && e.NginxPage * 2 > e.WithoutErrorLine
            && e.RejectedWhileRouteServed * 2 >= e.NginxPage)
        {
            return Verdict(IncidentCause.RateLimited, 0.4, e);
        }

        return Verdict(IncidentCause.Unknown, 0.3, e);
    }

    /// <summary>The module whose buffering directives apply: its own for FastCGI, uwsgi and SCGI, else proxy's.</summary>
    private static string ModuleOf(IncidentEvidence e) => e.Module is "fastcgi" or "uwsgi" or "scgi" ? e.Module : "proxy";

    /// <summary>
    /// The time limit of the server behind the upstream, as the module nginx passed with tells which it is: uWSGI's
    /// behind <c>uwsgi_pass</c>; behind <c>fastcgi_pass</c> PHP-FPM's where the address is PHP's (a socket named for PHP,
    /// or its port 9000), else any FastCGI server's (fcgiwrap, a Python or C program); behind <c>proxy_pass</c> any
    /// application server's (a Kestrel, Node, JVM or Go service as much as gunicorn), so none is named.
    /// </summary>
    internal static string AppServerLimit(string module, string upstream = "") => module switch
    {
        "fastcgi" when UpstreamAddress.IsPhpFpm(upstream) => "PHP-FPM's `request_terminate_timeout`",
        "fastcgi" => "the FastCGI server's own time limit for a request (PHP-FPM's `request_terminate_timeout`)",
        "uwsgi" => "uWSGI's `harakiri`",
        _ => "the application server's own time limit for a request",
    };

    /// <summary>The words an application server kills a worker with.</summary>
    private static string KillWords(string? server) => server switch
    {
        "gunicorn" => "`WORKER TIMEOUT`, gunicorn's `--timeout`",
        "uWSGI" => "`HARAKIRI`, uWSGI's `harakiri`",
        "PHP-FPM" => "`execution timed out`, PHP-FPM's `request_terminate_timeout`",
        "Unicorn" => "`timeout … killing`, Unicorn's `timeout`",
        "Puma" => "`Terminating timed out worker`, Puma's `worker_timeout`",
        _ => "a worker timeout",
    };

    /// <summary>nginx's own 502 pages and nothing beside them: no time logged for them, no request served there before
    /// them in these lines, no error log; no upstream field, or only a <c>$upstream_status</c> that repeats the status
    /// (nginx writes there the status it made as well).</summary>
    internal static bool NginxPageAlone(IncidentEvidence e) =>
        !e.ErrorLogCovered && e.ResponseTimes.Count == 0 && e.ServedBefore == 0 && (e.NginxPage + e.NginxPageOnly) * 2 > e.WithoutErrorLine;

    /// <summary>The timer that ran out, named in a timeout's words: the most frequent kind when it is one, else the timeout
    /// beside it (a reset and a timeout of one server, as many of each: the incident is about the timeout).</summary>
    private static FailureKind TimerOf(IncidentEvidence e, FailureKind top) =>
        top is FailureKind.TimedOut or FailureKind.TimedOutConnecting ? top
        : e.Kinds.Where(k => k.Key is FailureKind.TimedOut or FailureKind.TimedOutConnecting).OrderByDescending(k => k.Value).Select(k => k.Key).FirstOrDefault(top);

    /// <summary>The status most of the failed requests got (502 when none was logged).</summary>
    private static int DominantStatus(IncidentEvidence e) => e.Statuses.Count == 0 ? 502 : e.Statuses.MaxBy(s => s.Value).Key;

    /// <summary>Most failed requests took a second or more: nginx had a connection and waited on it.</summary>
    private static bool AwaitedEach(IncidentEvidence e) =>
        e.ResponseTimes.Count > 0 && e.ResponseTimes.Count(t => t >= 1.0) >= 0.8 * e.ResponseTimes.Count;

    /// <summary>Most failed requests ended within a few milliseconds: a connection refused, not an answer awaited.</summary>
    private static bool InstantFailures(IncidentEvidence e) =>
        e.ResponseTimes.Count > 0 && e.ResponseTimes.Count(t => t <= 0.005) >= 0.8 * e.ResponseTimes.Count;

    private static Verdict Verdict(IncidentCause cause, double confidence, IncidentEvidence e) =>
        new(cause, Math.Round(Math.Clamp(confidence, 0.05, 0.99), 2), Describe(cause, e));

    /// <summary>What a subrequest's failure did to the request that made it.</summary>
    private const string SubrequestNote =
        " nginx's lines name a subrequest (`subrequest: \"…\"`): for `auth_request` it then answers the client 500 (`auth request unexpected status`), whatever the subrequest's status; a `mirror` subrequest's failure leaves the client's answer as it was.";

    private static string Describe(IncidentCause cause, IncidentEvidence e) =>
        e.InSubrequest ? DescribeCause(cause, e) + SubrequestNote : DescribeCause(cause, e);

    private static string DescribeCause(IncidentCause cause, IncidentEvidence e)
    {
        var u = e.UpstreamLabel;
        var voting = VotingKinds(e).ToList();
        var top = voting.Count == 0 ? FailureKind.None : voting.MaxBy(k => k.Value).Key;
        return cause switch
        {
            IncidentCause.UpstreamDown when e.BackendWithoutEndpoints =>
                $"nginx answered 503 itself for {(e.Upstream is "-" or "(unknown)" ? "these requests" : $"the backend {u}")} without contacting a server{(e.ErrorLogCovered ? ", and wrote no error line" : "")}: ingress-nginx does so for a backend with no endpoints (no ready pod behind its Service){(e.BackendWithoutEndpointsSaid ? ", and its controller said one had none" : "")}.",
            IncidentCause.UpstreamDown when e.Kinds.Count == 0 && e.NoneLive * 2 >= Math.Max(1, e.WithoutErrorLine) =>
                $"nginx found no live server in the upstream group {(e.Upstream.Contains(':', StringComparison.Ordinal) ? $"{u} belongs to" : u)}: `$upstream_addr` names the group, as nginx logs it when every server failed `max_fails` times within `fail_timeout` (or is marked `down`). The error log says what failed first.",
            IncidentCause.UpstreamDown => top switch
            {
                // The access log alone, without the upstream variables that would tell a connect from an answer.
                FailureKind.None when !e.ErrorLogCovered && e.NotConnected == 0 && e.ConnectedNoHeader == 0 && e.NoneLive == 0 && e.NoEndpoints == 0 =>
                    $"nginx answered these requests with its own {DominantStatus(e)} page and no error log was read to say why: most often nothing accepted its connection to {u} (the service not running, or a wrong address), which is this reading; a reset, an early close or an answer nginx could not use makes the same status, and nginx's error line for each names which.",
                FailureKind.NoPeerFromBalancer =>
                    "ingress-nginx's Lua balancer set no peer for these requests, so nginx tried its placeholder server 0.0.0.1, which nothing can be connected to: the backend had no endpoint to choose (no ready pod behind its Service, or the controller had not yet synced the new ones after a rollout or an Ingress change; for an ExternalName Service, a name the balancer had not resolved: `no host allowed`).",
                FailureKind.NoLiveUpstreams when e.GatewayFoundNoNode =>
                    "APISIX answered these requests 503 itself without contacting a server: the route's upstream had no node to proxy to (`failed to set upstream: no valid upstream node`). Its service discovery (Kubernetes, Consul, Nacos, Eureka, DNS) returned none for the service, or dropped every node whose name did not resolve; nothing here says a server failed.",
                FailureKind.NoLiveUpstreams when e.Upstream is "(unknown)" or "-" =>
                    "nginx found no live server in the upstream group (no live upstreams): every server failed `max_fails` times within `fail_timeout`, or is marked `down`.",
                FailureKind.NoLiveUpstreams when NoneLiveWithoutAFailure(e) =>
                    $"nginx found no live server in the upstream group {u} (no live upstreams), and no server of it failed in these logs: most often its servers failed (`max_fails` within `fail_timeout`, each with a `connect() failed` or `timed out` line of its own) before these lines begin; otherwise the configuration marks every server `down` (nginx-proxy writes `server 127.0.0.1 down;` when no container matches the site's VIRTUAL_HOST). The earlier error log, or `nginx -T`, tells which.",
                FailureKind.NoLiveUpstreams => $"Every server of the upstream group {u} is marked down by nginx (no live upstreams).",
                _ when WentAway(e, top) is var gone and not FailureKind.None =>
                    $"{u} went away: answers it was giving broke off ({Words(top)}, {e.Kinds[top]}×), and {(gone == FailureKind.MissingSocket ? "its socket was gone" : "its connections were refused")} ({Words(gone)}, {e.Kinds[gone]}×): the process exited, crashed or was restarted (an OOM kill, a deploy, a supervisor's restart). Its own log and the system's (`journalctl -u <service>`, `dmesg` for the OOM killer, `docker ps -a` for an exit code) say which.",
                FailureKind.Unreachable when e.NetworkUnreachable =>
                    $"{u} cannot be reached from nginx's host (network is unreachable): most often its own kernel found no route to that network (a default route or interface that went away, a VPN or tunnel down, an IPv6 address on a host without IPv6 connectivity), less often a router on the way answered so; other upstreams on the same network fail alike.",
                FailureKind.Unreachable => $"{u} cannot be reached ({Words(top)}): the host is down, or a firewall, security group or route blocks it.",
                FailureKind.TimedOutConnecting when HostUnreachable(e) =>
                    $"{u} cannot be reached: connects time out, and others fail with {Words(FailureKind.Unreachable)} ({e.Kinds[FailureKind.Unreachable]}×): the host is down, or a firewall, security group or route blocks it.",
                _ when e.ServedBefore > 0 && e.HistoryIsPerUpstream => $"{u} served {e.ServedBefore} request(s) and then stopped accepting connections ({Words(top)}).",
                _ when e.ServedBefore > 0 =>
                    $"The same requests were served {e.ServedBefore} time(s) before (the access log does not name the upstream that answered them), then {u} refused connections ({Words(top)}): the service stopped, or a configuration change points nginx at an address where nothing listens.",
                FailureKind.MissingSocket => $"The socket {u} does not exist: the service behind it is most likely not running (or nginx points at the wrong path).",
                _ when !e.AccessLogRead => $"{u} refused connections ({Words(top)}): the service stopped or never started (or nginx points at the wrong address or port); without the access log, nothing here says whether it served before.",
                _ when e.InSubrequest => $"{u} refused connections ({Words(top)}): the service stopped or never started (or nginx points at the wrong address or port); the access log logs the requests, not their subrequests, so nothing here says whether it served before.",
                _ => $"{u} refused every connection since the logs begin ({Words(top)}): the service is most likely not running (or nginx points at the wrong address or port).",
            },
            IncidentCause.Misconfiguration when e.UnroutedHost > 0 && e.Kinds.Count == 0 =>
                "nginx-proxy answered these requests itself with 503 from its default server (`server_name _; return 503;`), which every Host no container is routed for gets: no running container on nginx-proxy's network has a `VIRTUAL_HOST` matching the Host these clients sent (the incident's host). Nothing upstream failed.",
            IncidentCause.Misconfiguration when e.Kinds.ContainsKey(FailureKind.ProxyLoop) =>
                $"nginx proxies to itself: {u} is an address nginx listens on, so each request comes back to it as a new one ({e.Kinds[FailureKind.ProxyLoop]} seen arriving with nginx's own Host or from its own address) and loops until a hop finds no free connection (`worker_connections`): one that cannot accept closes the connection, so the hop before reads a reset and answers 502; one that cannot connect answers 500. Every hop before passes that answer on.",
            IncidentCause.Misconfiguration => top switch
            {
                FailureKind.TooBigHeader when e.Module != "proxy" =>
                    $"{u} sends response headers larger than nginx's buffer for them (`{e.Module}_buffer_size`, the buffer `{e.Module}_pass` reads the header into; `proxy_buffer_size` does not apply to it).",
                FailureKind.TooBigHeader => $"{u} sends response headers larger than nginx's buffer for them (`proxy_buffer_size`; `fastcgi_buffer_size` for PHP-FPM and other FastCGI servers, `uwsgi_buffer_size`, `grpc_buffer_size`).",
                FailureKind.PermissionDenied when e.AfterStatusSent =>
                    $"{u}'s answers could not be read (permission denied) after nginx had passed its status and headers on (the phase is `while reading upstream`), so the clients got the status and a body cut short. On a connection already made only a security module refuses a read: SELinux or AppArmor denying nginx that socket.",
                FailureKind.PermissionDenied => $"nginx is not allowed to connect to {u} (permission denied).",
                FailureKind.SocketPathWithUri =>
                    $"nginx connects to a socket path with a URI glued to it (`{u}:/…`): in an `upstream` block, `server unix:/path.sock:/prefix;` takes everything after `unix:` as the file's path (only `proxy_pass http://unix:/path.sock:/prefix` splits the URI off), so nginx connects to a file no service creates.",
                FailureKind.AuthEndpointWrong =>
                    "The endpoint `auth_request` asks answered with a status the module does not take (it takes 2xx to allow, 401 and 403 to deny; `auth request unexpected status`), and no try of the subrequest failed: it redirects (a sign-in page, http to https) or is not there, so nginx answered these requests 500.",
                FailureKind.NoResolver => $"proxy_pass to {u} needs a resolver, and none is defined.",
                FailureKind.Ipv6Unavailable when UpstreamAddress.IsIpv6Wildcard(e.Upstream) =>
                    $"nginx connects to {u}, IPv6's wildcard address: an address to listen on, not one to connect to (a `listen [::]:…` or an application's \"listening on [::]\" copied into `proxy_pass` or `fastcgi_pass`). Linux takes it for its own IPv6 loopback, which this host (a container, typically) does not have.",
                FailureKind.Ipv6Unavailable when e.Upstream.StartsWith("[::1]", StringComparison.Ordinal) =>
                    $"nginx connects to {u} over IPv6, which this host does not have on loopback (typical in containers): use 127.0.0.1 instead of localhost.",
                FailureKind.Ipv6Unavailable when e.Upstream.StartsWith('[') =>
                    $"nginx connects to {u} over IPv6, and this host cannot (no IPv6 address to connect from, or no route to IPv6 networks): the name resolves to IPv6 addresses too, or the configuration names one.",
                FailureKind.Ipv6Unavailable =>
                    $"nginx's tries for {u} include IPv6 addresses, and this host cannot connect over IPv6 (no IPv6 address to connect from, or no route to IPv6 networks): the name resolves to IPv6 addresses too, or the configuration names one.",
                FailureKind.BindFailed => $"nginx could not bind the local address `proxy_bind` names to connect to {u}: this host does not have that address (or it is in use), so no try left nginx.",
                FailureKind.SharedKeepalive =>
                    $"`grpc_pass` and `proxy_pass` share an upstream block (its server {u}) and its `keepalive` connections: a gRPC request took a connection `proxy_pass` had kept open (HTTP/1.1, without the gRPC module's state), which nginx cannot use (`no connection data found for keepalive http2 connection`), and answered 502.",
                FailureKind.NotHttp2 => $"{u} does not speak HTTP/2: nginx read the first bytes of its answer as an HTTP/2 frame's length, and they were text (\"HTT\" of an HTTP/1.x status line, or an HTML page), so `grpc_pass` points at an HTTP/1 service or a port that speaks another protocol.",
                FailureKind.ConfigRejectedAtStart =>
                    $"nginx refused its configuration at {u} as it started (`[emerg]`) and did not start, so clients got no answer from it meanwhile (a load balancer in front reports 502); a reload with the same error is refused, the old configuration serving on.",
                FailureKind.NamedLocationMissing =>
                    $"nginx sent these requests to the named location {u}, which their `server` block does not define ({e.Kinds[top]}×): a `try_files` fallback, an `error_page` or an `X-Accel-Redirect` names it, so nginx answered 500 itself and proxied nothing.",
                FailureKind.BalancerScriptFailed =>
                    $"the Lua code that chooses the peer for {u} (`balancer_by_lua*`) failed before it chose one ({e.Kinds[top]}×), so nginx answered these requests 500 itself and tried no server: the error after `failed to run balancer_by_lua*:` says where (a module not on `lua_package_path`, a nil value in the balancer's or the gateway's code).",
                FailureKind.NoUpstreamConfiguration =>
                    $"these requests reached nginx's upstream module without an upstream configuration ({e.Kinds[top]}×, `[alert] no upstream configuration`), so nginx answered 500 itself and tried no server: a module in the request's path ran the proxied location's handler again outside it (ModSecurity 2's nginx module re-running a POST after it read the body is the known one).",
                FailureKind.UpstreamUrlInvalid =>
                    $"nginx could not use the upstream address its variables made for these requests ({u}; {e.Kinds[top]}×): a `proxy_pass` (`fastcgi_pass`, …) with variables is evaluated per request, and one that does not parse (a variable left empty, a port left blank, no `http://`) makes nginx answer 500 itself, with no upstream tried.",
                FailureKind.BodyBufferUnwritable =>
                    $"nginx could not create the temporary file it writes request bodies to ({Words(top)}, {e.Kinds[top]}×): a body larger than `client_body_buffer_size` goes to `client_body_temp_path` before the request is proxied, so nginx answered these requests 500 itself and no upstream was tried. The directory is missing (a `/tmp` path that systemd's PrivateTmp or a tmp cleaner took away, a volume not mounted) or nginx's worker user may not write there.",
                FailureKind.ResponseBufferUnwritable =>
                    $"nginx could not create the temporary file it buffers {u}'s responses to ({Words(top)}, {e.Kinds[top]}×): a response larger than its buffers (`{ModuleOf(e)}_buffers`) goes to `{ModuleOf(e)}_temp_path` as nginx reads it, after its status and first buffers went out, so the clients got the upstream's status and a body cut short (a download or page that stops part way). The directory is missing or nginx's worker user may not write there.",
                FailureKind.OverAppServerBuffer =>
                    $"uWSGI at {u} refused requests larger than its buffer and closed their connections unanswered ({e.Kinds[top]}×): its own line in the same stream (`invalid request block size: … (max …)`) says the request's header block (cookies, query string, headers) outgrew its `buffer-size`, 4096 bytes by default, and nginx answered 502 for the close.",
                FailureKind.NotFastCgi => $"{u} does not speak FastCGI: its answer did not begin with a FastCGI record (version 1) but with another protocol's first byte (the \"version\" nginx logs is that byte: 72 is the \"H\" of an HTTP server's \"HTTP/1.1\", 60 the \"<\" of an HTML page), so `fastcgi_pass` points at another service's address or socket.",
                FailureKind.WrongScheme when e.Upstream.EndsWith(":443", StringComparison.Ordinal) =>
                    $"nginx speaks plain HTTP to {u}, HTTPS's port (closed or reset before any header): the TLS server there drops a request that is no TLS handshake. `proxy_pass` needs `https://` (`grpc_pass` `grpcs://`; ingress-nginx: the `backend-protocol: \"HTTPS\"` annotation).",
                FailureKind.WrongScheme when e.Upstream.EndsWith(":80", StringComparison.Ordinal) =>
                    $"nginx speaks TLS to {u}, plain HTTP's port (the TLS handshake failed): the server there answers the TLS handshake with plain HTTP or waits for a request line. `proxy_pass` needs `http://`.",
                FailureKind.WrongScheme =>
                    $"nginx speaks one protocol to the other's well-known port on the servers of {u} (TLS to 80, or plain HTTP to 443): `proxy_pass`'s scheme does not fit the port.",
                FailureKind.PlainTextAnswer =>
                    $"nginx began TLS with {u} and the server answered in plain text ({Words(top)}): that port does not speak TLS. `proxy_pass` needs `http://` there (`grpc_pass` `grpc://`; nginx-proxy: no `VIRTUAL_PROTO=https`; ingress-nginx: no `backend-protocol: \"HTTPS\"`), or the server's TLS is on another port.",
                FailureKind.InvalidAddress when UpstreamAddress.IsBalancerPlaceholder(e.Upstream) =>
                    "ingress-nginx's Lua balancer chose endpoints nginx would not take as an address (`error while setting current upstream peer …: invalid port`: an IPv6 endpoint written without brackets, whose last group reads as the port, or a Service port that names no container port), so nginx tried its placeholder server 0.0.0.1, which nothing can be connected to.",
                FailureKind.InvalidAddress => $"connect() rejected the address {u} itself (invalid argument or address family): no packet left nginx; check the address in the configuration.",
                FailureKind.Refused when LoopbackOfAContainer(e) && e.ServedBefore == 0 =>
                    $"{u} refused every connection, and nginx runs in a container (its clients arrive from a Docker network's gateway, as a published port relays them, or its master is the container's init, PID 1): a container's loopback is its own, so an application in another container or on the host is never at {u}. Only one in nginx's own container (an all-in-one image) is, and then it is not running.",
                FailureKind.MissingSocket => $"The socket {u} does not exist, and nothing ever answered there while the site served {e.SiteServedBeforeFirstSeen} requests over {Minutes(e.SiteObservedBeforeFirstSeen)}: nginx points at the wrong path.",
                _ => $"{u} never accepted a connection ({Words(top)}), though the site had served {e.SiteServedBeforeFirstSeen} requests over {Minutes(e.SiteObservedBeforeFirstSeen)} before it was first used: nginx most likely points at the wrong address or port.",
            },
            IncidentCause.InvalidResponse or IncidentCause.Timeout when e.InSliceSubrequests =>
                $"A later slice of these responses failed on {u} ({Words(top)}): the slice module fetches each `slice` range after the first with a subrequest of the request's own path, once the client has the response's status and first slice, so the client got the upstream's status with the body cut short, not a {(top is FailureKind.TimedOut or FailureKind.TimedOutConnecting ? 504 : 502)} (nginx logs `unexpected status code … in slice response`).",
            IncidentCause.InvalidResponse or IncidentCause.Timeout or IncidentCause.Unknown when e.AfterStatusSent =>
                $"{u} failed mid-response ({Words(top)}) after nginx had passed its status and headers on (the phase is `while reading upstream`): the client got the upstream's status with the body cut short, which nginx logs with that status, not as a 502. Something ended the response mid-body: the application's worker killed or crashed (a time or memory limit), a proxy's own limit (`proxy_max_temp_file_size`, 1 GB by default, with buffering on), or a read timeout (`proxy_read_timeout`) between chunks.",
            IncidentCause.Timeout when AppServerKilled(e) =>
                $"{u} closed connections nginx was waiting on ({(e.Kinds.Count == 0 ? "502s" : Words(top))}) as {e.AppServerName} killed {e.AppServerKills} worker(s) that ran past its time limit{(e.AppServerKillLimit is { } stated ? $" of {stated.ToString("0.#", CultureInfo.InvariantCulture)} s" : "")}: its own lines in the same stream say so ({KillWords(e.AppServerName)}). The requests ran too long for the application server, not for nginx.",
            IncidentCause.Timeout when AppServerTimeout(e) is { } limit && !e.Kinds.ContainsKey(FailureKind.TimedOut) =>
                $"{u} closed the connection on slow requests after {limit.ToString("0.#", CultureInfo.InvariantCulture)} s, never sooner ({Words(top)}): the application server's own timeout killed the worker ({AppServerLimit(e.Module, u)}).",
            IncidentCause.Timeout when e.Kinds.ContainsKey(FailureKind.NoLiveUpstreams) && e.Statuses.GetValueOrDefault(502) > e.Statuses.GetValueOrDefault(504) =>
                $"{u} did not answer in time ({Words(top)}), and with its servers marked down for it nginx answered most requests 502 itself (no live upstreams).",
            IncidentCause.Timeout when top == FailureKind.ConnectionTimedOut =>
                $"{u} stopped acknowledging connections nginx had made: the kernel's retransmissions gave up mid-request, and nginx answered 502 Bad Gateway ({Words(top)}); the host went away or the path to it broke.",
            IncidentCause.Timeout => TimerOf(e, top) is var timer && timer == FailureKind.TimedOutConnecting
                ? $"nginx could not connect to {u} in time: {TimeoutAnswer(e)} ({Words(timer)})."
                : $"{u} did not answer in time: {TimeoutAnswer(e)} ({Words(timer)}).",
            IncidentCause.Overload when top == FailureKind.WorkerKilled =>
                $"An nginx worker process was killed (signal 9, {e.Kinds[top]}×): nginx never sends SIGKILL itself, and the kernel's OOM killer does when the host (or the container's memory limit) runs out of memory. Every connection the worker held was dropped unanswered and unlogged (a load balancer in front reports a 502 for each); the master started another worker. Low confidence: an operator's `kill -9` looks the same.",
            IncidentCause.Overload when top == FailureKind.AcceptFailed =>
                "nginx ran out of connections (`worker_connections are not enough`) or file descriptors (`accept4() failed (24: …)`: `worker_rlimit_nofile`, the service's `LimitNOFILE`) for the clients it accepts: it closed new connections before reading a request, so those clients got no answer (a load balancer in front reports a 502 for each) and no access line logs them. Every client connection, and every upstream connection it proxies, takes one: long-lived ones (WebSockets, keepalive, slow upstreams) fill them, and so does nginx proxying to itself.",
            IncidentCause.Overload when top == FailureKind.ResponseBufferDiskFull =>
                $"The disk nginx buffers {u}'s responses on is full (no space left on device, {e.Kinds[top]}×): a response larger than its buffers is written under `{ModuleOf(e)}_temp_path` as nginx reads it, after its status went out, so the clients got the upstream's status and a body cut short.",
            IncidentCause.Overload when top == FailureKind.BodyBufferDiskFull =>
                $"The disk nginx buffers request bodies on is full (no space left on device, {e.Kinds[top]}×): a body larger than `client_body_buffer_size` is written under `client_body_temp_path` before the request is proxied, so nginx answered these requests 500 itself and no upstream was tried.",
            IncidentCause.Overload when top.OutOfNginxResources() =>
                $"nginx itself ran out of {(top == FailureKind.WorkerConnections ? "connections (`worker_connections`)" : "file descriptors (`worker_rlimit_nofile`)")} before it could connect to {u}: it answered 500 without trying {u}, which may well be fine. Every client connection and every upstream connection takes one of each.",
            IncidentCause.Overload when top == FailureKind.PortExhaustion =>
                $"nginx's host ran out of local ports to connect to {u} (cannot assign requested address): it opens connections faster than closed ones leave TIME_WAIT.",
            IncidentCause.Overload when ListenQueueOverflows(e) =>
                $"{u} has more connections waiting than its listen queue holds: nginx's connects time out ({e.Kinds[FailureKind.TimedOutConnecting]}×, the kernel drops them) and connections it could not queue are reset ({e.Kinds.GetValueOrDefault(FailureKind.Reset) + e.Kinds.GetValueOrDefault(FailureKind.ResetConnecting)}×): it is saturated.",
            IncidentCause.Overload when top == FailureKind.TimedOutConnecting && AcceptQueueFull(e) =>
                $"nginx's connects to {u} timed out ({e.Kinds[FailureKind.TimedOutConnecting]}×) while it answered {e.ServedInside} others {(e.ResponseMillisInside!.Value / Math.Max(UsualMillis(e)!.Value, 1)).ToString("0", CultureInfo.InvariantCulture)}× slower than usual: its accept queue is full (the kernel drops new connections while it is), it is saturated.",
            IncidentCause.Overload => Interleaved(e)
                ? $"{u} failed some requests ({Words(top)}) while still serving {e.ServedInside} others: it is saturated."
                : $"{u} is saturated ({Words(top)}).",
            IncidentCause.Dns when e.Kinds.Count == 0 =>
                $"nginx chose no server for these requests (`$upstream_addr` empty): the name `proxy_pass` resolves at request time most likely did not resolve, or not within `resolver_timeout`. Its error log would say (`could not be resolved`).",
            IncidentCause.Dns when top == FailureKind.Resolver && e.Upstream.StartsWith("resolver", StringComparison.Ordinal) =>
                $"nginx's {u} failed: names nginx resolves while it runs (`proxy_pass` with a variable, `resolve` servers, a module's own) did not resolve through it. Its lines name no request: which ones failed of it, the requests' own lines say (`could not be resolved`).",
            IncidentCause.Dns when top == FailureKind.UnresolvedAtStart =>
                $"nginx could not resolve {u} when it read its configuration (`host not found in upstream`): it resolves the names in `proxy_pass` and `upstream` blocks once, at start, and does not start without them, so clients got no answer from it meanwhile (a load balancer in front reports 502); a reload with such a name is refused, the old configuration serving on.",
            IncidentCause.Dns => $"nginx could not resolve {u} ({Words(top)}).",
            IncidentCause.TlsHandshake when top == FailureKind.TimedOutHandshaking =>
                $"{u} accepted the connection but never answered nginx's TLS handshake ({Words(top)}): it most likely does not speak TLS on that port (`proxy_pass https://` to a plain-HTTP port waits for a request that never comes).",
            IncidentCause.TlsHandshake => $"The TLS handshake with {u} failed ({Words(top)}).",
            IncidentCause.InvalidResponse when StaleKeepAlive(e) && e.StaleConnectionRetries < 2 =>
                $"{u} closed connections the moment requests were sent on them ({Words(top)}), while serving {e.ServedInside} others as fast as before: not saturation. Keep-alive connections the server had already closed fail this way when nginx may not repeat the request (a POST): its idle keep-alive timeout is shorter than nginx's `keepalive_timeout` for it.",
            IncidentCause.InvalidResponse when StaleKeepAlive(e) =>
                $"{u} closed keep-alive connections nginx was reusing ({Words(top)}): nginx retried {e.StaleConnectionRetries} request(s) on the same server, and those it may not repeat (a POST) failed. The server's idle keep-alive timeout is shorter than nginx's `keepalive_timeout` for it.",
            IncidentCause.InvalidResponse when e.Statuses.GetValueOrDefault(RequestJoin.NotHttp) * 2 > e.Statuses.Values.Sum() =>
                $"{u} answered without an HTTP status line ({Words(top)}): nginx passed the bytes on as an HTTP/0.9 response (status 009), which no HTTP/1.x client can read. Something other than the application answers on that port, or it crashed mid-write.",
            IncidentCause.InvalidResponse when e.WhileSendingRequest && top is FailureKind.Reset or FailureKind.PrematureClose =>
                $"{u} closed the connection while nginx was still sending it the request (a broken pipe or a reset, in the phase `while sending request to upstream`): it stopped reading before it had the whole request, most often its body. An upload over the application's own limit on a request's size is refused so (it answers 413 and closes, or just closes: a body limit of the application server or framework), as is one sent to a worker that died or to a keep-alive connection it had just closed.",
            IncidentCause.InvalidResponse when ClosedUntimed(e) =>
                $"{u} answered with an invalid or incomplete HTTP response ({Words(top)}). Without the requests' times ({(e.AccessLogRead ? "the access log does not log `$upstream_response_time`" : "no access log was read")}) nothing tells a worker that crashed from one killed at {AppServerLimit(e.Module, u)} (if the failing requests are the slow ones, it is that limit){(e.Module is "proxy" or "fastcgi" or "grpc" ? ", nor from a kept-alive connection the server had already closed as idle (with `keepalive` in the `upstream` block: isolated failures on quick requests)" : "")}.",
            IncidentCause.InvalidResponse when top == FailureKind.None && !e.ErrorLogCovered && e.NginxPage > 0 && AwaitedEach(e) =>
                $"nginx answered these requests with its own 502 page after waiting on {(e.ResponseTimes.All(t => t >= 1.0) ? "each" : "most")} ({e.ResponseTimes.Where(t => t >= 1.0).Min().ToString("0.#", CultureInfo.InvariantCulture)} s or more), and no error log was read to say why: a refused connect fails at once, so {u} had accepted them and then closed or reset the connection, or answered what nginx could not use; nginx's error line for each names which.",
            IncidentCause.InvalidResponse => $"{u} answered with an invalid or incomplete HTTP response ({Words(top)}).",
            IncidentCause.UpstreamReturned when !e.ErrorLogCovered && e.StatusOnly * 2 >= Math.Max(1, e.WithoutErrorLine) && InstantFailures(e) =>
                $"The gateway errors came at once from {u} while it served others in the same seconds: it was accepting connections, so these were answers, its own 502s or a response nginx refused (response headers larger than `proxy_buffer_size`, an invalid header). Only $upstream_status tells; nginx's error log says which (it logs each 502 it makes).",
            IncidentCause.UpstreamReturned when !e.ErrorLogCovered && e.StatusOnly * 2 >= Math.Max(1, e.WithoutErrorLine) =>
                $"The gateway errors most likely came from {u} itself: it took time to answer, and nothing else says nginx made them. Only $upstream_status tells, and nginx writes its own 502/504 there too for a try it failed; its error log would say (it logs each one it makes).",
            IncidentCause.UpstreamReturned when e.ServersDisabledForAnswers =>
                $"nginx took the servers of {u} out of rotation for their answers (errors that `proxy_next_upstream` counts as failures, such as http_500: no error line, only \"upstream server temporarily disabled\"), and with none left answered \"no live upstreams\": the servers were up, and their own errors emptied the group.",
            IncidentCause.UpstreamReturned when e.NginxPageOnly * 2 >= Math.Max(1, e.WithoutErrorLine) =>
                $"{u} answered with nginx's own error page, and this nginx wrote no error line for these requests (it logs each 502/504 it makes): {u} is itself a proxy (an inner nginx, ingress-nginx, a load balancer built on nginx) and the failure is behind it. Its error log says which.",
            IncidentCause.UpstreamReturned when top == FailureKind.AuthEndpointFailed =>
                "The endpoint `auth_request` asks answered 5xx itself (`auth request unexpected status`), and no try of the subrequest failed: the auth service erred, and nginx answered these requests 500, as it does for any answer but 2xx, 401 and 403.",
            IncidentCause.UpstreamReturned => $"The gateway errors came from {u} itself; nginx passed them through.",
            IncidentCause.RateLimited when e.ErrorLogCovered && top == FailureKind.None =>
                $"nginx rejected requests with 503 before reaching an upstream while the same routes served others in the same seconds, as limit_req and limit_conn do with the excess; the error log is silent about them, so the limits log below its level (`limit_req_log_level`, `limit_conn_log_level` against `error_log`).",
            IncidentCause.RateLimited when !e.ErrorLogCovered && top == FailureKind.None && e.NginxPage > 0 =>
                $"nginx answered 503 with its own error page (the format logs no upstream field) while the same routes served others in the same seconds, as limit_req and limit_conn do with the excess (a `return 503` answers every request of its location); no error log was read to name the limit.",
            IncidentCause.RateLimited => $"nginx rejected requests with 503 by limit_req/limit_conn (or a gateway built on it, by its limit plugin) before reaching an upstream.",
            IncidentCause.Unknown when top == FailureKind.None && e.NoUpstreamContacted * 2 >= Math.Max(1, e.WithoutErrorLine) && e.ErrorLogCovered =>
                $"nginx answered {string.Join("/", e.Statuses.Keys.Order())} itself without contacting an upstream, and its error log says nothing about these requests, where limit_req and limit_conn log each rejection: a `return 503` (a maintenance switch) or an `error_page`, unless the limits log below the error log's level (`limit_req_log_level`).",
            _ when top == FailureKind.WorkerCrashed =>
                $"An nginx worker process crashed ({e.Kinds[top]}×: SIGSEGV, SIGBUS or SIGABRT): every connection it held was dropped unanswered and unlogged (a load balancer in front reports a 502 for each), and the master started another. A crash is a bug in nginx or, far more often, in a third-party module or Lua library; the core dump names it.",
            _ when top == FailureKind.Script => $"nginx's Lua code (OpenResty, Kong, APISIX) answered these requests itself after a call of its own failed (the evidence quotes its lines): no upstream of nginx failed.",
            _ when top == FailureKind.None && NginxPageAlone(e) =>
                $"nginx answered these requests with its own {DominantStatus(e)} page, and nothing in these lines says why: no error log was read, no time was logged for them, and nothing was served through {u} before them. Most often nothing accepted nginx's connection (the service not running, or a wrong address); a reset, an early close or an answer nginx could not use makes the same page, and nginx's error line for each request names which.",
            _ => $"Gateway errors on {u} with no recognised cause ({Words(top)}).",
        };
    }

    private static string Minutes(TimeSpan span) =>
        span.TotalMinutes >= 2 ? $"{(int)span.TotalMinutes} minutes" : $"{(int)span.TotalSeconds} seconds";

    /// <summary>What clients got for nginx's timeouts: 504 Gateway Timeout from http, 502 from the stream module, which
    /// ends a TCP or UDP session it could not connect in time like any other it could not connect.</summary>
    // On a tie the incident's status is the timeout's own (TieOrder): the words say the same.
    private static string TimeoutAnswer(IncidentEvidence e) =>
        e.Statuses.GetValueOrDefault(502) is var bad and > 0 && bad > e.Statuses.GetValueOrDefault(504) ? "502 Bad Gateway" : "504 Gateway Timeout";

    /// <summary>
    /// The order of an incident's statuses when as many requests got each: the one nginx answers the cause with first
    /// (504 for a timeout, beside the resets and closes of the application server's own timeout), then the lower code.
    /// </summary>
    public static int TieOrder(IncidentCause cause, int status) => cause == IncidentCause.Timeout && status == 504 ? 0 : status;

    private static string Words(FailureKind kind) => kind switch
    {
        FailureKind.Refused => "connection refused",
        FailureKind.Unreachable => "unreachable: no route, or no answer to its connect",
        FailureKind.NoLiveUpstreams => "no live upstreams",
        FailureKind.MissingSocket => "socket not found",
        FailureKind.SocketPathWithUri => "socket path with a URI in it",
        FailureKind.PermissionDenied => "permission denied",
        FailureKind.TimedOut => "upstream timed out",
        FailureKind.TimedOutConnecting => "connect timed out",
        FailureKind.ConnectionTimedOut => "connection timed out in the kernel",
        FailureKind.ResourceUnavailable => "connect() returned EAGAIN: backlog full",
        FailureKind.PortExhaustion => "no free local ports",
        FailureKind.WorkerConnections => "worker_connections exhausted",
        FailureKind.AcceptFailed => "new clients dropped",
        FailureKind.WorkerKilled => "an nginx worker killed (signal 9)",
        FailureKind.WorkerCrashed => "an nginx worker crashed",
        FailureKind.UnresolvedAtStart => "host not found at start",
        FailureKind.AuthEndpointWrong => "auth endpoint answered a redirect or 4xx",
        FailureKind.AuthEndpointFailed => "auth endpoint answered 5xx",
        FailureKind.TooManyOpenFiles => "too many open files",
        FailureKind.Ipv6Unavailable => "no IPv6 on this host",
        FailureKind.InvalidAddress => "invalid address",
        FailureKind.BindFailed => "proxy_bind address not bindable",
        FailureKind.NotFastCgi => "not a FastCGI server",
        FailureKind.OverAppServerBuffer => "a request larger than uWSGI's buffer-size",
        FailureKind.BodyBufferUnwritable => "request body's temporary file not writable",
        FailureKind.BodyBufferDiskFull => "no space for the request body's temporary file",
        FailureKind.ResponseBufferUnwritable => "response's temporary file not writable",
        FailureKind.ResponseBufferDiskFull => "no space for the response's temporary file",
        FailureKind.UpstreamUrlInvalid => "an upstream address made of variables that did not parse",
        FailureKind.ConfigRejectedAtStart => "configuration refused at start",
        FailureKind.NamedLocationMissing => "a named location that is not defined",
        FailureKind.BalancerScriptFailed => "a Lua balancer that failed",
        FailureKind.NoUpstreamConfiguration => "a request that reached the upstream module without its configuration",
        FailureKind.NotHttp2 => "not an HTTP/2 server",
        FailureKind.SharedKeepalive => "a kept-alive connection of proxy_pass's taken by grpc_pass",
        FailureKind.NoPeerFromBalancer => "no endpoint from the balancer",
        FailureKind.QueueFull => "the application server's request queue was full",
        FailureKind.WrongScheme => "wrong protocol for the port",
        FailureKind.PlainTextAnswer => "a plain-text answer to nginx's TLS handshake",
        FailureKind.Reset => "connection reset by peer",
        FailureKind.ResetConnecting => "connection reset while connecting",
        FailureKind.PrematureClose => "upstream closed the connection early",
        FailureKind.InvalidHeader => "invalid response",
        FailureKind.TooBigHeader => "response header too big",
        FailureKind.DnsNotFound => "host not found",
        FailureKind.DnsTimeout => "resolver timed out",
        FailureKind.DnsServerFailure => "the DNS server failed: SERVFAIL",
        FailureKind.DnsRefused => "the DNS server refused the query",
        FailureKind.NoResolver => "no resolver defined",
        FailureKind.Resolver => "the resolver failed",
        FailureKind.TlsHandshake => "SSL handshake failed",
        FailureKind.TimedOutHandshaking => "SSL handshake timed out",
        FailureKind.TlsVerify => "certificate verification failed",
        FailureKind.RateLimitRequests => "limit_req",
        FailureKind.RateLimitConnections => "limit_conn",
        FailureKind.OtherUpstream => "upstream error",
        FailureKind.Script => "an error in nginx's Lua code",
        FailureKind.ProxyLoop => "the request came back to nginx itself",
        _ => "no nginx error line",
    };
}
