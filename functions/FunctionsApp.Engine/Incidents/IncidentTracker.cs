using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// Follows the failures of one (upstream, host): buffers them until enough fall within the window to
/// open an incident, then aggregates evidence until a quiet period closes it. Serializable as engine state.
/// </summary>
internal sealed class IncidentTracker
{
    /// <summary>Failures kept while not yet open: the window bounds them, this caps them.</summary>
    public const int MaxBuffered = 10_000;

    /// <summary>Response times kept per incident (the first ones: enough to see a cluster).</summary>
    public const int MaxResponseTimes = 512;

    public string Upstream { get; set; } = "";

    public string Host { get; set; } = "";

    public string HistoryKey { get; set; } = "";

    /// <summary>Under a host key, the route of the failed requests (<see cref="HistoryKeys.RouteOf"/>), while they all
    /// share one; see <see cref="RouteMixed"/>.</summary>
    public string Route { get; set; } = "";

    /// <summary>The failed requests went to more than one route.</summary>
    public bool RouteMixed { get; set; }

    /// <summary>Under a host key, every failed request went to one route (<see cref="Route"/>): the route, not the host,
    /// speaks for the upstream.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool OnOneRoute => HistoryKeys.IsHost(HistoryKey) && Route.Length > 0 && !RouteMixed;

    /// <summary>The servers of the upstream block whose failures this tracker follows together, when they failed
    /// requests together; null for one server.</summary>
    public List<string>? Servers { get; set; }

    /// <summary>The block's name, once nginx logged it ("no live upstreams").</summary>
    public string? Block { get; set; }

    /// <summary>When nginx first logged the block's name for a failed request ("no live upstreams": every server of
    /// the block marked down); null until it does.</summary>
    public DateTimeOffset? NoneLiveSince { get; set; }

    /// <summary>The upstream the tracker was created under, when it has since taken its block's name: the incident id
    /// is built from it, so that an incident keeps its id.</summary>
    public string? IdUpstream { get; set; }

    public bool IsOpen { get; set; }

    /// <summary>Failures seen while not yet open (bounded by the quiet period and <see cref="MaxBuffered"/>).</summary>
    public List<FailureEvent> Buffered { get; set; } = [];

    /// <summary>While not yet open: the first failure of the current run of failures, each within the quiet period of
    /// the one before and with nothing served between them (<see cref="Add"/>).</summary>
    public DateTimeOffset? StreakStart { get; set; }

    /// <summary>The latest failure of that run.</summary>
    public DateTimeOffset? StreakLast { get; set; }

    /// <summary>The failures of that run.</summary>
    public int StreakCount { get; set; }

    /// <summary>nginx disabled the server after a failure of it and went on to the next ("upstream server temporarily
    /// disabled"): it belongs to a block of several servers (a lone server is never disabled).</summary>
    public bool WentToNextServer { get; set; }

    /// <summary>Refused connects to a loopback address (127.0.0.1, [::1]) for clients that came from a Docker network's
    /// gateway (172.17.0.0/16 to 172.31.0.0/16, x.x.x.1): nginx runs in a container, whose loopback is its own.</summary>
    public int RefusedLoopbackInContainer { get; set; }

    public DateTimeOffset Start { get; set; }

    public DateTimeOffset Last { get; set; }

    public int FailedRequests { get; set; }

    public int RecoveredTries { get; set; }

    /// <summary>Of those, the tries retried on the same server (<see cref="FailureEvent.RetriedOnSameServer"/>).</summary>
    public int StaleConnectionRetries { get; set; }

    public Dictionary<int, int> Statuses { get; set; } = [];

    public Dictionary<FailureKind, int> Kinds { get; set; } = [];

    /// <summary>The lines of <see cref="Kinds"/> on tries nginx moved past (see <see cref="IncidentEvidence.ToleratedKinds"/>).</summary>
    public Dictionary<FailureKind, int> ToleratedKinds { get; set; } = [];

    public Dictionary<string, SignatureStat> Signatures { get; set; } = new(StringComparer.Ordinal);

    public int WithoutErrorLine { get; set; }

    /// <summary>Failed requests whose <c>error_page</c> nginx could not open (<see cref="PendingError.ErrorPageStatus"/>).</summary>
    public int MissingErrorPages { get; set; }

    /// <summary>Failed requests for which no error line could be told apart as their own (see <see cref="FailureEvent.Unjoined"/>).</summary>
    public int Unjoined { get; set; }

    /// <summary>Unclaimed error lines of this upstream and host attributed to the incident by time.</summary>
    public int Attributed { get; set; }

