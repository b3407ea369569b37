using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// Meets a failed request from the access log with the error lines nginx wrote about it. nginx writes one error line
/// per failed try, on the request's connection, at or before the access line (which is written when the request
/// ends): the connection number joins them exactly when both logs have it; otherwise every field both logs share
/// must agree (client, request, host, upstream). When no line can be told apart as the request's own, the lines of
/// the same host around it still say which upstream it failed on and why.
/// </summary>
internal static class RequestJoin
{
    /// <summary>Claims the request's own error lines among <paramref name="errors"/> (sorted by time).</summary>
    /// <returns>The lines claimed, and whether any line could have been the request's (false: no join was possible).</returns>
    public static (List<PendingError> Claimed, bool HadCandidate) Claim(PendingRequest request, List<PendingError> errors, DiagnosisOptions options)
    {
        var (from, to) = Window(request, options);
        var candidates = new List<(PendingError Error, int Score)>();
        var anyCandidate = false;
        for (var i = LowerBound(errors, from); i < errors.Count && errors[i].Time <= to; i++)
        {
            var error = errors[i];
            if (Compatibility(request, error) is > 0 and var score)
            {
                anyCandidate = true;
                if (!error.Claimed)
                {
                    candidates.Add((error, score));
                }
            }
        }

        var claimed = new List<PendingError>();
        if (candidates.Count > 0)
        {
            // The best match is the most certain, then the nearest in time (error lines come at or before the access
            // line), then the earliest; among equals the first read. The error log's times are whole seconds, so the
            // distance is in whole seconds: a request logged at :21.792 ($msec) is nearer a line of :21 than of :22.
            var (best, bestScore) = candidates[0];
            foreach (var (error, score) in candidates)
            {
                var distance = (Second(error.Time) - Second(request.Time)).Duration();
                var bestDistance = (Second(best.Time) - Second(request.Time)).Duration();
                if (score > bestScore || (score == bestScore && (distance < bestDistance || (distance == bestDistance && error.Time < best.Time))))
                {
                    (best, bestScore) = (error, score);
                }
            }

            claimed.Add(best);

            // nginx writes one error line per failed try, all on the same connection: claim the other tries too.
            var tries = Math.Max(1, request.Tries.Count);
            foreach (var (error, _) in candidates)
            {
                if (claimed.Count >= tries && request.Tries.Count > 0)
                {
                    break;
                }

                // A server tried again on the same request (ingress-nginx's balancer retries one endpoint; a cached
                // keep-alive connection the server had closed) has a line per try.
                // They come before its access line (nginx logs the request when it ends): a line after it on the same
                // connection is a later request's, a keep-alive or HTTP/2 connection carries many.
                if (error != best && best.ConnectionId >= 0 && error.ConnectionId == best.ConnectionId && error.Time <= Latest(request, best)
                    && claimed.Count(c => c.Upstream == error.Upstream && !Redirected(c, error)) < Math.Max(1, request.Tries.Count(t => t.Address == error.Upstream)))
                {
                    claimed.Add(error);
                }
            }
        }

        foreach (var error in claimed)
        {
            error.Claimed = true;
        }

        return (claimed, anyCandidate);
    }

    /// <summary>The latest time a try of the request can be logged: its access line's (or its best match's, should the
    /// two logs' clocks disagree by a second or so).</summary>
    private static DateTimeOffset Latest(PendingRequest request, PendingError best) => best.Time > request.Time ? best.Time : request.Time;

    /// <summary>
    /// Two lines of one request about the same server that name different URIs sent to it: an internal redirect
    /// (<c>error_page 502 /502.html</c> proxied to the upstream that just failed) keeps the request line and changes
    /// the upstream URI. Another request on the same keep-alive connection has a request line of its own; the same
    /// line twice is not one either: a client repeating its request on the connection looks alike.
    /// </summary>
    public static bool Redirected(PendingError first, PendingError then) =>
        first.Request.Length > 0 && first.Request == then.Request
        && UpstreamField(first.Raw) is { Length: > 0 } sent && UpstreamField(then.Raw) is { Length: > 0 } again
        && !sent.SequenceEqual(again);

    private static ReadOnlySpan<char> UpstreamField(string raw)
    {
        var at = raw.LastIndexOf(", upstream: \"", StringComparison.Ordinal);
        var value = at < 0 ? [] : raw.AsSpan(at + ", upstream: \"".Length);
        var end = value.IndexOf('"');
        return end < 0 ? [] : value[..end];
    }

