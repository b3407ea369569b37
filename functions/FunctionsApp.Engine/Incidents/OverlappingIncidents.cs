using System.Globalization;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// One outage read twice. Logs read in time order never give two incidents of one upstream and host that overlap: the
/// second opens only after a quiet period has closed the first. Sources that go back in time do: two nginx instances
/// behind one balancer given as two files (each read whole, in turn), or <c>kubectl logs --prefix</c> over a
/// deployment's pods, which prints one pod's lines after the other's. Each instance saw the same upstream fail at the
/// same minutes, so their incidents are one, its counts the sum of theirs.
/// </summary>
internal static class OverlappingIncidents
{
    public static IReadOnlyList<Incident> Merge(IReadOnlyList<Incident> incidents, TimeSpan quiet)
    {
        if (incidents.Count < 2)
        {
            return incidents;
        }

        var merged = new List<Incident>(incidents.Count);
        // Where the format names no upstream, a host's statuses are tracked apart (see DiagnosisEngine.TrackerKey).
        foreach (var group in incidents.GroupBy(i => (i.Upstream, i.Host, i.Upstream == "(unknown)" ? i.Status : 0)))
        {
            Incident? current = null;
            foreach (var incident in group.OrderBy(i => i.Start))
            {
                if (current is not null && incident.Start <= current.End && !TwoProblems(current, incident))
                {
                    current = Combine(current, incident);
                    continue;
                }

                if (current is not null)
                {
                    merged.Add(current);
                }

                current = incident;
            }

            merged.Add(current!);
        }

        return WithHostsJoined(WithServersFolded(WithUnnamedFolded(merged), quiet), quiet);
    }

    /// <summary>
    /// A misconfiguration beside another cause on one upstream (headers too big for nginx's buffers while the socket
    /// came and went): each needs its own fix, and the configuration's would be lost in the outage's verdict.
    /// </summary>
    private static bool TwoProblems(Incident one, Incident other) =>
        one.Cause != other.Cause && (one.Cause == IncidentCause.Misconfiguration || other.Cause == IncidentCause.Misconfiguration);

    /// <summary>
    /// A server's failures just before nginx began answering "no live upstreams" for its block are where the block's
    /// outage began: the tracker followed the server until the block's name showed which block it is. Where the block's
    /// incident on the same host lists the server and overlaps it, the server's incident is part of the block's.
    /// </summary>
    private static List<Incident> WithServersFolded(List<Incident> incidents, TimeSpan quiet)
    {
        foreach (var server in incidents.Where(i => i.Servers is null).ToList())
        {
            var blocks = incidents.Where(b => b.Servers?.Contains(server.Upstream) == true && b.Upstream != server.Upstream && b.Host == server.Host
                && server.Start <= b.End + quiet && b.Start <= server.End + quiet).ToList();
            if (blocks.Count == 1)
            {
                var block = blocks[0];
                var (first, second) = block.Start <= server.Start ? (block, server) : (server, block);
                incidents[incidents.IndexOf(block)] = Combine(first, second, lead: block) with { Id = block.Id };
                incidents.Remove(server);
            }
        }

        return incidents;
    }

    /// <summary>
    /// One upstream failing one way for requests of several hosts at once is one outage: trackers count each host
    /// apart, and the Host header is whatever the client typed (the server's address, its name, a port, <c>www.</c>)
    /// for the same server block. The incident is the host's that failed most, its summary names the others.
    /// </summary>
    private static List<Incident> WithHostsJoined(List<Incident> incidents, TimeSpan quiet)
    {
        if (incidents.Count < 2)
        {
            return incidents;
        }

        var joined = new List<Incident>(incidents.Count);
        foreach (var group in incidents.GroupBy(i => (i.Upstream, i.Cause)))
        {
            if (group.Key.Upstream is "(unknown)" or "-")
            {
                joined.AddRange(group);
                continue;
            }

            joined.AddRange(JoinedRuns(group, (latest, next) => next.Start <= latest.End + quiet));
        }

        return joined;
    }