    public int UpstreamAnswered { get; set; }

    public int NoUpstreamContacted { get; set; }

    /// <summary>Of those, requests routed to a backend (<see cref="FailureEvent.Backend"/>): a backend with no endpoints.</summary>
    public int NoEndpoints { get; set; }

    /// <summary>Of <see cref="NoUpstreamContacted"/> and <see cref="NginxPage"/>, the 503s whose route served others
    /// within a second (<see cref="FailureEvent.RouteServedMeanwhile"/>).</summary>
    public int RejectedWhileRouteServed { get; set; }

    public int NotConnected { get; set; }

    public int ConnectedNoHeader { get; set; }

    /// <summary>Failed tries for which nginx got nothing back (<c>$upstream_bytes_received</c> or
    /// <c>$upstream_response_length</c> 0): the status is nginx's own.</summary>
    public int NoResponse { get; set; }

    /// <summary>Failed tries whose only upstream field is <c>$upstream_status</c> equal to the status: nginx records
    /// there the status it made itself as well as the one it was sent, so this alone does not say which.</summary>
    public int StatusOnly { get; set; }

    /// <summary>Failed requests of a format without upstream fields (<c>combined</c>) whose body is nginx's own error
    /// page (<see cref="NginxErrorPage"/>), with no error line.</summary>
    public int NginxPage { get; set; }

    /// <summary>Failed requests of a format without upstream fields whose body is not nginx's own error page (an
    /// application's page or JSON, or an <c>error_page</c> of the site's), with no error line.</summary>
    public int OtherPage { get; set; }

    /// <summary>Of <see cref="NoResponse"/>, the failed tries that only the body's size said nginx made: nginx's own error
    /// page with <c>$upstream_status</c> equal to the status (an nginx further up sends the same page).</summary>
    public int NginxPageOnly { get; set; }

    /// <summary>Failed requests whose <c>$upstream_addr</c> is the group's name: nginx found no live server in it.</summary>
    public int NoneLive { get; set; }

    /// <summary>503s of nginx's own, no upstream contacted, in nginx-proxy's format: its default server's answer for a
    /// Host no container is routed for (<see cref="PendingRequest.ByNginxProxy"/>).</summary>
    public int UnroutedHost { get; set; }

    public int FromAccessLog { get; set; }

    public bool LogsUpstream { get; set; }

    /// <summary>Upstream (or request) times of the failed requests, in seconds: a worker killed by the application
    /// server's own timeout fails every slow request after the same time.</summary>
    public List<double> ResponseTimes { get; set; } = [];

    /// <summary>The last unix second whose successes were counted into <see cref="ServedInside"/>.</summary>
    public long CountedUntil { get; set; }

    /// <summary>Requests the same upstream served inside the incident, after its first second (in-flight requests
    /// finish then even when the upstream just died).</summary>
    public long ServedInside { get; set; }

    /// <summary>Seconds inside the incident, after its first second, in which the upstream served a request.</summary>
    public int SecondsWithSuccess { get; set; }

    /// <summary>
    /// Without <c>$upstream_addr</c> a request's history is its route's (or host's), and <see cref="HistoryKey"/> is the
    /// first failed request's. When the error lines tie requests on other routes to the same upstream, the most one of
    /// those routes served before its failure: that upstream served it.
    /// </summary>
    public long ServedBeforeOnOtherRoutes { get; set; }

    /// <summary>Failed requests had other history keys than <see cref="HistoryKey"/> (other paths, without a host):
    /// the first one's does not describe them all.</summary>
    public bool HistoryMixed { get; set; }

    /// <summary>Requests reached the upstream through an internal redirect (<see cref="FailureEvent.AfterRedirect"/>): a
    /// fallback, used only when the first location fails, so its short history says nothing about its address.</summary>
    public bool ReachedByRedirect { get; set; }

    /// <summary>What the site served in the <see cref="IncidentClassifier.SiteStillWorking"/> before the first failure
    /// (null in a tracker saved before it was kept): whether the site was working when this upstream was needed.</summary>
    public long? SiteServedJustBefore { get; set; }

    /// <summary>When the tracker's first failure came, and the median time of the upstream's last requests before it
    /// (<see cref="UpstreamHistory.TypicalMillis"/>).</summary>
    public DateTimeOffset? OpenedAt { get; set; }

    public double? TypicalMillisWhenOpened { get; set; }