    /// <summary>
    /// The <c>$status</c> nginx logs when it passed on an upstream's answer that had no HTTP status line ("upstream sent
    /// no valid HTTP/1.0 header"): it sends the bytes on as an HTTP/0.9 response, which no HTTP/1.x client can read.
    /// </summary>
    public const int NotHttp = 9;

    /// <summary>The status of a request whose try failed after nginx had passed the upstream's status on (<c>… while
    /// reading upstream</c>): the upstream's own, which the error line does not give.</summary>
    public const int StatusPassedOn = 0;

    /// <summary>What the client got for a request the upstream failed: a gateway error, or an upstream's non-HTTP answer.</summary>
    public static bool IsFailedStatus(int status) => status is 502 or 503 or 504 or NotHttp;

    /// <summary>One failure per upstream that failed the request, each with the error lines about it.</summary>
    public static IEnumerable<FailureEvent> ToFailures(PendingRequest request, List<PendingError> claimed, List<PendingError> errors, DiagnosisOptions options)
    {
        var gateway = IsFailedStatus(request.Status);
        var failedAt = Enumerable.Range(0, request.Tries.Count)
            .Where(i => IsFailedTry(request.Tries[i]) || (gateway && i == request.Tries.Count - 1 && !AnsweredTheRedirect(request)))
            .ToList();
        var failedTries = failedAt.ConvertAll(i => request.Tries[i]);
        if (failedTries.Count == 0)
        {
            // No upstream fields (or "-": no address, e.g. a name that did not resolve): the error lines name it. Without
            // a line of its own, the lines of the same host around it say which upstream was failing then.
            var named = claimed.FirstOrDefault(e => e.Upstream.Length > 0);
            // Only when the format cannot tell requests apart: with a request line and a client, a request that no line
            // names had none (an upstream's own answer passed through). Except a 502/504 nginx made without choosing a
            // peer ($upstream_addr "-": the name did not resolve): nginx wrote a line for it, which the join missed
            // (a client address rewritten by realip on one side only, a renamed field); the lines of the same host
            // around it say which name failed.
            var joinable = !request.Request.IsEmpty && request.Client.Length > 0 && request.Client != "-";
            var noPeer = request.LogsUpstream && request.Status is 502 or 504;
            var context = named is null && (!joinable || noPeer) ? Context(request, errors, options)
                : named is null && request.Status == 503 && joinable ? Limiter(request, errors, options) : null;
            var upstream = named?.Upstream ?? context?.Upstream ?? (!request.LogsUpstream ? "(unknown)" : request.Backend.Length > 0 ? request.Backend : "-");
            var failure = Failure(request, upstream, request.Unaddressed, recovered: !gateway, claimed, claimed);
            if (failure.Host == "-" && context is not null)
            {
                failure.Host = context.Host;
            }

            // Its lines say it tried a server and then found none left ("no live upstreams" naming the block): the
            // server is the block's, as the error log alone says (DiagnosisEngine.TrackedUpstream).
            if (named is { Kind: not FailureKind.NoLiveUpstreams } && claimed.FindLast(e => e.Kind == FailureKind.NoLiveUpstreams) is { } noneLeft)
            {
                failure.Block = noneLeft.Upstream;
            }

            yield return failure;
            yield break;
        }

        // Every server the last location tried failed the request: the servers of one upstream block failing together.
        // Tries before an internal redirect (" : ", an error_page to another upstream) were another location's: its
        // upstream failed on its own terms, with the status nginx gave that try, and the request went on elsewhere.
        // nginx appends the block's name (no port) when it found no live server left: the servers before it are the
        // block's, and the incident is the block's.
        var lastGroup = request.Tries[^1].Group;

        // A 503 after tries is the last server's own answer: nginx makes no 503 for a try (its own come from limit_req,
        // limit_conn or a `return`, with no upstream tried). Servers before it that failed otherwise (refused, timed
        // out: `$upstream_status` 502, 504, or not logged) failed on their own, and nginx moved past them to the one
        // that answered: they did not fail together with it.
        var lastAnswered = request.Status == 503 && failedTries.Take(failedTries.Count - 1).Any(t => t.Group == lastGroup && t.Status != 503);
        var everyTryFailed = gateway && !lastAnswered && failedTries.Count(t => t.Group == lastGroup) == request.Tries.Count(t => t.Group == lastGroup);
        var servers = everyTryFailed
            ? failedTries.Where(t => t.Group == lastGroup && !IsBlockName(t.Address)).Select(t => t.Address).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray()
            : null;
        var block = everyTryFailed ? failedTries.LastOrDefault(t => t.Group == lastGroup && IsBlockName(t.Address))?.Address : null;
        if (servers is { Length: 0 } || (servers is { Length: 1 } && block is null))
        {
            servers = null;
            block = null;
        }

        var remaining = new List<PendingError>(claimed);
        for (var i = 0; i < failedTries.Count; i++)
        {
            var attempt = failedTries[i];
            // A server tried again later in the request: this try's line is the earliest of its lines, when there is
            // one for each try left (a paste that kept fewer kept the lines of the last tries, which decided).
            var triedAgain = failedTries.Skip(i + 1).Where(t => t.Address == attempt.Address).ToList();
            var mine = remaining.Where(e => e.Upstream == attempt.Address).ToList();
            if (triedAgain.Count > 0)
            {
                mine = mine.Count > triedAgain.Count ? [mine.MinBy(e => e.Time)!] : [];
            }

            if (i == failedTries.Count - 1)
            {
                // Error lines that name no upstream we know of belong to the last failed try.
                mine.AddRange(remaining.Where(e => !mine.Contains(e) && !failedTries.Exists(t => t.Address == e.Upstream)));
            }

            remaining.RemoveAll(mine.Contains);

            // When the request failed, every server it tried failed it; when a later server answered, nginx recovered.
            var failure = Failure(request, attempt.Address, attempt, recovered: !gateway, mine, claimed);
            if (attempt.Group != lastGroup)
            {
                failure.Status = attempt.Status is 502 or 503 or 504 ? attempt.Status : failure.Status;
            }
            else
            {
                if (lastAnswered && i < failedTries.Count - 1)
                {
                    // A try nginx moved past: what it would have answered had it stopped there.
                    failure.Status = attempt.Status is 502 or 504 ? attempt.Status : 502;
                }

                // The request counts once per server, on its last try there; every try counts once for the block.
                failure.Servers = servers;
                failure.Block = block;
                failure.EarlierTry = (servers is not null && i < failedTries.Count - 1)
                    || (gateway && triedAgain.Exists(t => t.Group == lastGroup));
            }

            var next = failedAt[i] + 1;
            failure.RetriedOnSameServer = next < request.Tries.Count && request.Tries[next].Address == attempt.Address;
            failure.BlockName = IsBlockName(attempt.Address);
            failure.AfterRedirect = attempt.Group > 0;
            yield return failure;
        }
    }

