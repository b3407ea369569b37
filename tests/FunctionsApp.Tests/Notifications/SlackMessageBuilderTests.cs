using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.Metrics;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Slack;
using static FunctionsApp.Tests.Notifications.TestIncidents;

namespace FunctionsApp.Tests.Notifications;

public sealed class SlackMessageBuilderTests
{
    private static JsonElement Json(NotificationMessage message) =>
        JsonDocument.Parse(JsonSerializer.Serialize(SlackMessageBuilder.Build(message), NotificationsJsonContext.Default.SlackMessage)).RootElement;

    private static List<string> Texts(JsonElement json) =>
        [.. json.GetProperty("blocks").EnumerateArray().Where(b => b.TryGetProperty("text", out _)).Select(b => b.GetProperty("text").GetProperty("text").GetString()!)];

    [Fact]
    public void Build_Firing_SaysWhatWhenHowBadWhyWhatToDoFirstOnceWithOneLink()
    {
        var json = Json(Message());

        var blocks = json.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(["header", "section", "section", "section", "section", "actions"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("🔴 Critical: 502/504s on upstream 10.0.1.4:8080 (api.example.com, site edge-1)", blocks[0].GetProperty("text").GetProperty("text").GetString());
        var texts = Texts(json);
        Assert.Equal(
            "Started 04:30:12 UTC (05:30:12 +01:00 site time); last failure 04:39:52 UTC (9m 40s in).\n"
            + "1,234 failed requests (502×1,200, 504×34), 20% of the 6,170 requests to the upstream; 127.7/min.",
            texts[1]);
        Assert.StartsWith("*Why:* Overload (confidence 0.82): connect() to the upstream failed", texts[2], StringComparison.Ordinal);
        Assert.Contains("\n```2026/11/24 04:30:12 [error] 2931#2931: *8812 connect() failed", texts[2], StringComparison.Ordinal);
        Assert.Equal("*First:* Check the upstream's CPU and memory and scale out the pool.", texts[3]);
        Assert.StartsWith("CPU/memory: overload corroborated.", texts[4], StringComparison.Ordinal);
        var button = Assert.Single(blocks[5].GetProperty("elements").EnumerateArray());
        Assert.Equal("https://diag.example.com/api/dashboard/incidents/inc-api.example.com-10.0.1.4-8080", button.GetProperty("url").GetString());

        // Said once: the title is not repeated in a section, the link not in text, no second step.
        Assert.All(texts.Skip(1), t => Assert.DoesNotContain("on upstream 10.0.1.4:8080 (", t, StringComparison.Ordinal));
        Assert.DoesNotContain("diag.example.com", string.Concat(texts), StringComparison.Ordinal);
        Assert.DoesNotContain("raise `max_conns`", string.Concat(texts), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Build_NoMetricsMappingOrRateLimiting_NoResourcesNoise()
    {
        var unmapped = Item(Incident() with
        {
            Metrics = IncidentMetrics.NoData(MetricsNoDataReason.NoMapping, "no mapping", Start, Start, Start),
        }) with { Metrics = null };
        var rateLimited = Item(Incident(cause: IncidentCause.RateLimited, upstream: "-"));

        Assert.DoesNotContain("CPU/memory", Json(Message(items: unmapped)).GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("CPU/memory", Json(Message(items: rateLimited)).GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AllFailuresInOneSecond_NoZeroDurationNoRate()
    {
        var json = Json(Message(items: Item(Incident(failed: 5) with { End = Start, Statuses = new Dictionary<string, int> { ["502"] = 5 } })));

        var when = Texts(json)[1];
        Assert.Equal("Started at 04:30:12 UTC (05:30:12 +01:00 site time).\n5 failed requests (502×5), 20% of the 25 requests to the upstream.", when);
        Assert.DoesNotContain("0s", json.GetRawText(), StringComparison.Ordinal);
        Assert.StartsWith("🟠 Warning:", Texts(json)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_InjectedMarkupInLogContent_EscapedSoItCannotLinkOrMention()
    {
        const string Path = "/<script>alert(1)</script><img src=x onerror=alert(2)>|<!channel>";
        var evidence = $"2026/11/24 04:30:12 [error] 7#7: *1 connect() failed (111: Connection refused), request: \"GET {Path} HTTP/1.1\"";
        var json = Json(Message(items: Item(Incident(host: "<https://evil.example|click>", evidence: evidence))));

        // Sections and the notification fallback are mrkdwn; the header is plain_text, which Slack never parses.
        var raw = string.Concat(Texts(json).Skip(1)) + json.GetProperty("text").GetString();
        Assert.Equal("plain_text", json.GetProperty("blocks")[0].GetProperty("text").GetProperty("type").GetString());
        Assert.DoesNotContain("<script>", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", raw, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;|&lt;!channel&gt;", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_VeryLongEvidence_TruncatedWithinSectionLimit()
    {
        var evidence = RefusedLine + " <script>&" + new string('x', 20_000) + " tail-that-must-go";
        var json = Json(Message(items: Item(Incident(evidence: evidence))));

        var texts = Texts(json);
        Assert.All(texts.Skip(1), s => Assert.InRange(s.Length, 1, SlackMessageBuilder.MaxSectionText));
        var why = texts.Single(s => s.StartsWith("*Why:*", StringComparison.Ordinal));
        Assert.Contains("&lt;script&gt;&amp;xxx", why, StringComparison.Ordinal);
        Assert.Contains("x…```", why, StringComparison.Ordinal);
        Assert.DoesNotContain("tail-that-must-go", why, StringComparison.Ordinal);
        Assert.InRange(json.GetProperty("text").GetString()!.Length, 1, SlackMessageBuilder.MaxFallbackText);
    }

    [Fact]
    public void Build_GroupOfManyIncidents_OneSummaryTenLinesAndHowManyMore()
    {
        var items = Enumerable.Range(0, 23).Select(i => Item(Incident(upstream: $"10.0.1.{i}:8080", failed: 10 + i))).ToArray();

        var json = Json(Message(NotificationKind.Firing, items));

        var blocks = json.GetProperty("blocks").EnumerateArray().ToList();
        Assert.InRange(blocks.Count, 1, 8);
        Assert.Equal("🟠 Warning: 502/504s on 23 upstreams of site edge-1", Texts(json)[0]);
        var list = Texts(json)[^1];
        Assert.Equal(11, list.Split('\n').Length);
        Assert.EndsWith("…and 13 more", list, StringComparison.Ordinal);
        Assert.Single(blocks, b => b.GetProperty("type").GetString() == "actions");
    }

    [Fact]
    public void Build_Resolved_SaysWhenAndHowMuchWithoutRemediation()
    {
        var json = Json(Message(NotificationKind.Resolved, Item(Incident(state: IncidentState.Resolved))));

        var texts = Texts(json);
        Assert.Equal("✅ Resolved: 502/504s on upstream 10.0.1.4:8080 (api.example.com, site edge-1)", texts[0]);
        Assert.StartsWith("Happened 04:30:12–04:39:52 UTC (05:30:12–05:39:52 +01:00 site time), lasted 9m 40s; resolved.", texts[1], StringComparison.Ordinal);
        Assert.DoesNotContain("First:", json.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Late_SaysWhenItHappenedAndWhenItWasReported()
    {
        var late = Incident(state: IncidentState.Resolved) with { End = Start.AddMinutes(3), DetectedAt = Start.AddMinutes(7) };

        var texts = Texts(Json(Message(NotificationKind.Late, Item(late))));

        Assert.StartsWith("🕒 Reported late:", texts[0], StringComparison.Ordinal);
        Assert.StartsWith("Happened 04:30:12–04:33:12 UTC (05:30:12–05:33:12 +01:00 site time), lasted 3m 0s; reported 04:37:12 UTC, 4m 0s after it ended.", texts[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Escalated_TitleAndWhatChanged()
    {
        var message = Message(NotificationKind.Updated) with { Escalated = true, Changes = ["api.example.com → 10.0.1.4:8080: 10 → 1,234 failed requests"] };

        var texts = Texts(Json(message));

        Assert.StartsWith("🔴 Escalated: 502/504s", texts[0], StringComparison.Ordinal);
        Assert.Equal("*What changed*\n• api.example.com → 10.0.1.4:8080: 10 → 1,234 failed requests", texts[1]);
    }
}
