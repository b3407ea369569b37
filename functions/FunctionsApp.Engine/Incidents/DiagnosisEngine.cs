using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
internal sealed partial class DiagnosisEngine
{
    private const char KeySeparator = '\u001f';

    /// <summary>How soon after a server's last failed try its block's "no live upstreams" can follow: nginx's
    /// <c>fail_timeout</c> (10 s by default) with room for a longer setting.</summary>
    private static readonly TimeSpan FailTimeoutReach = TimeSpan.FromSeconds(30);
    private readonly DiagnosisOptions _options;
    private readonly Dictionary<string, UpstreamHistory>.AlternateLookup<ReadOnlySpan<char>> _history;
    private readonly Dictionary<string, DateTimeOffset>.AlternateLookup<ReadOnlySpan<char>> _routes;
    private readonly Dictionary<string, HotRoute>.AlternateLookup<ReadOnlySpan<char>> _hotRoutes;
    private readonly List<Incident> _resolved = [];

    /// <summary>Servers whose failed connects, with no access log about them, this engine counted as failed requests: a
    /// request shown later to have gone on from one to another server makes a first reading's count wrong
    /// (<see cref="AnalysisStats.PeeredLate"/>).</summary>
    private readonly HashSet<string> _connectFailuresCounted = new(StringComparer.Ordinal);
    private List<AppServerKill>? _untimedKills;

    /// <summary>When uWSGI last said it refused a request for its size (<see cref="NoteOversizedRequest"/>), and whether
    /// such a line came without a time, waiting for nginx's next line's.</summary>
    private DateTimeOffset? _oversizedAt;
    private bool _oversizedUntimed;

    /// <summary>The servers just noted as disabled for their answers (<see cref="NoteDisabledAfterAnswer"/>), a second
    /// long: a timeout's own line comes after nginx's warning, and takes the note back.</summary>
    private readonly List<(long ConnectionId, string Upstream, string Host, DateTimeOffset Time)> _disabledJustNow = [];

    /// <summary>The peers a Lua balancer just failed to set (<see cref="ErrorSignatures.BalancerPeerRefused"/>), by
    /// connection, until that connection's try on the placeholder server comes (moments later).</summary>
    private readonly List<(long ConnectionId, FailureKind Kind, DateTimeOffset Time)> _peersRefused = [];

    /// <summary>The first hand-masked upstream seen at each port (<see cref="OneMask"/>): masks of one port name one upstream.</summary>
    private readonly Dictionary<string, string> _masks = new(StringComparer.Ordinal);

    /// <summary>When nginx last said it was reloading (<c>signal process started</c>, <c>reconfiguring</c>): an
    /// <c>[emerg]</c> right after is a reload refused, the old configuration serving on.</summary>
    private DateTimeOffset? _reloadAt;

    /// <summary>The request lines (<see cref="RequestLineHash"/>) of the access log's last second, as read by this
    /// engine, when <see cref="_requestsAtWatermarkKnown"/>: not for a format without <c>$request</c>, a busy second, or
    /// a watermark from saved state.</summary>
    private readonly HashSet<int> _requestsAtWatermark = [];

    private bool _requestsAtWatermarkKnown;

    private const int MaxRequestsAtWatermark = 256;

    /// <summary>Names a configuration test could not resolve (<see cref="AddConfigTestFailed"/>), and configurations
    /// refused (<see cref="FailureKind.ConfigRejectedAtStart"/>), until systemd says whether they were a start's.</summary>
    private readonly List<PendingError> _tested = [];

    /// <summary>A supervisor said it starts nginx, and nginx has written nothing since (<see cref="NoteStartAnnounced"/>).</summary>
    private bool _startAnnounced;

    private const int MaxHeldStartErrors = 64;

    public DiagnosisEngine(DiagnosisOptions options, EngineState? state = null)
    {
        _options = options;
        State = state ?? new EngineState();
        if (State.History.Comparer != StringComparer.Ordinal)
        {
            State.History = new Dictionary<string, UpstreamHistory>(State.History, StringComparer.Ordinal);
        }

        if (State.RoutesServed.Comparer != StringComparer.Ordinal)
        {
            State.RoutesServed = new Dictionary<string, DateTimeOffset>(State.RoutesServed, StringComparer.Ordinal);
        }

        if (State.HotRoutes.Comparer != StringComparer.Ordinal)
        {
            State.HotRoutes = new Dictionary<string, HotRoute>(State.HotRoutes, StringComparer.Ordinal);
        }

        _history = State.History.GetAlternateLookup<ReadOnlySpan<char>>();
        _routes = State.RoutesServed.GetAlternateLookup<ReadOnlySpan<char>>();
        _hotRoutes = State.HotRoutes.GetAlternateLookup<ReadOnlySpan<char>>();
        if (options.CountRequestsPerMinute)
        {
            _requestsPerMinute = [];
            FailuresPerMinute = [];
            AnsweredPerMinute = [];
            ConnectionNumbersPerMinute = [];
        }
    }

    public EngineState State { get; }

    public AnalysisStats Stats => State.Stats;

    /// <summary>The access log's requests per unix minute, when <see cref="DiagnosisOptions.CountRequestsPerMinute"/>.</summary>
    public Dictionary<long, int>? RequestsPerMinute
    {
        get
        {
            CountMinute(long.MinValue);
            return _requestsPerMinute;
        }
    }

    /// <summary>Failed requests per unix minute, when <see cref="DiagnosisOptions.CountRequestsPerMinute"/>.</summary>
    public Dictionary<long, int>? FailuresPerMinute { get; }

    /// <summary>The access log's requests per unix minute that an upstream may have answered (<see cref="MayBeAnswered"/>),
    /// when <see cref="DiagnosisOptions.CountRequestsPerMinute"/>.</summary>
    public Dictionary<long, int>? AnsweredPerMinute { get; }

    /// <summary>
    /// The first and last connection number (<c>*N</c>) of the error log's lines per unix minute, when
    /// <see cref="DiagnosisOptions.CountRequestsPerMinute"/>: nginx numbers every connection it accepts or opens to an
    /// upstream from one counter its workers share, so how far it moved between two lines is the traffic between them,
    /// where no access log shows it.
    /// </summary>
    public Dictionary<long, (long First, long Last)>? ConnectionNumbersPerMinute { get; }

    /// <summary>The latest time of the access log's requests, when <see cref="DiagnosisOptions.CountRequestsPerMinute"/>.</summary>
    public DateTimeOffset? LastRequest { get; private set; }

    private readonly Dictionary<long, int>? _requestsPerMinute;
    private long _countedMinute = long.MinValue;
    private int _countedInMinute;