    /// <summary>
    /// The failure of a 500 nginx answered when its <c>auth_request</c> subrequest's upstream failed: the subrequest's
    /// try (nginx made 502 for it: <c>auth request unexpected status: 502</c>), on the subrequest's upstream, with the
    /// status its client got.
    /// Null when the request claimed no such line (a 500 of nginx's own: a rewrite cycle, a missing file).
    /// </summary>
    public static FailureEvent? SubrequestFailure(PendingRequest request, List<PendingError> claimed)
    {
        if (claimed.FindLast(e => e.InSubrequest || e.NginxAnswered500) is not { } last)
        {
            return null;
        }

        var upstream = last.Upstream.Length > 0 ? last.Upstream : "(unknown)";
        var failure = Failure(request, upstream, attempt: null, recovered: false, claimed, claimed);
        failure.Status = request.Status;
        failure.HistoryKey = HistoryKeys.ForUpstream(last.Upstream);
        return failure;
    }

    /// <summary>An <c>$upstream_addr</c> entry without a port: the block's name nginx logs when no server was live.</summary>
    private static bool IsBlockName(string address) => address.IndexOf(':') < 0 && address is not ("-" or "");

    /// <summary>A failure built from an error line alone (no request claimed it).</summary>
    public static FailureEvent FromErrorLine(PendingError error) => new()
    {
        Time = error.Time,
        Status = StatusFor(error),
        Upstream = error.Upstream.Length > 0 ? error.Upstream : "(unknown)",
        Host = error.Host,
        HistoryKey = HistoryKeys.ForUpstream(error.Upstream),
        Errors = [error],
    };

