using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>One-shot analysis of complete logs: the engine behind <c>analyze</c> and <c>POST /api/analyze</c>.</summary>
internal static class LogAnalyzer
{
    /// <summary>The most lines a paste about a failure or two is taken to hold.</summary>
    private const int ShortPaste = 200;

    public static AnalysisReport Analyze(
        IReadOnlyList<LogInput> access, IReadOnlyList<LogInput> errors, AccessLogFormat? format, DiagnosisOptions options, CancellationToken cancellationToken)
    {
        options = options.WithErrorLogEndKnown();
        access = InputOrder.Chronological(access, cancellationToken);
        errors = InputOrder.Chronological(errors, cancellationToken, errorLogs: true);
        var report = Run(access, errors, format, options.WithRequestsPerMinuteCounted(), cancellationToken, out var traffic, out var peeredLate);
        if (peeredLate.Count > 0 && access.Concat(errors).All(i => i.CanReopen))
        {
            // A request late in the error log showed nginx going on from a server to another of its group, after that
            // server's lone failed connects had been counted as failed requests: with no access log about them, they
            // were tries the next server answered (a host without IPv6 tries a dual-stack name's IPv6 address first
            // on every request, and logs each). Read again knowing it from the start, as the service does from then on.
            options = options.WithServersKnownToHavePeers(peeredLate);
            report = Run(access, errors, format, options.WithRequestsPerMinuteCounted(), cancellationToken, out traffic, out _);
        }

        // The threshold keeps a stray failure amid a stream of traffic from opening an incident. When it leaves the logs
        // without any incident and they are an excerpt about their failures (a tenth of their lines or more: a paste, a
        // short capture), or a short paste holding fewer failed requests than it asks for, those failures are what
        // whoever gave them is asking about: they are analysed again with a threshold of one. A stray or two in a
        // log of hundreds of lines (a day's rotated file) stays noise.
        var stats = report.Stats;
        var lines = stats.AccessLines + stats.ErrorLines;
        var excerpt = stats.FailedRequests * 10 >= lines;
        if (report.Incidents.Count == 0 && stats.FailedRequests > 0 && ((stats.FailedRequests < options.MinFailures && lines <= ShortPaste) || excerpt)
            && access.Concat(errors).All(i => i.CanReopen))
        {
            report = Run(access, errors, format, options.WithMinFailures(1), cancellationToken);
            report = report with
            {
                Incidents = lines <= ShortPaste ? Ordered(OverlappingIncidents.MergePaste(report.Incidents, traffic.ErrorLogBegan)) : report.Incidents,
                Stats = report.Stats with { BelowThreshold = true },
            };
        }
        else if (report.Incidents.Count == 0 && stats is { FailedRequests: 0, TriesMovedPast: > 0 } && stats.TriesMovedPastToIpv4 < stats.TriesMovedPast
                 && lines <= ShortPaste && access.Concat(errors).All(i => i.CanReopen)
                 && (stats.AccessLines == 0 || traffic.LastRequest + options.JoinSkew < traffic.ErrorLogBegan)
                 && Run(access, errors, format, options.WithMinFailures(1).WithTriesMovedPastCounted(), cancellationToken) is var movedPast
                 && (stats.TriesMovedPast < options.MinFailures || movedPast.Incidents.All(OnLocalhostIpv6)))
        {
            // A short paste of an error log whose only failures are a try or two nginx went past to the group's next
            // server (connect() failed (111), then [warn] upstream server temporarily disabled): whoever pasted them is
            // asking about those tries, and no access log says the next server answered (none was given, or it ends
            // before the error log begins: its lines are of other requests, earlier). As many as the threshold are
            // a failover that kept serving, as a longer log shows it. A try on localhost's [::1] is one too: nginx goes
            // on to 127.0.0.1, the same application's other address, which logged no failure either; however many of
            // those the paste holds, each says the same of the address nginx is given. Unless nginx said it went on
            // from every one of them (`upstream server temporarily disabled`, logged only in a group of several): then
            // its next try was the IPv4 address's, which failed in no line, and no client got an error (the report
            // says so, stats.TriesMovedPastToIpv4).
            report = movedPast with
            {
                Incidents = [.. Ordered(OverlappingIncidents.MergePaste(movedPast.Incidents)).Select(i => OnLocalhostIpv6(i) ? RefusedOnlyOverIpv6(i) : MovedPast(i))],
                Stats = movedPast.Stats with { BelowThreshold = true },
            };
        }
        else if (report.Incidents.Count == 0 && stats is { FailedRequests: 0, TriesMovedPast: 0, ResponsesCutShort: > 0 }
                 && lines <= ShortPaste && access.Concat(errors).All(i => i.CanReopen))
        {
            // A short paste whose only failures are tries that broke after nginx had passed the upstream's status on
            // ("… while reading upstream"): no gateway error, the client got that status with its body cut short, but
            // whoever pasted them is asking about them (a download cut, a stream dropped, a worker dying mid-answer).
            // They are reported as such, their status the upstream's own, which the lines do not give.
            var cut = Run(access, errors, format, options.WithMinFailures(1).WithResponsesCutShortCounted(), cancellationToken);
            report = cut with
            {
                Incidents = Ordered(OverlappingIncidents.MergePaste(cut.Incidents)),
                Stats = cut.Stats with { BelowThreshold = true },
            };
        }
        else if (report.Incidents.Count > 0 && lines <= ShortPaste && stats.FailedRequests > report.Incidents.Sum(i => i.FailedRequests)
                 && access.Concat(errors).All(i => i.CanReopen))
        {
            report = WithUpstreamsBelowThreshold(report, access, errors, format, options, cancellationToken);
        }
        else if (stats.FailedRequests > report.Incidents.Sum(i => i.FailedRequests) && stats.ErrorLines > 0 && access.Concat(errors).All(i => i.CanReopen)
                 && MayHoldEpisodes(report.Incidents, traffic, options))
        {
            report = WithEpisodesBelowThreshold(report, traffic, access, errors, format, options, cancellationToken);
        }

        // A short paste (a developer's session, a thread's excerpt) whose failures of one upstream, host and cause the
        // quiet period split, with no access log covering the time between them: the error log says nothing of what was
        // served meanwhile, so the later ones found it still down, as for a paste of failures below the threshold. An
        // access log that does cover it shows every request: what it shows there decides (below).
        if (lines <= ShortPaste && report.Incidents.Count > 1)
        {
            var joined = OverlappingIncidents.OutagesJoined(report.Incidents, (before, after) => traffic.Covers(before.End, after.Start));
            report = joined.Count == report.Incidents.Count ? report : report with { Incidents = Ordered(joined) };
        }

        // Where the access log does cover it, and shows nothing an upstream may have answered meanwhile (every request
        // failed, or nginx answered it itself, or none came: a quiet site), the quiet period closed an outage that
        // was still on; its incidents are one, whatever Host the requests sent. (Two incidents closer together than the
        // quiet period were told apart by a change of cause amid failures that went on, as a crash loop's first change
        // is; an episode below the threshold was not told apart from anything.)
        if (report.Incidents.Count > 1)
        {
            bool Apart(Incident before, Incident after) =>
                after.Start - before.End < options.QuietPeriod && before.FailedRequests >= options.MinFailures && after.FailedRequests >= options.MinFailures;
            var joined = OverlappingIncidents.AcrossSilence(report.Incidents, (before, after) => !Apart(before, after) && traffic.SilentBetween(before, after));
            report = joined.Count == report.Incidents.Count ? report : report with { Incidents = Ordered(joined) };
        }

        // An episode absorbed by its incident stretches it: over another incident of its upstream and host, told apart
        // by a change of cause, they are one outage now (as two readings of one outage are; the cause the majority's).
        if (report.Incidents.Count > 1)
        {
            var merged = OverlappingIncidents.Merge(report.Incidents, options.QuietPeriod);
            report = merged.Count == report.Incidents.Count ? report : report with { Incidents = Ordered(merged) };
        }

        return report;
    }

