using System.Globalization;

namespace FunctionsApp.Incidents;

/// <summary>
/// What the engine's per-upstream history adds to an incident for people: the upstream's traffic in the incident's
/// minutes (so a message can say which share failed) and a per-minute timeline from before it started.
/// </summary>
internal static class IncidentContext
{
    /// <summary>Minutes shown before the first failure, so the chart shows what "normal" looked like.</summary>
    public static readonly TimeSpan Before = TimeSpan.FromMinutes(15);

    /// <summary>Minutes shown after the last failure (as far as the logs have reached).</summary>
    public static readonly TimeSpan After = TimeSpan.FromMinutes(5);

    public static Incident Add(Incident incident, EngineState state)
    {
        // An incident of lines without nginx's time has no minutes to chart.
        if (incident.Upstream is "-" or "(unknown)" || incident.Untimed || state.UpstreamHistory(incident.Upstream) is not { } history)
        {
            return incident;
        }

        var timeline = history.Minutes(incident.Start - Before, incident.End + After)
            .Select(m => new IncidentMinute(m.Minute, m.Requests, m.Upstream5xx, m.Status502, m.Status503, m.Status504))
            .ToList();
        var startMinute = DateTimeOffset.FromUnixTimeSeconds(incident.Start.ToUnixTimeSeconds() / 60 * 60);
        var during = timeline.Where(m => m.Minute >= startMinute && m.Minute <= incident.End).Sum(m => (long)m.Requests);
        return incident with
        {
            // The minutes are whole while the incident may cover part of one: never report fewer requests than failures.
            UpstreamRequests = during == 0 ? null : Math.Max(during, incident.FailedRequests),
            Timeline = timeline.Count == 0 ? null : timeline,
        };
    }

    /// <summary><c>+01:00</c>, <c>-08:00</c>, <c>+05:30</c>.</summary>
    public static string FormatOffset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
