using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>The join: a failed request meets the error lines of its tries; what no request claims is released on its own.</summary>
internal sealed partial class DiagnosisEngine
{
    private void Join(PendingRequest request)
    {
        var (claimed, hadCandidate) = RequestJoin.Claim(request, State.PendingErrors, _options);
        if (request.Rejection)
        {
            // Its rate-limit line is claimed, so it is not released as a 503 of its own.
            return;
        }

        if (request.MaybeFailedSubrequest)
        {
            if (RequestJoin.SubrequestFailure(request, claimed) is { } failed)
            {
                Apply(failed);
            }

            return;
        }

        foreach (var failure in RequestJoin.ToFailures(request, claimed, State.PendingErrors, _options))
        {
            failure.Unjoined = !hadCandidate;
            Apply(failure);
        }
    }

    /// <summary>An error line no request claimed, now that none can; <paramref name="index"/> is its place in
    /// <see cref="EngineState.PendingErrors"/>.</summary>
    private void Release(PendingError error, int index)
    {
        if (error.Kind == FailureKind.Resolver)
        {
            ReleaseResolverLine(error);
            return;
        }

        if (error.Kind == FailureKind.Script)
        {
            // A script's own failure explains the request that claims it; alone it is no gateway error.
            return;
        }

        // With the access log read past this line, a gateway error would have been logged and matched: an unmatched
        // line is a try nginx recovered from, or, when the requests it belongs to could not be told apart, evidence
        // for the incident of the same upstream and host going on at that time. Unless the access log never logs
        // requests where this one went, or logged it as the 404 of an error page nginx could not open: then the line
        // is all there is of a failed request.
        // nginx writes a request's access line when it ends, after its tries' error lines: an error moments before the
        // access log's first line (a capture begun with nginx, whose first request went on to the next server) is of a
        // request the access log holds.
        // A line whose time is the access log's, for want of any of its own, is of no request known to be there.
        var logged = !error.TimeBorrowed && AccessLogCovers(error.Time, lead: _options.JoinSkew) && AccessLogShows(error);

        // A try that broke mid-body is no gateway error. Counted for a short paste of such lines alone (LogAnalyzer), and
        // only where no access log shows the request: there its line holds the status the client got, and a success.
        if (CutTheBodyShort(error))
        {
            Stats.ResponsesCutShort++;
            if (!_options.CountResponsesCutShort || AfterTheAnswerEnded(error) || logged)
            {
                return;
            }

            error.StatedStatus ??= RequestJoin.StatusPassedOn;
        }

        if (error.Kind == FailureKind.AcceptFailed && LoopingAround(error.Time))
        {
            // nginx proxying to itself runs out of connections for the clients it accepts: its own hops fill the table.
            // The loop's incident says so; these are no outage of their own.
            return;
        }

        // nginx never moves past a try it found no connection or descriptor for (ngx_event_connect_peer's NGX_ERROR
        // finalizes the request with 500), nor past its auth endpoint's answer: such a line no access line claimed is of
        // a request the access log lacks (a paste cut short, another server block's log, an error_page that answered
        // in its place), not a try nginx recovered from.
        var accessCovers = logged && !error.AnsweredByMissingErrorPage && !error.Kind.AnsweredBeforeAnyTry() && !error.Kind.DroppedByNginx() && error.Kind is not (FailureKind.AuthEndpointWrong or FailureKind.AuthEndpointFailed);
        var rateLimit = error.Kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections;
        var failure = RequestJoin.FromErrorLine(error);
        if (!accessCovers && AccessKeyOf(error) is { } key && State.History.ContainsKey(key))
        {
            failure.HistoryKey = key;
            failure.Route = HistoryKeys.RouteOfErrorLine(key, error.Request);
        }

        if (logged && error.AnsweredByMissingErrorPage)
        {
            Unanswered(error.Time, failure.HistoryKey);
        }

        if (!accessCovers && LaterTries(error, index) is { Count: > 0 } later)
        {
            // The error log alone: the lines of one request's tries on the servers of its block (the same connection,
            // request and host, moments apart) are one failed request whose servers failed together, as its access
            // line would say. Its status is the last try's. "no live upstreams" names the block, not a server: nginx
            // looked for another server to try and found every one marked down.
            List<PendingError> tries = [error, .. later];
            failure.Status = RequestJoin.StatusFor(tries[^1]);
            failure.Errors = tries;
            string[] servers = [.. tries.Where(t => t.Kind != FailureKind.NoLiveUpstreams).Select(t => t.Upstream).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            failure.Servers = servers.Length > 1 ? servers : null;

            // One server tried, then none left: the server is the block's (DiagnosisEngine.TrackedUpstream names the
            // incident by it until a second server of the block fails).
            failure.Block = servers.Length == 1 && tries[^1].Kind == FailureKind.NoLiveUpstreams ? tries[^1].Upstream : null;
            later.ForEach(t => t.Claimed = true);
            NotePeers(tries);
        }
        else if (!accessCovers && (error.NextServerTried || HasPeers(error)) && error.ConnectionId >= 0 && !OtherLinesOfItsRequest(error, index))
        {
            // The error log alone, and nginx went on to another server of the group after this connect failed: a try
            // that failed there, or finding none left ("no live upstreams"), would have a line of its own. It has none:
            // the next server answered, and the client got its response. (A request with several failed tries may
            // have run out of servers to try, which nginx logs no line for: it failed.) A short paste of such tries
            // alone is about them, and counts them (LogAnalyzer), localhost's [::1] too: whoever pasted a refusal there
            // asks about it, and the report says that 127.0.0.1, tried next, logged no failure.
            // Also when an earlier request showed nginx going on from this server to another of its group: a failed
            // connect is moved past whatever the method (nothing was sent), so this one's next server answered too.
            failure.Recovered = !_options.CountTriesMovedPast;
            Stats.TriesMovedPast++;
            // nginx said it went on from it, or the configuration reaches it through the name localhost, whose IPv4
            // address is the next server.
            if ((error.NextServerTried && (UpstreamAddress.IsLocalhostIpv6(error.Upstream) || error.Kind == FailureKind.Ipv6Unavailable))
                || _options.LocalhostIpv6Servers.Contains(error.Upstream))
            {
                Stats.TriesMovedPastToIpv4++;
            }

            NotePeer(error, movedPast: true);
        }
        else if (!accessCovers && PastTheAccessLog(error.Time) && AlwaysMovedPast(error))
        {
            // Past the access log's end (the error log was copied or rotated later), a try on a server whose every
            // failed connect the access log did show was one nginx moved past, the next server answering (`localhost`
            // resolving to [::1] and 127.0.0.1, a server long gone from the group): nothing changed but the access
            // log's end, and a request that failed there would have a later try's line or "no live upstreams" of its own
            // (taken above).
            failure.Recovered = true;
            Stats.TriesMovedPast++;
        }
        else if (!accessCovers && IsFailedConnect(error.Kind) && _connectFailuresCounted.Count < EngineState.MaxDisabledHosts)
        {
            _connectFailuresCounted.Add(error.Upstream);
        }

        if (accessCovers && !rateLimit)
        {
            var tracker = State.Trackers.GetValueOrDefault(TrackerKey(failure.Upstream, failure.Host));
            if (tracker is { IsOpen: true } && tracker.Unjoined > tracker.Attributed
                && error.Time >= tracker.Start - _options.Window && error.Time <= tracker.Last + _options.JoinSkew)
            {
                failure.Attributed = true;
            }
            else
            {
                // A try nginx recovered from; unless the access log ends in its very second without its request, and
                // nginx had no other server to go on to: how that request ended is past the log's end.
                failure.Recovered = !EndsAtItsSecondWithoutIt(error) || error.NextServerTried || HasPeers(error);
            }
        }
        else if (accessCovers && State.Trackers.GetValueOrDefault(TrackerKey(failure.Upstream, failure.Host)) is { IsOpen: true } limited
                 && limited.Unjoined > limited.Attributed)
        {
            // limit_req rejections the access log shows as 503s: the lines explain them, they are not more of them.
            failure.Attributed = true;
        }

        Apply(failure);
    }

    /// <summary>
    /// A request the access log showed answered failed after all (the 404 of an <c>error_page</c> nginx could not open,
    /// like any other 404 there): it is no longer counted served where it went, nor answered in its minute.
    /// </summary>
    private void Unanswered(DateTimeOffset time, string historyKey)
    {
        if (State.History.TryGetValue(historyKey, out var history))
        {
            history.Unserve(time);
        }

        var minute = time.ToUnixTimeSeconds() / 60;
        if (AnsweredPerMinute is { } answered && answered.TryGetValue(minute, out var count))
        {
            if (count > 1)
            {
                answered[minute] = count - 1;
            }
            else
            {
                answered.Remove(minute);
            }
        }
    }

    /// <summary>
    /// Another line of the same request's tries moments before or after this one: another failed try (on any server,
    /// the same one listed twice included), or "no live upstreams" (the group had no server left to try).
    /// </summary>
    private bool OtherLinesOfItsRequest(PendingError error, int index)
    {
        for (var i = index - 1; i >= 0 && error.Time - State.PendingErrors[i].Time <= TryGap(error); i--)
        {
            if (OfItsRequest(State.PendingErrors[i]))
            {
                return true;
            }
        }

        for (var i = index + 1; i < State.PendingErrors.Count && State.PendingErrors[i].Time - error.Time <= _options.JoinSkew + NeighbourDiscovery; i++)
        {
            if (State.PendingErrors[i].Time - error.Time <= TryGap(State.PendingErrors[i]) && OfItsRequest(State.PendingErrors[i]))
            {
                return true;
            }
        }

        return false;

        bool OfItsRequest(PendingError other) =>
            other.ConnectionId == error.ConnectionId && other.Request == error.Request && IsTryFailure(other.Kind);
    }

    /// <summary>A line about a try of the request's that failed (not nginx's own limits, a script's or the resolver's).</summary>
    private static bool IsTryFailure(FailureKind kind) =>
        kind is not (FailureKind.None or FailureKind.Script or FailureKind.Resolver or FailureKind.RateLimitRequests or FailureKind.RateLimitConnections);

    /// <summary>
    /// How long the kernel takes to give up on a neighbour that does not answer: three ARP (or IPv6 neighbour
    /// discovery) probes a second apart before a connect fails with "No route to host" (113), Linux's defaults.
    /// </summary>
    private static readonly TimeSpan NeighbourDiscovery = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The longest a try's line comes after the line of the try before it on the same request. nginx writes a try's
    /// line when the try fails and starts the next try at once, so the next line follows as soon as that one fails: at
    /// once for a refused connect, and after the timer for a timeout (<see cref="DiagnosisOptions.JoinLookback"/>). A
    /// host that cannot be reached fails its connect when the kernel gives up, anywhere from the neighbour's discovery
    /// (three seconds) to the SYN's last retransmission or nginx's <c>proxy_connect_timeout</c> (60 s by default): an
    /// IPv6 address tried 18 s after its name's IPv4 one failed (113: Host is unreachable) on the same request.
    /// </summary>
    private TimeSpan TryGap(PendingError later) => later.Kind switch
    {
        FailureKind.TimedOut or FailureKind.TimedOutConnecting or FailureKind.Unreachable => _options.JoinLookback,
        _ => _options.JoinSkew,
    };

    /// <summary>
    /// The unclaimed lines after the one at <paramref name="index"/> that are later tries of its request on other servers:
    /// the same connection, request and host, a failure of their own, within <see cref="DiagnosisOptions.JoinSkew"/>.
    /// On the same server too when the URI nginx sent differs: an internal redirect of the same request
    /// (<c>error_page 502 /502.html</c> proxied to the upstream that just failed, as Rails, GitLab and Mastodon
    /// configurations do) keeps the request line and changes the upstream URI. On the same server too when the later
    /// line finds no server left (a Lua balancer's "no live upstreams" names the server tried last). The same line again
    /// is not taken: a client sending the same request on its keep-alive connection looks just like it. A try that timed out is logged
    /// when its timer fires, as long after the try before as the timeout (<c>proxy_read_timeout</c>, 60 s by default):
    /// such a line is taken up to <see cref="DiagnosisOptions.JoinLookback"/> after the try before it.
    /// </summary>
    private List<PendingError>? LaterTries(PendingError error, int index)
    {
        const int MaxLinesAhead = 5_000;
        // A stream session has no request: its connection is the session, whose tries its lines share.
        if (error.ConnectionId < 0 || (error.Request.Length == 0 && !error.InStreamSession) || error.Upstream.Length == 0 || !IsTryFailure(error.Kind))
        {
            return null;
        }

        // The same server again only when nginx said it went on to the next server after the try before (a server
        // listed twice in the block, or a name that resolves to one address twice).
        List<PendingError>? later = null;
        var previous = error;
        var last = Math.Min(State.PendingErrors.Count, index + 1 + MaxLinesAhead);
        for (var i = index + 1; i < last && State.PendingErrors[i].Time - error.Time <= _options.JoinLookback; i++)
        {
            var other = State.PendingErrors[i];
            if (other.Time - previous.Time > TryGap(other))
            {
                if (other.Time - error.Time > _options.JoinSkew && other.Time - previous.Time > _options.JoinLookback)
                {
                    break;
                }

                continue;
            }

            var again = other.Upstream == error.Upstream || (later is not null && later.Exists(t => t.Upstream == other.Upstream));
            if (!other.Claimed && other.ConnectionId == error.ConnectionId && other.Request == error.Request && other.Host == error.Host
                && other.InStreamSession == error.InStreamSession
                && other.Upstream.Length > 0 && IsTryFailure(other.Kind)
                && (!again || previous.NextServerTried || other.Kind == FailureKind.NoLiveUpstreams
                    || (other.Upstream == error.Upstream && later is null && RequestJoin.Redirected(error, other))))
            {
                (later ??= []).Add(other);
                previous = other;
            }
        }

        return later;
    }

    /// <summary>A proxy loop noted within <see cref="LoopEvidenceSkew"/> of <paramref name="time"/>.</summary>
    private bool LoopingAround(DateTimeOffset time) =>
        State.LoopingUpstreams.Values.Any(note => time >= note.First - LoopEvidenceSkew && time <= note.Last + LoopEvidenceSkew);

    /// <summary>
    /// A failed connect: nothing reached the server, so nginx goes on to the next server of the group whatever the
    /// request (<c>proxy_next_upstream error</c>, the default, retries even a POST then). A connect that timed out is
    /// left out: the next try's line, if it fails too, comes a timeout later.
    /// </summary>
    private static bool IsFailedConnect(FailureKind kind) =>
        kind is FailureKind.Refused or FailureKind.Unreachable or FailureKind.Ipv6Unavailable;

    /// <summary>A failed connect on a server that has another server of its group to go on to
    /// (<see cref="EngineState.ServersWithPeers"/>, known from a first reading of the same logs, or localhost's IPv6
    /// address).</summary>
    private bool HasPeers(PendingError error) =>
        IsFailedConnect(error.Kind)
        && (State.ServersWithPeers.ContainsKey(error.Upstream) || _options.ServersKnownToHavePeers.Contains(error.Upstream)
            || UpstreamAddress.IsLocalhostIpv6(error.Upstream));

    /// <summary>
    /// One request's tries on several servers, each with a line: every server nginx went on from to another has a peer
    /// to fall back on. The try that decided the request is the last one, unless its server is a standing failure that
    /// nginx moved past on request after request (a dual-stack name's IPv6 address on a host without IPv6, tried after
    /// the IPv4 one timed out), or one this host could not make over IPv6 at all: then it is the last try on a server
    /// that does serve, or could be reached. The others are marked
    /// <see cref="PendingError.DidNotDecide"/>.
    /// </summary>
    private void NotePeers(List<PendingError> tries)
    {
        var servers = tries.Where(t => t.Kind != FailureKind.NoLiveUpstreams).ToList();
        if (servers.DistinctBy(t => t.Upstream).Count() < 2)
        {
            return;
        }

        for (var i = 0; i < servers.Count; i++)
        {
            NotePeer(servers[i], movedPast: servers.Skip(i + 1).Any(t => t.Upstream != servers[i].Upstream));
        }

        // A try this host could not make over IPv6 fails every time the same way, whatever the server: beside tries on
        // servers it could reach, it is not what lost the request (nginx tries a name's addresses round-robin, so its
        // last try may be one of them by chance).
        var reachable = servers.Where(t => t.Kind != FailureKind.Ipv6Unavailable).ToList();
        var decisive = reachable.Count > 0 && reachable.Count < servers.Count
            ? reachable.LastOrDefault(t => !Standing(t.Upstream)) ?? reachable[^1]
            : servers.LastOrDefault(t => !Standing(t.Upstream)) ?? tries[^1];
        foreach (var t in tries)
        {
            t.DidNotDecide = t != decisive && t.Kind != FailureKind.NoLiveUpstreams;
        }
    }

    /// <summary><paramref name="error"/>'s server has another of its group to go on to
    /// (<see cref="EngineState.ServersWithPeers"/>), and nginx went on from it this time when <paramref name="movedPast"/>
    /// (the note's count).</summary>
    private void NotePeer(PendingError error, bool movedPast)
    {
        if (Note(State.ServersWithPeers, error.Upstream, error.Time, count: movedPast ? 1 : 0) && _connectFailuresCounted.Contains(error.Upstream))
        {
            Stats.PeeredLate.Add(error.Upstream);
        }
    }

    /// <summary>A server nginx went on from, to another of its group, on at least three requests: its failure stands,
    /// and the group serves without it.</summary>
    private bool Standing(string server) =>
        State.ServersWithPeers.TryGetValue(server, out var note) && note.Count >= 3;

    /// <summary>
    /// The upstream failed while nginx read the response's body ("while reading upstream": ngx_http_upstream_send_response
    /// had passed the status and headers on, and the body pipe reads): a timeout, reset, early close, broken chunk or any
    /// other failed read there only cut the body short. The client got the upstream's status, which its access line
    /// holds, never a 502 or 504.
    /// (The phase is the connection's last action, stale for a failure before any upstream, as "no resolver defined ...
    /// while sending to client" on a kept-alive connection is: only the upstream's own I/O failures say it.)
    /// </summary>
    private static bool CutTheBodyShort(PendingError error) =>
        (error.Kind is FailureKind.TimedOut or FailureKind.ConnectionTimedOut or FailureKind.Reset or FailureKind.PrematureClose
            or FailureKind.InvalidHeader or FailureKind.NotFastCgi or FailureKind.NotHttp2 or FailureKind.OtherUpstream
            or FailureKind.ResponseBufferUnwritable or FailureKind.ResponseBufferDiskFull or FailureKind.PermissionDenied
        && (error.Signature.Contains(" while reading upstream", StringComparison.Ordinal)
            || (error.Kind is FailureKind.TimedOut or FailureKind.PrematureClose && error.Signature.Contains(" while sending to client", StringComparison.Ordinal))))
        || (error.InSliceSubrequest && IsTryFailure(error.Kind));

    /// <summary>gRPC's <c>upstream sent frame for closed stream</c>: the stream had ended, its answer whole, when the
    /// server's late frame came. Nothing was cut.</summary>
    private static bool AfterTheAnswerEnded(PendingError error) =>
        error.Signature.Contains("frame for closed stream", StringComparison.Ordinal);

    /// <summary>After the last time the access log holds (an access log that ended before the error log).</summary>
    private bool PastTheAccessLog(DateTimeOffset time) =>
        State.AccessWatermark is { } seen && time > seen + _options.JoinSkew;

    /// <summary>
    /// A failed connect on a server whose failures the access log showed were all tries nginx moved past, at least
    /// <see cref="DiagnosisOptions.MinFailures"/> of them, and none a failed request.
    /// </summary>
    private bool AlwaysMovedPast(PendingError error) =>
        (IsFailedConnect(error.Kind) || error.Kind == FailureKind.TimedOutConnecting)
        && State.History.TryGetValue(HistoryKeys.ForUpstream(error.Upstream), out var history)
        && history is { GatewayFailures: 0 } && history.FailedTries >= _options.MinFailures;

    /// <summary>
    /// Both logs end in the error line's second, and no access line of that second is its request: nginx writes a
    /// request's access line when the request ends, after its tries' error lines, so the one that would tell how it
    /// ended is past the logs' end (a paste cut at the error line, a 301 of another request just before it). Had either
    /// log gone on, the request's line would have come before their next lines.
    /// </summary>
    private bool EndsAtItsSecondWithoutIt(PendingError error) =>
        State.AccessWatermark == error.Time && State.ErrorWatermark == error.Time && _requestsAtWatermarkKnown && error.Request.Length > 0
        && !_requestsAtWatermark.Contains(RequestLineHash(Encoding.UTF8.GetBytes(error.Request)));

    /// <summary>A request line's hash, as <see cref="_requestsAtWatermark"/> keeps it (this process's seed: never stored).</summary>
    private static int RequestLineHash(ReadOnlySpan<byte> request)
    {
        var hash = new HashCode();
        hash.AddBytes(request);
        return hash.ToHashCode();
    }

    /// <summary>The access log was read from before <paramref name="time"/> (or from at most <paramref name="lead"/> after
    /// it) to after it: a request failed then would be in it.</summary>
    private bool AccessLogCovers(DateTimeOffset time, TimeSpan lead = default) =>
        State.AccessWatermark is { } seen && seen >= time && (State.AccessLogBegan is not { } began || began <= time + lead);

    /// <summary>
    /// A resolver's own failure names no request: it is evidence for the DNS incident of the same time. Each request
    /// that waited on the name fails with its own "could not be resolved" line, so with one of those about (still
    /// waiting to be joined, or in a tracker not yet open) the resolver's line counts no request; only when the logs
    /// hold none and no access log covers the moment (an excerpt of the error log) is it a DNS failure of its own.
    /// </summary>
    private void ReleaseResolverLine(PendingError error)
    {
        var around = TimeSpan.FromSeconds(90);
        var dns = State.Trackers.Values.FirstOrDefault(t => t.IsOpen
            && t.Kinds.Keys.Any(k => k.IsUnresolved())
            && error.Time >= t.Start - around && error.Time <= t.Last + around);
        var failure = RequestJoin.FromErrorLine(error);
        if (dns is not null)
        {
            failure.Upstream = dns.Upstream;
            failure.Host = dns.Host;
            failure.Attributed = true;
        }
        else if (UnresolvedRequestAround(error.Time, around))
        {
            return;
        }
        else if (State.OwnLookupsUnresolved.Exists(t => (t - error.Time).Duration() <= around))
        {
            // The only lookups that failed around it were nginx's own (an OCSP responder's name for ssl_stapling):
            // the resolver failed them, and no request.
            return;
        }
        else if (AccessLogCovers(error.Time))
        {
            failure.Recovered = true;
        }

        if (!failure.Attributed && State.Trackers.Values.FirstOrDefault(t => t.IsOpen && t.Host == failure.Host && t.Upstream != failure.Upstream
                && t.Upstream.StartsWith("resolver ", StringComparison.Ordinal) && error.Time <= t.Last + around) is { } resolver)
        {
            // The addresses `resolver` lists are one resolver to nginx, which sends each query to the next of them in
            // turn: failing together, they are one incident.
            resolver.Servers ??= [resolver.Upstream];
            failure.Upstream = AddServer(resolver, failure.Upstream);
        }

        Apply(failure);
    }

    private bool UnresolvedRequestAround(DateTimeOffset time, TimeSpan around)
    {
        foreach (var pending in State.PendingErrors)
        {
            if (pending.Kind.IsUnresolved() && (pending.Time - time).Duration() <= around)
            {
                return true;
            }
        }

        foreach (var tracker in State.Trackers.Values)
        {
            if (!tracker.IsOpen && tracker.Buffered.Exists(f => f.Errors.Exists(e => e.Kind.IsUnresolved()) && (f.Time - time).Duration() <= around))
            {
                return true;
            }
        }

        return false;
    }
}
