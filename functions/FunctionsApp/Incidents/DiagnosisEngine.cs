using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// The streaming diagnosis engine. Feed it parsed access and error lines in roughly time order, call
/// <see cref="AdvanceTo"/> as time passes, and collect incidents. Successful requests only update
/// counters; failures wait in a short join window for their error lines; memory is bounded by the
/// window and the number of upstreams, not by the size of the logs. All state is in <see cref="State"/>.
/// </summary>
/// <remarks>
/// Incidents open and close on log time only, never on when lines were read: failures reach the incident trackers in
/// time order, a failure that comes a quiet period after the last one starts a new incident, and an incident closes
/// only once every line that could still belong to it has been joined. So the same lines give the same incidents
/// whether they come in one pass or in many batches across runs with the state saved in between.
/// </remarks>
internal sealed class DiagnosisEngine
{
    private const char KeySeparator = '\u001f';

    /// <summary>How soon after a server's last failed try its block's "no live upstreams" can follow: nginx's
    /// <c>fail_timeout</c> (10 s by default) with room for a longer setting.</summary>
    private static readonly TimeSpan FailTimeoutReach = TimeSpan.FromSeconds(30);

    private readonly DiagnosisOptions _options;
    private readonly Dictionary<string, UpstreamHistory>.AlternateLookup<ReadOnlySpan<char>> _history;
    private readonly List<Incident> _resolved = [];

