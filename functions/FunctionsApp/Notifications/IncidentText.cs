using System.Globalization;
using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.Metrics;

namespace FunctionsApp.Notifications;

/// <summary>
/// The words every receiver shows, in one place so Slack, Teams and the text fallback say the same thing, each once:
/// what (host, upstream, site), when (UTC and the site's time), how bad (failures, share of the upstream's requests,
/// statuses), why (cause, confidence, one evidence line), what to do first. Everything here is plain text; each
/// receiver escapes it for its own markup.
/// </summary>
internal static class IncidentText
{
    public const string Ellipsis = "…";

    /// <summary>"Critical: 502s on upstream 10.0.1.4:8080 (api.example.com, site edge-1)"; a group says how many.</summary>
    public static string Title(NotificationMessage message)
    {
        var prefix = message.Kind switch
        {
            NotificationKind.Firing => SeverityTitle(message) + ": ",
            NotificationKind.Updated => message.Escalated ? "Escalated: " : "Update: ",
            NotificationKind.Reminder => "Still failing: ",
            NotificationKind.Resolved => "Resolved: ",
            NotificationKind.Late => "Reported late: ",
            _ => throw new ArgumentOutOfRangeException(nameof(message), message.Kind, null),
        };
        return prefix + (message.Incidents.Count == 1 ? What(message.Incidents[0].Incident) : GroupWhat(message));
    }

    /// <summary>"502s on upstream 10.0.1.4:8080 (api.example.com, site edge-1)".</summary>
    public static string What(Incident incident) =>
        $"{Statuses(incident)} on {Upstream(incident)} ({incident.Host}{(incident.Site is { } site ? ", site " + site : "")})";

    /// <summary>"api.example.com → 10.0.1.4:8080", the short name of a pair in lists.</summary>
    public static string Pair(Incident incident) => $"{incident.Host} → {(incident.Upstream == "-" ? "nginx" : incident.Upstream)}";

    /// <summary>"502s on 23 upstreams of site edge-1".</summary>
    public static string GroupWhat(NotificationMessage message)
    {
        var incidents = message.Incidents.Select(i => i.Incident).ToList();
        var statuses = string.Join("/", incidents.SelectMany(i => i.Statuses.Keys).Distinct().Order(StringComparer.Ordinal)) + "s";
        var upstreams = incidents.Select(i => i.Upstream).Distinct(StringComparer.Ordinal).Count();
        var hosts = incidents.Select(i => i.Host).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        var sites = incidents.Select(i => i.Site).Distinct(StringComparer.Ordinal).ToList();
        var where = sites is [{ } site] ? $" of site {site}" : sites.Count > 1 ? $" on {sites.Count} sites" : "";
        var spread = upstreams > 1
            ? string.Create(CultureInfo.InvariantCulture, $"{upstreams} upstreams")
            : $"{Upstream(incidents[0])}, {hosts} hosts";
        return $"{statuses} on {spread}{where}";
    }

    /// <summary>
    /// "Started 10:02:03 UTC (11:02:03 +01:00 site time), failing for 3m 40s"; resolved and late messages give the span
    /// and, for late ones, when the service learnt of it.
    /// </summary>
    public static string When(NotificationMessage message)
    {
        var incidents = message.Incidents.Select(i => i.Incident).ToList();
        var start = incidents.Min(i => i.Start);
        var end = incidents.Max(i => i.End);
        var offset = incidents.Select(i => i.SiteUtcOffset).FirstOrDefault(o => o is not null);
        var span = start == end ? $"at {Clock(start)} UTC{Local(start, offset)}" : $"{Clock(start)}–{Clock(end)} UTC{Local(start, end, offset)}";
        return message.Kind switch
        {
            NotificationKind.Resolved => $"Happened {span}, {Lasted(start, end)}; resolved.",
            NotificationKind.Late => $"Happened {span}, {Lasted(start, end)}; reported {Reported(incidents)}.",
            _ when start == end => $"Started {span}.",
            _ => $"Started {Clock(start)} UTC{Local(start, offset)}; last failure {Clock(end)} UTC ({Duration(end - start)} in).",
        };
    }

