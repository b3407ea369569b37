using System.Text.Json;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Notifications;

/// <summary>
/// The messages an on-call engineer gets for the situations that used to go wrong, end to end: real nginx lines
/// shipped to the real app on Azurite, the analyzer and notify timers run on a settable clock, and Slack, Teams and a
/// signed webhook receiving on 127.0.0.1 in their documented wire formats. Each test asserts the exact messages.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OnCallMessagesTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T = OnCallKit.CaptureStart;

    [Fact]
    public async Task RepeatOutage_SameUpstreamAndHost_FiringAndResolvedEachTime_EveryMessageItsOwnKey()
    {
        await using var kit = await OnCallKit.StartAsync(azurite);
        foreach (var start in new[] { T, T.AddMinutes(30) })
        {
            kit.Clock.SetUtcNow(start.AddSeconds(20));
            await kit.ShipAsync("a", OnCallKit.Outage(start));
            await kit.TickAsync(start.AddSeconds(60));   // opens and announces
            await kit.TickAsync(start.AddMinutes(5));    // closed by the quiet period
            await kit.TickAsync(start.AddMinutes(7));    // resolved after the group interval
            await kit.TickAsync(start.AddMinutes(12));   // nothing more to say
        }

        var webhook = kit.WebhookMessages();
        Assert.Equal(["firing", "resolved", "firing", "resolved"], webhook.Select(m => m.GetProperty("kind").GetString()));
        Assert.Equal(4, kit.Posts("hook").Select(p => p.Headers["Idempotency-Key"]).Distinct().Count());
        Assert.NotEqual(Id(webhook[0]), Id(webhook[2])); // two outages, two incidents
        Assert.Equal(Id(webhook[0]), Id(webhook[1]));
        foreach (var titles in new[] { kit.SlackTitles(), kit.TeamsTitles() })
        {
            Assert.Equal(4, titles.Count);
            Assert.Matches("Warning: 502s on upstream 127\\.0\\.0\\.1:\\d+ \\(upstream-down\\.example\\.test, site a\\)$", titles[0]);
            Assert.Contains("Resolved: 502s", titles[1], StringComparison.Ordinal);
            Assert.Matches("Warning: 502s", titles[2]);
            Assert.Contains("Resolved: 502s", titles[3], StringComparison.Ordinal);
        }

        Assert.Equal(8, kit.Posts("slack").Concat(kit.Posts("teams")).Select(p => p.Headers["Idempotency-Key"]).Distinct().Count());
    }

    [Fact]
    public async Task LateBatch_OverBeforeItArrived_AnnouncedOnceAsLate_TooOld_OnlyInTheDigest()
    {
        await using var kit = await OnCallKit.StartAsync(azurite);

        // Five minutes of shipper delay: the whole outage arrives after it ended.
        kit.Clock.SetUtcNow(T.AddMinutes(6));
        await kit.ShipAsync("a", OnCallKit.Outage(T));
        await kit.TickAsync(T.AddMinutes(6).AddSeconds(30));
        await kit.TickAsync(T.AddMinutes(12));
        await kit.TickAsync(T.AddMinutes(20));

        // Three hours late: beyond LateAlertMaxAge (1 h), so no message of its own.
        kit.Clock.SetUtcNow(T.AddHours(4));
        await kit.ShipAsync("b", OnCallKit.Outage(T.AddHours(1)));
        await kit.TickAsync(T.AddHours(4).AddSeconds(30));
        await kit.TickAsync(T.AddHours(4).AddMinutes(10));

        var webhook = kit.WebhookMessages();
        var late = Assert.Single(webhook);
        Assert.Equal("late", late.GetProperty("kind").GetString());
        Assert.Contains("reported", late.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(["🕒 Reported late: 502s on upstream " + Upstream(late) + " (upstream-down.example.test, site a)"], kit.SlackTitles());
        var when = JsonDocument.Parse(kit.Posts("slack")[0].Body).RootElement.GetProperty("blocks")[1].GetProperty("text").GetProperty("text").GetString()!;
        Assert.Matches(@"^Happened (at 05:22:0\d|05:22:0\d–05:22:0\d) UTC, (all within one second|lasted \d+s); reported 05:28:34 UTC, 6m 2\ds after it ended\.", when);
        Assert.Single(kit.TeamsTitles());

        await kit.RunTimerAsync("digest");
        var digest = JsonDocument.Parse(kit.Posts("hook")[^1].Body).RootElement;
        var reportedLate = Assert.Single(digest.GetProperty("reportedLate").EnumerateArray());
        Assert.Contains("site b", reportedLate.GetProperty("what").GetString(), StringComparison.Ordinal);
        Assert.Contains("Reported late (not announced)", kit.Posts("slack")[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoSites_SameUpstreamHostAndSecond_TwoWholeIncidents_OneMessagePerSite()
    {
        await using var kit = await OnCallKit.StartAsync(azurite);
        kit.Clock.SetUtcNow(T.AddSeconds(20));
        await kit.ShipAsync("a", OnCallKit.Outage(T));
        await kit.ShipAsync("b", OnCallKit.Outage(T));
        await kit.TickAsync(T.AddSeconds(60));
        await kit.TickAsync(T.AddSeconds(90));

        var items = (await kit.GetAsync("/api/incidents")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.NotEqual(items[0].GetProperty("id").GetString(), items[1].GetProperty("id").GetString());
        Assert.Equal(["a", "b"], items.Select(i => i.GetProperty("site").GetString()).Order());
        Assert.All(items, i => Assert.Equal(5, i.GetProperty("failedRequests").GetInt32()));

        var webhook = kit.WebhookMessages();
        Assert.Equal(2, webhook.Count);
        Assert.All(webhook, m => Assert.Equal("firing", m.GetProperty("kind").GetString()));
        Assert.Equal(["a", "b"], webhook.Select(m => m.GetProperty("incidents")[0].GetProperty("incident").GetProperty("site").GetString()).Order());
        Assert.Equal(2, kit.SlackTitles().Count);
        Assert.Contains(kit.SlackTitles(), t => t.EndsWith("site a)", StringComparison.Ordinal));
        Assert.Contains(kit.SlackTitles(), t => t.EndsWith("site b)", StringComparison.Ordinal));
        Assert.Equal(2, kit.TeamsTitles().Count);
    }

    [Fact]
    public async Task Outbox_WriteFails_LoggedAndDecidedAgainNextRun_NothingLost()
    {
        await using var kit = await OnCallKit.StartAsync(azurite, services: s => s.Decorate());
        var outbox = FailingOutbox.Of(kit.App.Services);
        kit.Clock.SetUtcNow(T.AddSeconds(20));
        await kit.ShipAsync("a", OnCallKit.Outage(T));

        outbox.FailNextAdds = 1;
        kit.Clock.SetUtcNow(T.AddSeconds(60));
        await Assert.ThrowsAnyAsync<Exception>(() => kit.Analyzer.RunOnceAsync(CancellationToken.None));
        Assert.Empty(kit.Posts("hook"));

        await kit.TickAsync(T.AddSeconds(90));

        Assert.Equal(["firing"], kit.WebhookMessages().Select(m => m.GetProperty("kind").GetString()));
        Assert.Single(kit.SlackTitles());
    }

    private static string Id(JsonElement message) => message.GetProperty("incidents")[0].GetProperty("incident").GetProperty("id").GetString()!;

    private static string Upstream(JsonElement message) => message.GetProperty("incidents")[0].GetProperty("incident").GetProperty("upstream").GetString()!;
}
