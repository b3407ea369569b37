using System.Globalization;
using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.Metrics;

namespace FunctionsApp.Notifications;

/// <summary>
/// The words every receiver shows, in one place so Slack, Teams and the text fallback say the same thing:
/// what, how bad, why, what to do.
/// </summary>
internal static class IncidentText
{
    public const string Ellipsis = "…";

    public static string Title(NotificationMessage message)
    {
        var first = message.Incidents[0].Incident;
        var prefix = message.Kind switch
        {
            NotificationKind.Firing => "",
            NotificationKind.Updated => "Escalated: ",
            NotificationKind.Reminder => "Still failing: ",
            NotificationKind.Resolved => "Resolved: ",
            _ => throw new ArgumentOutOfRangeException(nameof(message), message.Kind, null),
        };
        var more = message.Incidents.Count > 1 ? $" (+{message.Incidents.Count - 1} more)" : "";
        return prefix + What(first) + more;
    }

    /// <summary>"502s on upstream 10.0.1.4:8080 for host api.example.com".</summary>
    public static string What(Incident incident)
    {
        var upstream = incident.Upstream == "-" ? "nginx itself (no upstream)" : "upstream " + incident.Upstream;
        return $"{incident.Status.ToString(CultureInfo.InvariantCulture)}s on {upstream} for host {incident.Host}";
    }

    /// <summary>"1,234 failed requests in 9m 40s (127/min): 502×1,200, 504×34".</summary>
    public static string HowBad(Incident incident)
    {
        var duration = incident.End - incident.Start;
        var minutes = Math.Max(1.0, duration.TotalMinutes);
        var statuses = string.Join(", ", incident.Statuses.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => $"{s.Key}×{s.Value.ToString("N0", CultureInfo.InvariantCulture)}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{incident.FailedRequests:N0} failed requests in {Duration(duration)} ({incident.FailedRequests / minutes:0.#}/min): {statuses}");
    }

    /// <summary>"overload (confidence 0.82): the summary".</summary>
    public static string Why(Incident incident) =>
        string.Create(CultureInfo.InvariantCulture, $"{CauseName(incident.Cause)} (confidence {incident.Confidence:0.00}): {incident.Summary}");

    public static string? TopEvidence(Incident incident) =>
        incident.Evidence.Count == 0 ? null : incident.Evidence[0].Sample;

    public static string MetricsLine(IncidentMetrics? metrics) => metrics switch
    {
        null => "CPU/memory: not checked",
        { Verdict: MetricsVerdict.NoData } => $"CPU/memory: no data ({ReasonName(metrics.Reason)}). {metrics.Summary}",
        _ => $"CPU/memory: {(metrics.Verdict == MetricsVerdict.Corroborated ? "overload corroborated" : "normal")}. {metrics.Summary}",
    };

    public static IReadOnlyList<string> FirstSteps(Incident incident, int count = 3) => [.. incident.Remediation.Take(count)];

    public static string ResolvedLine(Incident incident) =>
        string.Create(CultureInfo.InvariantCulture,
            $"Closed after {Duration(incident.End - incident.Start)}; {incident.FailedRequests:N0} failed requests in total.");

    /// <summary>Plain-text rendering: Slack's notification fallback and the webhook's <c>text</c>.</summary>
    public static string PlainText(NotificationMessage message, int maxLength)
    {
        var text = new StringBuilder(Title(message));
        foreach (var item in message.Incidents)
        {
            var incident = item.Incident;
            text.Append('\n').Append(What(incident)).Append(": ");
            if (message.Kind == NotificationKind.Resolved)
            {
                text.Append(ResolvedLine(incident));
            }
            else
            {
                text.Append(HowBad(incident)).Append(". Cause: ").Append(Why(incident));
            }

            if (item.Link is { } link)
            {
                text.Append(' ').Append(link);
            }
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

    public static string CauseName(IncidentCause cause) => cause switch
    {
        IncidentCause.Unknown => "unknown",
        IncidentCause.UpstreamDown => "upstream down",
        IncidentCause.Misconfiguration => "misconfiguration",
        IncidentCause.Timeout => "timeout",
        IncidentCause.Overload => "overload",
        IncidentCause.Dns => "DNS",
        IncidentCause.TlsHandshake => "TLS handshake",
        IncidentCause.InvalidResponse => "invalid response",
        IncidentCause.UpstreamReturned => "returned by upstream",
        IncidentCause.RateLimited => "rate limited",
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, null),
    };

    private static string ReasonName(MetricsNoDataReason? reason) => reason switch
    {
        MetricsNoDataReason.NoMapping => "no mapping",
        MetricsNoDataReason.Forbidden => "no permission",
        MetricsNoDataReason.Throttled => "throttled",
        MetricsNoDataReason.NotFound => "not found",
        MetricsNoDataReason.EmptySeries => "empty series",
        MetricsNoDataReason.Error => "error",
        null => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    private static string Duration(TimeSpan duration) =>
        duration.TotalHours >= 1 ? $"{(int)duration.TotalHours}h {duration.Minutes}m"
        : duration.TotalMinutes >= 1 ? $"{duration.Minutes}m {duration.Seconds}s"
        : $"{Math.Max(0, duration.Seconds)}s";
}