    /// <summary>"1,234 failed requests (502×1,200, 504×34), 18% of the upstream's 6,800; 127/min. Critical."</summary>
    public static string HowBad(NotificationMessage message)
    {
        var incidents = message.Incidents.Select(i => i.Incident).ToList();
        var failed = incidents.Sum(i => (long)i.FailedRequests);
        var statuses = incidents.SelectMany(i => i.Statuses).GroupBy(s => s.Key, StringComparer.Ordinal)
            .Select(g => (Status: g.Key, Count: g.Sum(s => (long)s.Value))).OrderByDescending(s => s.Count).ThenBy(s => s.Status, StringComparer.Ordinal)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Status}×{s.Count:N0}"));
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{failed:N0} failed request{(failed == 1 ? "" : "s")} ({string.Join(", ", statuses)})"));
        var requests = incidents.Select(i => i.UpstreamRequests).ToList();
        if (requests.All(r => r is > 0))
        {
            var total = requests.Sum(r => r!.Value);
            var share = Math.Min(1.0, (double)failed / total);
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $", {Percent(share)} of the {total:N0} requests to {(incidents.Select(i => i.Upstream).Distinct().Count() == 1 ? "the upstream" : "these upstreams")}"));
        }

        var duration = incidents.Max(i => i.End) - incidents.Min(i => i.Start);
        if (duration >= TimeSpan.FromMinutes(1))
        {
            text.Append(string.Create(CultureInfo.InvariantCulture, $"; {failed / duration.TotalMinutes:0.#}/min"));
        }

        return text.Append('.').ToString();
    }

    /// <summary>"Upstream down (confidence 0.92): the summary"; a group names its causes.</summary>
    public static string Why(NotificationMessage message)
    {
        if (message.Incidents.Count == 1)
        {
            var incident = message.Incidents[0].Incident;
            return string.Create(CultureInfo.InvariantCulture, $"{Capitalize(IncidentCauses.DisplayName(incident.Cause))} (confidence {incident.Confidence:0.00}): {incident.Summary}");
        }

        var causes = message.Incidents.GroupBy(i => i.Incident.Cause).OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .Select(g => g.Count() == 1 ? IncidentCauses.DisplayName(g.Key) : string.Create(CultureInfo.InvariantCulture, $"{IncidentCauses.DisplayName(g.Key)} ×{g.Count()}"));
        var top = message.Incidents[0].Incident;
        return string.Create(CultureInfo.InvariantCulture, $"{Capitalize(string.Join(", ", causes))}. Most severe: {Pair(top)}: {top.Summary}");
    }

    /// <summary>The one evidence line: the most severe incident's most frequent signature's real sample.</summary>
    public static string? Evidence(NotificationMessage message) =>
        message.Incidents[0].Incident.Evidence is [var first, ..] ? first.Sample : null;

    /// <summary>What to do first: the first remediation step of the most severe incident.</summary>
    public static string? FirstStep(NotificationMessage message) =>
        message.Incidents[0].Incident.Remediation is [var first, ..] ? first : null;

    /// <summary>CPU/memory, only when they say something: mapped and read, or mapped and unreadable; never for rate
    /// limiting (nginx itself answered) and never "no mapping" noise.</summary>
    public static string? Resources(NotificationMessage message)
    {
        var item = message.Incidents[0];
        var metrics = item.Incident.Metrics ?? item.Metrics;
        if (metrics is null || item.Incident.Cause == IncidentCause.RateLimited || metrics is { Verdict: MetricsVerdict.NoData, Reason: MetricsNoDataReason.NoMapping or null })
        {
            return null;
        }

        return metrics.Verdict switch
        {
            MetricsVerdict.Corroborated => $"CPU/memory: overload corroborated. {metrics.Summary}",
            MetricsVerdict.Normal => $"CPU/memory: normal. {metrics.Summary}",
            _ => $"CPU/memory unavailable ({ReasonName(metrics.Reason)}).",
        };
    }

    /// <summary>One line per incident of a group: "api.example.com → 10.0.1.4:8080: 120 failed (502), upstream down".</summary>
    public static string Line(Incident incident) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Pair(incident)}: {incident.FailedRequests:N0} failed ({string.Join("/", incident.Statuses.Keys)}), {IncidentCauses.DisplayName(incident.Cause)}")
        + (incident.State == IncidentState.Resolved ? $", resolved {Clock(incident.End)} UTC" : "");

    /// <summary>Plain-text rendering: Slack's notification fallback and the webhook's <c>text</c>.</summary>
    public static string PlainText(NotificationMessage message, int maxLength)
    {
        var text = new StringBuilder(Title(message));
        foreach (var change in message.Changes)
        {
            text.Append("\n• ").Append(change);
        }

        text.Append('\n').Append(When(message)).Append(' ').Append(HowBad(message));
        if (message.Kind is not (NotificationKind.Resolved))
        {
            text.Append("\nWhy: ").Append(Why(message));
            if (FirstStep(message) is { } step)
            {
                text.Append("\nFirst: ").Append(step);
            }
        }

        if (message.Link is { } link)
        {
            text.Append('\n').Append(link);
        }

        return Truncate(text.ToString(), maxLength);
    }

    /// <summary>Cuts to at most <paramref name="max"/> characters, ending with "…" when cut, never splitting a surrogate pair.</summary>
    public static string Truncate(string value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }

        var cut = Math.Max(0, max - Ellipsis.Length);
        if (cut > 0 && char.IsHighSurrogate(value[cut - 1]))
        {
            cut--;
        }

        return value[..cut] + Ellipsis;
    }

    public static string SeverityName(NotificationSeverity severity) => severity == NotificationSeverity.Critical ? "critical" : "warning";

    /// <summary><c>10:02:03</c> (UTC); with the date when it is not today's news, <c>11-24 10:02:03</c> is not needed: messages are read live.</summary>
    public static string Clock(DateTimeOffset time) => time.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>"3m 40s", "2h 5m", "12s"; never "0s" (a single second reads "under a second").</summary>
    public static string Duration(TimeSpan duration) =>
        duration.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h {duration.Minutes}m")
        : duration.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{duration.Minutes}m {duration.Seconds}s")
        : duration.TotalSeconds >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalSeconds}s")
        : "under a second";

    private static string Lasted(DateTimeOffset start, DateTimeOffset end) => end == start ? "all within one second" : "lasted " + Duration(end - start);

    private static string Reported(List<Incident> incidents)
    {
        var detected = incidents.Select(i => i.DetectedAt).Where(d => d is not null).Select(d => d!.Value).DefaultIfEmpty().Max();
        if (detected == default)
        {
            return "late";
        }

        var late = detected - incidents.Max(i => i.End);
        return $"{Clock(detected)} UTC, {Duration(late)} after it ended";
    }

    private static string Local(DateTimeOffset time, string? offset) =>
        TryOffset(offset, out var o) && o != TimeSpan.Zero ? $" ({time.ToOffset(o).ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {offset} site time)" : "";

    private static string Local(DateTimeOffset start, DateTimeOffset end, string? offset) =>
        TryOffset(offset, out var o) && o != TimeSpan.Zero
            ? $" ({start.ToOffset(o).ToString("HH:mm:ss", CultureInfo.InvariantCulture)}–{end.ToOffset(o).ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {offset} site time)"
            : "";

    private static bool TryOffset(string? text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (text is not { Length: 6 } || text[0] is not ('+' or '-')
            || !TimeSpan.TryParseExact(text[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var magnitude))
        {
            return false;
        }

        offset = text[0] == '-' ? -magnitude : magnitude;
        return true;
    }

    private static string Statuses(Incident incident) =>
        string.Join("/", incident.Statuses.Count == 0 ? [incident.Status.ToString(CultureInfo.InvariantCulture)] : incident.Statuses.Keys.Order(StringComparer.Ordinal)) + "s";

    private static string Upstream(Incident incident) => incident.Upstream switch
    {
        "-" => "nginx itself (no upstream)",
        "(unknown)" => "an unnamed upstream",
        var u => "upstream " + u,
    };

    private static string SeverityTitle(NotificationMessage message) =>
        message.Incidents.Any(i => i.Severity == NotificationSeverity.Critical) ? "Critical" : "Warning";

    private static string Percent(double share) =>
        share >= 0.1 ? string.Create(CultureInfo.InvariantCulture, $"{share * 100:0}%") : string.Create(CultureInfo.InvariantCulture, $"{share * 100:0.#}%");

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string ReasonName(MetricsNoDataReason? reason) => reason switch
    {
        MetricsNoDataReason.NoMapping => "no mapping",
        MetricsNoDataReason.Forbidden => "no permission to read them",
        MetricsNoDataReason.Throttled => "Azure Monitor throttled the read",
        MetricsNoDataReason.NotFound => "resource not found",
        MetricsNoDataReason.EmptySeries => "no data points",
        MetricsNoDataReason.Error => "read failed",
        null => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
