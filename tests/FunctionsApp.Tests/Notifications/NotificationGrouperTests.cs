using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Routing;
using Microsoft.Extensions.Time.Testing;
using static FunctionsApp.Tests.Notifications.TestIncidents;

namespace FunctionsApp.Tests.Notifications;

public sealed class NotificationGrouperTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));

    private NotificationGrouper Grouper(params NotificationRoute[] routes) => Grouper(new NotificationsOptions(), routes);

    private NotificationGrouper Grouper(NotificationsOptions options, params NotificationRoute[] routes)
    {
        options.Routes = routes.Length == 0 ? [new NotificationRoute { Receivers = ["ops-slack"] }] : [.. routes];
        options.PublicBaseUrl = new Uri("https://diag.example.com");
        return new NotificationGrouper(options, _time);
    }

    /// <summary>An open incident whose first failure is now (log time and the clock agree), on site edge-1.</summary>
    private NotificationIncident Open(string upstream = "10.0.1.4:8080", int failed = 50, string host = "api.example.com",
        IncidentCause cause = IncidentCause.Overload, Dictionary<string, int>? statuses = null, string site = "edge-1", DateTimeOffset? start = null)
    {
        var begin = start ?? _time.GetUtcNow();
        var incident = Incident(upstream: upstream, host: host, failed: failed, cause: cause) with
        {
            Id = DiagnosisEngine.SiteIncidentId(DiagnosisEngine.IncidentId(upstream, host, begin), site),
            Site = site,
            Start = begin,
            End = begin,
        };
        return Item(statuses is null ? incident : incident with { Statuses = statuses });
    }

    private NotificationIncident Later(NotificationIncident item, int failed, Dictionary<string, int>? statuses = null) =>
        item with { Incident = item.Incident with { FailedRequests = failed, End = _time.GetUtcNow(), Statuses = statuses ?? item.Incident.Statuses } };

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
        Assert.Equal(new Uri("https://diag.example.com/api/dashboard/incidents/" + sent.Message.Incidents[0].Incident.Id), sent.Message.Link);
        Assert.Empty(grouper.Flush());
    }

    [Fact]
    public void Flush_IncidentSeenLongAfterItStarted_NotHeldBackByGroupWait()
    {
        var grouper = Grouper();
        grouper.Observe(Open(start: _time.GetUtcNow().AddSeconds(-45)));

        Assert.Equal(NotificationKind.Firing, Assert.Single(grouper.Flush()).Message.Kind);
    }

    [Fact]
    public void Flush_NginxWideFailureOnManyPairs_OneMessagePerSiteByDefault()
    {
        var grouper = Grouper();
        for (var i = 0; i < 23; i++)
        {
            grouper.Observe(Open(upstream: $"10.0.2.{i}:80", host: $"app{i % 5}.example.com"));
        }

        grouper.Observe(Open(upstream: "10.9.9.9:80", site: "edge-2"));
        _time.Advance(TimeSpan.FromSeconds(30));
        var sent = grouper.Flush();

        Assert.Equal(2, sent.Count);
        var edge1 = Assert.Single(sent, n => n.Message.Incidents.Count == 23);
        Assert.Equal("route0/ops-slack/site=edge-1", edge1.Message.GroupKey);
        Assert.StartsWith("https://diag.example.com/api/dashboard/?ids=", edge1.Message.Link!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Flush_GroupByRoute_OneGroupForEverythingTheRouteMatches()
    {
        var grouper = Grouper(new NotificationRoute { Receivers = ["ops-slack"], GroupBy = ["route"] });
        grouper.Observe(Open(site: "edge-1"));
        grouper.Observe(Open(site: "edge-2", upstream: "10.0.3.3:80"));
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(2, Assert.Single(grouper.Flush()).Message.Incidents.Count);
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
        Assert.Equal(NotificationSeverity.Critical, sent[0].Message.Incidents[0].Severity);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("route0/ops-slack/host=other.example.com", Assert.Single(grouper.Flush()).Message.GroupKey);
    }

    [Fact]
    public void Flush_Escalation_UpdatedAfterGroupIntervalSayingWhatChanged()
    {
        var grouper = Grouper();
        var item = Open(failed: 50);
        grouper.Observe(item);
        _time.Advance(TimeSpan.FromSeconds(30));
        var first = Assert.Single(grouper.Flush());

        grouper.Observe(Later(item, 180)); // warning → critical, more than doubled
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(grouper.Flush());

        _time.Advance(TimeSpan.FromMinutes(1));
        var update = Assert.Single(grouper.Flush());
        Assert.Equal(NotificationKind.Updated, update.Message.Kind);
        Assert.True(update.Message.Escalated);
        Assert.Equal(
            ["api.example.com → 10.0.1.4:8080: now critical (was warning)", "api.example.com → 10.0.1.4:8080: 50 → 180 failed requests"],
            update.Message.Changes);
        Assert.NotEqual(first.IdempotencyKey, update.IdempotencyKey);
    }

    [Fact]
    public void Flush_SmallGrowth_NoUpdate_NewStatus_UpdateThatIsNotAnEscalation()
    {
        var grouper = Grouper();
        var item = Open(failed: 50, statuses: new() { ["502"] = 50 });
        grouper.Observe(item);
        _time.Advance(TimeSpan.FromSeconds(30));
        grouper.Flush();

        grouper.Observe(Later(item, 60, new() { ["502"] = 60 }));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(grouper.Flush());

        grouper.Observe(Later(item, 61, new() { ["502"] = 60, ["504"] = 1 }));
        var update = Assert.Single(grouper.Flush()).Message;
        Assert.Equal(NotificationKind.Updated, update.Kind);
        Assert.False(update.Escalated);
        Assert.Equal(["api.example.com → 10.0.1.4:8080: now also 504s"], update.Changes);
    }

    [Fact]
    public void Flush_SecondSiteJoinsAGroupByUpstream_UpdateNamesTheNewPairNotAnEscalation()
    {
        var grouper = Grouper(new NotificationRoute { Receivers = ["ops-slack"], GroupBy = ["upstream"] });
        grouper.Observe(Open(site: "edge-1"));
        _time.Advance(TimeSpan.FromSeconds(30));
        grouper.Flush();

        grouper.Observe(Open(site: "edge-2"));
        _time.Advance(TimeSpan.FromMinutes(5));
        var update = Assert.Single(grouper.Flush()).Message;

        Assert.False(update.Escalated);
        Assert.Equal(["new: 502/504s on upstream 10.0.1.4:8080 (api.example.com, site edge-2)"], update.Changes);
    }

    [Fact]
    public void Flush_FailuresWentOn_ReminderAfterRepeatInterval()
    {
        var grouper = Grouper();
        var item = Open();
        grouper.Observe(item);
        _time.Advance(TimeSpan.FromSeconds(30));
        grouper.Flush();

        _time.Advance(TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1));
        grouper.Observe(Later(item, 60));
        Assert.Empty(grouper.Flush());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(NotificationKind.Reminder, Assert.Single(grouper.Flush()).Message.Kind);
    }

    [Fact]
    public void Flush_NoFailureSinceTheLastMessage_NoStillFailing()
    {
        var grouper = Grouper();
        grouper.Observe(Open());
        _time.Advance(TimeSpan.FromSeconds(30));
        grouper.Flush();

        _time.Advance(TimeSpan.FromHours(5));

        Assert.Empty(grouper.Flush());
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
    public void Flush_RepeatOutageOfTheSameGroup_EveryMessageHasAKeyOfItsOwn()
    {
        var grouper = Grouper();
        var keys = new List<string>();
        for (var outage = 0; outage < 2; outage++)
        {
            var item = Open();
            grouper.Observe(item);
            _time.Advance(TimeSpan.FromSeconds(30));
            keys.Add(Assert.Single(grouper.Flush()).IdempotencyKey);
            grouper.Observe(Resolved(item));
            _time.Advance(TimeSpan.FromMinutes(5));
            keys.Add(Assert.Single(grouper.Flush()).IdempotencyKey);
            _time.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Equal(4, keys.Distinct().Count());
    }

    [Fact]
    public void Flush_ClosedBeforeGroupWait_AnnouncedOnceAsLate()
    {
        var grouper = Grouper();
        var item = Open();
        grouper.Observe(item);
        _time.Advance(TimeSpan.FromSeconds(10));
        grouper.Observe(Resolved(item));

        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(NotificationKind.Late, Assert.Single(grouper.Flush()).Message.Kind);
        Assert.Equal(0, grouper.GroupCount);
        Assert.Empty(grouper.Flush());
    }

    [Fact]
    public void Observe_OverWhenFirstSeen_AnnouncedOnceAsLateEvenWhenShownAgain()
    {
        var grouper = Grouper();
        var late = Resolved(Open(start: _time.GetUtcNow().AddMinutes(-7)));

        grouper.Observe(late);
        var sent = Assert.Single(grouper.Flush());
        grouper.Observe(late); // a retried analyzer run shows it again
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(NotificationKind.Late, sent.Message.Kind);
        Assert.Empty(grouper.Flush());
    }

    [Fact]
    public void Observe_OverWhenFirstSeen_EveryReceiverHearsOnce()
    {
        var grouper = Grouper(new NotificationRoute { Receivers = ["ops-slack", "ops-teams", "ops-hook"] });

        grouper.Observe(Resolved(Open(start: _time.GetUtcNow().AddMinutes(-7))));

        Assert.Equal(["ops-hook", "ops-slack", "ops-teams"], grouper.Flush().Select(n => n.Receiver).Order());
        Assert.Empty(grouper.Flush());
    }

    [Fact]
    public void Observe_OverAndOlderThanLateAlertMaxAge_NoMessage()
    {
        var grouper = Grouper(new NotificationsOptions { LateAlertMaxAge = TimeSpan.FromHours(1) });

        grouper.Observe(Resolved(Open(start: _time.GetUtcNow().AddHours(-2))));

        Assert.Empty(grouper.Flush());
        Assert.Equal(0, grouper.GroupCount);
    }

    [Fact]
    public void Observe_LateIncidentWhileTheSiteIsFailing_SeparateLateMessage()
    {
        var grouper = Grouper();
        grouper.Observe(Open());
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Single(grouper.Flush());

        grouper.Observe(Resolved(Open(upstream: "10.0.4.4:80", start: _time.GetUtcNow().AddMinutes(-6))));
        var late = Assert.Single(grouper.Flush());

        Assert.Equal(NotificationKind.Late, late.Message.Kind);
        Assert.Equal("10.0.4.4:80", Assert.Single(late.Message.Incidents).Incident.Upstream);
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
        grouper.Observe(Later(item, 5000));
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
    public void Import_SnapshotThroughJson_KeepsTimingDedupSilencesAcksAndAnnounced()
    {
        var first = Grouper(new NotificationRoute { Receivers = ["ops-slack"], GroupBy = ["upstream"] });
        var item = Open();
        first.Observe(item);
        first.Observe(Open(upstream: "10.0.7.7:80"));
        first.Acknowledge(Open(upstream: "10.0.7.7:80").Incident.Id);
        first.AddSilence(new Silence("s1", [new SilenceMatcher("host", "other.*")], _time.GetUtcNow(), _time.GetUtcNow().AddDays(1), "a", "b"));
        _time.Advance(TimeSpan.FromSeconds(30));
        var firing = Assert.Single(first.Flush());

        var json = JsonSerializer.Serialize(first.Export(), NotificationsJsonContext.Default.GrouperSnapshot);
        var second = Grouper(new NotificationRoute { Receivers = ["ops-slack"], GroupBy = ["upstream"] });
        second.Import(JsonSerializer.Deserialize(json, NotificationsJsonContext.Default.GrouperSnapshot)!);

        Assert.Empty(second.Flush());
        Assert.Equal(2, second.GroupCount);
        Assert.Equal("s1", Assert.Single(second.Silences).Id);
        Assert.Equal(json, JsonSerializer.Serialize(second.Export(), NotificationsJsonContext.Default.GrouperSnapshot));
        _time.Advance(TimeSpan.FromHours(4));
        second.Observe(Later(item, 60));
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
