using System.Globalization;
using System.Runtime.InteropServices;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>Incident tracking: failures applied to the tracker of their upstream and host (or of the block it belongs to), and trackers closed after a quiet period.</summary>
internal sealed partial class DiagnosisEngine
{
    private void Apply(FailureEvent failure)
    {
        if (State.History.TryGetValue(failure.HistoryKey, out var history) || TryAddHistory(failure.HistoryKey, out history))
        {
            if (!failure.Attributed)
            {
                history.RecordFailure(failure.Time, failure.Recovered, failure.Status, failure.Errors.Exists(e => e.Kind.AfterConnect()));
            }
        }

        var key = TrackerKey(failure);
        var countsAsFailure = !failure.Recovered && !failure.Attributed;
        if (countsAsFailure && failure is { NginxAnswered503: true, Route.Length: > 0 } && State.HotRoutes.TryGetValue(failure.Route, out var route))
        {
            // Applied a join horizon after its time, so the successes of the second after it are in.
            var second = failure.Time.ToUnixTimeSeconds();
            failure.RouteServedMeanwhile = route.Served.Get(second - 1) + route.Served.Get(second) + route.Served.Get(second + 1) > 0;
        }

        var changedState = false;
        if (State.Trackers.TryGetValue(key, out var tracker) && tracker.IsOpen && countsAsFailure)
        {
            // A quiet period has passed in log time since the last failure: that incident is over, whatever the
            // batches and runs the lines came in. Or the server is failing in another state from now on.
            var quiet = failure.Time - tracker.Last >= _options.QuietPeriod;
            changedState = !quiet && ChangedState(tracker, failure);
            if (quiet || changedState)
            {
                Close(key, tracker);
                tracker = null;
            }
        }

        if (tracker is null)
        {
            if (!countsAsFailure)
            {
                return;
            }

            tracker = new IncidentTracker
            {
                Upstream = key[..key.IndexOf(KeySeparator)],
                Host = failure.Host,
                HistoryKey = failure.HistoryKey,
                Servers = failure.Servers?.ToList(),
                Block = NamesBlock(failure) ? failure.Upstream : failure.Block,
                SiteServedJustBefore = State.Site.ServedBetween(failure.Time - IncidentClassifier.SiteStillWorking, failure.Time),
                OpenedAt = failure.Time,
                TypicalMillisWhenOpened = history?.TypicalMillis(),
                AfterStateChange = changedState,
            };
            State.Trackers[key] = tracker;
        }

        Stats.FailedRequests += countsAsFailure && !failure.EarlierTry ? 1 : 0;
        if (FailuresPerMinute is not null && countsAsFailure && !failure.EarlierTry)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(FailuresPerMinute, failure.Time.ToUnixTimeSeconds() / 60, out _)++;
        }

        tracker.HistoryMixed |= countsAsFailure && failure.HistoryKey != tracker.HistoryKey;
        if (countsAsFailure && NamesBlock(failure) && (tracker.NoneLiveSince is not { } since || failure.Time < since))
        {
            tracker.NoneLiveSince = failure.Time;
        }

        // A route's history, when the error lines tie its failure to the tracker's named upstream: what it served was
        // that upstream's too (see IncidentTracker.ServedBeforeOnOtherRoutes), for every host (EngineState.UpstreamsServedBefore).
        if (countsAsFailure && failure.HistoryKey != tracker.HistoryKey && !HistoryKeys.IsUpstream(failure.HistoryKey)
            && tracker.Upstream is not ("(unknown)" or "-") && history is not null)
        {
            var before = tracker.IsOpen && tracker.Start < failure.Time ? tracker.Start : failure.Time;
            tracker.ServedBeforeOnOtherRoutes = Math.Max(tracker.ServedBeforeOnOtherRoutes, history.ServedBefore(before));
        }

        // A path's, when the format logs neither upstream nor host, before the tracker's first failure (later, the
        // path's own failures masked as 404s by a missing error page would count as served).
        if (countsAsFailure && failure.Errors.Count > 0 && HistoryKeys.IsPath(failure.HistoryKey) && tracker.Upstream is not ("(unknown)" or "-")
            && history is not null && history.ServedBefore(FirstFailure(tracker, failure)) > 0)
        {
            Note(State.UpstreamsServedBefore, tracker.Upstream, failure.Time);
        }

