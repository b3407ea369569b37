using FunctionsApp.Incidents;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Routing;
using Microsoft.Extensions.Time.Testing;
using static FunctionsApp.Tests.Notifications.TestIncidents;

namespace FunctionsApp.Tests.Notifications;

public sealed class NotificationGrouperTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));

    private NotificationGrouper Grouper(params NotificationRoute[] routes) => new(new NotificationsOptions
    {
        Routes = routes.Length == 0 ? [new NotificationRoute { Receivers = ["ops-slack"] }] : [.. routes],
    }, _time);

    private static NotificationIncident Open(string upstream = "10.0.1.4:8080", int failed = 50, string host = "api.example.com",
        IncidentCause cause = IncidentCause.Overload, Dictionary<string, int>? statuses = null)
    {
        var incident = Incident(upstream: upstream, host: host, failed: failed, cause: cause);
        return Item(statuses is null ? incident : incident with { Statuses = statuses });
    }

    private static NotificationIncident Resolved(NotificationIncident item) =>
        item with { Incident = item.Incident with { State = IncidentState.Resolved } };

    [Fact]
    public void Flush_NewIncident_WaitsGroupWaitThenSendsOneFiringMessageOnce()
    {
        var grouper = Grouper();
        grouper.Observe(Open());

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(grouper.Flush());

        _time.Advance(TimeSpan.FromSeconds(1));
        var sent = Assert.Single(grouper.Flush());
        Assert.Equal("ops-slack", sent.Receiver);
        Assert.Equal(NotificationKind.Firing, sent.Message.Kind);
        Assert.Single(sent.Message.Incidents);
        Assert.Empty(grouper.Flush());
    }

    [Fact]
    public void Flush_IncidentsOfOneGroupDuringGroupWait_OneMessageWithAll()
    {
        var grouper = Grouper(new NotificationRoute { Receivers = ["ops-slack"], GroupBy = ["host"] });
        grouper.Observe(Open("10.0.1.4:8080"));
        _time.Advance(TimeSpan.FromSeconds(10));
        grouper.Observe(Open("10.0.1.5:8080", failed: 500));
        grouper.Observe(Open("10.0.9.9:80", host: "other.example.com"));

        _time.Advance(TimeSpan.FromSeconds(25));
        var sent = grouper.Flush();

        Assert.Single(sent); // the other host's group is still within its group_wait
        Assert.Equal(["10.0.1.5:8080", "10.0.1.4:8080"], sent[0].Message.Incidents.Select(i => i.Incident.Upstream));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("route0/ops-slack/host=other.example.com", Assert.Single(grouper.Flush()).Message.GroupKey);
    }

    [Fact]
    public void Flush_Escalation_UpdatedAfterGroupIntervalNotBefore()
    {
        var grouper = Grouper();
        grouper.Observe(Open(failed: 50));
        _time.Advance(TimeSpan.FromSeconds(30));
        var first = Assert.Single(grouper.Flush());

        grouper.Observe(Open(failed: 180)); // warning → critical
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(grouper.Flush());

        _time.Advance(TimeSpan.FromMinutes(1));
        var update = Assert.Single(grouper.Flush());
        Assert.Equal(NotificationKind.Updated, update.Message.Kind);
        Assert.Equal(180, update.Message.Incidents[0].Incident.FailedRequests);
        Assert.NotEqual(first.IdempotencyKey, update.IdempotencyKey);
    }

    [Fact]
    public void Flush_SmallGrowthOrNewStatus_OnlyNewStatusCountsAsEscalation()
    {
        var grouper = Grouper();
        grouper.Observe(Open(failed: 50, statuses: new() { ["502"] = 50 }));
        _time.Advance(TimeSpan.FromSeconds(30));
        grouper.Flush();

        grouper.Observe(Open(failed: 60, statuses: new() { ["502"] = 60 }));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(grouper.Flush());

        grouper.Observe(Open(failed: 61, statuses: new() { ["502"] = 60, ["504"] = 1 }));
        Assert.Equal(NotificationKind.Updated, Assert.Single(grouper.Flush()).Message.Kind);
    }

    [Fact]
    public void Flush_UnchangedFiringGroup_ReminderAfterRepeatInterval()
    {
        var grouper = Grouper();
        grouper.Observe(Open());
        _time.Advance(TimeSpan.FromSeconds(30));
        grouper.Flush();

        _time.Advance(TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1));
        Assert.Empty(grouper.Flush());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(NotificationKind.Reminder, Assert.Single(grouper.Flush()).Message.Kind);
    }

    [Fact]
    public void Flush_AllIncidentsClosed_ResolvedOnceThenGroupForgotten()
    {
        var grouper = Grouper();
        var item = Open();
        grouper.Observe(item);
        _time.Advance(TimeSpan.FromSeconds(30));
        grouper.Flush();

        grouper.Observe(Resolved(item));
        _time.Advance(TimeSpan.FromMinutes(5));
        var resolved = Assert.Single(grouper.Flush());

        Assert.Equal(NotificationKind.Resolved, resolved.Message.Kind);
        Assert.Equal(IncidentState.Resolved, resolved.Message.Incidents[0].Incident.State);
        Assert.Equal(0, grouper.GroupCount);
        _time.Advance(TimeSpan.FromHours(5));
        Assert.Empty(grouper.Flush());
    }

    [Fact]
    public void Flush_ClosedBeforeGroupWait_NothingSent()
    {
        var grouper = Grouper();
        var item = Open();
        grouper.Observe(item);
        _time.Advance(TimeSpan.FromSeconds(10));
        grouper.Observe(Resolved(item));

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(grouper.Flush());
        Assert.Equal(0, grouper.GroupCount);
    }

    [Fact]
    public void Observe_Routes_MatchHostUpstreamCauseSeverityAndContinue()
    {
        var grouper = Grouper(
            new NotificationRoute { Receivers = ["db-team"], Upstreams = ["10.0.5.*:5432"] },
            new NotificationRoute { Receivers = ["ops-teams"], Causes = [IncidentCause.TlsHandshake], Continue = true },
            new NotificationRoute { Receivers = ["pager"], MinSeverity = NotificationSeverity.Critical, Continue = true },
            new NotificationRoute { Receivers = ["ops-slack"], Hosts = ["*.example.com"] });
        grouper.Observe(Open("10.0.5.1:5432", failed: 1000));
        grouper.Observe(Open("10.0.1.4:443", cause: IncidentCause.TlsHandshake));
        grouper.Observe(Open("10.0.1.7:80", failed: 5000, host: "shop.example.com"));
        grouper.Observe(Open("10.0.1.8:80", host: "internal.corp"));
        _time.Advance(TimeSpan.FromSeconds(30));

        var byReceiver = grouper.Flush().GroupBy(n => n.Receiver).ToDictionary(g => g.Key, g => g.SelectMany(n => n.Message.Incidents).Select(i => i.Incident.Upstream).ToList());

        Assert.Equal(["10.0.5.1:5432"], byReceiver["db-team"]);
        Assert.Equal(["10.0.1.4:443"], byReceiver["ops-teams"]);
        Assert.Equal(["10.0.1.7:80"], byReceiver["pager"]);
        Assert.Equal(["10.0.1.4:443", "10.0.1.7:80"], byReceiver["ops-slack"].Order());
        Assert.Equal(4, byReceiver.Count);
    }

    [Fact]
    public void Flush_Silenced_NothingUntilTheSilenceExpires()
    {
        var grouper = Grouper();
        grouper.AddSilence(new Silence("s1", [new SilenceMatcher("host", "api.*"), new SilenceMatcher("cause", "overload")],
            _time.GetUtcNow(), _time.GetUtcNow().AddHours(1), "oncall@example.com", "deploy in progress"));
        grouper.Observe(Open());

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Empty(grouper.Flush());

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(NotificationKind.Firing, Assert.Single(grouper.Flush()).Message.Kind);
        Assert.Empty(grouper.Silences);
    }

    [Fact]
    public void Flush_SilenceNotMatchingEveryMatcher_DoesNotMute()
    {
        var grouper = Grouper();
        grouper.AddSilence(new Silence("s1", [new SilenceMatcher("host", "api.*"), new SilenceMatcher("cause", "timeout")],
            _time.GetUtcNow(), _time.GetUtcNow().AddHours(1), "oncall@example.com", ""));
        grouper.Observe(Open());
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Single(grouper.Flush());
    }

    [Fact]
    public void Flush_Acknowledged_NoReminderOrUpdateButResolvedStillSent()
    {
        var grouper = Grouper();
        var item = Open();
        grouper.Observe(item);
        _time.Advance(TimeSpan.FromSeconds(30));
        grouper.Flush();

        grouper.Acknowledge(item.Incident.Id);
        grouper.Observe(Open(failed: 5000));
        _time.Advance(TimeSpan.FromHours(5));
        Assert.Empty(grouper.Flush());

        grouper.Observe(Resolved(item));
        Assert.Equal(NotificationKind.Resolved, Assert.Single(grouper.Flush()).Message.Kind);
    }

    [Fact]
    public void NextDueAt_NewGroup_IsGroupWaitLater()
    {
        var grouper = Grouper();
        Assert.Null(grouper.NextDueAt());

        grouper.Observe(Open());

        Assert.Equal(_time.GetUtcNow().AddSeconds(30), grouper.NextDueAt());
    }

    [Fact]
    public void Import_SnapshotThroughJson_KeepsTimingDedupSilencesAndAcks()
    {
        var first = Grouper();
        first.Observe(Open());
        first.Observe(Open(upstream: "10.0.7.7:80"));
        first.Acknowledge(Open(upstream: "10.0.7.7:80").Incident.Id);
        first.AddSilence(new Silence("s1", [new SilenceMatcher("host", "other.*")], _time.GetUtcNow(), _time.GetUtcNow().AddDays(1), "a", "b"));
        _time.Advance(TimeSpan.FromSeconds(30));
        var firing = Assert.Single(first.Flush());

        var json = System.Text.Json.JsonSerializer.Serialize(first.Export(), FunctionsApp.Notifications.NotificationsJsonContext.Default.GrouperSnapshot);
        var second = Grouper();
        second.Import(System.Text.Json.JsonSerializer.Deserialize(json, FunctionsApp.Notifications.NotificationsJsonContext.Default.GrouperSnapshot)!);

        Assert.Empty(second.Flush());
        Assert.Equal(2, second.GroupCount);
        Assert.Equal("s1", Assert.Single(second.Silences).Id);
        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(second.Export(), FunctionsApp.Notifications.NotificationsJsonContext.Default.GrouperSnapshot));
        _time.Advance(TimeSpan.FromHours(4));
        var reminder = Assert.Single(second.Flush());
        Assert.Equal(NotificationKind.Reminder, reminder.Message.Kind);
        Assert.Equal(firing.Message.GroupKey, reminder.Message.GroupKey);
        Assert.NotEqual(firing.IdempotencyKey, reminder.IdempotencyKey);
    }

    [Fact]
    public void Import_GroupOfRemovedRoute_Dropped()
    {
        var first = Grouper(new NotificationRoute { Receivers = ["ops-slack"] }, new NotificationRoute { Receivers = ["ops-teams"], Hosts = ["x"] });
        first.Observe(Open());
        var snapshot = first.Export();

        var second = Grouper(new NotificationRoute { Receivers = ["ops-teams"] });
        second.Import(snapshot);

        Assert.Equal(0, second.GroupCount);
    }
}
