using FunctionsApp.Incidents;
using FunctionsApp.Notifications.Outbox;
using FunctionsApp.Notifications.Routing;

namespace FunctionsApp.Notifications.Digest;

/// <summary>Pure: incidents and outbox items of a period → one report per receiver that had anything routed to it.</summary>
public static class DailyDigest
{
    public static IReadOnlyList<DigestReport> Summarize(
        IEnumerable<Incident> incidents,
        IEnumerable<OutboxItem> outbox,
        NotificationsOptions options,
        DateTimeOffset from,
        DateTimeOffset to)
    {
        var router = new NotificationRouter(options);
        // An incident reported in the period counts even when it happened earlier: late logs must surface somewhere.
        var inPeriod = incidents.Where(i => i.Start < to && (i.End >= from || (i.DetectedAt >= from && i.DetectedAt < to))).ToList();
        var byReceiver = inPeriod
            .SelectMany(i => router.Receivers(i).Select(r => (Receiver: r, Incident: i)))
            .GroupBy(x => x.Receiver, x => x.Incident, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var items = outbox.Where(o => o.CreatedAt >= from && o.CreatedAt < to && !o.IdempotencyKey.StartsWith(DigestKeyPrefix, StringComparison.Ordinal)).ToList();

        var reports = new List<DigestReport>();
        foreach (var receiver in options.Receivers.Select(r => r.Name))
        {
            var list = byReceiver.GetValueOrDefault(receiver) ?? [];
            var sent = items.Where(o => o.Receiver == receiver).ToList();
            if (list.Count == 0 && sent.Count == 0)
            {
                continue;
            }

            reports.Add(new DigestReport
            {
                Receiver = receiver,
                From = from,
                To = to,
                Incidents = list.Count,
                StillOpen = list.Count(i => i.State == IncidentState.Open),
                FailedRequests = list.Sum(i => (long)i.FailedRequests),
                ByCause = [.. list.GroupBy(i => IncidentCauses.DisplayName(i.Cause)).Select(g => new DigestCount(g.Key, g.Count()))
                    .OrderByDescending(c => c.Count).ThenBy(c => c.Name, StringComparer.Ordinal)],
                TopUpstreams = [.. list.GroupBy(i => (i.Upstream, i.Host))
                    .Select(g => new DigestUpstream(g.Key.Upstream, g.Key.Host, g.Count(), g.Sum(i => (long)i.FailedRequests)))
                    .OrderByDescending(u => u.FailedRequests).ThenBy(u => u.Upstream, StringComparer.Ordinal).Take(5)],
                LongestIncident = list.Count == 0 ? null : list.Max(i => i.End - i.Start),
                ReportedLate = [.. list.Where(i => i.DetectedAt is { } d && d - i.End > options.LateAlertMaxAge).OrderBy(i => i.Start)
                    .Select(i => new DigestLate(i.Id, IncidentText.What(i), i.Start, i.End, i.DetectedAt!.Value))],
                Deliveries = new DigestDeliveries(
                    sent.Count(o => o.State == OutboxState.Sent),
                    sent.Count(o => o.State is OutboxState.Pending or OutboxState.Sending),
                    sent.Count(o => o.State == OutboxState.DeadLettered)),
            });
        }

        return reports;
    }

    public const string DigestKeyPrefix = "digest-";

    /// <summary>One digest per receiver per day: re-running the timer the same day enqueues nothing new.</summary>
    public static string IdempotencyKey(string receiver, DateTimeOffset to) =>
        $"{DigestKeyPrefix}{receiver}-{to.UtcDateTime:yyyyMMdd}";
}