        tracker.WentToNextServer |= countsAsFailure && failure.Errors.Exists(e => e.NextServerTried);
        tracker.Add(failure, _options, history is null ? null : since => AccessLogCovers(since) ? history.LastServed > since : null);
        if (tracker.IsOpen && countsAsFailure)
        {
            tracker.CountServedUntil(failure.Time, ServedPerSecond(tracker));
        }
    }

    /// <summary>
    /// The server changed state under an open incident: every request it failed so far found nothing listening
    /// (connection refused, the unix socket missing) and this one found a listener that took the connection and never
    /// answered (nginx's own timer, a 504), or the other way round. That is a process that came back and hangs, or a
    /// hung one that was killed or crashed: two states, two causes, two fixes, so two incidents. So is a server whose
    /// answers nginx's configuration could not take (a header too big for its buffer, another protocol) that then stops
    /// listening, or the other way round: a misconfiguration, then an outage. Only for one server
    /// (a block's servers fail each in their own way at once) with failures enough to be an incident of their own, and
    /// once per incident: a crash loop alternates, and its first change is told; the rest stays one incident. The
    /// states come from the error lines, or, for an incident no error line speaks for, from the access log's upstream
    /// variables (<see cref="AccessStateOf(FailureEvent)"/>).
    /// </summary>
    private bool ChangedState(IncidentTracker tracker, FailureEvent failure)
    {
        if (tracker.AfterStateChange || tracker.Servers is not null || tracker.Block is not null || failure.Servers is not null
            || tracker.FailedRequests < _options.MinFailures)
        {
            return false;
        }

        var (now, before) = failure.Errors.Count > 0
            ? (StateOf(failure.Errors.Select(e => e.Kind)),
                StateOf(tracker.Kinds.Where(k => k.Value > tracker.ToleratedKinds.GetValueOrDefault(k.Key)).Select(k => k.Key)))
            : tracker.Kinds.Count == 0 ? (AccessStateOf(failure), AccessStateOf(tracker)) : (ServerState.Unknown, ServerState.Unknown);
        return now != ServerState.Unknown && before != ServerState.Unknown && now != before;

        static ServerState StateOf(IEnumerable<FailureKind> kinds)
        {
            var state = ServerState.Unknown;
            foreach (var kind in kinds)
            {
                if (kind is FailureKind.Reset or FailureKind.PrematureClose)
                {
                    // A hung process killed closes the connections nginx was waiting on: those closes are the change
                    // itself, not a third state.
                    continue;
                }

                var of = kind switch
                {
                    FailureKind.Refused or FailureKind.MissingSocket or FailureKind.SocketPathWithUri => ServerState.NothingListening,
                    FailureKind.TimedOut => ServerState.NotAnswering,
                    FailureKind.TooBigHeader or FailureKind.NotFastCgi or FailureKind.NotHttp2 or FailureKind.PlainTextAnswer => ServerState.AnswerNginxCannotTake,
                    _ => ServerState.Mixed,
                };
                state = state == ServerState.Unknown || state == of ? of : ServerState.Mixed;
            }

            return state == ServerState.Mixed ? ServerState.Unknown : state;
        }
    }

    /// <summary>
    /// The same two states read from the access log alone, where nginx's upstream variables tell them apart: a 502
    /// with <c>$upstream_status</c> 502 and no <c>$upstream_connect_time</c> found nothing to connect to (the time is
    /// set once a connection, and its TLS handshake, is made); a 504 nginx made itself (nothing of a response header
    /// received) is its timer firing on a server that took the connection.
    /// </summary>
    private static ServerState AccessStateOf(FailureEvent failure) => failure switch
    {
        { FromAccessLog: false } => ServerState.Unknown,
        { Status: 502, UpstreamStatus: 502, LogsConnectTime: true, ConnectTime: null } => ServerState.NothingListening,
        { Status: 504, UpstreamStatus: 504, HeaderTime: null } when failure.Received is null or 0 => ServerState.NotAnswering,
        _ => ServerState.Unknown,
    };

    /// <summary>An incident's state from the access log alone: every failed request so far in the one state.</summary>
    private static ServerState AccessStateOf(IncidentTracker tracker)
    {
        if (tracker.WithoutErrorLine != tracker.FailedRequests || tracker.Statuses.Count != 1)
        {
            return ServerState.Unknown;
        }

        return tracker.Statuses.ContainsKey(502) && tracker.NotConnected == tracker.FailedRequests ? ServerState.NothingListening
            : tracker.Statuses.ContainsKey(504) && tracker.UpstreamAnswered + tracker.NoUpstreamContacted + tracker.NoneLive == 0 ? ServerState.NotAnswering
            : ServerState.Unknown;
    }

    private enum ServerState
    {
        Unknown,
        Mixed,
        NothingListening,
        NotAnswering,

        /// <summary>The server answered, in a way nginx's configuration cannot take (a header larger than its buffer,
        /// another protocol than the one it speaks there): running, and misconfigured.</summary>
        AnswerNginxCannotTake,
    }

    /// <summary>
    /// What served, second by second, for the upstream a tracker follows: its own history's; under a host key (the
    /// format logs no upstream), its route's while every failed request went to one route, since the host's other
    /// locations may have other upstreams; none otherwise.
    /// </summary>
    private SecondCounts? ServedPerSecond(IncidentTracker tracker) =>
        !HistoryKeys.IsHost(tracker.HistoryKey) ? State.History.GetValueOrDefault(tracker.HistoryKey)?.ServedPerSecond
        : tracker.OnOneRoute ? State.HotRoutes.GetValueOrDefault(tracker.Route)?.Served
        : null;

    /// <summary>
    /// Resolves incidents whose last failure is a quiet period behind, once every line that could still belong to
    /// them has been joined. Where the access log covers that quiet period, only its failed requests (joined
    /// <see cref="DiagnosisOptions.JoinSkew"/> behind) can extend an incident, and error lines up to the last failure
    /// must have been joined too (they wait <see cref="Horizon"/> for their request); where it does not (an error log
    /// alone), the error lines are the failures, so the quiet period is counted from how far they have been joined.
    /// </summary>
    private void CloseQuiet(DateTimeOffset watermark)
    {
        var joinedUpTo = watermark - Horizon;
        List<(string, IncidentTracker)>? done = null;
        foreach (var (key, tracker) in State.Trackers)
        {
            var accessCovers = State.AccessWatermark is { } seen && seen >= tracker.Last + _options.QuietPeriod;
            // Failures still buffered expire once none that could join them in the window can come any more: from the
            // access log, joined just behind the watermark; from error lines alone, released only as far as they have
            // been joined (a Horizon behind it), so a sparse error log's failures would otherwise expire on arrival.
            var finished = tracker.IsOpen
                ? accessCovers
                    ? watermark - _options.JoinSkew - tracker.Last >= _options.QuietPeriod && joinedUpTo >= tracker.Last
                    : joinedUpTo - tracker.Last >= _options.QuietPeriod
                : tracker.Expire(State.AccessWatermark is { } reached && reached >= LastFailure(tracker) + _options.Window ? watermark : joinedUpTo, _options);
            if (finished)
            {
                (done ??= []).Add((key, tracker));
            }
        }

        done?.ForEach(d => Close(d.Item1, d.Item2));
        if (State.HotRoutes.Count > 0)
        {
            ExpireHotRoutes(watermark);
        }

        Forget(State.DisabledAfterAnswer, watermark, TimeSpan.FromHours(1));
        Forget(State.LoopingUpstreams, watermark, TimeSpan.FromHours(1));

        // A group's servers change with its configuration, not its health: kept longer.
        Forget(State.ServersWithPeers, watermark, TimeSpan.FromDays(1));
        Forget(State.UpstreamsServedBefore, watermark, TimeSpan.FromDays(1));
    }

    private static void Forget(Dictionary<string, DisabledNote> notes, DateTimeOffset watermark, TimeSpan after)
    {
        foreach (var (key, note) in notes)
        {
            if (watermark - note.Last > after)
            {
                notes.Remove(key);
            }
        }
    }

    private void Close(string key, IncidentTracker tracker)
    {
        if (tracker.IsOpen)
        {
            _resolved.Add(IncidentFactory.Create(tracker, IncidentState.Resolved, State, _options));
        }

        State.Trackers.Remove(key);
        if (State.BlockOf.Count > 0)
        {
            foreach (var alias in State.BlockOf.Where(a => a.Value == tracker.Upstream && a.Key.EndsWith(KeySeparator + tracker.Host, StringComparison.Ordinal)).ToList())
            {
                State.BlockOf.Remove(alias.Key);
            }
        }
    }

    /// <summary>
    /// The upstream whose tracker takes a failure. When every server a request tried failed it, those servers are one
    /// upstream block failing together: one incident, not one per server. nginx then marks the servers down (after
    /// <c>max_fails</c>) and, until <c>fail_timeout</c> passes, answers at once with "no live upstreams", logging the
    /// block's name as <c>$upstream_addr</c>: on the same host, that name joins the servers' tracker (it takes the
    /// name; the incident keeps the id it was first given). Later failures of any of those
    /// servers on that host go to the same tracker until it closes.
    /// </summary>
    private string TrackedUpstream(FailureEvent failure)
    {
        var host = failure.Host;
        if (State.BlockOf.TryGetValue(TrackerKey(failure.Upstream, host), out var linked) && State.Trackers.ContainsKey(TrackerKey(linked, host)))
        {
            return linked;
        }

        if (failure.Servers is { } servers)
        {
            foreach (var server in servers)
            {
                if (State.BlockOf.TryGetValue(TrackerKey(server, host), out var other) && State.Trackers.ContainsKey(TrackerKey(other, host)))
                {
                    Link(servers, host, other);
                    return other;
                }
            }

            // A block whose name nginx already logged on this host, its servers not yet known.
            var named = Candidates(host, failure.Time, t => t.Servers is null && t.Block == t.Upstream);
            var target = named is { } block ? block.Upstream : failure.Block ?? servers[0];
            if (named is not null)
            {
                // The block's name never serves (nginx logs it only when no server is live): its servers' history does.
                named.Servers = [.. servers];
                named.HistoryKey = failure.HistoryKey;
            }

            Link(servers, host, target);
            return target;
        }

        if (failure.Block is { } ofBlock && !NamesBlock(failure) && SecondServerOf(ofBlock, failure) is { } blockTracker)
        {
            return blockTracker;
        }

        if (!NamesBlock(failure) && failure.Errors.Count > 0 && failure.Errors.TrueForAll(e => FailedToConnect(e.Kind))
            && !State.Trackers.ContainsKey(TrackerKey(failure.Upstream, host))
            && FailingAround(host, failure.Time, failure.Errors.Exists(e => e.NextServerTried) ? t => t.Block == t.Upstream : null) is { } marked
            && marked.Block == marked.Upstream
            && !ServedWhileNoneLive(failure.Upstream, marked))
        {
            // A server of the block nginx has been answering "no live upstreams" for on this host, the only incident
            // there (the capture began with it marked down, or nginx tries it again once fail_timeout has passed).
            return AddServer(marked, failure.Upstream);
        }

        if (NamesBlock(failure) && !State.Trackers.ContainsKey(TrackerKey(failure.Upstream, host))
            && (Candidates(host, failure.Time, t => t.Servers is not null && t.Block is null)
                ?? Candidates(host, failure.Time, t => t.Servers is null && t.Block == failure.Upstream && t.Upstream != failure.Upstream)
                ?? LoneServerOfBlock(host, failure.Time)) is { } together)
        {
            return RenameToBlock(together, failure.Upstream);
        }

        if (!NamesBlock(failure) && !State.Trackers.ContainsKey(TrackerKey(failure.Upstream, host)) && UpstreamAddress.OtherLoopback(failure.Upstream) is { } twin
            && (State.BlockOf.TryGetValue(TrackerKey(twin, host), out var twinBlock) ? twinBlock : twin) is var twinUpstream
            && State.Trackers.TryGetValue(TrackerKey(twinUpstream, host), out var pair))
        {
            // `localhost` resolves to both loopbacks, and nginx tries each as a server of the name's implicit block
            // ("[::1]:8000, 127.0.0.1:8000"): failing on one host, they are one service failing, not two.
            pair.Servers ??= [pair.Upstream];
            return AddServer(pair, failure.Upstream);
        }

        return failure.Upstream;
    }

    /// <summary>
    /// A request that tried one server of <paramref name="block"/> and found none left (the error log alone: the server's
    /// line, then "no live upstreams" naming the block, one connection): where another server of the same block has an
    /// incident on this host, under the block's name or still its own, the block has two servers failing, and their
    /// incident is the block's. Null while the server is the only one of its block seen failing: the incident keeps its
    /// name (a block of one server is that server).
    /// </summary>
    private string? SecondServerOf(string block, FailureEvent failure)
    {
        var host = failure.Host;
        if (State.Trackers.TryGetValue(TrackerKey(block, host), out var named))
        {
            return AddServer(named, failure.Upstream);
        }

        if (Candidates(host, failure.Time, t => t.Servers is null && t.Block == block && t.Upstream != failure.Upstream && t.Upstream != block) is not { } other)
        {
            return null;
        }

        other.Servers = [other.Upstream, failure.Upstream];
        return RenameToBlock(other, block);
    }

    /// <summary>A server joins the block a tracker follows: later failures of it on that host go to the same tracker.</summary>
    private string AddServer(IncidentTracker tracker, string server)
    {
        tracker.Servers ??= [];
        if (!tracker.Servers.Contains(server))
        {
            tracker.Servers.Add(server);
        }

        Link([server], tracker.Host, tracker.Upstream);
        return tracker.Upstream;
    }

    /// <summary>The tracker of a server (or of servers failing together) takes its block's name; the incident keeps the
    /// id it was opened under, and every server of it goes to the block's tracker on that host.</summary>
    private string RenameToBlock(IncidentTracker tracker, string block)
    {
        tracker.Servers ??= [tracker.Upstream];
        tracker.Block = block;
        tracker.IdUpstream ??= tracker.Upstream;
        State.Trackers.Remove(TrackerKey(tracker.Upstream, tracker.Host));
        tracker.Upstream = block;
        State.Trackers[TrackerKey(block, tracker.Host)] = tracker;
        Link(tracker.Servers, tracker.Host, block);
        return block;
    }

    /// <summary>
    /// A block of one server (the usual <c>upstream app { server 10.0.0.5:8080; }</c>), or of servers the access log
    /// does not name: its tries fail, nginx marks them down and logs "no live upstreams" under the block's name until
    /// <c>fail_timeout</c> passes. The one server of the host that failed just before, in a way that marks a server
    /// failed (<see cref="MarksServerFailed"/>), when no tracker of several servers is live there.
    /// </summary>
    private IncidentTracker? LoneServerOfBlock(string host, DateTimeOffset time) =>
        Candidates(host, time, t => t.Servers is not null && t.Block is null) is null
        && FailingAround(host, time, t => t.WentToNextServer) is { Servers: null, Block: null } tracker
        && tracker.Upstream.Contains(':', StringComparison.Ordinal)
        && (tracker.IsOpen ? tracker.Kinds.Keys : tracker.Buffered.SelectMany(f => f.Errors).Select(e => e.Kind)) is var kinds
        && kinds.Any() && kinds.All(MarksServerFailed)
            ? tracker : null;

    /// <summary>
    /// The one tracker of <paramref name="host"/> that failed within <see cref="FailTimeoutReach"/> of
    /// <paramref name="time"/>; when several did, the one of them that is <paramref name="preferred"/> (another
    /// upstream of the host failing at the same time, a PHP-FPM socket beside a proxied block, is then told apart by
    /// what nginx said of the block's servers); null otherwise (which server belongs to the block is not guessed).
    /// </summary>
    private IncidentTracker? FailingAround(string host, DateTimeOffset time, Func<IncidentTracker, bool>? preferred = null)
    {
        var around = State.Trackers.Values
            .Where(t => t.Host == host && t.Upstream != "-" && (time - LastFailure(t)).Duration() <= FailTimeoutReach)
            .ToList();
        if (around.Count != 1 && preferred is not null)
        {
            around = [.. around.Where(preferred)];
        }

        return around.Count == 1 ? around[0] : null;
    }

    /// <summary>
    /// The access log shows <paramref name="server"/> answering after nginx began saying "no live upstreams" for
    /// <paramref name="block"/>'s block: nginx says that only when every server of the block is marked down, so a
    /// server still serving then belongs to another location (a unix socket of PHP-FPM beside a proxied block).
    /// </summary>
    private bool ServedWhileNoneLive(string server, IncidentTracker block) =>
        State.History.TryGetValue(HistoryKeys.ForUpstream(server), out var history)
        && history.LastServed > block.NoneLiveSince;

    private static DateTimeOffset LastFailure(IncidentTracker tracker) =>
        tracker.IsOpen ? tracker.Last : tracker.Buffered.Count > 0 ? tracker.Buffered[^1].Time : DateTimeOffset.MinValue;

    /// <summary>The failure names an upstream block, not a server: the access log's <c>$upstream_addr</c> gave a name
    /// without a port, or nginx said "no live upstreams" of it.</summary>
    private static bool NamesBlock(FailureEvent failure) =>
        failure.BlockName || (failure.Errors.Count > 0 && failure.Errors.TrueForAll(e => e.Kind == FailureKind.NoLiveUpstreams));

    /// <summary>A try that failed before nginx was connected: what marks a server failed and then down (connect()
    /// refused by the kernel's policy, SELinux or a firewall's reject with EACCES, too: ngx_event_connect_peer fails
    /// the peer for it as for a refusal).</summary>
    private static bool FailedToConnect(FailureKind kind) => kind is FailureKind.Refused or FailureKind.Unreachable or FailureKind.MissingSocket or FailureKind.SocketPathWithUri
        or FailureKind.PermissionDenied
        or FailureKind.TimedOutConnecting or FailureKind.ResetConnecting or FailureKind.ResourceUnavailable;

    /// <summary>
    /// A try that counts toward the server's <c>max_fails</c>: every failure before nginx had the response's header
    /// (ngx_http_upstream_next marks the peer failed for all but a 403 or 404 it was told to pass over), so a connect
    /// that failed, a TLS handshake, a reset, a close, a timeout or a header nginx could not read. A body cut later
    /// marks nothing (no next server can be tried then); its phase says so, and it is read apart.
    /// </summary>
    private static bool MarksServerFailed(FailureKind kind) => FailedToConnect(kind) || kind.AfterConnect()
        || kind is FailureKind.WrongScheme or FailureKind.TimedOutHandshaking;

    /// <summary>The one tracker of <paramref name="host"/> still taking failures at <paramref name="time"/> that
    /// matches; null when none or several do (two blocks failing at once on one host are not told apart).</summary>
    private IncidentTracker? Candidates(string host, DateTimeOffset time, Func<IncidentTracker, bool> match)
    {
        IncidentTracker? found = null;
        foreach (var tracker in State.Trackers.Values)
        {
            var live = tracker.IsOpen ? time - tracker.Last < _options.QuietPeriod : tracker.Buffered.Count > 0;
            if (tracker.Host == host && live && match(tracker))
            {
                if (found is not null)
                {
                    return null;
                }

                found = tracker;
            }
        }

        return found;
    }

    private void Link(IEnumerable<string> servers, string host, string upstream)
    {
        foreach (var server in servers)
        {
            if (server != upstream)
            {
                State.BlockOf[TrackerKey(server, host)] = upstream;
            }
        }
    }

    private static string TrackerKey(string upstream, string host) => upstream + KeySeparator + host;

    /// <summary>
    /// The tracker of a failure. Where the format logs no upstream at all, a host's 502s, 503s and 504s are told apart
    /// by their status alone: nginx's timer makes its 504s, limit_req its 503s, and a refused or broken connection its
    /// 502s, so a host whose one upstream refused while another timed out has two incidents, each with its own cause.
    /// </summary>
    private string TrackerKey(FailureEvent failure)
    {
        var key = TrackerKey(TrackedUpstream(failure), failure.Host);
        return failure.Upstream == "(unknown)" && failure.Status is 503 or 504
            ? key + KeySeparator + failure.Status.ToString(CultureInfo.InvariantCulture)
            : key;
    }

    /// <summary>The earliest failure of the tracker's current run: its incident's start, else the first one it holds.</summary>
    private static DateTimeOffset FirstFailure(IncidentTracker tracker, FailureEvent failure)
    {
        var first = tracker.IsOpen && tracker.Start < failure.Time ? tracker.Start : failure.Time;
        foreach (var held in tracker.Buffered)
        {
            first = held.Time < first ? held.Time : first;
        }

        return first;
    }
}