    public DiagnosisEngine(DiagnosisOptions options, EngineState? state = null)
    {
        _options = options;
        State = state ?? new EngineState();
        if (State.History.Comparer != StringComparer.Ordinal)
        {
            State.History = new Dictionary<string, UpstreamHistory>(State.History, StringComparer.Ordinal);
        }

        _history = State.History.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public EngineState State { get; }

    public AnalysisStats Stats => State.Stats;

    /// <summary>The UTC offset to read error-log times with: configured, learned from the access log, or UTC.</summary>
    public TimeSpan ErrorLogOffset => _options.ErrorLogUtcOffset ?? State.ErrorLogOffset ?? TimeSpan.Zero;

    /// <summary>Whether the error log's offset is configured (then nothing learns or infers it).</summary>
    public bool ErrorLogOffsetConfigured => _options.ErrorLogUtcOffset is not null;

    /// <summary>How <see cref="ErrorLogOffset"/> was found, for the report.</summary>
    public string ErrorLogOffsetSource => ErrorLogOffsetConfigured ? "configured"
        : State.ErrorLogOffset is null ? "assumed UTC"
        : Stats.ErrorLogOffsetSource.Length > 0 ? Stats.ErrorLogOffsetSource : "access log";

    /// <summary>Reads the error log's local times in <paramref name="offset"/> from now on (unless configured).</summary>
    public void UseErrorLogOffset(TimeSpan offset, string source)
    {
        State.ErrorLogOffset = offset;
        Stats.ErrorLogOffsetSource = source;
    }

    /// <summary>The offset an access line's time was written in: nginx writes both logs in its local time, so the
    /// first one the access log tells is the error log's too, unless inferred or configured otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void LearnErrorLogOffset(in AccessLogEntry entry)
    {
        if (State.ErrorLogOffset is null && entry.TimeZoneOffset is { } offset)
        {
            State.ErrorLogOffset = offset;
        }
    }

    /// <summary>How far back failures have been applied to incidents: error lines wait this long for their request.</summary>
    private TimeSpan Horizon => _options.JoinSkew + _options.JoinLookback;

    /// <summary>Counts an error-log line that continues the previous one (multi-line messages).</summary>
    public void AddContinuation()
    {
        Stats.ErrorLines++;
        Stats.ErrorLinesIgnored++;
    }

    /// <summary>Counts a line that did not parse, keeping the first few as examples.</summary>
    public void AddMalformed(ReadOnlySpan<byte> line, bool oversized)
    {
        Stats.MalformedLines++;
        if (Stats.MalformedSamples.Count < AnalysisStats.MaxMalformedSamples)
        {
            Stats.MalformedSamples.Add(oversized ? $"(line over {LineReader.DefaultMaxLineLength} bytes)" : LogText.Raw(line, 300));
        }
    }

    /// <summary>Takes one access-log line (its time already read); returns false and counts it malformed when it has no status.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool AddAccess(in AccessLogEntry entry, AccessLogFormat format, DateTimeOffset time)
    {
        var status = entry.Status;
        if (status == 0)
        {
            AddMalformed(entry.Line, oversized: false);
            return false;
        }

        Stats.AccessLines++;
        LearnErrorLogOffset(in entry);

        if (State.AccessWatermark is null || time > State.AccessWatermark)
        {
            State.AccessWatermark = time;
        }

        var upstreams = entry.Get(AccessField.UpstreamAddr);
        var upstreamStatuses = entry.Get(AccessField.UpstreamStatus);
        var gateway = status is 502 or 503 or 504;
        var severalTries = upstreamStatuses.IndexOfAny((byte)',', (byte)':') >= 0;
        if (!gateway && !(severalTries && HasFailedTry(upstreamStatuses)))
        {
            // The hot path: two counter updates, nothing allocated.
            RecordServed(in entry, format, upstreams, time);
            return true;
        }

        if (gateway)
        {
            Stats.GatewayErrors++;
        }

        var request = new PendingRequest
        {
            Time = time,
            Status = status,
            // The error log's client: is $remote_addr (after realip); a forwarded-for hop may be another address.
            Client = entry.Text(AccessField.RemoteAddr),
            Request = AccessRequest.From(in entry),
            Host = entry.Has(AccessField.Host) ? UpstreamAddress.HostKey(entry.Text(AccessField.Host))
                : entry.Has(AccessField.HttpHost) ? UpstreamAddress.HostKey(entry.Text(AccessField.HttpHost)) : "-",
            ServerName = entry.Text(AccessField.ServerName).ToLowerInvariant(),
            ConnectionId = Utf8Parser.TryParse(entry.Get(AccessField.Connection), out long cid, out _) ? cid : -1,
            LogsUpstream = format.Has(AccessField.UpstreamAddr),
            LogsConnectTime = format.Has(AccessField.UpstreamConnectTime),
            LogsHeaderTime = format.Has(AccessField.UpstreamHeaderTime),
            RequestSeconds = entry.RequestTime,
            Raw = LogText.Raw(entry.Line),
        };
        if (request.RequestSeconds is { } seconds)
        {
            request.Began = time - TimeSpan.FromSeconds(seconds);
        }

        request.Tries = ReadTries(in entry);
        request.HistoryKey = HistoryKeys.Of(in entry, format, upstreams);
        MarkFailing(request.HistoryKey, time);
        foreach (var attempt in request.Tries)
        {
            MarkFailing(HistoryKeys.ForUpstream(attempt.Address), time);
        }

        if (!gateway)
        {
            // It succeeded on a later try: that server served it.
            RecordServed(in entry, format, upstreams, time);
        }

        Insert(State.PendingRequests, request, r => r.Time);
        return true;
    }

    /// <summary>Takes one error-log line (its time already read); lines not about an upstream are counted and dropped.</summary>
    public void AddError(in ErrorLogLine line, DateTimeOffset time)
    {
        Stats.ErrorLines++;
        if (State.ErrorWatermark is null || time > State.ErrorWatermark)
        {
            State.ErrorWatermark = time;
        }

        if (State.ErrorLogBegan is null || time < State.ErrorLogBegan)
        {
            State.ErrorLogBegan = time;
        }

        if (ErrorLogParser.TryReadConfigMessage(in line, out var config))
        {
            AddConfigMessage(config, time, line.Line);
            return;
        }

        // nginx logs every failed try at [error] or above ([crit] for a missing or forbidden socket); what it logs at
        // [warn] it tolerated. limit_req/limit_conn log at the level their *_log_level says.
        var kind = ErrorSignatures.Classify(line.Message);
        var relevantLevel = kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections || line.Level >= ErrorLevel.Error;
        if (kind == FailureKind.None || !relevantLevel)
        {
            Stats.ErrorLinesIgnored++;
            return;
        }

        var error = new PendingError
        {
            Time = time,
            Kind = kind,
            Signature = ErrorSignatures.Normalize(line.Message),
            Upstream = kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections ? "-" : ErrorSignatures.UpstreamOf(in line, kind),
            Client = Encoding.UTF8.GetString(line.Client),
            Request = LogText.Decode(line.Request, LogEscape.Default),
            Host = UpstreamAddress.HostKey(LogText.Decode(line.Host, LogEscape.Default)),
            Server = LogText.Decode(line.Server, LogEscape.Default).ToLowerInvariant(),
            ConnectionId = line.ConnectionId,
            Raw = LogText.Raw(line.Line),
        };
        if (error.Host == "-" && error.Server.Length > 0 && error.Server != "_" && !error.Server.Contains(':', StringComparison.Ordinal))
        {
            // No Host header logged: the server block's name is the best host there is.
            error.Host = UpstreamAddress.HostKey(error.Server);
        }

        Insert(State.PendingErrors, error, e => e.Time);
    }

    /// <summary>
    /// Joins and classifies everything older than <paramref name="watermark"/> minus the join window, and
    /// resolves incidents quiet for the quiet period. Call it with the time both logs have reached.
    /// </summary>
    public void AdvanceTo(DateTimeOffset watermark)
    {
        if (State.Watermark is { } previous && watermark <= previous)
        {
            return;
        }

        State.Watermark = watermark;
        var cutoff = watermark - _options.JoinSkew;
        var processed = 0;
        foreach (var request in State.PendingRequests)
        {
            if (request.Time > cutoff)
            {
                break;
            }

            Join(request);
            processed++;
        }

        State.PendingRequests.RemoveRange(0, processed);

        // Errors no request can claim any more: recovered tries when the access log covers them, failures otherwise.
        var errorCutoff = watermark - Horizon;
        processed = 0;
        foreach (var error in State.PendingErrors)
        {
            if (error.Time > errorCutoff && State.PendingErrors.Count - processed <= 100_000)
            {
                break;
            }

            if (!error.Claimed)
            {
                Release(error);
            }

            processed++;
        }

        State.PendingErrors.RemoveRange(0, processed);
        CloseQuiet(watermark);
    }

    /// <summary>End of input: join everything, resolve what has been quiet, and return all incidents
    /// (resolved first, then the still-open ones as of the last line read).</summary>
    public IReadOnlyList<Incident> Complete()
    {
        var end = Max(State.AccessWatermark, State.ErrorWatermark) ?? State.Watermark ?? DateTimeOffset.UnixEpoch;
        AdvanceTo(end + Horizon + TimeSpan.FromSeconds(1));
        return [.. DrainResolved(), .. OpenIncidents()];
    }

    /// <summary>Incidents that closed since the last call.</summary>
    public IReadOnlyList<Incident> DrainResolved()
    {
        var resolved = _resolved.ToArray();
        _resolved.Clear();
        return resolved;
    }

    /// <summary>Snapshots of the incidents still open.</summary>
    public IReadOnlyList<Incident> OpenIncidents() =>
        [.. State.Trackers.Values.Where(t => t.IsOpen).Select(t => IncidentFactory.Create(t, IncidentState.Open, State, _options)).OrderBy(i => i.Start)];

    /// <summary>The same site, upstream, host and start give the same id, whichever run or batch found it.</summary>
    /// <summary>An incident's id: stable for its upstream, host and start, whatever batches and runs found it.</summary>
    public static string IncidentId(string upstream, string host, DateTimeOffset start) =>
        Hash($"{upstream}\n{host}\n{start.ToUnixTimeSeconds()}");

    /// <summary>The id of an incident within a site: two nginx instances can fail on the same upstream and host in the
    /// same second.</summary>
    public static string SiteIncidentId(string incidentId, string site) => Hash($"{site}\n{incidentId}");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));

    private void Join(PendingRequest request)
    {
        var (claimed, hadCandidate) = RequestJoin.Claim(request, State.PendingErrors, _options);
        foreach (var failure in RequestJoin.ToFailures(request, claimed, State.PendingErrors, _options))
        {
            failure.Unjoined = !hadCandidate;
            Apply(failure);
        }
    }

    /// <summary>An error line no request claimed, now that none can.</summary>
    private void Release(PendingError error)
    {
        if (error.Kind == FailureKind.Resolver)
        {
            ReleaseResolverLine(error);
            return;
        }

        // With the access log read past this line, a gateway error would have been logged and matched: an unmatched
        // line is a try nginx recovered from, or, when the requests it belongs to could not be told apart, evidence
        // for the incident of the same upstream and host going on at that time.
        var accessCovers = State.AccessWatermark is { } seen && seen >= error.Time;
        var rateLimit = error.Kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections;
        var failure = RequestJoin.FromErrorLine(error);
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
                failure.Recovered = true;
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
    /// A resolver's own failure names no request: it is evidence for the DNS incident of the same time, and when the
    /// logs show no such incident and no access log covers the moment (the error log alone), a DNS failure of its own.
    /// </summary>
    private void ReleaseResolverLine(PendingError error)
    {
        var around = TimeSpan.FromSeconds(90);
        var dns = State.Trackers.Values.FirstOrDefault(t => t.IsOpen
            && (t.Kinds.ContainsKey(FailureKind.DnsNotFound) || t.Kinds.ContainsKey(FailureKind.DnsTimeout))
            && error.Time >= t.Start - around && error.Time <= t.Last + around);
        var failure = RequestJoin.FromErrorLine(error);
        if (dns is not null)
        {
            failure.Upstream = dns.Upstream;
            failure.Host = dns.Host;
            failure.Attributed = true;
        }
        else if (State.AccessWatermark is { } seen && seen >= error.Time)
        {
            failure.Recovered = true;
        }

        Apply(failure);
    }

    private void Apply(FailureEvent failure)
    {
        if (State.History.TryGetValue(failure.HistoryKey, out var history) || TryAddHistory(failure.HistoryKey, out history))
        {
            if (!failure.Attributed)
            {
                history.RecordFailure(failure.Time, failure.Recovered, failure.Status);
            }
        }

        var key = TrackerKey(TrackedUpstream(failure), failure.Host);
        var countsAsFailure = !failure.Recovered && !failure.Attributed;
        if (State.Trackers.TryGetValue(key, out var tracker) && tracker.IsOpen && countsAsFailure
            && failure.Time - tracker.Last >= _options.QuietPeriod)
        {
            // A quiet period has passed in log time since the last failure: that incident is over, whatever the
            // batches and runs the lines came in.
            Close(key, tracker);
            tracker = null;
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
                Block = NamesBlock(failure) ? failure.Upstream : null,
            };
            State.Trackers[key] = tracker;
        }

        tracker.Add(failure, _options);
        if (tracker.IsOpen && countsAsFailure)
        {
            tracker.CountServedUntil(failure.Time, State.History.GetValueOrDefault(tracker.HistoryKey)?.ServedPerSecond);
        }
    }

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
            var finished = tracker.IsOpen
                ? accessCovers
                    ? watermark - _options.JoinSkew - tracker.Last >= _options.QuietPeriod && joinedUpTo >= tracker.Last
                    : joinedUpTo - tracker.Last >= _options.QuietPeriod
                : tracker.Expire(watermark, _options);
            if (finished)
            {
                (done ??= []).Add((key, tracker));
            }
        }

        done?.ForEach(d => Close(d.Item1, d.Item2));
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
            var target = named is { } block ? block.Upstream : servers[0];
            if (named is not null)
            {
                // The block's name never serves (nginx logs it only when no server is live): its servers' history does.
                named.Servers = [.. servers];
                named.HistoryKey = failure.HistoryKey;
            }

            Link(servers, host, target);
            return target;
        }

        if (!NamesBlock(failure) && failure.Errors.Count > 0 && failure.Errors.TrueForAll(e => FailedToConnect(e.Kind))
            && !State.Trackers.ContainsKey(TrackerKey(failure.Upstream, host))
            && Candidates(host, failure.Time, t => true) is { } marked && marked.Block == marked.Upstream)
        {
            // A server of the block nginx has been answering "no live upstreams" for on this host, the only incident
            // there (the capture began with it marked down, or nginx tries it again once fail_timeout has passed).
            marked.Servers ??= [];
            if (!marked.Servers.Contains(failure.Upstream))
            {
                marked.Servers.Add(failure.Upstream);
            }

            Link([failure.Upstream], host, marked.Upstream);
            return marked.Upstream;
        }

        if (NamesBlock(failure) && !State.Trackers.ContainsKey(TrackerKey(failure.Upstream, host))
            && (Candidates(host, failure.Time, t => t.Servers is not null && t.Block is null)
                ?? LoneServerOfBlock(host, failure.Time)) is { } together)
        {
            // The incident takes the block's name; its id stays the one it was opened under.
            var block = failure.Upstream;
            together.Servers ??= [together.Upstream];
            together.Block = block;
            together.IdUpstream ??= together.Upstream;
            State.Trackers.Remove(TrackerKey(together.Upstream, host));
            together.Upstream = block;
            State.Trackers[TrackerKey(block, host)] = together;
            Link(together.Servers!, host, block);
            return block;
        }

        return failure.Upstream;
    }

    /// <summary>
    /// A block of one server (the usual <c>upstream app { server 10.0.0.5:8080; }</c>): its tries fail to connect,
    /// nginx marks it down and logs "no live upstreams" under the block's name until <c>fail_timeout</c> passes. The
    /// one server of the host that failed to connect just before, when no tracker of several servers is live there.
    /// </summary>
    private IncidentTracker? LoneServerOfBlock(string host, DateTimeOffset time) =>
        Candidates(host, time, t => t.Servers is not null && t.Block is null) is null
        && Candidates(host, time, t => t.Block is null && t.Upstream != "-") is { Servers: null } tracker
        && tracker.Upstream.Contains(':', StringComparison.Ordinal) && time - LastFailure(tracker) <= FailTimeoutReach
        && (tracker.IsOpen ? tracker.Kinds.Keys : tracker.Buffered.SelectMany(f => f.Errors).Select(e => e.Kind)) is var kinds
        && kinds.Any() && kinds.All(FailedToConnect)
            ? tracker : null;

    /// <summary>The failure names an upstream block, not a server: the access log's <c>$upstream_addr</c> gave a name
    /// without a port, or nginx said "no live upstreams" of it.</summary>
    private static bool NamesBlock(FailureEvent failure) =>
        failure.BlockName || (failure.Errors.Count > 0 && failure.Errors.TrueForAll(e => e.Kind == FailureKind.NoLiveUpstreams));

    private static DateTimeOffset LastFailure(IncidentTracker tracker) =>
        tracker.IsOpen ? tracker.Last : tracker.Buffered.Count > 0 ? tracker.Buffered[^1].Time : DateTimeOffset.MinValue;

    /// <summary>A try that failed before nginx was connected: what marks a server failed and then down.</summary>
    private static bool FailedToConnect(FailureKind kind) => kind is FailureKind.Refused or FailureKind.Unreachable or FailureKind.MissingSocket
        or FailureKind.TimedOutConnecting or FailureKind.ResetConnecting or FailureKind.ResourceUnavailable;

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

    private void MarkFailing(string historyKey, DateTimeOffset time)
    {
        if (historyKey.Length > 0 && (State.History.TryGetValue(historyKey, out var history) || TryAddHistory(historyKey, out history)))
        {
            history.MarkFailing(time);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RecordServed(in AccessLogEntry entry, AccessLogFormat format, ReadOnlySpan<byte> upstreams, DateTimeOffset time)
    {
        var responseTime = entry.Get(AccessField.UpstreamResponseTime);
        double? seconds = responseTime.IsEmpty ? null
            : Utf8Parser.TryParse(UpstreamTries.Last(responseTime), out double s, out _) ? s : null;
        State.Site.RecordServed(time, entry.Status, null);

        Span<char> buffer = stackalloc char[256];
        var key = HistoryKeys.Of(in entry, format, upstreams, buffer);
        if (key.IsEmpty)
        {
            return;
        }

        if (!_history.TryGetValue(key, out var history) && !TryAddHistory(key.ToString(), out history))
        {
            return;
        }

        history.RecordServed(time, entry.Status, seconds);
    }

    private bool TryAddHistory(string key, out UpstreamHistory history)
    {
        history = new UpstreamHistory();
        if (State.History.Count >= EngineState.MaxHistoryKeys)
        {
            return false;
        }

        State.History[key] = history;
        return true;
    }

    /// <summary>
    /// A configuration-time error (<c>[emerg] host not found in upstream "php-fpm:9000" in /etc/nginx/conf.d/x.conf:2</c>,
    /// <c>bind() failed</c>): not a request failure. Listed in stats once per distinct message, and shown with the
    /// incidents that follow it.
    /// </summary>
    public void AddConfigMessage(ConfigMessage message, DateTimeOffset? time, ReadOnlySpan<byte> line)
    {
        Stats.ErrorLinesIgnored++;
        var level = LevelName(message.Level);
        var known = Stats.ConfigEvents.Find(c => c.Level == level && c.Message == message.Message && c.File == message.File && c.Line == message.Line);
        if (known is not null)
        {
            known.Count++;
        }
        else if (Stats.ConfigEvents.Count < AnalysisStats.MaxConfigEvents)
        {
            Stats.ConfigEvents.Add(new ConfigEvent(time, level, message.Message, message.File, message.Line, LogText.Raw(line)));
        }
    }

    private static string LevelName(ErrorLevel level) => level.ToString().ToLowerInvariant();

    private static bool HasFailedTry(ReadOnlySpan<byte> statuses)
    {
        var tries = new UpstreamTries(statuses);
        while (tries.MoveNext(out var item))
        {
            if (item.SequenceEqual("502"u8) || item.SequenceEqual("503"u8) || item.SequenceEqual("504"u8))
            {
                return true;
            }
        }

        return false;
    }

    private static List<UpstreamTry> ReadTries(in AccessLogEntry entry)
    {
        var result = new List<UpstreamTry>();
        var addrs = new UpstreamTries(entry.Get(AccessField.UpstreamAddr));
        var statuses = new UpstreamTries(entry.Get(AccessField.UpstreamStatus));
        var connects = new UpstreamTries(entry.Get(AccessField.UpstreamConnectTime));
        var headers = new UpstreamTries(entry.Get(AccessField.UpstreamHeaderTime));
        var responses = new UpstreamTries(entry.Get(AccessField.UpstreamResponseTime));
        while (addrs.MoveNext(out var addr))
        {
            statuses.MoveNext(out var status);
            connects.MoveNext(out var connect);
            headers.MoveNext(out var header);
            responses.MoveNext(out var response);
            if (addr.SequenceEqual("-"u8))
            {
                continue;
            }

            result.Add(new UpstreamTry(
                Encoding.UTF8.GetString(addr),
                Utf8Parser.TryParse(status, out int code, out _) ? code : 0,
                Seconds(connect),
                Seconds(header),
                Seconds(response)));
        }

        return result;
    }

    private static double? Seconds(ReadOnlySpan<byte> value) =>
        value.IsEmpty || value[0] == '-' || !Utf8Parser.TryParse(value, out double s, out _) ? null : s;

    private static void Insert<T>(List<T> list, T item, Func<T, DateTimeOffset> time)
    {
        // Nearly always appended: lines arrive in time order, give or take a second.
        var i = list.Count;
        while (i > 0 && time(list[i - 1]) > time(item))
        {
            i--;
        }

        list.Insert(i, item);
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