    /// <summary>Opened when the upstream changed state under the incident before (see
    /// <c>DiagnosisEngine.ChangedState</c>): it does not split again.</summary>
    public bool AfterStateChange { get; set; }

    /// <summary>
    /// Applies a failure; returns true when this failure opened the incident. <paramref name="servedSince"/> says whether
    /// the failure's upstream (or route) served a request after a given time, or null when no access log covers it.
    /// </summary>
    public bool Add(FailureEvent failure, DiagnosisOptions options, Func<DateTimeOffset, bool?>? servedSince = null)
    {
        if (IsOpen)
        {
            Aggregate(failure);
            return false;
        }

        if (failure.Recovered || failure.Attributed)
        {
            // Evidence, not a gateway error: it never opens an incident.
            return false;
        }

        // Failures are kept for the quiet period, though only those within the window open the incident: an open incident
        // goes on across gaps shorter than the quiet period, so a failure that came that little before the ones that
        // opened it is its beginning (one, then three 46 s later: the outage began with the first).
        Buffered.Add(failure);
        var streak = !failure.EarlierTry && Streak(failure.Time, options, servedSince);
        Buffered.RemoveAll(f => f.Time < failure.Time - LeadIn(options) && !InStreak(f));
        if (Buffered.Count > MaxBuffered)
        {
            Buffered.RemoveRange(0, Buffered.Count - MaxBuffered);
        }

        var windowStart = failure.Time - options.Window;
        if (Buffered.Count(f => !f.EarlierTry && f.Time >= windowStart) < options.MinFailures && !streak)
        {
            return false;
        }

        // From the first of those within the window back across gaps shorter than the quiet period.
        var from = Buffered.Where(f => f.Time >= windowStart).Min(f => f.Time);
        foreach (var earlier in Buffered.Where(f => f.Time < from).OrderByDescending(f => f.Time))
        {
            if (from - earlier.Time > options.QuietPeriod)
            {
                break;
            }

            from = earlier.Time;
        }

        Buffered.RemoveAll(f => f.Time < from);
        IsOpen = true;
        (StreakStart, StreakLast, StreakCount) = (null, null, 0);
        Start = Buffered.Min(f => f.Time);
        Last = Start;
        CountedUntil = Start.ToUnixTimeSeconds() + 1;
        foreach (var buffered in Buffered)
        {
            Aggregate(buffered);
        }

        Buffered.Clear();
        return true;
    }

    /// <summary>Drops buffered failures that can no longer open an incident; true when nothing is left.</summary>
    public bool Expire(DateTimeOffset watermark, DiagnosisOptions options)
    {
        if (IsOpen)
        {
            return false;
        }

        if (StreakLast is { } last && watermark - last > options.QuietPeriod)
        {
            (StreakStart, StreakLast, StreakCount) = (null, null, 0);
        }

        Buffered.RemoveAll(f => f.Time < watermark - LeadIn(options) && !InStreak(f));
        return Buffered.Count == 0;
    }

    /// <summary>Whether a buffered failure belongs to the current run (kept past the lead-in while the run lasts).</summary>
    private bool InStreak(FailureEvent failure) => StreakStart is { } start && failure.Time >= start;

    /// <summary>
    /// Whether the failure at <paramref name="time"/> makes a run of twice <see cref="DiagnosisOptions.MinFailures"/>:
    /// each within the quiet period of the one before, and nothing served between them by the same upstream (or route)
    /// while the access log covers them. Every request it got for minutes failed: an outage of a quiet upstream (a
    /// health check every 30 s, an internal tool), however far apart, which the window alone misses. A stray among its
    /// successes never makes one, nor do a few spread over minutes (a scanner's hits on a dead path): twice the
    /// window's count, for failures that did not come together.
    /// </summary>
    private bool Streak(DateTimeOffset time, DiagnosisOptions options, Func<DateTimeOffset, bool?>? servedSince)
    {
        if (servedSince?.Invoke(time) is null)
        {
            // No access log covers it: nothing says what was served between.
            (StreakStart, StreakLast, StreakCount) = (null, null, 0);
            return false;
        }

        var continues = StreakLast is { } last && time - last <= options.QuietPeriod && servedSince(last) == false;
        (StreakStart, StreakLast, StreakCount) = continues ? (StreakStart, time, StreakCount + 1) : (time, time, 1);
        return StreakCount >= 2 * options.MinFailures;
    }

    /// <summary>How long a failure that has not opened an incident is kept: the window, and the quiet period before it.</summary>
    private static TimeSpan LeadIn(DiagnosisOptions options) => options.Window + options.QuietPeriod;