    /// <summary>
    /// Whether a minute outside every incident (and its quiet period) has failures enough against the requests around it
    /// for an episode there to pass <see cref="WithEpisodesBelowThreshold"/>'s tenth: an episode that does has a minute
    /// with at least a thirtieth (each minute's requests are counted in three minutes' sums); or the last failures, in or
    /// after the access log's last minute, which the logs may end with. A log of strays amid a stream is not read twice.
    /// </summary>
    private static bool MayHoldEpisodes(IReadOnlyList<Incident> incidents, Traffic traffic, DiagnosisOptions options)
    {
        var lastMinute = traffic.LastRequest is { } lastRequest ? lastRequest.ToUnixTimeSeconds() / 60 : long.MaxValue;
        var lastFailure = traffic.Failures.Count > 0 ? traffic.Failures.Keys.Max() : long.MinValue;
        foreach (var (minute, failed) in traffic.Failures)
        {
            var time = DateTimeOffset.FromUnixTimeSeconds(minute * 60);
            if (incidents.Any(i => time + TimeSpan.FromMinutes(1) > i.Start - options.QuietPeriod && time <= i.End + options.QuietPeriod))
            {
                continue;
            }

            // Or the last failures, in or after the access log's last minute: the logs may end with them.
            var around = traffic.Requests.GetValueOrDefault(minute - 1) + traffic.Requests.GetValueOrDefault(minute) + traffic.Requests.GetValueOrDefault(minute + 1);
            if (failed * 30L >= around || (minute >= lastMinute && minute == lastFailure))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A longer log whose failures the threshold left out, in part or all: a request or two failing with nginx's own
    /// line to say why, on a site quiet enough that one person's retries are its traffic (a development stack, an
    /// internal tool; a 504 costs its client the whole <c>proxy_read_timeout</c>, so three in a minute never come from
    /// one). Such an episode is reported when nginx's error log names it and it is not a stray in a stream: at least a
    /// tenth of the requests the access log holds in its minutes (the window before and after included), or no access
    /// log covers them. Each is an episode of its own, as incidents are (a quiet period apart); failures beside an
    /// incident of their upstream or host, within its quiet period, are its own lead-in or tail.
    /// </summary>
    private static AnalysisReport WithEpisodesBelowThreshold(
        AnalysisReport report, Traffic traffic, IReadOnlyList<LogInput> access, IReadOnlyList<LogInput> errors, AccessLogFormat? format, DiagnosisOptions options,
        CancellationToken cancellationToken)
    {
        var found = report.Incidents;
        var again = Run(access, errors, format, options.WithMinFailures(1), cancellationToken);
        var added = new List<Incident>();
        foreach (var episode in again.Incidents)
        {
            if (!episode.Evidence.Any(e => e.Source == "error") || found.Any(f => Holds(f, episode, options.QuietPeriod)))
            {
                continue;
            }

            var around = RequestsAround(episode, traffic.Requests, options.Window);
            var endsTheLog = traffic.LastRequest is { } lastRequest && lastRequest <= episode.End
                && (traffic.Failures.Count == 0 || traffic.Failures.Keys.Max() <= episode.End.ToUnixTimeSeconds() / 60);
            // nginx's own 500 for a configuration it cannot serve (a proxy loop's last hop, an auth_request endpoint
            // that answers what auth_request cannot take, a proxy_bind address not this host's) is no stray: every
            // request that meets it fails the same way, and one line proves it, however much else was served.
            var configuredToFail = episode.Cause == IncidentCause.Misconfiguration && episode.Status == 500;
            if (episode.FailedRequests * 10 < around && !endsTheLog && !configuredToFail)
            {
                continue;
            }

            // No access line in its minutes: nginx's connection counter tells the traffic instead. Each request
            // proxied takes two numbers (the client's connection and the one to the upstream), kept-alive ones fewer.
            if (around == 0 && traffic.ConnectionsAround(episode, options.Window) is { } connections && episode.FailedRequests * 10 * 2 < connections)
            {
                continue;
            }

            var share = configuredToFail && episode.FailedRequests * 10 < around ? "nginx answered them itself for a configuration it cannot serve, which fails every request that meets it"
                : around == 0 ? "nginx's error log names them and no access log shows other traffic then"
                : around <= episode.FailedRequests ? "they were every request logged in those minutes"
                : episode.FailedRequests * 10 >= around ? $"they were {episode.FailedRequests} of the {around} requests logged in those minutes"
                : "the logs end with them: nothing was served after they failed, so nothing says it came back";
            added.Add(episode with
            {
                Confidence = Math.Round(episode.Confidence * 0.8, 2),
                Summary = $"{episode.Summary} Fewer failures than an incident's threshold ({options.MinFailures} in {options.Window.TotalSeconds:0} s), reported because {share}.",
            });
        }

        return added.Count == 0 ? report : report with
        {
            Incidents = Ordered(found.Concat(added)),
            Stats = report.Stats with { BelowThreshold = true },
        };

        // Whether a found incident already holds the episode's failures: its upstream, host or group at the same time
        // (the lead-in and tail of the same outage, a server of the block that answered `no live upstreams`).
        static bool Holds(Incident found, Incident episode, TimeSpan quiet) =>
            (found.Upstream == episode.Upstream || found.Host == episode.Host || found.Servers?.Contains(episode.Upstream) == true)
            && episode.Start <= found.End + quiet && episode.End >= found.Start - quiet;

        static long RequestsAround(Incident episode, Dictionary<long, int> perMinute, TimeSpan window)
        {
            long requests = 0;
            if (perMinute.Count > 0)
            {
                for (var minute = (episode.Start - window).ToUnixTimeSeconds() / 60; minute <= (episode.End + window).ToUnixTimeSeconds() / 60; minute++)
                {
                    requests += perMinute.GetValueOrDefault(minute);
                }
            }

            return requests;
        }
    }

    /// <summary>
    /// A short paste in which one upstream failed often enough for an incident and another too few times (five refusals
    /// on one server, two timeouts on the next): each of nginx's lines names its own upstream and its own cause, and
    /// whoever pasted them is asking about all of them. The upstreams and hosts the threshold left out get their
    /// incidents from a reading with a threshold of one; those it found stay as they are.
    /// </summary>
    private static AnalysisReport WithUpstreamsBelowThreshold(
        AnalysisReport report, IReadOnlyList<LogInput> access, IReadOnlyList<LogInput> errors, AccessLogFormat? format, DiagnosisOptions options, CancellationToken cancellationToken)
    {
        var found = report.Incidents.ToList();
        var rest = new List<Incident>();
        var readAgain = new HashSet<Incident>(ReferenceEqualityComparer.Instance);
        foreach (var episode in Run(access, errors, format, options.WithMinFailures(1), cancellationToken).Incidents)
        {
            if (found.FirstOrDefault(f => (SameKey(f, episode) && !Apart(f, episode, options.QuietPeriod)) || ItsOwnReading(f, episode)) is { } own)
            {
                readAgain.Add(own);

                // The incident's own failures; with more of them, when the threshold of one let another host's failures
                // of its upstream and cause at its time join it (a health check by the server's address, seconds
                // before the site's requests failed the same way: OverlappingIncidents.WithHostsJoined).
                if (episode.Host == own.Host && episode.FailedRequests > own.FailedRequests && episode.Start <= own.Start && episode.End >= own.End)
                {
                    found[found.IndexOf(own)] = episode with { Id = own.Id };
                }

                continue;
            }

            // Failures of an incident's own upstream, host and cause before its start (or after its end), too few to
            // be one alone, with nothing answered in between: its outage began earlier (or went on), so the nearest
            // incident of it begins (or ends) with them.
            var outage = found.Where(f => SameOutage(f, episode, options.QuietPeriod)).MinBy(f => Distance(f, episode));
            if (outage is not null)
            {
                found[found.IndexOf(outage)] = OverlappingIncidents.Absorb(outage, episode);
            }
            else
            {
                rest.Add(episode);
            }
        }

        var episodes = OverlappingIncidents.MergePaste(rest).ToList();
        foreach (var unnamed in episodes.Where(e => e.Upstream == "(unknown)").ToList())
        {
            // Access lines that name no upstream and found no error line of their own, beside the incident of their
            // status (and host) that the threshold found, one upstream failing one way: its failures, whose error lines
            // the paste cut (MergePaste's reading, across the two thresholds).
            var near = found.Where(f => unnamed.Start <= f.End + options.QuietPeriod && unnamed.End >= f.Start - options.QuietPeriod);
            if (OverlappingIncidents.NamedFor(unnamed, near) is { } named)
            {
                found[found.IndexOf(named)] = OverlappingIncidents.Absorb(named, unnamed);
                episodes.Remove(unnamed);
            }
        }

        foreach (var unnamed in found.Where(f => f.Upstream == "(unknown)").ToList())
        {
            // An incident of no name (error lines nginx cut at 2048 bytes, a scanner's long URIs, before their upstream:
            // field) over episodes that name one upstream failing at its time: the same failures, named (MergePaste).
            // Read again with the threshold of one, its failures may have joined them already (OverlappingIncidents.Merge),
            // into an episode that a short paste's join stretched to failures of that upstream hours before.
            var named = episodes.Where(e => OverlappingIncidents.MayName(e, unnamed)
                && (Covers(unnamed, e, options.QuietPeriod) || (e.Start <= unnamed.Start && e.End >= unnamed.End))).ToList();
            if (named is [var joined] && !readAgain.Contains(unnamed) && joined.FailedRequests > unnamed.FailedRequests)
            {
                found[found.IndexOf(unnamed)] = joined with { Id = unnamed.Id };
            }
            else if (named.Count > 0 && readAgain.Contains(unnamed) && OverlappingIncidents.MergePaste([unnamed, .. named]) is [var one])
            {
                found[found.IndexOf(unnamed)] = one with { Id = unnamed.Id };
            }
        }

        var added = episodes.Where(i => !found.Any(f => Covers(f, i, options.QuietPeriod))).ToList();
        return added.Count == 0 && found.SequenceEqual(report.Incidents) ? report : report with { Incidents = Ordered(found.Concat(added)) };

        static bool SameOutage(Incident found, Incident episode, TimeSpan quiet) =>
            SameKey(found, episode) && Apart(found, episode, quiet) && episode.SuccessesBefore == found.SuccessesBefore;

        // One upstream failing one way, whatever Host the clients sent (OverlappingIncidents.WithHostsJoined); where
        // nothing names the upstream, the host.
        static bool SameKey(Incident found, Incident episode) =>
            (found.Upstream, found.Cause) == (episode.Upstream, episode.Cause) && found.Upstream != "(unknown)"
            && (found.Upstream != "-" || found.Host == episode.Host);

        static bool Apart(Incident found, Incident episode, TimeSpan quiet) =>
            episode.End < found.Start - quiet || episode.Start > found.End + quiet;

        // The incident read again with the threshold of one, where nothing names the upstream: the same host, cause and
        // moments (its failures are the episode's), so not a second outage beside it.
        static bool ItsOwnReading(Incident found, Incident episode) =>
            found.Upstream == "(unknown)" && (found.Upstream, found.Host, found.Cause) == (episode.Upstream, episode.Host, episode.Cause)
            && episode.Start <= found.End && episode.End >= found.Start;

        static TimeSpan Distance(Incident found, Incident episode) =>
            episode.End < found.Start ? found.Start - episode.End : episode.Start - found.End;

        // Whether a found incident already holds the other's failures, which fell within its time (its quiet period
        // either side): its own upstream and host (keyed as OverlappingIncidents keys them: where the format names no
        // upstream, a host's statuses are apart), or a failure like it of its host or its upstream (a second server of
        // the group answering the same garbage); or a server of its group, named or on its host (the refusals and
        // timeouts that marked the servers down before nginx answered `no live upstreams` for the group).
        static bool Covers(Incident found, Incident other, TimeSpan quiet)
        {
            var together = other.Start >= found.Start - quiet && other.End <= found.End + quiet;
            var sameKey = (found.Upstream, found.Host, found.Upstream == "(unknown)" ? found.Status : 0) == (other.Upstream, other.Host, other.Upstream == "(unknown)" ? other.Status : 0);
            return (together && (sameKey || (found.Cause == other.Cause && (found.Host == other.Host || found.Upstream == other.Upstream))))
                || found.Servers?.Contains(other.Upstream) == true
                || (found.Host == other.Host && IsGroup(found.Upstream));
        }

        static bool IsGroup(string upstream) => upstream.IndexOfAny([':', '.']) < 0 && upstream is not ("-" or "(unknown)");
    }

    private static AnalysisReport Run(
        IReadOnlyList<LogInput> access, IReadOnlyList<LogInput> errors, AccessLogFormat? format, DiagnosisOptions options, CancellationToken cancellationToken) =>
        Run(access, errors, format, options, cancellationToken, out _, out _);

    private static AnalysisReport Run(
        IReadOnlyList<LogInput> access, IReadOnlyList<LogInput> errors, AccessLogFormat? format, DiagnosisOptions options, CancellationToken cancellationToken,
        out Traffic traffic, out IReadOnlyList<string> peeredLate)
    {
        var engine = new DiagnosisEngine(options);
        var feed = new LogFeed(engine);
        feed.Run(access, errors, format, cancellationToken);
        var offset = options.ErrorLogUtcOffset ?? engine.State.ErrorLogOffset;
        var incidents = OverlappingIncidents.Merge(engine.Complete(), options.QuietPeriod).Select(i => IncidentContext.Add(i, engine.State) with
        {
            SiteUtcOffset = offset is { } o ? IncidentContext.FormatOffset(o) : null,
        }).ToList();
        traffic = new Traffic(
            engine.RequestsPerMinute ?? [], engine.FailuresPerMinute ?? [], engine.AnsweredPerMinute ?? [], engine.ConnectionNumbersPerMinute ?? [], engine.LastRequest,
            engine.State.ErrorLogBegan);
        var stats = engine.Stats;
        peeredLate = stats.PeeredLate;
        return new AnalysisReport(
            Ordered(incidents),
            new ReportStats
            {
                AccessLines = stats.AccessLines,
                ErrorLines = stats.ErrorLines,
                MalformedLines = stats.MalformedLines,
                Format = feed.Format?.Name ?? (access.Count == 0 ? "none" : "unknown"),
                ErrorLinesIgnored = stats.ErrorLinesIgnored,
                UntimedErrorLines = stats.UntimedErrorLines,
                ZonelessAccessLines = stats.ZonelessAccessLines,
                YearlessAccessLines = stats.YearlessAccessLines,
                YearAssumed = stats.YearlessAccessLines > 0 ? stats.YearAssumed : null,
                GatewayErrors = stats.GatewayErrors,
                FailedRequests = stats.FailedRequests,
                TriesMovedPast = stats.TriesMovedPast,
                TriesMovedPastToIpv4 = stats.TriesMovedPastToIpv4,
                ResponsesCutShort = stats.ResponsesCutShort,
                MalformedSamples = stats.MalformedSamples,
                Inputs = feed.Inputs,
                FormatTemplate = feed.Format?.Definition,
                FormatDetected = feed.FormatDetected,
                ErrorLogUtcOffset = errors.Count == 0 && stats.ErrorLines == 0 ? null : FormatOffset(engine.ErrorLogOffset),
                ErrorLogOffsetSource = errors.Count == 0 && stats.ErrorLines == 0 ? null : engine.ErrorLogOffsetSource,
                ConfigEvents = stats.ConfigEvents,
            });
    }

    /// <summary>The access log's requests, the failed requests, the requests an upstream may have answered and the error
    /// log's connection numbers per unix minute of one reading, the time of its last request, and the error log's first
    /// time.</summary>
    private sealed record Traffic(
        Dictionary<long, int> Requests, Dictionary<long, int> Failures, Dictionary<long, int> Answered, Dictionary<long, (long First, long Last)> ConnectionNumbers,
        DateTimeOffset? LastRequest, DateTimeOffset? ErrorLogBegan)
    {
        /// <summary>
        /// About how many connections nginx numbered in the episode's minutes and the window around them: the counter's
        /// rate between the error log's nearest lines outside them, times their length. Null when no line lies on
        /// either side, or the counter went back between them (a restart or a reload starts it again).
        /// </summary>
        public long? ConnectionsAround(Incident episode, TimeSpan window)
        {
            var minutes = _connectionMinutes.Value;
            var (from, to) = ((episode.Start - window).ToUnixTimeSeconds() / 60, (episode.End + window).ToUnixTimeSeconds() / 60);
            var at = Array.BinarySearch(minutes, from);
            var before = (at >= 0 ? at : ~at) - 1;
            at = Array.BinarySearch(minutes, to);
            var after = at >= 0 ? at + 1 : ~at;
            if (before < 0 || after >= minutes.Length)
            {
                return null;
            }

            var last = ConnectionNumbers[minutes[before]].Last;
            for (var i = before + 1; i <= after; i++)
            {
                var (first, end) = ConnectionNumbers[minutes[i]];
                if (first < last || end < first)
                {
                    return null;
                }

                last = end;
            }

            var perMinute = (double)(ConnectionNumbers[minutes[after]].First - ConnectionNumbers[minutes[before]].Last) / (minutes[after] - minutes[before]);
            return (long)(perMinute * (to - from + 1));
        }

        /// <summary>The minutes of <see cref="ConnectionNumbers"/> in order, sorted once when first asked for.</summary>
        private readonly Lazy<long[]> _connectionMinutes = new(() => [.. ConnectionNumbers.Keys.Order()]);

        /// <summary>The minute of the access log's first request, or null when it has none.</summary>
        private readonly long? _firstMinute = Requests.Count == 0 ? null : Requests.Keys.Min();

        /// <summary>The access log holds requests from before <paramref name="from"/> to after <paramref name="to"/>.</summary>
        public bool Covers(DateTimeOffset from, DateTimeOffset to) =>
            _firstMinute is { } first && first * 60 <= from.ToUnixTimeSeconds() && LastRequest >= to;

        /// <summary>The access log covers the time between the two, which do not overlap, and shows nothing an upstream
        /// may have answered in it (the minutes of both ends included).</summary>
        public bool SilentBetween(Incident before, Incident after)
        {
            if (after.Start < before.End || !Covers(before.End, after.Start))
            {
                return false;
            }

            var (first, last) = (before.End.ToUnixTimeSeconds() / 60, after.Start.ToUnixTimeSeconds() / 60);
            return last - first <= Answered.Count
                ? !Enumerable.Range(0, (int)(last - first + 1)).Any(m => Answered.ContainsKey(first + m))
                : !Answered.Keys.Any(m => m >= first && m <= last);
        }
    }

    /// <summary>Refusals on localhost's IPv6 address, from which nginx goes on to 127.0.0.1.</summary>
    private static bool OnLocalhostIpv6(Incident incident) =>
        incident.Cause == IncidentCause.UpstreamDown && UpstreamAddress.IsLocalhostIpv6(incident.Upstream);

    /// <summary>Tries nginx went past, pasted alone: what they say, at lower confidence, and where nginx went next.</summary>
    private static Incident MovedPast(Incident incident) => incident with
    {
        Confidence = Math.Round(incident.Confidence * 0.6, 2),
        Summary = incident.Summary + (UpstreamAddress.IsLocalhostIpv6(incident.Upstream)
            ? $" `localhost` names {UpstreamAddress.OtherLoopback(incident.Upstream)} too, which nginx tries next, and these lines show no failure there; whether it answered (then the clients got no error at all), no access log here says."
            : " nginx went on to the group's next server after each of these tries (`upstream server temporarily disabled`); whether that one answered, no access log here says."),
    };

    /// <summary>
    /// Refusals on localhost's [::1] that nginx went past: `localhost` in <c>proxy_pass</c> names [::1] and 127.0.0.1,
    /// and nginx tried the same port on 127.0.0.1 next and logged no failure there. The application listens on IPv4
    /// only, and the address nginx is given names its IPv6 address too: a misconfiguration, whether or not the IPv4
    /// try answered (no access log here says).
    /// </summary>
    private static Incident RefusedOnlyOverIpv6(Incident incident) => incident with
    {
        Cause = IncidentCause.Misconfiguration,
        Confidence = Math.Round(incident.Confidence * 0.6, 2),
        Summary = $"{incident.Upstream} refused connections, and `localhost` names {UpstreamAddress.OtherLoopback(incident.Upstream)} too, which nginx tries next: these lines show no failure there, so the application most likely listens on IPv4 only while `localhost` in `proxy_pass` names its IPv6 address too. Whether the IPv4 tries answered (then the clients got no error at all), no access log here says.",
        Remediation = Remediation.ForIpv4OnlyListener(incident.Upstream),
    };

    private static List<Incident> Ordered(IEnumerable<Incident> incidents) =>
        [.. incidents.OrderBy(i => i.Start).ThenBy(i => i.Upstream, StringComparer.Ordinal).ThenBy(i => i.Host, StringComparer.Ordinal)];

    private static string FormatOffset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture);
}