    /// <summary>The status nginx answers a failure of this kind with: 504 for its timeouts, 503 for limits, 500 for its own
    /// resources, else 502.</summary>
    private static int StatusFor(FailureKind kind) => kind switch
    {
        FailureKind.TimedOut or FailureKind.TimedOutConnecting or FailureKind.TimedOutHandshaking => 504,
        FailureKind.RateLimitRequests or FailureKind.RateLimitConnections or FailureKind.QueueFull => 503,

        // A client nginx closed unanswered: what a load balancer in front reports for it.
        FailureKind.AcceptFailed or FailureKind.WorkerKilled or FailureKind.WorkerCrashed => 502,

        // nginx could not get a connection or a socket for the try, and ngx_http_upstream_connect finalizes the request
        // with 500: no server was tried. So does a request whose body it could not buffer, or whose address did not parse.
        _ when kind.AnsweredBeforeAnyTry() => 500,
        _ => 502,
    };

    /// <summary>
    /// The status of the session or request <paramref name="error"/> failed: the one the client got, which is the
    /// static module's for the page an <c>error_page</c> names when nginx could not open it (<see
    /// cref="PendingError.ErrorPageStatus"/>: the 404 its access line shows). The stream module knows no 504: a TCP or UDP
    /// session whose upstream could not be reached in time (connect or TLS handshake) ends like any other it could not
    /// connect, with <c>$status</c> 502 (ngx_stream_proxy_next_upstream finalizes with NGX_STREAM_BAD_GATEWAY).
    /// </summary>
    public static int StatusFor(PendingError error) =>
        error.ErrorPageStatus is { } page ? page
        : error.StatedStatus is { } stated ? stated
        : error.AnsweredByAuthRequest ? 500
        : error.InLuaBalancer ? 503
        : error.InStreamSession && error.Kind is not (FailureKind.RateLimitRequests or FailureKind.RateLimitConnections) ? 502 : StatusFor(error.Kind);

    /// <summary>0: cannot be the same request; more is likelier: the same connection (4), the same request line or
    /// path (+2), the same client (+1), on top of 1 for "nothing disagrees".</summary>
    public static int Compatibility(PendingRequest request, PendingError error)
    {
        // A resolver's own line names no request; it is attributed by time, never joined.
        if (error.Kind == FailureKind.Resolver)
        {
            return 0;
        }

        // A 500 without an upstream of its own meets only the lines of its subrequests' tries.
        if (request.MaybeFailedSubrequest && !error.InSubrequest && !error.NginxAnswered500)
        {
            return 0;
        }

        var requestAgreement = request.Request.Compare(error.Request);
        if (request.ConnectionId >= 0 && error.ConnectionId >= 0)
        {
            // A connection number names the connection, not the request: a keep-alive connection (a client, a load
            // balancer) carries requests to every host and location, so the rest must fit too.
            return request.ConnectionId == error.ConnectionId && requestAgreement != RequestAgreement.Disagree
                && HostAgrees(request, error) && TriedThere(request, error) && StatusFits(request, error, requestAgreement)
                ? error.Kind == FailureKind.Script ? 1 : 4
                : 0;
        }

        if (!(Agrees(request.Client, error.Client) || Forwarded(request, error)) || requestAgreement == RequestAgreement.Disagree || !HostAgrees(request, error))
        {
            return 0;
        }

        if (!TriedThere(request, error))
        {
            return 0;
        }

        if (!StatusFits(request, error, requestAgreement))
        {
            return 0;
        }

        if (error.Kind == FailureKind.Script)
        {
            // The script's line goes to a request that has no line of nginx's own about its upstream.
            return 1;
        }

        return 1 + (requestAgreement == RequestAgreement.Agree ? 2 : 0) + (request.Client.Length > 0 && error.Client.Length > 0 ? 1 : 0);
    }

    /// <summary>
    /// The upstream and host the error lines around a request name, when the request has none of its own: the most
    /// frequent among lines of a compatible host in its join window, claimed or not (they are other requests' lines,
    /// failing the same way at the same time).
    /// </summary>
    private static PendingError? Context(PendingRequest request, List<PendingError> errors, DiagnosisOptions options)
    {
        var (from, to) = Window(request, options);
        var counts = new Dictionary<string, (int Count, PendingError Sample)>(StringComparer.Ordinal);
        for (var i = LowerBound(errors, from); i < errors.Count && errors[i].Time <= to; i++)
        {
            var error = errors[i];
            // A 503 nginx answered itself is limit_req/limit_conn's; a 502/504 without an address is the upstream's.
            var rateLimit = error.Kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections;
            var bothHostless = request.Host == "-" && error.Host == "-";
            if (error.Upstream.Length == 0 || error.Kind == FailureKind.Resolver || rateLimit != (request.Status == 503)
                || !HostAgrees(request, error) || (bothHostless && !Agrees(request.Client, error.Client)))
            {
                continue;
            }

            var (count, sample) = counts.GetValueOrDefault(error.Upstream);
            counts[error.Upstream] = (count + 1, sample ?? error);
        }

        return counts.Count == 0 ? null : counts.Values.OrderByDescending(c => c.Count).First().Sample;
    }