    /// <summary>Counts what the upstream served in the seconds up to a failure at <paramref name="time"/>.</summary>
    public void CountServedUntil(DateTimeOffset time, SecondCounts? served)
    {
        var until = time.ToUnixTimeSeconds();
        if (until <= CountedUntil)
        {
            return;
        }

        if (served is not null)
        {
            for (var second = Math.Max(CountedUntil + 1, until - SecondCounts.Length + 1); second <= until; second++)
            {
                var count = served.Get(second);
                if (count > 0)
                {
                    ServedInside += count;
                    SecondsWithSuccess++;
                }
            }
        }

        CountedUntil = until;
    }

    private void Aggregate(FailureEvent failure)
    {
        LogsUpstream |= failure.LogsUpstream;
        ReachedByRedirect |= failure.AfterRedirect;
        if (failure.Recovered)
        {
            RecoveredTries++;
            StaleConnectionRetries += failure.RetriedOnSameServer ? 1 : 0;
        }
        else if (failure.EarlierTry)
        {
            // The same request's last try counts it.
        }
        else if (!failure.Attributed)
        {
            if (failure.Route.Length > 0 && failure.Route != Route)
            {
                if (Route.Length == 0)
                {
                    Route = failure.Route;
                }
                else
                {
                    RouteMixed = true;
                }
            }

            // Only failed requests bound the incident: tries nginx recovered from are evidence about it.
            if (failure.Time < Start)
            {
                Start = failure.Time;
            }

            if (failure.Time > Last)
            {
                Last = failure.Time;
            }

            FailedRequests++;
            Statuses[failure.Status] = Statuses.GetValueOrDefault(failure.Status) + 1;
            if ((failure.ResponseTime ?? failure.RequestSeconds) is { } seconds && ResponseTimes.Count < MaxResponseTimes)
            {
                ResponseTimes.Add(seconds);
            }
        }
        else
        {
            Attributed++;
        }

        if (failure.FromAccessLog)
        {
            FromAccessLog++;
        }

        foreach (var error in failure.Errors)
        {
            Kinds[error.Kind] = Kinds.GetValueOrDefault(error.Kind) + 1;
            RefusedLoopbackInContainer += error.Kind == FailureKind.Refused && UpstreamAddress.IsLoopback(error.Upstream) && error.InContainer ? 1 : 0;
            MissingErrorPages += error.AnsweredByMissingErrorPage && !failure.Recovered ? 1 : 0;
            if (failure.Recovered || failure.EarlierTry || error.DidNotDecide)
            {
                ToleratedKinds[error.Kind] = ToleratedKinds.GetValueOrDefault(error.Kind) + 1;
            }

            Count(error.Signature, error.Kind, error.Raw, "error");
        }

        if (failure.Errors.Count > 0 || failure.Recovered || failure.Attributed || failure.EarlierTry)
        {
            return;
        }

        WithoutErrorLine++;
        if (failure.Unjoined)
        {
            Unjoined++;
        }

        string signature;
        if (failure is { ByNginxProxy: true, NginxAnswered503: true, RouteServedMeanwhile: false })
        {
            // nginx-proxy's template gives every Host it routes a server of its own, and the rest its default server:
            // `server_name _; return 503;`, which serves nothing. (A routed Host whose containers are all gone gets
            // `server 127.0.0.1 down;` and a 502 instead; a limit_req a vhost.d file adds rejects only the excess, so
            // the same route served others meanwhile.)
            UnroutedHost++;
            signature = $"503 {IncidentClassifier.UnroutedHostSignature}";
        }
        else if (failure.LogsUpstream && failure.Backend.Length > 0)
        {
            NoUpstreamContacted++;
            NoEndpoints++;
            signature = $"{failure.Status} answered by nginx itself for backend {failure.Backend}, no upstream contacted";
        }
        else if (failure.LogsUpstream && failure.Upstream == "-")
        {
            NoUpstreamContacted++;
            RejectedWhileRouteServed += failure.RouteServedMeanwhile ? 1 : 0;
            signature = $"{failure.Status} answered by nginx itself, no upstream contacted";
        }
        else if (failure.BlockName)
        {
            NoneLive++;
            signature = $"{failure.Status} with $upstream_addr naming the group {failure.Upstream}: nginx found no live server in it";
        }
        else if (failure.LogsConnectTime && failure.ConnectTime is null && failure.UpstreamStatus != 0)
        {
            NotConnected++;
            signature = $"{failure.Status} with upstream_status {failure.UpstreamStatus} and no upstream_connect_time: nginx could not connect";
        }
        else if (failure.HeaderTime is not null && failure.UpstreamStatus == failure.Status)
        {
            UpstreamAnswered++;
            signature = $"upstream answered {failure.UpstreamStatus} itself (upstream_header_time {failure.HeaderTime:0.000}s)";
        }
        else if (failure.UpstreamStatus == failure.Status && failure.Status is not (502 or 504))
        {
            // A try nginx fails itself gets $upstream_status 502 or 504 (ngx_http_upstream_next: a timeout is 504,
            // everything else 502): any other status there was sent by the upstream, even with nothing after its
            // header ($upstream_response_length 0) and within the millisecond.
            UpstreamAnswered++;
            signature = $"upstream answered {failure.UpstreamStatus} itself (nginx records only 502 or 504 for a try it fails)";
        }
        else if (failure.LogsHeaderTime && failure.HeaderTime is null && failure.UpstreamStatus != 0)
        {
            ConnectedNoHeader++;
            signature = $"{failure.Status} after connecting: the upstream sent no response header";
        }
        else if (failure.Received == 0 && failure.UpstreamStatus != 0)
        {
            NoResponse++;
            signature = $"{failure.Status} with nothing received from the upstream: nginx made the status itself";
        }
        else if (failure.Received > 0 && failure.UpstreamStatus == failure.Status)
        {
            UpstreamAnswered++;
            signature = $"upstream answered {failure.UpstreamStatus} itself ({failure.Received} bytes received)";
        }
        else if (failure.UpstreamStatus == failure.Status && NginxErrorPage.Is(failure.Status, failure.BodyBytes))
        {
            // $upstream_status alone cannot say who made a 502 or 504; the body can: the page nginx sends for a status
            // it makes has a size of its own (an application's page, or its JSON, has another).
            NoResponse++;
            NginxPageOnly++;
            signature = $"{failure.Status} with nginx's own error page ({failure.BodyBytes} bytes): an nginx made the status itself";
        }
        else if (!failure.LogsUpstream && failure.UpstreamStatus == 0 && NginxErrorPage.Is(failure.Status, failure.BodyBytes))
        {
            // No upstream field at all (combined): only the body's size tells nginx's own page.
            NginxPage++;
            RejectedWhileRouteServed += failure.RouteServedMeanwhile ? 1 : 0;
            signature = $"{failure.Status} with nginx's own error page ({failure.BodyBytes} bytes), no upstream field and no nginx error line";
        }
        else if (!failure.LogsUpstream && failure.UpstreamStatus == 0 && failure.BodyBytes is not null)
        {
            OtherPage++;
            signature = $"{failure.Status} with a body of {failure.BodyBytes} bytes (not nginx's own page), no upstream field and no nginx error line";
        }
        else if (failure.UpstreamStatus == failure.Status && failure.BodyBytes == 0 && failure.AccessRequest is { Length: > 0 })
        {
            // The page nginx sends for a status it makes is never empty (nor is an error_page's file): an empty body
            // was the upstream's answer passed through (a proxy in front of the application giving up itself, an
            // endpoint's bare 504). A HEAD's body, empty whoever answered, has no size here (PendingRequest.BodyBytes).
            UpstreamAnswered++;
            signature = $"upstream answered {failure.UpstreamStatus} itself with an empty body (nginx's own page is never empty)";
        }
        else if (failure.UpstreamStatus == failure.Status)
        {
            StatusOnly++;
            signature = $"{failure.Status} with upstream_status {failure.UpstreamStatus} and no nginx error line";
        }
        else
        {
            signature = $"{failure.Status} in the access log, no matching error-log line";
        }

        Count(signature, FailureKind.None, failure.AccessRaw, "access", failure.AccessRequest);
    }

    private void Count(string signature, FailureKind kind, string sample, string source, string? request = null)
    {
        if (Signatures.TryGetValue(signature, out var stat))
        {
            stat.Count++;
        }
        else if (Signatures.Count < 1000)
        {
            Signatures[signature] = new SignatureStat { Kind = kind, Count = 1, Sample = sample, Source = source, Request = request };
        }
    }
}

/// <summary>How often one signature was seen, with the first real line that carried it.</summary>
internal sealed class SignatureStat
{
    public FailureKind Kind { get; set; }

    public int Count { get; set; }

    public string Sample { get; set; } = "";

    /// <summary>The sample's request as the access format logs it, for access signatures.</summary>
    public string? Request { get; set; }

    public string Source { get; set; } = "error";
}
