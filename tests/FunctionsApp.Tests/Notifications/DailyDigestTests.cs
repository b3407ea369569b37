using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Digest;
using FunctionsApp.Notifications.Outbox;
using static FunctionsApp.Tests.Notifications.TestIncidents;

namespace FunctionsApp.Tests.Notifications;

public sealed class DailyDigestTests
{
    private static readonly DateTimeOffset To = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset From = To.AddDays(-1);

    private static readonly NotificationsOptions Options = new()
    {
        Receivers =
        [
            new ReceiverOptions { Name = "ops-slack", Type = ReceiverType.Slack, Url = new Uri("https://hooks.slack.invalid/x") },
            new ReceiverOptions { Name = "db-teams", Type = ReceiverType.Teams, Url = new Uri("https://teams.invalid/x") },
            new ReceiverOptions { Name = "idle", Type = ReceiverType.Slack, Url = new Uri("https://hooks.slack.invalid/y") },
        ],
        Routes =
        [
            new NotificationRoute { Receivers = ["db-teams"], Upstreams = ["*:5432"] },
            new NotificationRoute { Receivers = ["ops-slack"] },
        ],
    };

    private static Incident At(string upstream, DateTimeOffset start, int failed, IncidentCause cause, IncidentState state = IncidentState.Resolved) =>
        Incident(upstream: upstream, failed: failed, cause: cause, state: state, id: $"{upstream}@{start:HHmm}") with { Start = start, End = start.AddMinutes(12), DetectedAt = start.AddMinutes(1) };

    private static OutboxItem Item(string receiver, OutboxState state, DateTimeOffset created, string key) => new()
    {
        IdempotencyKey = key,
        Receiver = receiver,
        Payload = [],
        State = state,
        CreatedAt = created,
        NextAttemptAt = created,
    };

    [Fact]
    public void Summarize_DayOfIncidents_OneReportPerReceiverWithCountsCausesAndDeliveries()
    {
        Incident[] incidents =
        [
            At("10.0.1.4:8080", From.AddHours(2), 300, IncidentCause.Overload),
            At("10.0.1.4:8080", From.AddHours(9), 200, IncidentCause.Overload),
            At("10.0.1.9:80", From.AddHours(10), 40, IncidentCause.Timeout, IncidentState.Open),
            At("10.0.5.1:5432", From.AddHours(3), 900, IncidentCause.UpstreamDown),
            At("10.0.1.4:8080", From.AddHours(-3), 5000, IncidentCause.Overload), // the day before: not in this digest
        ];
        OutboxItem[] outbox =
        [
            Item("ops-slack", OutboxState.Sent, From.AddHours(2), "a"),
            Item("ops-slack", OutboxState.DeadLettered, From.AddHours(9), "b"),
            Item("ops-slack", OutboxState.Pending, From.AddHours(23), "c"),
            Item("ops-slack", OutboxState.Sent, From.AddHours(-1), "old"),
            Item("ops-slack", OutboxState.Sent, From.AddHours(1), DailyDigest.IdempotencyKey("ops-slack", From)),
        ];

        var reports = DailyDigest.Summarize(incidents, outbox, Options, From, To);

        Assert.Equal(["ops-slack", "db-teams"], reports.Select(r => r.Receiver));
        var ops = reports[0];
        Assert.Equal(3, ops.Incidents);
        Assert.Equal(1, ops.StillOpen);
        Assert.Equal(540, ops.FailedRequests);
        Assert.Equal([new DigestCount("overload", 2), new DigestCount("timeout", 1)], ops.ByCause);
        Assert.Equal(new DigestUpstream("10.0.1.4:8080", "api.example.com", 2, 500), ops.TopUpstreams[0]);
        Assert.Equal(TimeSpan.FromMinutes(12), ops.LongestIncident);
        Assert.Equal(new DigestDeliveries(1, 1, 1), ops.Deliveries);
        Assert.Equal(1, reports[1].Incidents);
        Assert.Equal("upstream down", reports[1].ByCause[0].Name);
    }

    [Fact]
    public void Render_SlackAndTeams_AreValidPayloadShapes()
    {
        var report = DailyDigest.Summarize([At("10.0.1.4:8080", From.AddHours(2), 300, IncidentCause.Overload)], [], Options, From, To)[0];

        using var slack = JsonDocument.Parse(DigestRenderer.Render(ReceiverType.Slack, report));
        Assert.Equal("📊 Daily 502 digest 2026-11-24 00:00–2026-11-25 00:00 UTC", slack.RootElement.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString());
        Assert.Equal("1 incident(s), 0 still open, 300 failed requests; longest 12 min.", slack.RootElement.GetProperty("blocks")[1].GetProperty("text").GetProperty("text").GetString());
        using var teams = JsonDocument.Parse(DigestRenderer.Render(ReceiverType.Teams, report));
        Assert.Equal("1.4", teams.RootElement.GetProperty("attachments")[0].GetProperty("content").GetProperty("version").GetString());
        using var hook = JsonDocument.Parse(DigestRenderer.Render(ReceiverType.Webhook, report));
        Assert.Equal(300, hook.RootElement.GetProperty("failedRequests").GetInt64());
    }

    [Fact]
    public void Summarize_IncidentReportedTodayThatEndedDaysAgo_CountedAndListedAsReportedLate()
    {
        var old = At("10.0.1.4:8080", From.AddDays(-2), 30, IncidentCause.Timeout) with { DetectedAt = From.AddHours(5) };

        var report = DailyDigest.Summarize([old], [], Options, From, To)[0];

        Assert.Equal(1, report.Incidents);
        var late = Assert.Single(report.ReportedLate);
        Assert.Equal(old.Id, late.Id);
        Assert.Equal(From.AddHours(5), late.DetectedAt);
    }

    [Fact]
    public void IdempotencyKey_OnePerReceiverPerDay() =>
        Assert.Equal("digest-ops-slack-20261125", DailyDigest.IdempotencyKey("ops-slack", To.AddHours(7)));
}