    /// <summary>
    /// One upstream's incidents that the quiet period split where the access log shows nothing answered in between
    /// (every request there failed, or nginx refused it itself, or none came): the later ones found it still down, one
    /// outage whatever Host each request sent (a scanner's requests by the server's address fail with the site's), its
    /// verdict the one that failed most. Where the format names no upstream, a host's incidents of one status are joined.
    /// </summary>
    /// <param name="incidents">The incidents.</param>
    /// <param name="silentBetween">Whether the access log covers the time from the first's end to the second's start and
    /// shows no request there that an upstream may have answered.</param>
    public static List<Incident> AcrossSilence(IReadOnlyList<Incident> incidents, Func<Incident, Incident, bool> silentBetween)
    {
        var joined = new List<Incident>(incidents.Count);
        foreach (var group in incidents.GroupBy(i => i.Upstream == "(unknown)" ? (Upstream: i.Upstream, i.Host, i.Status) : (Upstream: Service(i.Upstream), "", 0)))
        {
            if (group.Key.Upstream == "-")
            {
                joined.AddRange(group);
                continue;
            }

            joined.AddRange(JoinedRuns(group, silentBetween));
        }

        return joined;
    }

    /// <summary>
    /// The service an upstream address is: <c>localhost</c>'s two loopbacks at one port (<c>[::1]:8080</c>, which nginx
    /// tries first, and <c>127.0.0.1:8080</c>) are one application, whichever of them a request's failed try named.
    /// </summary>
    private static string Service(string upstream) =>
        UpstreamAddress.IsLocalhostIpv6(upstream) ? UpstreamAddress.OtherLoopback(upstream)! : upstream;

    /// <summary>The incidents in order of start, each run of them that <paramref name="together"/> keeps (the run's
    /// latest-ending one and the next) as one (<see cref="Joined"/>).</summary>
    private static IEnumerable<Incident> JoinedRuns(IEnumerable<Incident> incidents, Func<Incident, Incident, bool> together)
    {
        var run = new List<Incident>();
        foreach (var incident in incidents.OrderBy(i => i.Start))
        {
            if (run.Count > 0 && !together(run.MaxBy(i => i.End)!, incident))
            {
                yield return Joined(run);
                run = [];
            }

            run.Add(incident);
        }

        if (run.Count > 0)
        {
            yield return Joined(run);
        }
    }

    /// <summary>A run of one outage's incidents as one: the verdict and id of the one that failed most, its summary naming
    /// the other hosts that failed with it.</summary>
    private static Incident Joined(List<Incident> run)
    {
        if (run.Count == 1)
        {
            return run[0];
        }

        var lead = run.MaxBy(i => i.FailedRequests)!;
        var whole = run.Aggregate((first, second) => Combine(first, second, lead)) with { Id = lead.Id };
        var others = run.Where(i => i.Host != lead.Host).GroupBy(i => i.Host)
            .Select(g => $"{g.Key} ({g.Sum(i => i.FailedRequests)})").ToList();
        return others.Count == 0 ? whole : whole with { Summary = $"{lead.Summary} Requests for other hosts failed with it: {string.Join(", ", others)}." };
    }

    /// <summary>
    /// nginx cuts an error line at 2,048 bytes (<c>NGX_MAX_ERROR_STR</c>): a request line of a few kilobytes (a scanner's
    /// query string) leaves no room for the <c>upstream:</c> after it, so that failure names no upstream. Where it has
    /// the host and cause of one named upstream's incident at the same time, it is one of that incident's failures.
    /// </summary>
    private static List<Incident> WithUnnamedFolded(List<Incident> incidents)
    {
        foreach (var unnamed in incidents.Where(i => i is { Upstream: "(unknown)" } && i.Host != "-").ToList())
        {
            var named = incidents.Where(i => i.Upstream is not ("(unknown)" or "-") && i.Host == unnamed.Host && i.Cause == unnamed.Cause
                && i.Start <= unnamed.End && unnamed.Start <= i.End).ToList();
            if (named.Count == 1)
            {
                var (first, second) = named[0].Start <= unnamed.Start ? (named[0], unnamed) : (unnamed, named[0]);
                incidents[incidents.IndexOf(named[0])] = Combine(first, second, lead: named[0]) with { Id = named[0].Id };
                incidents.Remove(unnamed);
            }
        }

        return incidents;
    }

