namespace FunctionsApp.Incidents;

/// <summary>
/// Everything the engine knows between two batches: what waits to be joined, each upstream's history,
/// the incidents being tracked. Saved as JSON after a run and loaded before the next, so an incident
/// spanning runs stays one incident.
/// </summary>
internal sealed class EngineState
{
    public const int MaxHistoryKeys = 50_000;

    /// <summary>The layout this build writes and reads. States saved before the field existed have the same layout and
    /// read as this version (the initializer stands when the JSON has no <c>version</c>).</summary>
    public const int CurrentVersion = 1;

    /// <summary>The oldest layout this build can carry on from; an older state restarts (see <see cref="Resume"/>).</summary>
    public const int OldestReadableVersion = 1;

    /// <summary>The layout of this state: <see cref="CurrentVersion"/> when written by this build.</summary>
    public int Version { get; set; } = CurrentVersion;

    public List<PendingRequest> PendingRequests { get; set; } = [];

    public List<PendingError> PendingErrors { get; set; } = [];

    public Dictionary<string, UpstreamHistory> History { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The kinds of <see cref="History"/> key the access lines build (<c>u</c>, <c>h</c>, <c>p</c>; see
    /// <see cref="HistoryKeys"/>): which places an error line's request would have in the access log. Kept across runs,
    /// so a line released in a run that read no access line is judged as in one that did.</summary>
    public string AccessKeyKinds { get; set; } = "";

    /// <summary>Every request the site served, whatever its upstream: how long and how much the site has been observed
    /// working tells "a route that never worked" from "an upstream that was already down when the logs begin".</summary>
    public UpstreamHistory Site { get; set; } = new();

    /// <summary>When each route (<see cref="HistoryKeys.RouteOf"/>) first answered below 400, for formats that log hosts
    /// but no upstreams; at most <see cref="MaxRoutes"/>, after which no route is taken for one that never served.</summary>
    public Dictionary<string, DateTimeOffset> RoutesServed { get; set; } = new(StringComparer.Ordinal);

    public const int MaxRoutes = 20_000;

    /// <summary>Routes failing lately (formats that log hosts but no upstreams), by route: what each served second by
    /// second, at most <see cref="MaxHotRoutes"/>.</summary>
    public Dictionary<string, HotRoute> HotRoutes { get; set; } = new(StringComparer.Ordinal);

    public const int MaxHotRoutes = 1_000;

    /// <summary>
    /// The upstream each server block's failed tries named, by <c>server:</c> (empty once they named two): nginx writes a
    /// try's context as client, server, request, upstream, host and cuts the line at 2048 bytes, so a line a long request
    /// filled lost its upstream and host, and takes its server's only upstream. At most <see cref="MaxServerUpstreams"/>.
    /// </summary>
    public Dictionary<string, string> ServerUpstreams { get; set; } = new(StringComparer.Ordinal);

    public const int MaxServerUpstreams = 1_000;

    /// <summary>
    /// Servers nginx took out of rotation for how they answered, by host: <c>[warn] upstream server temporarily
    /// disabled while reading response header from upstream</c> with no error line for that try, which is how nginx
    /// counts an answer <c>proxy_next_upstream</c> lists (<c>http_500</c>, <c>http_503</c>…) against <c>max_fails</c>.
    /// At most <see cref="MaxDisabledHosts"/>; a host's note is dropped an hour after its last line.
    /// </summary>
    public Dictionary<string, DisabledNote> DisabledAfterAnswer { get; set; } = new(StringComparer.Ordinal);

    public const int MaxDisabledHosts = 1_000;

    /// <summary>
    /// Upstreams seen to be nginx itself (a try that came back to it: <see cref="ErrorSignatures.BackToItself"/>), by
    /// upstream: every request proxied there loops, whichever host it came for. Dropped an hour after the last line;
    /// at most <see cref="MaxDisabledHosts"/>.
    /// </summary>
    public Dictionary<string, DisabledNote> LoopingUpstreams { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Servers that have another server to fall back on, by server: a request that failed there went on to another
    /// server of its group, which has a line of its own (the error log alone shows a group's servers only so, unless it
    /// logs at <c>warn</c>). A later failed connect there with no line after it was moved past and the next server
    /// answered. Dropped a day after the last such request; at most <see cref="MaxDisabledHosts"/>.
    /// </summary>
    public Dictionary<string, DisabledNote> ServersWithPeers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Upstreams that served before they failed, by upstream: a failure that its error line ties to the upstream came on
    /// a route (or path) that had been answered, so the upstream behind it worked, whichever host later requests for it
    /// name (a scanner's, by the server's address, on paths never asked for). Dropped a day after the last such failure;
    /// at most <see cref="MaxDisabledHosts"/>.
    /// </summary>
    public Dictionary<string, DisabledNote> UpstreamsServedBefore { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Trackers by <c>upstream + '\u001f' + host</c>.</summary>
    public Dictionary<string, IncidentTracker> Trackers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The servers (and block names) of upstream blocks failing together, by <c>server + '\u001f' + host</c>:
    /// the upstream of the tracker that follows them. Dropped when that tracker closes.</summary>
    public Dictionary<string, string> BlockOf { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Latest time read from the access and error logs.</summary>
    public DateTimeOffset? AccessWatermark { get; set; }

    public DateTimeOffset? ErrorWatermark { get; set; }

    /// <summary>When nginx last found no free connection for a client it accepted (the bare <c>worker_connections are
    /// not enough</c>, <see cref="ErrorSignatures.OutOfConnections"/>).</summary>
    public DateTimeOffset? OutOfConnectionsAt { get; set; }

    /// <summary>The last workers application servers said they killed at their time limit, in a stream carrying
    /// nginx's lines (at most <see cref="MaxAppServerKills"/>).</summary>
    public List<AppServerKillNote> AppServerKills { get; set; } = [];

    public const int MaxAppServerKills = 256;

    /// <summary>Earliest time read from the access log: before it, the access log says nothing of the requests the
    /// error log tells of (an error log kept longer than the access log, an excerpt of each).</summary>
    public DateTimeOffset? AccessLogBegan { get; set; }

    /// <summary>Earliest time read from the error log: before it, a missing error line means nothing.</summary>
    public DateTimeOffset? ErrorLogBegan { get; set; }

    /// <summary>An error log was given for this analysis, even one with no line: at nginx's default level an empty
    /// error log says that nginx made no gateway error itself. Not one whose first lines are none of nginx's (another
    /// program's file): that says nothing. For one-shot analysis; not kept between runs.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool ErrorLogGiven { get; set; }

    /// <summary>
    /// The error log has shown a line at <c>[error]</c> or below (warn, notice, info, debug): its level lets nginx's
    /// [error] lines through, so a failed request without one was no failure of nginx's. A log of only [crit], [alert]
    /// and [emerg] lines may be written at a level above [error] (<c>error_log … crit;</c>), or be an excerpt of them:
    /// its silence says nothing.
    /// </summary>
    public bool ErrorLevelShown { get; set; }

    /// <summary>
    /// nginx's master (or its only process) has PID 1 (<c>[notice] 1#1: start worker processes</c>): nginx is the init of
    /// a container (a host's PID 1 is its init system), so 127.0.0.1 is the container's own loopback.
    /// </summary>
    public bool NginxIsPid1 { get; set; }

    /// <summary>nginx runs on Windows, as a line of its own says whatever the incident's lines do: a file it opened with
    /// <c>CreateFile()</c> (nginx for Windows' <c>ngx_open_file</c>), or a path on a drive (<c>"c:/nginx/html/…"</c>).</summary>
    public bool NginxOnWindows { get; set; }

    /// <summary>A process supervisor's lines (s6-overlay, supervisord) came in nginx's own output stream: its container
    /// runs other services beside nginx, so an application on its loopback is possible (<see cref="NginxLogs.AppServerLine.IsProcessSupervisor"/>).</summary>
    public bool ProcessSupervisorSeen { get; set; }

    /// <summary>ingress-nginx's controller said in the same stream that a Service has no endpoints
    /// (<see cref="NginxLogs.AppServerLine.IsBackendWithoutEndpoints"/>): 503s nginx answered without an upstream are its
    /// balancer's for that backend. A passing state, so not kept between runs: the lines read with it are its
    /// witnesses.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool BackendWithoutEndpointsSaid { get; set; }

    /// <summary>The lowest PID in nginx's <c>pid#tid</c> heads so far (0 before any): in a container of its own nginx's
    /// processes are among the first (the official image's entrypoint runs a few dozen before them), so workers numbered
    /// in the hundreds there had many processes start before them, an application's services beside nginx
    /// (<see cref="SharedContainerPid"/>).</summary>
    public int LowestPid { get; set; }

    /// <summary>The PID from which nginx, in a container, is read as sharing it with other services.</summary>
    public const int SharedContainerPid = 100;

    /// <summary>When nginx's own lookups failed (ssl_stapling's OCSP responder, <c>… could not be resolved … while
    /// requesting certificate status</c>): the resolver's lines around them are about those, no request's. The latest
    /// <see cref="MaxOwnLookups"/>.</summary>
    public List<DateTimeOffset> OwnLookupsUnresolved { get; set; } = [];

    public const int MaxOwnLookups = 64;

    /// <summary>How far incidents have been advanced (joined and closed).</summary>
    public DateTimeOffset? Watermark { get; set; }

    /// <summary>UTC offset used for the error log's local times, learned from the access log.</summary>
    public TimeSpan? ErrorLogOffset { get; set; }

    public AnalysisStats Stats { get; set; } = new();

    /// <summary>
    /// A saved state as this build carries on from it. A newer layout is refused (an older build must not half-read
    /// and then overwrite what a newer one wrote): deploy the newer build, or delete the site's state to start over. An
    /// older layout than this build reads restarts: a fresh state (history and tracked incidents start again; the
    /// caller's checkpoint stands, so no batch is read twice).
    /// </summary>
    /// <exception cref="EngineStateVersionException">The state was written by a newer build.</exception>
    public static EngineState Resume(EngineState state) => state.Version switch
    {
        > CurrentVersion => throw new EngineStateVersionException(state.Version),
        < OldestReadableVersion => new EngineState(),
        _ => state,
    };

    /// <summary>The history of an upstream as nginx names it (<c>10.0.0.1:8080</c>); null when the access log never named it.</summary>
    public UpstreamHistory? UpstreamHistory(string upstream) => History.GetValueOrDefault(HistoryKeys.ForUpstream(upstream));

    /// <summary>Every upstream the access log named, with its history (host and path histories are left out).</summary>
    public IEnumerable<(string Upstream, UpstreamHistory History)> Upstreams() =>
        History.Where(h => HistoryKeys.IsUpstream(h.Key)).Select(h => (HistoryKeys.UpstreamOf(h.Key)!, h.Value));

    /// <summary>Upstreams with an open incident.</summary>
    public IReadOnlySet<string> FailingUpstreams() => Trackers.Values.Where(t => t.IsOpen).Select(t => t.Upstream).ToHashSet(StringComparer.Ordinal);

    /// <summary>An upstream's requests, 5xx and gateway errors per minute from <paramref name="from"/> through
    /// <paramref name="to"/>, oldest first; empty when its history is unknown.</summary>
    public IEnumerable<MinuteCounts> Minutes(string upstream, DateTimeOffset from, DateTimeOffset to) =>
        UpstreamHistory(upstream)?.Minutes(from, to) ?? [];

    /// <summary>
    /// How an upstream looks at <paramref name="now"/>: <c>failing</c> with an open incident or when its last failure
    /// came after its last success, <c>healthy</c> when it served in the last 15 minutes, else <c>idle</c>.
    /// </summary>
    public static string Health(UpstreamHistory history, bool hasOpenIncident, DateTimeOffset now) =>
        hasOpenIncident ? "failing"
        : history.LastServed is { } served && now - served < TimeSpan.FromMinutes(15) ? "healthy"
        : history.LastFailure > history.LastServed || (history.LastServed is null && history.LastFailure is not null) ? "failing"
        : "idle";
}
