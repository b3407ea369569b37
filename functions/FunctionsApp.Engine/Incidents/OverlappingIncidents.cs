using System.Globalization;

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
    public static IReadOnlyList<Incident> Merge(IReadOnlyList<Incident> incidents)
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
                if (current is not null && incident.Start <= current.End)
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

        return merged;
    }

    /// <summary>
    /// A short paste's incidents, which the threshold of one made of failures a poster gave together: one upstream's
    /// failures on one host with one cause are one problem however long apart they were pasted (a socket missing at
    /// 18:33 and at 18:37 is one outage, not two). The resolver's own lines (<c>send() failed (111) while resolving,
    /// resolver: 127.0.0.11:53</c>) name no request: beside a name that could not be resolved for a request they are
    /// that failure's evidence, not a failed request of their own. Access lines that name neither upstream nor host
    /// (<c>combined</c>) and found no error line of their own make an incident of no name; beside named incidents of
    /// their status that are one upstream failing one way (on one host or several), they are its failures: the paste cut their error lines, or the stream put them elsewhere
    /// (<c>docker logs</c> interleaves nginx's stdout and stderr as they come), and nothing in them names another upstream.
    /// </summary>
    public static IReadOnlyList<Incident> MergePaste(IReadOnlyList<Incident> incidents)
    {
        var merged = incidents
            .GroupBy(i => (i.Upstream, i.Host, i.Cause, i.Upstream == "(unknown)" ? i.Status : 0))
            .Select(group => group.OrderBy(i => i.Start).Aggregate((first, second) => Combine(first, second)))
            .ToList();
        foreach (var unnamed in merged.Where(i => i is { Upstream: "(unknown)", Host: "-" }).ToList())
        {
            var candidates = merged.Where(i => i.Upstream != "(unknown)" && i.Status == unnamed.Status).ToList();
            if (candidates.Count > 0 && candidates.DistinctBy(i => (i.Upstream, i.Cause)).Count() == 1)
            {
                var named = candidates.MaxBy(i => i.FailedRequests)!;
                var (first, second) = named.Start <= unnamed.Start ? (named, unnamed) : (unnamed, named);
                merged[merged.IndexOf(named)] = Combine(first, second, lead: named) with { Id = named.Id };
                merged.Remove(unnamed);
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
            .Take(Math.Max(first.Evidence.Count, second.Evidence.Count))
            .ToList();
        return lead with
        {
            Id = first.Id,
            Start = first.Start,
            End = first.End > second.End ? first.End : second.End,
            State = first.State == IncidentState.Open || second.State == IncidentState.Open ? IncidentState.Open : IncidentState.Resolved,
            Status = Code(statuses.OrderByDescending(s => s.Value).ThenBy(s => Code(s.Key)).First().Key),
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