    /// <summary>
    /// A short paste's incidents, which the threshold of one made of failures a poster gave together: one upstream's
    /// failures on one host with one cause are one problem however long apart they were pasted (a socket missing at
    /// 18:33 and at 18:37 is one outage, not two), unless it answered requests in between (<see cref="SameOutages"/>).
    /// The resolver's own lines (<c>send() failed (111) while resolving, resolver: 127.0.0.11:53</c>) name no request: beside a name that could not be resolved for a request they are
    /// that failure's evidence, not a failed request of their own. Access lines that name no upstream (<c>combined</c>,
    /// nginx-proxy's <c>$host</c>-first format) and found no error line of their own make an incident of no name; beside
    /// named incidents of their status (and host, when they name one) that are one upstream failing one way (on one host
    /// or several), they are its failures: the paste cut their error lines, or the stream put them elsewhere
    /// (<c>docker logs</c> interleaves nginx's stdout and stderr as they come), and nothing in them names another upstream
    /// (<see cref="ToldApart"/>: error lines that lost their upstream but tell another answer are another problem).
    /// Failures of a named upstream whose lines tell no cause (the page <c>error_page</c> names, which nginx could not
    /// open after a try the paste cut) beside its failures on the same host whose lines tell one are that problem's; so
    /// are its access log's failures before the error excerpt begins. <c>no live upstreams</c> for localhost's implicit
    /// block and its loopback server failing the same way are one outage of <c>localhost:PORT</c>.
    /// </summary>
    /// <param name="incidents">The paste's incidents.</param>
    /// <param name="errorLogBegan">The error log's first time, when one was read: failures before it had no error line
    /// to tell their cause.</param>
    public static IReadOnlyList<Incident> MergePaste(IReadOnlyList<Incident> incidents, DateTimeOffset? errorLogBegan = null)
    {
        var merged = OutagesJoined(incidents);
        foreach (var unnamed in merged.Where(i => i is { Upstream: "(unknown)" }).ToList())
        {
            if (NamedFor(unnamed, merged) is { } named && !ToldApart(unnamed, named)
                && (named.Start <= unnamed.Start ? (named, unnamed) : (unnamed, named)) is var (first, second) && !SilentTooLong(first, second))
            {
                merged[merged.IndexOf(named)] = Combine(first, second, lead: named) with { Id = named.Id };
                merged.Remove(unnamed);
            }
        }

        foreach (var untold in merged.Where(i => i.Cause == IncidentCause.Unknown && i.Upstream is not ("(unknown)" or "-")).ToList())
        {
            if (merged.Where(i => i.Cause != IncidentCause.Unknown && i.Upstream == untold.Upstream && i.Host == untold.Host
                        && !(i.Start <= untold.Start ? SilentTooLong(i, untold) : SilentTooLong(untold, i)))
                    .MinBy(i => (i.Start - untold.Start).Duration()) is { } told)
            {
                merged[merged.IndexOf(told)] = Absorb(told, untold);
                merged.Remove(untold);
            }
        }

        // Failures the access log alone tells, before the error log given begins: their cause is a guess from status and
        // timings, for nginx's line about each is not in the excerpt. The same upstream and host failing later where the
        // error log does tell how, with nothing answered there in between, is what they most likely were: one outage
        // the excerpt's start cut in two.
        foreach (var early in merged.Where(i => errorLogBegan is { } began && i.End < began && i.Upstream is not ("(unknown)" or "-")
                     && i.Evidence.All(e => e.Source == "access")).ToList())
        {
            if (merged.Where(i => i != early && i.Upstream == early.Upstream && i.Host == early.Host && i.Start >= early.End && !SilentTooLong(early, i)
                    && i.SuccessesBefore == early.SuccessesBefore && i.Evidence.Any(e => e.Source == "error")).MinBy(i => i.Start) is { } told)
            {
                merged[merged.IndexOf(told)] = Absorb(told, early);
                merged.Remove(early);
            }
        }

        // A Host the client chose, beside the site's own on the same upstream: a scanner's absolute-form request (an
        // open-proxy probe, "GET http://www.baidu.com/", whose host nginx takes from the request line) or a client that
        // browsed to an address ("Host: 168.119.164.100"). The server block that took the site's requests took these
        // and passed them to the same upstream, which failed them the same way: the site's outage, by the site's name.
        var strays = merged.Where(ClientsOwnHost).ToList();
        foreach (var stray in strays)
        {
            if (merged.Where(i => !strays.Contains(i) && i.Upstream == stray.Upstream && i.Upstream is not ("(unknown)" or "-")
                    && i.Cause == stray.Cause && i.SuccessesBefore == stray.SuccessesBefore).MaxBy(i => i.FailedRequests) is { } site)
            {
                merged[merged.IndexOf(site)] = Absorb(site, stray);
                merged.Remove(stray);
            }
            else if (merged.Where(i => !strays.Contains(i) && EmptiedBy(i, stray)).ToList() is [var block])
            {
                // The site's requests then found the group empty ("no live upstreams" of its name, seconds after): the
                // servers that failed were the group's, one outage, told by what failed them, under the group's name.
                merged[merged.IndexOf(block)] = Absorb(stray, block) with { Id = block.Id, Upstream = block.Upstream, Host = block.Host };
                merged.Remove(stray);
            }
        }

        // nginx names the block it makes of localhost's addresses (proxy_pass http://localhost:3000) by the name alone
        // when it finds none of them live ("no live upstreams … upstream: "http://localhost/…""): a loopback server
        // failing the same way for the same host, nothing answered in between, is that block's, one outage, named as
        // the configuration names it (IncidentFactory.NameOf), whichever line the quiet period split it at.
        foreach (var block in merged.Where(i => i.Upstream.Equals("localhost", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            if (merged.Where(i => i != block && i.Host == block.Host && i.Cause == block.Cause && i.SuccessesBefore == block.SuccessesBefore
                    && UpstreamAddress.IsLoopback(i.Upstream)).MinBy(i => (i.Start - block.Start).Duration()) is { } server
                && NginxConfig.PassTarget.SplitHostPort(server.Upstream, defaultPort: 0) is { Given: true } address)
            {
                var (first, second) = block.Start <= server.Start ? (block, server) : (server, block);
                merged[merged.IndexOf(block)] = Combine(first, second, lead: server) with { Upstream = $"{block.Upstream}:{address.Port}" };
                merged.Remove(server);
            }
        }

        var resolved = merged.Where(i => i.Cause == IncidentCause.Dns && !IsResolversOwn(i)).MaxBy(i => i.FailedRequests);
        if (resolved is null)
        {
            return merged;
        }

        var resolvers = merged.Where(IsResolversOwn).ToList();
        var evidence = resolved.Evidence.Concat(resolvers.SelectMany(r => r.Evidence)).ToList();
        return [.. merged.Except(resolvers).Select(i => ReferenceEquals(i, resolved) ? i with { Evidence = evidence } : i)];

        static bool IsResolversOwn(Incident incident) =>
            incident.Cause == IncidentCause.Dns && incident.Upstream.StartsWith("resolver", StringComparison.Ordinal);
    }

    /// <summary>
    /// A Host the client chose rather than the site's name: an address literal, or the host of requests that were all in
    /// absolute form (<c>GET http://…</c>: a proxy's request, which only scanners send a web server).
    /// </summary>
    private static bool ClientsOwnHost(Incident incident) =>
        incident.Host is not ("-" or "")
        && (System.Net.IPAddress.TryParse(UpstreamAddress.HostKey(incident.Host).Trim('[', ']'), out _)
            || (incident.Evidence.Count > 0 && incident.Evidence.All(e => AbsoluteForm(e.Sample))));

    /// <summary>
    /// <paramref name="block"/> is nginx finding the group of <paramref name="servers"/>' failures empty: only "no live
    /// upstreams" under a group's name (no port), within <see cref="FailTimeout"/> after servers failed to connect or
    /// answer, which marks them down for that long, with nothing served in between.
    /// </summary>
    private static bool EmptiedBy(Incident block, Incident servers) =>
        block.Upstream is not ("(unknown)" or "-" or "localhost") && !block.Upstream.Contains(':', StringComparison.Ordinal)
        && block.Evidence.Where(e => e.Source == "error").ToList() is { Count: > 0 } lines && lines.TrueForAll(e => e.Signature.StartsWith("no live upstreams", StringComparison.Ordinal))
        && servers.Upstream.Contains(':', StringComparison.Ordinal) && servers.Cause is IncidentCause.UpstreamDown or IncidentCause.Timeout or IncidentCause.Overload
        && block.Start >= servers.Start && block.Start - servers.End <= FailTimeout && block.SuccessesBefore == servers.SuccessesBefore;

    /// <summary>nginx's <c>fail_timeout</c> by default: how long a server that failed <c>max_fails</c> times stays down.</summary>
    private static readonly TimeSpan FailTimeout = TimeSpan.FromSeconds(10);

    private static bool AbsoluteForm(string line)
    {
        var request = line.IndexOf("request: \"", StringComparison.Ordinal) is var at and >= 0 ? at + 10 : line.IndexOf('"') + 1;
        var space = request > 0 ? line.IndexOf(' ', request) : -1;
        return space > request && line.AsSpan(request, space - request).IndexOfAnyExceptInRange('A', 'Z') < 0
            && (line.AsSpan(space + 1).StartsWith("http://", StringComparison.OrdinalIgnoreCase) || line.AsSpan(space + 1).StartsWith("https://", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An unnamed incident whose own nginx error lines tell how an upstream answered, otherwise than the named
    /// one failed (a reset pasted with its upstream cut off, beside a socket that is missing): another problem, not the
    /// named one's failures that the paste lost the name of. What nginx says of itself (its connections ran out) or of a
    /// group (<c>no live upstreams</c>, what its servers' earlier failures left) names no other upstream.</summary>
    private static bool ToldApart(Incident unnamed, Incident named) =>
        unnamed.Cause != named.Cause && unnamed.Cause is IncidentCause.InvalidResponse or IncidentCause.Timeout or IncidentCause.TlsHandshake or IncidentCause.Dns
        && unnamed.Evidence.Any(e => e.Source == "error");

    /// <summary>A named incident whose failures an unnamed one's may be: of its status, and of its host when the unnamed
    /// one names a host.</summary>
    public static bool MayName(Incident named, Incident unnamed) =>
        named.Upstream is not ("(unknown)" or "-") && named.Status == unnamed.Status && (unnamed.Host == "-" || named.Host == unnamed.Host);

    /// <summary>
    /// The incident an unnamed one's failures belong to (<see cref="MergePaste"/>): among <paramref name="incidents"/>,
    /// those it <see cref="MayName"/> are one upstream failing one way; the one of them with the most failures. Null
    /// when none is, or they name several upstreams or causes.
    /// </summary>
    public static Incident? NamedFor(Incident unnamed, IEnumerable<Incident> incidents)
    {
        var candidates = incidents.Where(i => MayName(i, unnamed)).ToList();
        return candidates.Count > 0 && candidates.DistinctBy(i => (i.Upstream, i.Cause)).Count() == 1 ? candidates.MaxBy(i => i.FailedRequests) : null;
    }

    /// <summary>
    /// The longest time without a line between two failures of one outage that nothing else tells apart: an upstream
    /// still down fails every request that comes, so a day with no failure logged means a site nobody used for a day, or
    /// one served again. Failures weeks apart in an error log (a backend's restarts, each refused for a few seconds) are
    /// outages of their own. A misconfiguration is not a state the upstream leaves by itself: it fails the requests
    /// that reach it (headers too big for the buffer on one page) until someone changes the configuration, days apart
    /// or not.
    /// </summary>
    private static readonly TimeSpan LongestSilence = TimeSpan.FromDays(1);

    /// <summary>
    /// The incidents of one upstream, host and cause that are one outage (<see cref="SameOutages"/>): for a short paste,
    /// whose incidents the quiet period split where nothing says the upstream came back in between.
    /// </summary>
    /// <param name="incidents">The incidents.</param>
    /// <param name="apart">Whether something else says two consecutive ones are apart (an access log that covers the
    /// time between them, which a paste of failures below the threshold is taken not to).</param>
    public static List<Incident> OutagesJoined(IReadOnlyList<Incident> incidents, Func<Incident, Incident, bool>? apart = null) =>
        [.. incidents
            .GroupBy(i => (i.Upstream, i.Host, i.Cause, i.Upstream == "(unknown)" ? i.Status : 0))
            .SelectMany(group => SameOutages(group.OrderBy(i => i.Start), apart))];

    /// <summary>
    /// One upstream's failures of one cause, pasted minutes or hours apart, are one outage until it served again: with
    /// no request answered in between (the count of its successes before each is the same; always so for an error log
    /// alone), the later ones found it still down; once the access log shows it answering, a later failure is a new one.
    /// Not across days of silence, though (<see cref="LongestSilence"/>).
    /// </summary>
    private static IEnumerable<Incident> SameOutages(IEnumerable<Incident> ordered, Func<Incident, Incident, bool>? apart)
    {
        Incident? current = null;
        foreach (var next in ordered)
        {
            if (current is not null && (next.SuccessesBefore > current.SuccessesBefore || SilentTooLong(current, next) || apart?.Invoke(current, next) == true))
            {
                yield return current;
                current = null;
            }

            current = current is null ? next : Combine(current, next);
        }

        if (current is not null)
        {
            yield return current;
        }
    }

    /// <summary>Failures more than <see cref="LongestSilence"/> apart, with no misconfiguration to last between them.</summary>
    private static bool SilentTooLong(Incident before, Incident after) =>
        after.Start - before.End > LongestSilence && after.Cause != IncidentCause.Misconfiguration;

    /// <summary>
    /// The incident with another episode of its outage added (failures before its start or after its end, too few to be
    /// an incident alone): its verdict and id, the span and counts of both.
    /// </summary>
    public static Incident Absorb(Incident incident, Incident episode) =>
        episode.Start < incident.Start
            ? Combine(episode, incident, lead: incident) with { Id = incident.Id }
            : Combine(incident, episode, lead: incident);

    /// <summary>The two as one: the verdict of <paramref name="lead"/>, by default the one that failed more requests
    /// (its evidence decided), the counts summed, the earlier one's id.</summary>
    private static Incident Combine(Incident first, Incident second, Incident? lead = null)
    {
        lead ??= second.FailedRequests > first.FailedRequests ? second : first;
        var statuses = new Dictionary<string, int>(first.Statuses, StringComparer.Ordinal);
        foreach (var (status, count) in second.Statuses)
        {
            statuses[status] = statuses.GetValueOrDefault(status) + count;
        }

        var evidence = first.Evidence.Concat(second.Evidence)
            .GroupBy(e => (e.Signature, e.Source))
            .Select(g => g.First() with { Count = g.Sum(e => e.Count) })
            .OrderByDescending(e => e.Count).ThenByDescending(e => e.Source == "error").ThenBy(e => e.Signature, StringComparer.Ordinal)
            .Take(Math.Max(DiagnosisOptions.DefaultMaxEvidence, Math.Max(first.Evidence.Count, second.Evidence.Count)))
            .ToList();
        return lead with
        {
            Id = first.Id,
            Start = first.Start,
            End = first.End > second.End ? first.End : second.End,
            State = first.State == IncidentState.Open || second.State == IncidentState.Open ? IncidentState.Open : IncidentState.Resolved,
            Status = Code(statuses.OrderByDescending(s => s.Value).ThenBy(s => IncidentClassifier.TieOrder(lead.Cause, Code(s.Key))).First().Key),
            Statuses = statuses.OrderBy(s => Code(s.Key)).ToDictionary(),
            FailedRequests = first.FailedRequests + second.FailedRequests,
            FailedTriesRecovered = first.FailedTriesRecovered + second.FailedTriesRecovered,
            Servers = first.Servers is null && second.Servers is null ? null : [.. (first.Servers ?? []).Union(second.Servers ?? [])],
            SuccessesBefore = Math.Max(first.SuccessesBefore, second.SuccessesBefore),
            Evidence = evidence,
        };
    }

    private static int Code(string status) => int.Parse(status, CultureInfo.InvariantCulture);
}