    /// <summary>Counts one request in <paramref name="minute"/> (lines come mostly in order: one dictionary write per
    /// minute); <see cref="long.MinValue"/> writes the pending count out.</summary>
    private void CountMinute(long minute)
    {
        if (minute == _countedMinute)
        {
            _countedInMinute++;
            return;
        }

        if (_countedInMinute > 0)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_requestsPerMinute!, _countedMinute, out _) += _countedInMinute;
        }

        (_countedMinute, _countedInMinute) = minute == long.MinValue ? (long.MinValue, 0) : (minute, 1);
    }

    /// <summary>The earliest time of the lines taken since <see cref="ResetEarliestLine"/>: where a batch begins.</summary>
    public DateTimeOffset? EarliestLine { get; private set; }

    /// <summary>Starts measuring <see cref="EarliestLine"/> afresh (before a batch is fed).</summary>
    public void ResetEarliestLine() => EarliestLine = null;

    /// <summary>The UTC offset to read error-log times with: configured, learned from the access log, or UTC.</summary>
    public TimeSpan ErrorLogOffset => _options.ErrorLogUtcOffset ?? State.ErrorLogOffset ?? TimeSpan.Zero;

    /// <summary>Whether the error log's offset is configured (then nothing learns or infers it).</summary>
    public bool ErrorLogOffsetConfigured => _options.ErrorLogUtcOffset is not null;

    /// <summary>The <see cref="ErrorLogOffsetSource"/> when nothing told the error log's offset.</summary>
    public const string AssumedUtc = "assumed UTC";

    /// <summary>How <see cref="ErrorLogOffset"/> was found, for the report.</summary>
    public string ErrorLogOffsetSource => ErrorLogOffsetConfigured ? "configured"
        : State.ErrorLogOffset is null ? AssumedUtc
        : Stats.ErrorLogOffsetSource.Length > 0 ? Stats.ErrorLogOffsetSource : "access log";

    /// <summary>Reads the error log's local times in <paramref name="offset"/> from now on (unless configured).</summary>
    public void UseErrorLogOffset(TimeSpan offset, string source)
    {
        State.ErrorLogOffset = offset;
        Stats.ErrorLogOffsetSource = source;
    }

    /// <summary>
    /// An error line whose wrapper stamped the instant it was written (Docker's and the CRI's RFC 3339 time, a search
    /// export's zoned column): while nothing else tells the error log's offset (no access log with a zone, none
    /// configured or inferred), the whole quarter hour between its local time and that instant is the offset, when the
    /// two agree within two minutes (a shipper stamps within seconds). Learned once, from the first such line. A
    /// syslog daemon's time (<paramref name="relayed"/>) counts only when its wall clock is not nginx's: nginx sends its
    /// lines to syslog without a zone and the daemon labels them with its own, which tells nothing of nginx's.
    /// </summary>
    public void LearnErrorLogOffset(ReadOnlySpan<byte> localTime, DateTimeOffset stamped, bool relayed = false)
    {
        if (ErrorLogOffsetConfigured || State.ErrorLogOffset is not null || Stats.ErrorLogOffsetSource.Length > 0
            || !NginxTime.TryParseErrorLogTime(localTime, TimeSpan.Zero, out var asUtc)
            || (relayed && (asUtc.DateTime - stamped.DateTime).Duration() <= TimeSpan.FromMinutes(2)))
        {
            return;
        }

        if (ErrorLogOffsetInference.ZoneDifference(asUtc - stamped) is { } offset
            && offset >= TimeSpan.FromSeconds(ErrorLogOffsetInference.MinOffset) && offset <= TimeSpan.FromSeconds(ErrorLogOffsetInference.MaxOffset))
        {
            UseErrorLogOffset(offset, "the times its lines were stamped with");
        }
    }

    /// <summary>The offset an access line's time was written in: nginx writes both logs in its local time, so the
    /// offset the access log tells now is the error log's too, and it follows the access log through daylight-saving
    /// changes (a site's state keeps it across runs), unless configured, or inferred for this run (the access log
    /// then says only UTC). The feed calls it as it reads each access line, before the error lines after it. True when
    /// the offset error-log times are read in changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool LearnErrorLogOffset(in AccessLogEntry entry)
    {
        if (Stats.ErrorLogOffsetSource.Length == 0 && entry.TimeZoneOffset is { } offset && offset != State.ErrorLogOffset)
        {
            State.ErrorLogOffset = offset;
            return !ErrorLogOffsetConfigured;
        }

        return false;
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

    /// <summary>
    /// A status an upstream may have answered with: a success, a redirect, or a client error nginx does not make of its
    /// own (it answers 400 to a request it cannot parse, 408 to a client too slow, 413/414 to one too large, 429 and 444
    /// for its limiters and <c>return</c>, 494–497 for headers and client certificates, and logs 499 for a client gone, 000
    /// for a connection that brought no request).
    /// </summary>
    private static bool MayBeAnswered(int status) =>
        status is > 0 and < 400 || (status < 500 && status is not (400 or 408 or 413 or 414 or 429 or 444 or >= 494));

    /// <summary>
    /// A redirect nginx made itself, its page nginx's own for the status (<see cref="NginxErrorPage"/>):
    /// <c>return 301 https://$host$request_uri</c> in the plain-HTTP server, a directory's missing slash. Not an answer of
    /// an upstream's, whatever the format does not say.
    /// </summary>
    private static bool RedirectedByNginx(in AccessLogEntry entry) =>
        entry.Status is >= 301 and <= 308 && entry.Get(AccessField.BodyBytesSent) is { IsEmpty: false } body
        && Utf8Parser.TryParse(body, out long bytes, out var read) && read == body.Length && NginxErrorPage.Is(entry.Status, bytes);

    /// <summary>Takes one access-log line (its time already read); returns false and counts it malformed when it has no status.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool AddAccess(in AccessLogEntry entry, AccessLogFormat format, DateTimeOffset time)
    {
        var status = entry.Status;
        if (!entry.HasStatus)
        {
            AddMalformed(entry.Line, oversized: false);
            return false;
        }

        Stats.AccessLines++;
        _startAnnounced = false;
        if (_requestsPerMinute is not null)
        {
            var minute = time.ToUnixTimeSeconds() / 60;
            CountMinute(minute);
            if (MayBeAnswered(status) && !RedirectedByNginx(in entry))
            {
                CollectionsMarshal.GetValueRefOrAddDefault(AnsweredPerMinute!, minute, out _)++;
            }

            if (LastRequest is not { } last || time > last)
            {
                LastRequest = time;
            }
        }

        if (EarliestLine is null || time < EarliestLine)
        {
            EarliestLine = time;
        }

        if (State.AccessWatermark is null || time > State.AccessWatermark)
        {
            State.AccessWatermark = time;
            _requestsAtWatermark.Clear();
            _requestsAtWatermarkKnown = true;
        }

        if (time == State.AccessWatermark && _requestsAtWatermarkKnown)
        {
            var line = entry.Get(AccessField.Request);
            _requestsAtWatermarkKnown = !line.IsEmpty && _requestsAtWatermark.Count < MaxRequestsAtWatermark;
            _requestsAtWatermark.Add(RequestLineHash(line));
        }

        if (State.AccessLogBegan is null || time < State.AccessLogBegan)
        {
            State.AccessLogBegan = time;
        }

        if (status == 0)
        {
            // nginx's 000: a connection closed before it brought a request. The log covers this time; nothing was
            // answered or failed.
            return true;
        }

        var upstreams = entry.Get(AccessField.UpstreamAddr);
        var upstreamStatuses = entry.Get(AccessField.UpstreamStatus);
        // A 009 nginx logs for an upstream's non-HTTP answer; one no upstream was tried for is an HTTP/0.9 client's.
        var gateway = RequestJoin.IsFailedStatus(status)
            && !(status == RequestJoin.NotHttp && format.Has(AccessField.UpstreamAddr) && (upstreams.IsEmpty || upstreams.SequenceEqual("-"u8)));
        var severalTries = upstreamStatuses.IndexOfAny((byte)',', (byte)':') >= 0;

        // limit_req_status/limit_conn_status other than the default 503 (429 mostly, or 444 to close): nginx answered
        // without an upstream and wrote a "limiting requests" line, which this request owns; it is no gateway error.
        var rejection = status is 429 or 444 && (upstreams.IsEmpty || upstreams.SequenceEqual("-"u8));
        var ownError = status == 500 && (upstreams.IsEmpty || upstreams.SequenceEqual("-"u8));
        if (!gateway && !rejection && !ownError && !(severalTries && HasFailedTry(upstreamStatuses)))
        {
            // The hot path: two counter updates, nothing allocated.
            RecordServed(in entry, format, upstreams, time);
            return true;
        }

        if (gateway)
        {
            Stats.GatewayErrors++;
        }

        var bodyBytes = entry.Get(AccessField.BodyBytesSent);
        var requestLine = AccessRequest.From(in entry);
        var request = new PendingRequest
        {
            Time = time,
            Status = status,
            // The error log's client: is $remote_addr (after realip); a forwarded-for hop may be another address.
            Client = entry.Text(AccessField.RemoteAddr),
            Forwarded = entry.Has(AccessField.XForwardedFor) ? entry.Text(AccessField.XForwardedFor) : "",
            Request = requestLine,
            Host = entry.Has(AccessField.Host) ? UpstreamAddress.HostKey(entry.Text(AccessField.Host))
                : entry.Has(AccessField.HttpHost) ? UpstreamAddress.HostKey(entry.Text(AccessField.HttpHost)) : "-",
            ServerName = entry.Text(AccessField.ServerName).ToLowerInvariant(),
            ConnectionId = Utf8Parser.TryParse(entry.Get(AccessField.Connection), out long cid, out _) ? cid : -1,
            LogsUpstream = format.Has(AccessField.UpstreamAddr),
            LogsConnectTime = format.Has(AccessField.UpstreamConnectTime),
            LogsHeaderTime = format.Has(AccessField.UpstreamHeaderTime),
            LogsReceived = format.Has(AccessField.UpstreamBytesReceived) || format.Has(AccessField.UpstreamResponseLength),
            LogsUpstreamStatus = format.Has(AccessField.UpstreamStatus),
            ByNginxProxy = format.Name == AccessLogFormat.NginxProxy.Name || format.Name == AccessLogFormat.NginxProxyLegacy.Name,
            RequestSeconds = entry.RequestTime,
            // A HEAD's answer has no body, nginx's own page or the upstream's: its size says nothing of who answered.
            BodyBytes = !requestLine.IsHead && Utf8Parser.TryParse(bodyBytes, out long body, out var read) && read == bodyBytes.Length ? body : null,
            Raw = LogText.Raw(entry.Line),
        };
        if (request.RequestSeconds is { } seconds && time.UtcTicks >= TimeSpan.FromSeconds(seconds).Ticks)
        {
            request.Began = time - TimeSpan.FromSeconds(seconds);
        }

        if (rejection || ownError)
        {
            RecordServed(in entry, format, upstreams, time);
            request.Rejection = rejection;
            if (ownError)
            {
                request.MaybeFailedSubrequest = true;
                request.HistoryKey = HistoryKeys.Of(in entry, format, upstreams);
                request.Route = HistoryKeys.RouteOf(in entry, request.HistoryKey, stackalloc char[320]).ToString();
            }

            Insert(State.PendingRequests, request, r => r.Time);
            return true;
        }

        request.Tries = ReadTries(in entry, status);
        if (request.Tries.Count == 0 && format.Has(AccessField.ProxyUpstreamName))
        {
            // ingress-nginx routes every request to a backend; its default backend is the catch-all, not a Service's.
            request.Backend = entry.Text(AccessField.ProxyUpstreamName) is var backend && backend is not ("" or "-" or "upstream-default-backend") ? backend : "";
        }
        request.Unaddressed = request.Tries.Count == 0 && !format.Has(AccessField.UpstreamAddr) ? ReadUnaddressed(in entry, status) : null;
        if (request.Tries is [.., { Received: > 0 and var received } lastTry] && lastTry.Status == status && status >= 500)
        {
            DropInnerHop(request, received);
        }

        if (!request.LogsUpstream && request.Unaddressed is null && LogsTries(format))
        {
            // Every $upstream_* variable comes from the request's list of tries: all "-" where $upstream_addr is not
            // logged says what "-" in it would, that nginx contacted no upstream (limit_req, limit_conn, a return).
            request.LogsUpstream = true;
        }

        request.HistoryKey = HistoryKeys.Of(in entry, format, upstreams);
        request.Route = HistoryKeys.RouteOf(in entry, request.HistoryKey, stackalloc char[320]).ToString();
        if (request.Route.Length == 0 && status == 503 && NginxAnsweredItself(request))
        {
            // nginx answered 503 without an upstream: what its route serves meanwhile tells a limiter, which rejects
            // only the excess, from a `return 503`, which answers every request of its location.
            request.Route = HistoryKeys.RouteOfRequest(in entry, stackalloc char[320]).ToString();
        }

        MarkFailing(request.HistoryKey, time);
        MarkRouteFailing(request.Route, time);
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
    public void AddError(in ErrorLogLine line, DateTimeOffset time, bool timeBorrowed = false)
    {
        Stats.ErrorLines++;
        State.ErrorLevelShown |= line.Level <= ErrorLevel.Error;
        var pid = ErrorLogParser.ProcessId(line.Line);
        State.NginxIsPid1 = State.NginxIsPid1 || pid == 1;
        State.LowestPid = pid > 0 && (State.LowestPid == 0 || pid < State.LowestPid) ? pid : State.LowestPid;
        State.NginxOnWindows = State.NginxOnWindows || NginxHosts.SaysWindows(line.Message);
        if (ConnectionNumbersPerMinute is not null && line.ConnectionId > 0)
        {
            ref var numbers = ref CollectionsMarshal.GetValueRefOrAddDefault(ConnectionNumbersPerMinute, time.ToUnixTimeSeconds() / 60, out var seen);
            numbers = seen ? (numbers.First, line.ConnectionId) : (line.ConnectionId, line.ConnectionId);
        }

        NoteUntimedKills(time);
        if (_oversizedUntimed)
        {
            (_oversizedAt, _oversizedUntimed) = (time, false);
        }

        if (EarliestLine is null || time < EarliestLine)
        {
            EarliestLine = time;
        }

        if (State.ErrorWatermark is null || time > State.ErrorWatermark)
        {
            State.ErrorWatermark = time;
        }

        NoteErrorLogTime(time);

        if (line.Level == ErrorLevel.Notice && line.ConnectionId < 0
            && (line.Message.StartsWith("signal process started"u8) || line.Message.IndexOf(", reconfiguring"u8) >= 0))
        {
            _reloadAt = time;
        }

        if (ErrorLogParser.TryReadConfigMessage(in line, out var config))
        {
            AddConfigMessage(config, time, line.Line);
            return;
        }

        _startAnnounced = false;

        // nginx logs every failed try at [error] or above ([crit] for a missing or forbidden socket); what it logs at
        // [warn] it tolerated. limit_req/limit_conn log at the level their *_log_level says.
        var message = line.Message;
        if (line.Timestamp.IsEmpty && ErrorLogParser.IsBareConnect(message))
        {
            // A try's connect() posted without its phase (ErrorLogParser.IsBareConnect): read with the one it implies.
            message = (byte[])[.. message, .. " while connecting to upstream"u8];
        }

        var kind = ErrorSignatures.Classify(in line, message);
        if (kind is FailureKind.PrematureClose or FailureKind.Reset && line.Message.IndexOf("response header"u8) >= 0 && OversizedJustBefore(time))
        {
            kind = FailureKind.OverAppServerBuffer;
        }

        // nginx writes these words at [warn] only; a line pasted without its level ("*758 upstream server …") is read at
        // [error], and is the same warning.
        var disabled = line.Level is ErrorLevel.Warn or ErrorLevel.Error;
        if (disabled && line.Message.StartsWith("upstream server temporarily disabled while reading response header"u8))
        {
            NoteDisabledAfterAnswer(in line, time);
        }
        else if (disabled && line.Message.StartsWith("upstream server temporarily disabled while connecting to upstream"u8))
        {
            NoteDisabledWhileConnecting(in line, time);
        }

        // open() where nginx runs on Windows: CreateFile() (ngx_open_file there).
        int? pageStatus = null;
        if (kind == FailureKind.None && (line.Message.StartsWith("open() "u8) || line.Message.StartsWith("CreateFile() "u8))
            && line.Message.IndexOf(" while "u8) < 0 && !NoteErrorPageMissing(in line, time) && ErrorSignatures.IsGatewayErrorPage(in line))
        {
            // The gateway errors' page of a request that had gone to an upstream, and no line of that try before it:
            // nginx failed the try without its line here (a paste of this line alone), or the upstream answered a 5xx
            // that proxy_intercept_errors sent to the page. Either way the upstream failed the request, and the page's
            // status (404 for a file that is not there) is what its client got.
            (kind, pageStatus) = (FailureKind.OtherUpstream, ErrorPageStatus(line.Message));
        }

        if (line.Message.StartsWith("auth request unexpected status: "u8) && !NoteAuthRequestAnswered(in line, time))
        {
            // No try of the subrequest failed: the auth endpoint answered the status itself, a redirect or a client error
            // (pointed at the wrong endpoint), or a 5xx of its own. A 502 or 504 is the status nginx gives a try it
            // failed, whose own line (not pasted) says why.
            kind = AuthEndpointStatus(line.Message) switch
            {
                >= 300 and < 500 => FailureKind.AuthEndpointWrong,
                >= 500 and < 600 and not (502 or 504) => FailureKind.AuthEndpointFailed,
                _ => kind,
            };
        }

        if (kind == FailureKind.NamedLocationMissing && LatestTryOf(in line, time, upstream: null) is { } tried)
        {
            // `error_page 502 = @fallback` after a try that failed, the fallback not defined: the client got 500 for
            // the try, whose own line says what failed.
            tried.ErrorPageStatus = 500;
            Stats.ErrorLinesIgnored++;
            return;
        }

        if ((kind == FailureKind.NoLiveUpstreams || kind.IsUnresolved()) && ErrorSignatures.IsLua(line.Message)
            && LatestTryOf(in line, time, upstream: kind == FailureKind.NoLiveUpstreams ? null : ErrorSignatures.UpstreamOf(in line, kind)) is { } dropped
            && dropped.Kind.IsUnresolved())
        {
            // APISIX's resolver dropped a node whose name failed, and said so in another of its files (resolver.lua,
            // then upstream.lua), then "failed to set upstream: no valid upstream node": on the same connection, the
            // one failure its first line tells.
            Stats.ErrorLinesIgnored++;
            return;
        }

        if (ErrorSignatures.OutOfConnections(in line))
        {
            NoteOutOfConnections(time);
        }

        if (kind == FailureKind.None && line.ConnectionId >= 0
            && ErrorSignatures.BalancerPeerRefused(line.Message) is var refused and not FailureKind.None)
        {
            if (_peersRefused.Count >= 64)
            {
                _peersRefused.RemoveAt(0);
            }

            _peersRefused.Add((line.ConnectionId, refused, time));
        }

        if (kind.IsUnresolved() && ErrorSignatures.OfNoRequest(in line))
        {
            if (State.OwnLookupsUnresolved.Count >= EngineState.MaxOwnLookups)
            {
                State.OwnLookupsUnresolved.RemoveAt(0);
            }

            State.OwnLookupsUnresolved.Add(time);
        }

        if (kind == FailureKind.TimedOut && _disabledJustNow.Count > 0)
        {
            TakeBackDisabledAfterAnswer(in line, time);
        }

        // Passenger writes what it answered itself at [warn] (a full queue, an application's broken response).
        var relevantLevel = kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections || line.Level >= ErrorLevel.Error || line.Passenger;
        if (kind == FailureKind.None || !relevantLevel || (kind == FailureKind.Script && line.Request.IsEmpty)
            || ErrorSignatures.InMailProxy(in line) || ErrorSignatures.OfNoRequest(in line))
        {
            Stats.ErrorLinesIgnored++;
            return;
        }

        // A loop ends at the hop that finds no connection left to try with: it answers 500 (ngx_http_upstream_connect
        // finalizes with it), and every hop before it passes that 500 on. That hop's own request, one nginx proxied
        // (HTTP/1.0, an upstream block's name as Host), from the upstream's address says the loop as well.
        var outOfResources = kind.OutOfNginxResources();
        kind = ErrorSignatures.WithTarget(kind, in line, (State.OutOfConnectionsAt is { } exhausted && (time - exhausted).Duration() <= LoopEvidenceSkew)
            || (outOfResources && ErrorSignatures.ProxiedByNginx(in line)));
        var error = new PendingError
        {
            Time = time,
            Kind = kind,
            Signature = ErrorSignatures.Normalize(message),
            Upstream = kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections ? "-" : OneMask(LogText.LinkText(ErrorSignatures.UpstreamOf(in line, kind))),
            Client = Encoding.UTF8.GetString(line.Client),
            Request = LogText.Decode(line.Request, LogEscape.Default),
            Host = UpstreamAddress.HostKey(LogText.LinkText(LogText.Decode(line.Host, LogEscape.Default))),
            Server = LogText.Decode(line.Server, LogEscape.Default).ToLowerInvariant(),
            ConnectionId = line.ConnectionId,
            InSubrequest = !line.Subrequest.IsEmpty || kind is FailureKind.AuthEndpointWrong or FailureKind.AuthEndpointFailed,
            InSliceSubrequest = ErrorSignatures.IsSliceSubrequest(in line),
            AnsweredByAuthRequest = kind is FailureKind.AuthEndpointWrong or FailureKind.AuthEndpointFailed || ErrorSignatures.IsAuthSubrequest(in line),
            InStreamSession = line.Request.IsEmpty && line.Line.IndexOf(", bytes from/to client:"u8) >= 0,
            InLuaBalancer = kind.IsUnresolved() && ErrorSignatures.IsLua(message) && ErrorSignatures.ApisixPeerRefused(message, out _) == FailureKind.None,
            TimeBorrowed = timeBorrowed,
            ErrorPageStatus = pageStatus,
            // A socket nginx could not even create (`socket() failed (97: Address family not supported by protocol)` for an
            // IPv6 peer on a host without IPv6) is ngx_event_connect_peer's NGX_ERROR: the request is answered 500, no
            // server tried (the stream module's session too), where a connect() that failed goes on to the next.
            StatedStatus = line.Passenger ? ErrorSignatures.StatedStatus(message) : outOfResources && kind == FailureKind.ProxyLoop ? 500
                : kind.IsUnresolved() && ErrorSignatures.KongInitialResolve(message) >= 0 ? 500
                : kind == FailureKind.NoLiveUpstreams && ErrorSignatures.ApisixNoNode(message) ? 503
                : message.StartsWith("socket() failed ("u8) ? 500 : null,
            Raw = LogText.Raw(line.Line),
        };
        if (UpstreamAddress.IsBalancerPlaceholder(error.Upstream) && !kind.AfterConnect())
        {
            OnThePlaceholder(error);
            kind = error.Kind;
        }

        if (error.ConnectionId >= 0 && (error.Host == NoHost || error.Upstream.Length == 0) && EarlierLineOfItsConnection(error) is { } earlier)
        {
            // A line cut short (a paste, a search's excerpt): nginx writes a request's context whole, so what it lacks
            // is what its connection's line a moment before says.
            error.Host = error.Host == NoHost ? earlier.Host : error.Host;
            error.Server = error.Server.Length == 0 ? earlier.Server : error.Server;
            error.Upstream = error.Upstream.Length == 0 ? earlier.Upstream : error.Upstream;
            error.Request = error.Request.Length == 0 ? earlier.Request : error.Request;
            error.Client = error.Client.Length == 0 ? earlier.Client : error.Client;
        }

        if (error.Server.Length > 0 && !kind.ChoseNoPeer() && kind is not (FailureKind.RateLimitRequests or FailureKind.RateLimitConnections or FailureKind.Script))
        {
            ServersUpstream(error, cutShort: !line.Request.IsEmpty && line.Upstream.IsEmpty && line.Host.IsEmpty);
        }

        error.InContainer = State.NginxIsPid1 || UpstreamAddress.IsDockerGateway(error.Client);

        (error.Host, error.HostFromServer) = (HostOr(error.Host, error.Server), error.Host == NoHost);
        if (kind == FailureKind.ProxyLoop)
        {
            NoteLoop(error.Upstream, time, error.Raw);
        }

        Insert(State.PendingErrors, error, e => e.Time);
    }

    /// <summary>
    /// A file nginx could not open for a request that had gone to an upstream: the page an <c>error_page</c> names for
    /// the upstream's failure (<c>error_page 502 /50x.html</c> without the file where the location's root says). nginx
    /// then answers 404 (or 403) instead of the 502, so the access log shows no gateway error for a request whose
    /// upstream failed: its try's error line, on the same connection and request, is marked to count as the failure.
    /// (A file of the upstream's response, <c>proxy_store</c>'s or a temporary one, fails "while reading upstream".)
    /// A request whose upstream's name did not resolve never had a peer, so its line names none (nor does the page's).
    /// Returns whether such a try was found.
    /// </summary>
    private bool NoteErrorPageMissing(in ErrorLogLine line, DateTimeOffset time)
    {
        if (LatestTryOf(in line, time, upstream: null) is { } error && (!line.Upstream.IsEmpty || error.Kind.ChoseNoPeer()))
        {
            error.ErrorPageStatus = ErrorPageStatus(line.Message);
            return true;
        }

        return false;
    }

    /// <summary>
    /// <c>auth_request</c>'s verdict on a subrequest that did not answer 2xx, 401 or 403: it answers the main request
    /// 500, whatever the subrequest's status (the 502 nginx made for its failed try). The subrequest's try, on the same
    /// connection and request just before, is marked with what its client got.
    /// </summary>
    private bool NoteAuthRequestAnswered(in ErrorLogLine line, DateTimeOffset time)
    {
        if (LatestTryOf(in line, time, upstream: null) is { InSubrequest: true } error)
        {
            error.AnsweredByAuthRequest = true;
            return true;
        }

        return false;
    }

    /// <summary>The status in <c>auth request unexpected status: N</c> (ngx_http_auth_request_module takes 2xx, 401 and
    /// 403; a redirect or another client error is an endpoint that is not the check it needs), or 0.</summary>
    private static int AuthEndpointStatus(ReadOnlySpan<byte> message) =>
        Utf8Parser.TryParse(message["auth request unexpected status: "u8.Length..], out int status, out _) ? status : 0;

    /// <summary>
    /// What the static module answers for a page it could not open (ngx_http_static_handler): 404 for a file or
    /// directory that is not there (ENOENT, ENOTDIR, ENAMETOOLONG; Windows' file and path not found), 403 where it may
    /// not read (EACCES; Windows' access denied), 500 for anything else. error_page does not apply twice (unless
    /// <c>recursive_error_pages</c>), so nginx sends its own page of that status.
    /// </summary>
    private static int ErrorPageStatus(ReadOnlySpan<byte> message)
    {
        if (!ErrorLogParser.TryGetErrno(message, out var code, out _))
        {
            return 404;
        }

        var windows = message.StartsWith("CreateFile() "u8);
        return (windows, code) switch
        {
            (false, 2 or 20 or 36) or (true, 2 or 3 or 123) => 404,
            (false, 13) or (true, 5) => 403,
            _ => 500,
        };
    }

    /// <summary>
    /// nginx disabled the server a connect just failed on (its <c>max_fails</c> reached). It counts failures, and says
    /// so, only for a server of a group of more than one (a lone server is never disabled), and it goes on to the next
    /// server of the group: the failed try's line is marked <see cref="PendingError.NextServerTried"/>.
    /// </summary>
    private void NoteDisabledWhileConnecting(in ErrorLogLine line, DateTimeOffset time)
    {
        if (LatestTryOf(in line, time, ErrorSignatures.UpstreamOf(in line, FailureKind.Refused)) is { } error)
        {
            error.NextServerTried = true;
        }
    }

    /// <summary>
    /// The latest unclaimed error line, at most two seconds before <paramref name="line"/>, of the same connection and
    /// request (and server, when <paramref name="upstream"/> is given): the try a line nginx writes after it speaks of.
    /// </summary>
    private PendingError? LatestTryOf(in ErrorLogLine line, DateTimeOffset time, string? upstream)
    {
        var request = LogText.Decode(line.Request, LogEscape.Default);
        for (var i = State.PendingErrors.Count - 1; i >= 0 && time - State.PendingErrors[i].Time <= TimeSpan.FromSeconds(2); i--)
        {
            var error = State.PendingErrors[i];
            if (error.ConnectionId == line.ConnectionId && error.Request == request && (upstream is null || error.Upstream == upstream) && !error.Claimed)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>A time the error log holds: before the earliest, a missing error line means nothing.</summary>
    public void NoteErrorLogTime(DateTimeOffset time)
    {
        if (State.ErrorLogBegan is null || time < State.ErrorLogBegan)
        {
            State.ErrorLogBegan = time;
        }
    }

    /// <summary>
    /// An upstream whose address was masked before the lines were posted (<c>XXXX:10001</c>, <c>1XXXX:10001</c>,
    /// <c>10.0.x.x:8080</c>): people mask each line of a paste anew and rarely alike, so the masks at one port are one
    /// upstream, named by the first of them; nginx itself never writes a mask.
    /// </summary>
    private string OneMask(string upstream)
    {
        if (!UpstreamAddress.IsMasked(upstream, out var port))
        {
            return upstream;
        }

        ref var first = ref CollectionsMarshal.GetValueRefOrAddDefault(_masks, port, out var seen);
        return seen ? first! : first = upstream;
    }

    /// <summary>No Host header logged: the server block's name is the best host there is.</summary>
    private static string HostOr(string host, string server) =>
        host == "-" && server.Length > 0 && server != "_" && !server.Contains(':', StringComparison.Ordinal) ? UpstreamAddress.HostKey(server) : host;

    /// <summary>
    /// nginx disabled a server (<c>max_fails</c> reached) over a try that failed while it read the response header. A
    /// broken header there has its own error line just before, on the same connection, and a timeout just after (in
    /// ngx_http_upstream_next nginx frees the peer, which warns, before it logs "upstream timed out"); without either
    /// the try failed by the status the server answered, which <c>proxy_next_upstream</c> lists (<c>http_500</c>…):
    /// the server was up and answering. Noted per host for the "no live upstreams" that follows.
    /// A reset or an early close just before is the default <c>proxy_next_upstream error</c>: the server is one of a
    /// group (a lone one is never disabled), and nginx went on to the next for any request it may send again (all but
    /// POST, PATCH and LOCK once sent), as after a failed connect.
    /// </summary>
    private void NoteDisabledAfterAnswer(in ErrorLogLine line, DateTimeOffset time)
    {
        var upstream = ErrorSignatures.UpstreamOf(in line, FailureKind.None);
        foreach (var pending in State.PendingErrors)
        {
            if (pending.ConnectionId == line.ConnectionId && pending.Upstream == upstream && (pending.Time - time).Duration() <= TimeSpan.FromSeconds(1))
            {
                pending.NextServerTried |= pending.Kind is FailureKind.Reset or FailureKind.PrematureClose && MaySendAgain(pending.Request);
                return;
            }
        }

        var host = HostOr(UpstreamAddress.HostKey(LogText.Decode(line.Host, LogEscape.Default)), LogText.Decode(line.Server, LogEscape.Default).ToLowerInvariant());
        if (State.DisabledAfterAnswer.TryGetValue(host, out var note))
        {
            note.Count++;
            note.Last = time > note.Last ? time : note.Last;
        }
        else if (State.DisabledAfterAnswer.Count < EngineState.MaxDisabledHosts)
        {
            State.DisabledAfterAnswer[host] = new DisabledNote { First = time, Last = time, Count = 1, Sample = LogText.Raw(line.Line) };
        }
        else
        {
            return;
        }

        _disabledJustNow.RemoveAll(d => (time - d.Time).Duration() > DisabledTimeoutSkew);
        if (_disabledJustNow.Count < 64)
        {
            _disabledJustNow.Add((line.ConnectionId, upstream, host, time));
        }
    }

    /// <summary>Whether nginx sends the request to the next server after the upstream failed it: not a POST, PATCH or
    /// LOCK it had sent already (ngx_http_upstream_next, without <c>non_idempotent</c> in <c>proxy_next_upstream</c>).</summary>
    private static bool MaySendAgain(string request) =>
        !(request.StartsWith("POST ", StringComparison.Ordinal) || request.StartsWith("PATCH ", StringComparison.Ordinal)
            || request.StartsWith("LOCK ", StringComparison.Ordinal));

    /// <summary>A timeout whose server nginx had just warned it disabled, on the same connection: the server was
    /// disabled for that timeout, not for an answer.</summary>
    private void TakeBackDisabledAfterAnswer(in ErrorLogLine line, DateTimeOffset time)
    {
        var (connection, upstream) = (line.ConnectionId, ErrorSignatures.UpstreamOf(in line, FailureKind.None));
        var at = _disabledJustNow.FindIndex(d =>
            d.ConnectionId == connection && d.Upstream == upstream && (time - d.Time).Duration() <= DisabledTimeoutSkew);
        if (at < 0)
        {
            return;
        }

        var host = _disabledJustNow[at].Host;
        _disabledJustNow.RemoveAt(at);
        if (State.DisabledAfterAnswer.TryGetValue(host, out var note) && --note.Count <= 0)
        {
            State.DisabledAfterAnswer.Remove(host);
        }
    }

    /// <summary>nginx writes the warning and the timeout's line in one call chain: the same second, or the next.</summary>
    private static readonly TimeSpan DisabledTimeoutSkew = TimeSpan.FromSeconds(1);

    /// <summary>How far apart nginx's running out of connections and a try from the upstream's own address may be to
    /// tell of one loop (the accepting worker and the one whose try failed write in the same second or so).</summary>
    private static readonly TimeSpan LoopEvidenceSkew = TimeSpan.FromSeconds(2);

    /// <summary>Kill lines that came without a time take <paramref name="time"/>, an error line's next to them.</summary>
    private void NoteUntimedKills(DateTimeOffset time)
    {
        if (_untimedKills is { Count: > 0 })
        {
            foreach (var kill in _untimedKills)
            {
                NoteAppServerKill(time, kill);
            }

            _untimedKills.Clear();
        }
    }

    /// <summary>
    /// uWSGI's line about a request it refused for its size (<see cref="AppServerLine.IsOversizedRequest"/>), in a stream
    /// carrying nginx's lines: a close nginx reads on a request's header at that moment is that refusal. One without a
    /// time of the stream's takes the time of nginx's next line, as a kill's does: uWSGI refuses, then nginx reads the
    /// close and says so.
    /// </summary>
    public void NoteOversizedRequest(DateTimeOffset? time)
    {
        _oversizedAt = time ?? _oversizedAt;
        _oversizedUntimed |= time is null;
    }

    /// <summary>uWSGI refused a request for its size just before (or, its clock a second off, just after) this close.</summary>
    private bool OversizedJustBefore(DateTimeOffset time) => _oversizedAt is { } at && (time - at).Duration() <= OversizedSkew;

    /// <summary>uWSGI writes its refusal as it closes the connection, and nginx its line as it reads the close.</summary>
    private static readonly TimeSpan OversizedSkew = TimeSpan.FromSeconds(2);

    /// <summary>
    /// An application server's line about a worker it killed at its time limit, in a stream carrying nginx's lines. One
    /// without a time of the stream's (a compose prefix has none, and the server's own clock and zone are its own) takes
    /// the time of nginx's next error line: the server kills, then nginx finds the connection closed and says so.
    /// </summary>
    public void NoteAppServerKill(DateTimeOffset? time, AppServerKill kill)
    {
        if (time is not { } at)
        {
            (_untimedKills ??= []).Add(kill);
            return;
        }

        if (State.AppServerKills.Count >= EngineState.MaxAppServerKills)
        {
            State.AppServerKills.RemoveAt(0);
        }

        State.AppServerKills.Add(new AppServerKillNote { Time = at, Server = kill.Server, LimitSeconds = kill.LimitSeconds });
    }

    /// <summary>
    /// nginx found no free connection for a client it accepted. Tries of the moments before from the upstream's own
    /// address to it were nginx's own requests coming back (see <see cref="ErrorSignatures.WithTarget"/>).
    /// </summary>
    private void NoteOutOfConnections(DateTimeOffset time)
    {
        State.OutOfConnectionsAt = State.OutOfConnectionsAt is { } last && last > time ? last : time;
        for (var i = State.PendingErrors.Count - 1; i >= 0 && time - State.PendingErrors[i].Time <= LoopEvidenceSkew; i--)
        {
            var error = State.PendingErrors[i];
            if (error.Kind != FailureKind.ProxyLoop && ErrorSignatures.MayLoop(error.Kind) && error.Client.Length > 0
                && UpstreamAddress.AddressOf(error.Upstream) == error.Client)
            {
                error.Kind = FailureKind.ProxyLoop;
                NoteLoop(error.Upstream, error.Time, error.Raw);
            }
        }
    }

    /// <summary>
    /// Notes the upstream a try's line names for its server block (<see cref="EngineState.ServerUpstreams"/>), or gives a
    /// line that names the request but neither upstream nor host (cut at nginx's 2048 bytes after a long request) the
    /// only upstream its server's lines named; a cut line a moment before, waiting still, takes the first one named.
    /// </summary>
    private void ServersUpstream(PendingError error, bool cutShort)
    {
        var upstreams = State.ServerUpstreams;
        if (error.Upstream.Length == 0)
        {
            error.UpstreamCut = cutShort;
            if (cutShort && upstreams.TryGetValue(error.Server, out var only) && only.Length > 0)
            {
                error.Upstream = only;
            }

            return;
        }

        if (upstreams.TryGetValue(error.Server, out var known))
        {
            upstreams[error.Server] = known == error.Upstream ? known : "";
            return;
        }

        if (upstreams.Count < EngineState.MaxServerUpstreams)
        {
            upstreams[error.Server] = error.Upstream;
            for (var i = State.PendingErrors.Count - 1; i >= 0 && error.Time - State.PendingErrors[i].Time <= TimeSpan.FromMinutes(1); i--)
            {
                if (State.PendingErrors[i] is { UpstreamCut: true, Upstream.Length: 0 } cut && cut.Server == error.Server)
                {
                    cut.Upstream = error.Upstream;
                }
            }
        }
    }

    /// <summary>What <see cref="UpstreamAddress.HostKey"/> makes of a line without a host.</summary>
    private const string NoHost = "-";

    /// <summary>
    /// A try on ingress-nginx's placeholder server (<see cref="UpstreamAddress.IsBalancerPlaceholder"/>): its Lua balancer
    /// set no usable peer, no endpoint (none ready, none synced yet) or a name it had not resolved (an ExternalName
    /// Service). Where its line for the same connection a moment before says the peer was an address that cannot be
    /// ("invalid port": a Service port that names no container port), the configuration is what failed.
    /// </summary>
    private void OnThePlaceholder(PendingError error)
    {
        error.Kind = FailureKind.NoPeerFromBalancer;
        for (var i = _peersRefused.Count - 1; i >= 0; i--)
        {
            var (connection, kind, time) = _peersRefused[i];
            if (connection == error.ConnectionId && (error.Time - time).Duration() <= TimeSpan.FromSeconds(1))
            {
                error.Kind = kind == FailureKind.InvalidAddress ? FailureKind.InvalidAddress : FailureKind.NoPeerFromBalancer;
                _peersRefused.RemoveAt(i);
                return;
            }
        }
    }

    /// <summary>The latest line of the same connection (<c>*N</c>, and the client and server where both name them)
    /// within a minute before, that names its host: another try of the request, or an earlier request on it.</summary>
    private PendingError? EarlierLineOfItsConnection(PendingError error)
    {
        for (var i = State.PendingErrors.Count - 1; i >= 0; i--)
        {
            var earlier = State.PendingErrors[i];
            if (error.Time - earlier.Time > TimeSpan.FromMinutes(1))
            {
                break;
            }

            if (earlier.ConnectionId == error.ConnectionId && earlier.Host != NoHost && earlier.Time <= error.Time
                && Agree(earlier.Client, error.Client) && Agree(earlier.Server, error.Server))
            {
                return earlier;
            }
        }

        return null;

        static bool Agree(string a, string b) => a.Length == 0 || b.Length == 0 || a == b;
    }

    private void NoteLoop(string upstream, DateTimeOffset time, string sample) => Note(State.LoopingUpstreams, upstream, time, sample: sample);

    /// <summary>
    /// Counts <paramref name="count"/> more on <paramref name="key"/>'s note and widens its span to
    /// <paramref name="time"/>, or starts the note while <paramref name="notes"/> holds fewer than
    /// <see cref="EngineState.MaxDisabledHosts"/>.
    /// </summary>
    /// <returns>Whether a note was started.</returns>
    private static bool Note(Dictionary<string, DisabledNote> notes, string key, DateTimeOffset time, int count = 1, string sample = "")
    {
        if (notes.TryGetValue(key, out var note))
        {
            note.Count += count;
            note.First = time < note.First ? time : note.First;
            note.Last = time > note.Last ? time : note.Last;
            return false;
        }

        if (notes.Count >= EngineState.MaxDisabledHosts)
        {
            return false;
        }

        notes[key] = new DisabledNote { First = time, Last = time, Count = count, Sample = sample };
        return true;
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
        for (; processed < State.PendingErrors.Count; processed++)
        {
            var error = State.PendingErrors[processed];
            if (error.Time > errorCutoff && State.PendingErrors.Count - processed <= 100_000)
            {
                break;
            }

            if (!error.Claimed)
            {
                Release(error, processed);
            }
        }

        State.PendingErrors.RemoveRange(0, processed);
        CloseQuiet(watermark);
    }

    /// <summary>End of input: join everything, resolve what has been quiet, and return all incidents
    /// (resolved first, then the still-open ones as of the last line read).</summary>
    public IReadOnlyList<Incident> Complete()
    {
        var end = Max(State.AccessWatermark, State.ErrorWatermark) ?? State.Watermark ?? DateTimeOffset.UnixEpoch;
        if (State.ErrorWatermark is { } lastError)
        {
            // A kill written after nginx's last line (the application's lines pasted below nginx's) belongs with the
            // lines above it: there is no later one to take its time from.
            NoteUntimedKills(lastError);
        }

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

    /// <summary>
    /// <c>nginx -t</c>'s verdict (<c>nginx: configuration file /etc/nginx/nginx.conf test failed</c>): the
    /// <c>host not found in upstream</c> just before it was a test's (an entrypoint's check, a deploy's), not nginx
    /// failing to start; an nginx already running serves on with the configuration it has.
    /// </summary>
    public void AddConfigTestFailed()
    {
        Stats.ErrorLines++;
        Stats.ErrorLinesIgnored++;
        if (State.PendingErrors.FindLast(e => e.Kind.StoppedStart()) is { } tested)
        {
            _tested.AddRange(State.PendingErrors.Where(e => IsTested(e, tested)));
            State.PendingErrors.RemoveAll(e => IsTested(e, tested));
        }

        static bool IsTested(PendingError e, PendingError tested) =>
            e.Kind.StoppedStart() && e.Time <= tested.Time && tested.Time - e.Time <= ReloadSkew;
    }

    /// <summary>
    /// systemd's word that nginx's unit failed to start (<see cref="ErrorLogParser.IsStartFailed"/>): the configuration
    /// test just before it was the start's own (<c>ExecStartPre=nginx -t</c>), so the names it could not resolve, or the
    /// configuration it refused, left nginx down, as at a start without a test.
    /// </summary>
    public void AddStartFailed(DateTimeOffset? time)
    {
        Stats.ErrorLines++;
        Stats.ErrorLinesIgnored++;
        ReleaseHeldStart(time);
    }

    /// <summary>
    /// A supervisor's or an entrypoint's word that it starts nginx (<see cref="ErrorLogParser.IsStartAnnounced"/>): a
    /// configuration nginx refuses next is that start's, and nginx is down, until a test's verdict says otherwise
    /// (<see cref="AddConfigTestFailed"/>). nginx's next line of any other kind ends it (<see cref="AddError"/>), as does a
    /// request it logged (<see cref="AddAccess"/>): it started, and a refusal later is a reload's or a test's.
    /// </summary>
    public void NoteStartAnnounced() => _startAnnounced = true;

    /// <summary>Another word that the configuration refused just before was a start's (<see cref="AddStartFailed"/>):
    /// its errors left nginx down.</summary>
    public void ReleaseHeldStart(DateTimeOffset? time)
    {
        foreach (var start in _tested.Where(e => time is not { } at || (e.Time <= at + ReloadSkew && at - e.Time <= StartSkew)))
        {
            Insert(State.PendingErrors, start, e => e.Time);
        }

        _tested.Clear();
    }

    /// <summary>
    /// A configuration-time error (<c>[emerg] host not found in upstream "php-fpm:9000" in /etc/nginx/conf.d/x.conf:2</c>,
    /// <c>bind() failed</c>): not a request failure. Listed in stats once per distinct message, and shown with the
    /// incidents that follow it.
    /// </summary>
    public void AddConfigMessage(ConfigMessage message, DateTimeOffset? time, ReadOnlySpan<byte> line)
    {
        Stats.ErrorLinesIgnored++;
        var name = ErrorSignatures.UnresolvedAtStart(message.Message);
        var kind = name is not null ? FailureKind.UnresolvedAtStart : message.File is not null ? FailureKind.ConfigRejectedAtStart : FailureKind.None;
        if (time is { } at && message.Level == ErrorLevel.Emerg && kind != FailureKind.None
            && !(_reloadAt is { } reload && at >= reload && at - reload <= ReloadSkew)
            && !State.PendingErrors.Exists(e => e.Kind == kind && e.Signature == message.Message && (e.Time - at).Duration() <= ReloadSkew)
            && !_tested.Exists(e => e.Kind == kind && e.Signature == message.Message && (e.Time - at).Duration() <= ReloadSkew))
        {
            // nginx did not start: no request is logged for the clients it left unanswered. (nginx writes the line to
            // its error log and to stderr, where a container's or the journal's output shows both: they are one start.)
            // A configuration refused is named by where nginx stopped reading it, and is held until systemd says the
            // start failed (AddStartFailed): nginx reads its configuration the same way for `nginx -t` and for
            // `nginx -s reload`, whose process signals the running master only when the configuration passes, so the
            // line alone says no more than that a configuration was refused.
            var refused = new PendingError
            {
                Time = at,
                Kind = kind,
                Signature = message.Message,
                Upstream = name is not null ? LogText.LinkText(name) : $"{message.File}:{message.Line}",
                Host = NoHost,
                Raw = LogText.Raw(line),
            };
            if (kind == FailureKind.UnresolvedAtStart || _startAnnounced)
            {
                Insert(State.PendingErrors, refused, e => e.Time);
            }
            else if (_tested.Count < MaxHeldStartErrors)
            {
                _tested.Add(refused);
            }
        }

        _startAnnounced = false;
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

    /// <summary>How soon after nginx's reload notice its <c>[emerg]</c> is the reload's.</summary>
    private static readonly TimeSpan ReloadSkew = TimeSpan.FromSeconds(5);

    /// <summary>How long before systemd's word that nginx's unit failed its configuration test may have run (a name
    /// the resolver takes its time over holds the test up to its timeout).</summary>
    private static readonly TimeSpan StartSkew = TimeSpan.FromSeconds(60);

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

    /// <summary>
    /// nginx proxying to a server block of its own (ingress-nginx's old default backend at 127.0.0.1:8181, a cache tier
    /// in front of itself) logs both hops in one access log: the inner one first, as it ends first, with no upstream and
    /// the status it made, then the outer one, whose last try answered that status with the inner one's body. The inner
    /// line is the outer request's upstream answering, not a request of its own: it is dropped from those waiting, so it
    /// fails nothing twice (read as nginx's own 503 it had looked like a limiter's).
    /// </summary>
    private void DropInnerHop(PendingRequest outer, long received)
    {
        var path = outer.Request.SentTarget;
        if (path is null)
        {
            return;
        }

        // The inner hop ended just before the outer one: among the last few waiting (bounded, so an outage of thousands
        // of answered 5xx a second costs no scan of them all).
        for (var i = State.PendingRequests.Count - 1; i >= Math.Max(0, State.PendingRequests.Count - MaxInnerHopLookBack); i--)
        {
            var inner = State.PendingRequests[i];
            if (inner.Time < outer.Time - TimeSpan.FromSeconds(1))
            {
                return;
            }

            if (inner.Time <= outer.Time && inner.Status == outer.Status && inner.Tries.Count == 0 && inner.LogsUpstream
                && inner.BodyBytes == received && inner.Request.SentTarget == path)
            {
                State.PendingRequests.RemoveAt(i);
                return;
            }
        }
    }

    private const int MaxInnerHopLookBack = 64;

    /// <summary>
    /// A 503 nginx made without contacting an upstream: every upstream field "-" in a format that logs them, or, in one
    /// that logs none (<c>combined</c>), nginx's own 503 page. Either way limit_req, limit_conn or a <c>return 503</c>.
    /// </summary>
    internal static bool NginxAnsweredItself(PendingRequest request) =>
        request.Status == 503 && request.Backend.Length == 0
        && (request.LogsUpstream ? request.Tries.Count == 0 : request.Unaddressed is null && NginxErrorPage.Is(503, request.BodyBytes));
}
