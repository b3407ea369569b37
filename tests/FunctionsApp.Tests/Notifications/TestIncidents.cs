using FunctionsApp.Incidents;
using FunctionsApp.Metrics;
using FunctionsApp.Notifications;

namespace FunctionsApp.Tests.Notifications;

internal static class TestIncidents
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 4, 30, 12, TimeSpan.Zero);

    // Error-log line in nginx's own format (ngx_log_error), as nginx 1.24 writes it for a refused upstream connection.
    public const string RefusedLine =
        "2026/11/24 04:30:12 [error] 2931#2931: *8812 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: api.example.com, request: \"GET /v1/orders?id=42 HTTP/1.1\", upstream: \"http://10.0.1.4:8080/v1/orders?id=42\", host: \"api.example.com\"";

    public static Incident Incident(string upstream = "10.0.1.4:8080", string host = "api.example.com", int failed = 1234,
        IncidentCause cause = IncidentCause.Overload, string? evidence = null, IncidentState state = IncidentState.Open, string? id = null) => new()
        {
            Id = id ?? $"inc-{host}-{upstream}".Replace(':', '-'),
            Upstream = upstream,
            Host = host,
            Status = 502,
            Statuses = new Dictionary<string, int> { ["502"] = failed - 34, ["504"] = 34 },
            Cause = cause,
            Confidence = 0.82,
            Summary = "connect() to the upstream failed with EAGAIN only while request rate was at its peak.",
            Start = Start,
            End = Start.AddMinutes(9).AddSeconds(40),
            State = state,
            FailedRequests = failed,
            Evidence = [new EvidenceItem("connect() failed (111: Connection refused) while connecting to upstream", failed, evidence ?? RefusedLine)],
            Site = "edge-1",
            SiteUtcOffset = "+01:00",
            UpstreamRequests = failed * 5,
            DetectedAt = Start.AddSeconds(50),
            Remediation =
            [
                "Check the upstream's CPU and memory and scale out the pool.",
                "Raise `max_conns` on the upstream server or add servers to the upstream block.",
                "Set `proxy_next_upstream error timeout` so nginx retries another server.",
                "A fourth step that the message leaves out.",
            ],
        };

    public static IncidentMetrics Metrics() => new()
    {
        Verdict = MetricsVerdict.Corroborated,
        Summary = "CPU of vm-api-1 saturated: peak 99% against a baseline mean of 35%, r=0.93 with the gateway errors.",
        BaselineStart = Start.AddMinutes(-30),
        IncidentStart = Start,
        IncidentEnd = Start.AddMinutes(9),
    };

    public static NotificationIncident Item(Incident? incident = null)
    {
        var value = incident ?? Incident();
        return new NotificationIncident(value, Metrics(), new Uri($"https://diag.example.com/api/dashboard/incidents/{value.Id}"))
        {
            Severity = value.FailedRequests >= 100 ? NotificationSeverity.Critical : NotificationSeverity.Warning,
        };
    }

    public static NotificationMessage Message(NotificationKind kind = NotificationKind.Firing, params NotificationIncident[] items)
    {
        NotificationIncident[] all = items.Length == 0 ? [Item()] : items;
        return new NotificationMessage("route0/ops-slack/site=edge-1", kind, all)
        {
            Link = all.Length == 1 ? all[0].Link : new Uri("https://diag.example.com/api/dashboard/?ids=" + string.Join(',', all.Select(i => i.Incident.Id))),
        };
    }
}