    /// <summary>
    /// A 503 no line names, of the client and request line a limiter rejected in its join window (claimed by the same
    /// request sent again that second, say): limit_req and limit_conn write a line for each rejection, so its own was
    /// left out of the excerpt, and it was rejected the same way, not passed through from an upstream.
    /// </summary>
    private static PendingError? Limiter(PendingRequest request, List<PendingError> errors, DiagnosisOptions options)
    {
        var (from, to) = Window(request, options);
        for (var i = LowerBound(errors, from); i < errors.Count && errors[i].Time <= to; i++)
        {
            var error = errors[i];
            if (error.Kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections
                && Agrees(request.Client, error.Client) && request.Request.Compare(error.Request) == RequestAgreement.Agree && HostAgrees(request, error))
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>
    /// The error line's upstream is one the request tried, when both name one. A request logged with
    /// <c>$upstream_addr</c> <c>-</c> (or empty) is one for which nginx chose no peer (its name did not resolve): a
    /// line about a try to a peer is another request's, on the same keep-alive or HTTP/2 connection perhaps.
    /// </summary>
    private static bool TriedThere(PendingRequest request, PendingError error)
    {
        if (error.Upstream.Length == 0 || error.Upstream == "-" || request.MaybeFailedSubrequest)
        {
            return true;
        }

        if (request.Tries.Count > 0)
        {
            return request.Tries.Exists(t => t.Address == error.Upstream);
        }

        return !request.LogsUpstream || error.Kind.ChoseNoPeer();
    }

    /// <summary>
    /// Whether a line of this kind can be about a request that ended with its status: nginx answers 504 for its own
    /// timeouts, 503 for limit_req/limit_conn and 502 for every other failure of the try whose answer the client got.
    /// A request that went to several servers (or whose tries are not logged and that succeeded) may carry any line of
    /// a try nginx moved on from. An <c>error_page 504 =502</c> makes a timeout's answer a 502: where the access log
    /// shows neither the upstream nor its status, one whose request line is the timeout line's takes it.
    /// </summary>
    private static bool StatusFits(PendingRequest request, PendingError error, RequestAgreement requestAgreement)
    {
        var kind = error.Kind;
        if (request.Rejection)
        {
            return kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections;
        }

        if (request.MaybeFailedSubrequest)
        {
            return kind is not (FailureKind.RateLimitRequests or FailureKind.RateLimitConnections or FailureKind.Script);
        }

        if (kind == FailureKind.Script)
        {
            // The script chose the status.
            return true;
        }

        if (kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections)
        {
            // A request limit_req or limit_conn rejected got the limit's status (limit_req_status: 503, 429…) before any
            // upstream was tried: one that was served, or went to an upstream, is another request of the same second.
            return request.Status >= 400 && request.Tries.Count == 0;
        }

        var expected = StatusFor(error);
        return request.Status == expected || request.Tries.Count > 1 || request.Status is not (502 or 503 or 504)
            || (expected == 504 && request.Status == 502 && !request.LogsUpstream && !request.LogsUpstreamStatus && requestAgreement == RequestAgreement.Agree);
    }

    private static DateTimeOffset Second(DateTimeOffset time) => time.AddTicks(-(time.UtcTicks % TimeSpan.TicksPerSecond));

    private static (DateTimeOffset From, DateTimeOffset To) Window(PendingRequest request, DiagnosisOptions options) =>
        ((request.Began ?? request.Time - options.JoinLookback) - options.JoinSkew, request.Time + options.JoinSkew);

    private static bool HostAgrees(PendingRequest request, PendingError error)
    {
        // A host the error line took from its server: name says nothing of the Host the request sent.
        if (request.Host != "-" && error.Host != "-" && !error.HostFromServer)
        {
            // A "host" that is the error line's client address holds $remote_addr, whatever the format calls it.
            return request.Host == error.Host || request.Host == error.Client;
        }

        // Only the server block's name on the access side: compare it with the error line's server:.
        return request.ServerName.Length == 0 || error.Server.Length == 0 || request.ServerName == error.Server || request.ServerName == error.Host;
    }

    /// <summary>The error line's client is an address of the request's forwarded-for field (<see cref="PendingRequest.Forwarded"/>).</summary>
    private static bool Forwarded(PendingRequest request, PendingError error)
    {
        if (request.Forwarded.Length == 0 || error.Client.Length == 0)
        {
            return false;
        }

        var hops = request.Forwarded.AsSpan();
        foreach (var hop in hops.Split(','))
        {
            if (hops[hop].Trim().SequenceEqual(error.Client))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Two clients agree unless both are addresses and differ. nginx logs an address on both sides; anything else was
    /// masked before it was posted or shipped (<c>192.168.x.x</c>, <c>XXX</c>, <c>&lt;IP&gt;</c>), often on one side
    /// only, and names nobody.
    /// </summary>
    private static bool Agrees(string a, string b) =>
        a.Length == 0 || b.Length == 0 || string.Equals(a, b, StringComparison.Ordinal)
        || ValueShapes.IsMaskedIPv4(a) || ValueShapes.IsMaskedIPv4(b) || !AddressLike(a) || !AddressLike(b);

    /// <summary>
    /// Written as nginx writes an address: IPv4's digits and dots, IPv6's hex digits and colons, or <c>unix:</c>. A value
    /// with other letters in it is an author's mask, however it starts (<c>2001:ipv6</c>, <c>2001:Up</c>). Called for
    /// every pair the join compares.
    /// </summary>
    private static bool AddressLike(string value) =>
        value.StartsWith("unix:", StringComparison.Ordinal)
        || ((char.IsAsciiDigit(value[0]) || value.Contains(':', StringComparison.Ordinal)) && !value.AsSpan().ContainsAnyExcept(AddressChars));

    private static readonly System.Buffers.SearchValues<char> AddressChars = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF.:[]%");

    private static bool IsFailedTry(UpstreamTry attempt) => attempt.Status is 0 or >= 502 and <= 504;

    /// <summary>
    /// The last try answered an <c>error_page</c>'s redirect (<c>$upstream_status</c> <c>503 : 200</c>): an earlier
    /// location's upstream failed, and the page or location the error_page named answered for it. Without <c>=</c> in
    /// the directive nginx keeps the failure's status for that answer, so the client's 502–504 is the earlier try's,
    /// not the last upstream's, which served.
    /// </summary>
    private static bool AnsweredTheRedirect(PendingRequest request) =>
        request.Tries[^1] is { Group: > 0, Status: >= 100 and < 500 } last && request.Tries.Exists(t => t.Group < last.Group && IsFailedTry(t));

    /// <summary>
    /// A failure of <paramref name="request"/> on one upstream, with the <paramref name="errors"/> about that try; its
    /// host, when the access log has none, is the one its <paramref name="claimed"/> lines name (a try without a line
    /// of its own was on the same host).
    /// </summary>
    private static FailureEvent Failure(PendingRequest request, string upstream, UpstreamTry? attempt, bool recovered, List<PendingError> errors, List<PendingError> claimed) => new()
    {
        Time = request.Time,
        Status = request.Status,
        Upstream = upstream,
        Host = request.Host is not ("" or "-") ? request.Host : claimed.FirstOrDefault(e => e.Host != "-")?.Host ?? "-",
        HistoryKey = request.LogsUpstream && upstream is not ("-" or "(unknown)") && upstream != request.Backend ? HistoryKeys.ForUpstream(upstream) : request.HistoryKey,
        Recovered = recovered,
        UpstreamStatus = attempt?.Status ?? 0,
        ConnectTime = attempt?.ConnectTime,
        HeaderTime = attempt?.HeaderTime,
        ResponseTime = attempt?.ResponseTime,
        Received = attempt?.Received,
        RequestSeconds = request.RequestSeconds,
        BodyBytes = request.BodyBytes,
        FromAccessLog = true,
        LogsUpstream = request.LogsUpstream,
        ByNginxProxy = request.ByNginxProxy,
        Backend = upstream == request.Backend ? request.Backend : "",
        LogsConnectTime = request.LogsConnectTime,
        LogsHeaderTime = request.LogsHeaderTime,
        LogsReceived = request.LogsReceived,
        AccessRaw = request.Raw,
        AccessRequest = request.Request.IsEmpty ? null : request.Request.ToString(),
        Route = request.Route,
        Errors = errors,
    };

    private static int LowerBound(List<PendingError> errors, DateTimeOffset from)
    {
        int lo = 0, hi = errors.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (errors[mid].Time < from)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
