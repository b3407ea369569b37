using System.Globalization;
using FunctionsApp.NginxConfig;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>Turns a tracker and what the engine knows around it into the incident document: evidence, verdict, remediation.</summary>
internal static class IncidentFactory
{
    /// <summary>Configuration errors this long before an incident are shown with it.</summary>
    private static readonly TimeSpan ConfigEventsBefore = TimeSpan.FromMinutes(15);

    public static Incident Create(IncidentTracker t, IncidentState state, EngineState engine, DiagnosisOptions options)
    {
        var evidence = Evidence(t, engine, options);
        var verdict = IncidentVerdict.Decide(evidence);
        var statuses = t.Statuses.OrderBy(s => s.Key).ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value);
        var items = t.Signatures
            .OrderByDescending(s => s.Value.Count).ThenByDescending(s => s.Value.Source == "error").ThenBy(s => s.Key, StringComparer.Ordinal)
            .Take(options.MaxEvidence)
            .Select(s => new EvidenceItem(s.Key, s.Value.Count, s.Value.Sample, s.Value.Source, s.Value.Request))
            .Concat(engine.Stats.ConfigEvents
                .Where(c => c.Time is { } time && time >= t.Start - ConfigEventsBefore && time <= t.Last)
                .GroupBy(c => c.Message, StringComparer.Ordinal)
                .Select(g => new EvidenceItem(Where(g.First()), g.Count(), g.First().Sample, "config")))
            .Concat(DisabledForAnswers(t, engine) is { } disabled
                ? [new EvidenceItem(IncidentClassifier.DisabledForAnswersSignature, disabled.Count, disabled.Sample)]
                : [])
            .Concat(LoopSeenElsewhere(t, engine) is { } loop
                ? [new EvidenceItem(LoopSignature, loop.Count, loop.Sample)]
                : []);
        return new Incident
        {
            Id = DiagnosisEngine.IncidentId(t.IdUpstream ?? t.Upstream, t.Host, t.Start),
            Upstream = NameOf(t),
            Host = t.Host,
            Status = t.Statuses.Count == 0 ? 502 : t.Statuses.OrderByDescending(s => s.Value).ThenBy(s => IncidentClassifier.TieOrder(verdict.Cause, s.Key)).First().Key,
            Statuses = statuses,
            Cause = verdict.Cause,
            Confidence = verdict.Confidence,
            Summary = t.Servers is { Count: > 1 } servers ? $"{verdict.Summary} Servers that failed together: {string.Join(", ", servers)}." : verdict.Summary,
            Start = t.Start,
            End = t.Last,
            State = state,
            FailedRequests = t.FailedRequests,
            FailedTriesRecovered = t.RecoveredTries,
            Servers = t.Servers is { Count: > 1 } || (t.Block is not null && t.Servers is { Count: 1 }) ? t.Servers : null,
            SuccessesBefore = evidence.ServedBefore,
            Evidence = [.. items],
            Remediation = t.Servers is { Count: > 1 }
                ? [.. verdict.Remediation.Select(step => step == Remediation.MoreThanOneServerStep ? Remediation.ServersFailedTogetherStep : step)]
                : verdict.Remediation,
        };
    }

    private const string LoopSignature = "the upstream is nginx itself: a request of another host came back to it";

    /// <summary>
    /// The tracker's upstream came back to nginx for another host's requests in these minutes: it is nginx's own
    /// address, so this host's requests looped there too; their hops name this host, the request nginx sent itself
    /// the upstream's address (<see cref="ErrorSignatures.BackToItself"/>).
    /// </summary>
    private static DisabledNote? LoopSeenElsewhere(IncidentTracker t, EngineState engine) =>
        !t.Kinds.ContainsKey(FailureKind.ProxyLoop) && engine.LoopingUpstreams.TryGetValue(t.Upstream, out var note)
        && note.First <= t.Last + TimeSpan.FromMinutes(1) && note.Last >= t.Start - TimeSpan.FromMinutes(1)
            ? note : null;

    /// <summary>
    /// nginx shares its container with other services, so an application on the container's loopback is by design (an
    /// all-in-one image: UISP, ONLYOFFICE, Frigate, linuxserver.io's): a supervisor's lines came in nginx's output, or
    /// nginx's processes are numbered past the first hundred, other processes started before them; unless nginx's
    /// master is the container's init, PID 1, nginx alone in it.
    /// </summary>
    private static bool SharesItsContainer(EngineState engine) =>
        engine.ProcessSupervisorSeen || (!engine.NginxIsPid1 && engine.LowestPid >= EngineState.SharedContainerPid);

    /// <summary>What nginx said of the host's servers it disabled for their answers, when it did so in the ten minutes
    /// before the tracker's "no live upstreams" or during them.</summary>
    private static DisabledNote? DisabledForAnswers(IncidentTracker t, EngineState engine) =>
        t.Kinds.ContainsKey(FailureKind.NoLiveUpstreams) && engine.DisabledAfterAnswer.TryGetValue(t.Host, out var note)
        && note.First <= t.Last && note.Last >= t.Start - TimeSpan.FromMinutes(10)
            ? note : null;

    /// <summary>How far outside an incident's failures an application server's kill still counts for it: its line and
    /// nginx's come within a second, but a kill timed by the next nginx line of a quiet stream may come later.</summary>
    private static readonly TimeSpan AppServerKillSkew = TimeSpan.FromSeconds(30);

    public static IncidentEvidence Evidence(IncidentTracker t, EngineState engine, DiagnosisOptions options)
    {
        engine.History.TryGetValue(t.HistoryKey, out var history);
        var firstSeen = history?.FirstSeen is { } seen && seen < t.Start ? seen : t.Start;
        var servedBefore = history?.ServedBefore(t.Start) ?? 0;
        var connectedBefore = history?.FirstConnected < t.Start;
        if (t.Servers is { Count: > 1 } servers)
        {
            // Servers failing together: the tracker follows the first that failed, but what the group served before is
            // what each of them served (a request fails over past a standing failure to the server that answers).
            foreach (var server in servers)
            {
                if (HistoryKeys.ForUpstream(server) is var key && key != t.HistoryKey && engine.History.TryGetValue(key, out var other))
                {
                    servedBefore += other.ServedBefore(t.Start);
                    firstSeen = other.FirstSeen is { } otherSeen && otherSeen < firstSeen ? otherSeen : firstSeen;
                }
            }
        }
        servedBefore = Math.Max(servedBefore, t.ServedBeforeOnOtherRoutes);
        if (NewRoute(t, engine))
        {
            // The host's history speaks for its other locations: this one never answered before it failed.
            firstSeen = t.Start;
            servedBefore = 0;
            connectedBefore = false;
        }

        var site = engine.Site;
        var siteObserved = site.FirstSeen is { } siteFirst && siteFirst < firstSeen ? firstSeen - siteFirst : TimeSpan.Zero;
        var kills = engine.AppServerKills.FindAll(k => k.Time >= t.Start - AppServerKillSkew && k.Time <= t.Last + AppServerKillSkew);
        var errorLines = t.Signatures.Where(s => s.Value.Source == "error").ToList();
        var evidence = new IncidentEvidence
        {
            Upstream = t.Upstream,
            UpstreamLabel = LabelOf(t),
            Kinds = LoopSeenElsewhere(t, engine) is { } loop ? new Dictionary<FailureKind, int>(t.Kinds) { [FailureKind.ProxyLoop] = loop.Count } : t.Kinds,
            ToleratedKinds = t.ToleratedKinds,
            Statuses = t.Statuses,
            FailedRequests = t.FailedRequests,
            RecoveredTries = t.RecoveredTries,
            StaleConnectionRetries = t.StaleConnectionRetries,
            WithoutErrorLine = t.WithoutErrorLine,
            MissingErrorPages = t.MissingErrorPages,
            ExplainedByAttribution = Math.Min(t.Attributed, t.Unjoined),
            UpstreamAnswered = t.UpstreamAnswered,
            NoUpstreamContacted = t.NoUpstreamContacted,
            RejectedWhileRouteServed = t.RejectedWhileRouteServed,
            NoEndpoints = t.NoEndpoints,
            BackendWithoutEndpointsSaid = engine.BackendWithoutEndpointsSaid,
            NotConnected = t.NotConnected,
            ConnectedNoHeader = t.ConnectedNoHeader,
            NoResponse = t.NoResponse,
            NginxPage = t.NginxPage,
            UnroutedHost = t.UnroutedHost,
            NginxPageOnly = t.NginxPageOnly,
            OtherPage = t.OtherPage,
            StatusOnly = t.StatusOnly,
            NoneLive = t.NoneLive,
            ServedBefore = servedBefore,
            ConnectedBefore = connectedBefore,
            SiteObservedBeforeFirstSeen = siteObserved,
            SiteServedBeforeFirstSeen = site.ServedBefore(firstSeen),
            ServedInside = t.ServedInside,
            SecondsWithSuccess = t.SecondsWithSuccess,
            Duration = t.Last - t.Start,
            HistoryIsPerUpstream = HistoryKeys.IsUpstream(t.HistoryKey),
            HistoryIsPerPath = HistoryKeys.IsPath(t.HistoryKey),
            HistoryIsPerRoute = t.OnOneRoute,
            ReachedByRedirect = t.ReachedByRedirect,
            ServersDisabledForAnswers = DisabledForAnswers(t, engine) is not null,
            RefusedLoopbackInContainer = SharesItsContainer(engine) ? 0 : t.RefusedLoopbackInContainer,
            SiteWorkingBefore = t.SiteServedJustBefore is null or > 0,
            UpstreamServedBefore = engine.UpstreamsServedBefore.TryGetValue(t.Upstream, out var served) && served.First <= t.Last,
            ResponseMillisBefore = history?.MeanResponseMillis(t.Start - TimeSpan.FromMinutes(5), t.Start),
            ResponseMillisTypical = t.OpenedAt is { } opened && opened <= t.Start ? t.TypicalMillisWhenOpened : null,
            ResponseMillisBaseline = history?.MeanResponseMillis(t.Start - TimeSpan.FromMinutes(65), t.Start - TimeSpan.FromMinutes(6)),
            ResponseMillisUsual = history?.MeanResponseMillis(t.Start - TimeSpan.FromMinutes(6), t.Start - TimeSpan.FromMinutes(1)),
            ResponseMillisInside = history?.MeanResponseMillis(t.Start, t.Last),
            AccessLogRead = t.FromAccessLog > 0 || engine.Stats.AccessLines > 0 || site.FirstSeen is not null,
            ResponseTimes = t.ResponseTimes,
            AppServerKills = kills.Count,
            AppServerName = kills.Count > 0 ? kills[^1].Server : null,
            AppServerKillLimit = kills.Min(k => k.LimitSeconds),
            ErrorLogCovered = (engine.ErrorLogBegan <= t.Start || (engine.ErrorLogBegan is null && (engine.Stats.ErrorLines > 0 || engine.ErrorLogGiven)))
                && (engine.ErrorLevelShown || engine.Stats.ErrorLines == 0)
                && (!options.ErrorLogEndKnown || engine.Stats.ErrorLines == 0 || engine.ErrorWatermark >= t.Start - options.JoinSkew),
        }.WithErrorLines([.. errorLines.Select(s => s.Key)], [.. errorLines.Select(s => s.Value.Sample)]);

        // Subrequests of auth_request or mirror (a slice's is the response's own, cut short).
        return evidence with
        {
            NginxHost = evidence.NginxHost == NginxHost.Unknown && engine.NginxOnWindows ? NginxHost.Windows : evidence.NginxHost,
            InSubrequest = errorLines.Count > 0 && errorLines.TrueForAll(s => s.Value.Sample.Contains(", subrequest: \"", StringComparison.Ordinal))
                && !evidence.InSliceSubrequests,
        };
    }

    /// <summary>
    /// Under a host key (hosts logged, upstreams not), whether every failed request went to one route that had never
    /// answered below 400 before the incident began. Not decided once the route table is full.
    /// </summary>
    private static bool NewRoute(IncidentTracker t, EngineState engine) =>
        t.OnOneRoute && engine.RoutesServed.Count < EngineState.MaxRoutes
        && (!engine.RoutesServed.TryGetValue(t.Route, out var first) || first >= t.Start);

    /// <summary>
    /// The incident's upstream as the configuration names it. <c>proxy_pass http://localhost:8012</c> makes an implicit
    /// block of the addresses <c>localhost</c> resolves to (127.0.0.1:8012 and [::1]:8012), and nginx names that block
    /// by its host alone ("no live upstreams … upstream: "http://localhost/""): with its servers known, the port they
    /// share is the block's, and <c>localhost:8012</c> is what the user wrote and can probe.
    /// </summary>
    private static string NameOf(IncidentTracker t) =>
        t.Upstream.Equals("localhost", StringComparison.OrdinalIgnoreCase) && t.Servers is { Count: > 0 } servers
        && servers.TrueForAll(UpstreamAddress.IsLoopback) && servers.ConvertAll(s => PassTarget.SplitHostPort(s, defaultPort: 0)) is var split
        && split.TrueForAll(s => s.Given) && split.Select(s => s.Port).Distinct().ToList() is [var port]
            ? $"{t.Upstream}:{port}"
            : t.Upstream;

    /// <summary>An upstream the access log does not name is described by what the requests had in common.</summary>
    private static string LabelOf(IncidentTracker t) => t.Upstream switch
    {
        not ("(unknown)" or "-") => NameOf(t),
        _ when HistoryKeys.IsPath(t.HistoryKey) && !t.HistoryMixed => $"the upstream behind {t.HistoryKey[2..]}",
        _ when t.Host is not ("" or "-") => $"the upstream of {t.Host}",
        _ => "the upstream",
    };

    private static string Where(ConfigEvent e) =>
        e.File is null ? $"nginx [{e.Level}]: {e.Message}" : $"nginx [{e.Level}]: {e.Message} ({e.File}:{e.Line})";
}
