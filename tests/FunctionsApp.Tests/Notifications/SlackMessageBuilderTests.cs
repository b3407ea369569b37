using System.Text.Json;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Slack;
using static FunctionsApp.Tests.Notifications.TestIncidents;

namespace FunctionsApp.Tests.Notifications;

public sealed class SlackMessageBuilderTests
{
    private static JsonElement Json(NotificationMessage message) =>
        JsonDocument.Parse(JsonSerializer.Serialize(SlackMessageBuilder.Build(message), NotificationsJsonContext.Default.SlackMessage)).RootElement;

    [Fact]
    public void Build_Firing_SaysWhatHowBadWhyWhatToDoAndLinks()
    {
        var json = Json(Message());

        var blocks = json.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(["header", "section", "section", "section", "actions"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("plain_text", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.Equal("🔴 502s on upstream 10.0.1.4:8080 for host api.example.com", blocks[0].GetProperty("text").GetProperty("text").GetString());
        var what = blocks[1].GetProperty("text").GetProperty("text").GetString()!;
        Assert.Equal("mrkdwn", blocks[1].GetProperty("text").GetProperty("type").GetString());
        Assert.Contains("1,234 failed requests in 9m 40s (127.7/min): 502×1,200, 504×34", what, StringComparison.Ordinal);
        var fields = blocks[2].GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("text").GetString()!).ToList();
        Assert.StartsWith("*Why*\noverload (confidence 0.82)", fields[0], StringComparison.Ordinal);
        Assert.StartsWith("*Resources*\nCPU/memory: overload corroborated.", fields[1], StringComparison.Ordinal);
        var steps = blocks[3].GetProperty("text").GetProperty("text").GetString()!;
        Assert.Contains("```2026/11/24 04:30:12 [error]", steps, StringComparison.Ordinal);
        Assert.Contains("• Set `proxy_next_upstream error timeout`", steps, StringComparison.Ordinal);
        Assert.DoesNotContain("fourth step", steps, StringComparison.Ordinal);
        var button = blocks[4].GetProperty("elements")[0];
        Assert.Equal("button", button.GetProperty("type").GetString());
        Assert.Equal("https://diag.example.com/api/incidents/inc-api.example.com-10.0.1.4-8080", button.GetProperty("url").GetString());
        Assert.StartsWith("502s on upstream 10.0.1.4:8080 for host api.example.com\n", json.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_VeryLongEvidenceWithMarkup_TruncatedGracefullyWithinSectionLimit()
    {
        var evidence = RefusedLine + " <script>&" + new string('x', 20_000) + " tail-that-must-go";
        var json = Json(Message(items: Item(Incident(evidence: evidence))));

        var sections = json.GetProperty("blocks").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "section" && b.TryGetProperty("text", out _))
            .Select(b => b.GetProperty("text").GetProperty("text").GetString()!).ToList();
        Assert.All(sections, s => Assert.InRange(s.Length, 1, SlackMessageBuilder.MaxSectionText));
        var evidenceSection = sections.Single(s => s.Contains("Top evidence", StringComparison.Ordinal));
        Assert.Contains("&lt;script&gt;&amp;xxx", evidenceSection, StringComparison.Ordinal);
        Assert.Contains("x…```", evidenceSection, StringComparison.Ordinal);
        Assert.DoesNotContain("tail-that-must-go", evidenceSection, StringComparison.Ordinal);
        Assert.Contains("*What to do*", evidenceSection, StringComparison.Ordinal);
        Assert.InRange(json.GetProperty("text").GetString()!.Length, 1, SlackMessageBuilder.MaxFallbackText);
    }

    [Fact]
    public void Build_EntityAtTheCut_NeverLeavesHalfAnEntity()
    {
        var evidence = new string('<', 5000);
        var json = Json(Message(items: Item(Incident(evidence: evidence))));

        var text = json.GetProperty("blocks")[3].GetProperty("text").GetProperty("text").GetString()!;
        var code = text[(text.IndexOf("```", StringComparison.Ordinal) + 3)..text.LastIndexOf("…```", StringComparison.Ordinal)];
        Assert.Equal(0, code.Replace("&lt;", "", StringComparison.Ordinal).Length);
    }

    [Fact]
    public void Build_GroupOfManyIncidents_AtMostFiftyBlocksAndSaysHowManyMore()
    {
        var items = Enumerable.Range(0, 30).Select(i => Item(Incident(upstream: $"10.0.1.{i}:8080"))).ToArray();

        var blocks = Json(Message(NotificationKind.Firing, items)).GetProperty("blocks").EnumerateArray().ToList();

        Assert.InRange(blocks.Count, 1, SlackMessageBuilder.MaxBlocks);
        Assert.Equal("context", blocks[^1].GetProperty("type").GetString());
        Assert.Equal("…and 21 more incident(s) in this group.", blocks[^1].GetProperty("elements")[0].GetProperty("text").GetString());
        Assert.Equal("🔴 502s on upstream 10.0.1.0:8080 for host api.example.com (+29 more)", blocks[0].GetProperty("text").GetProperty("text").GetString());
    }

    [Fact]
    public void Build_Resolved_SaysResolvedWithoutRemediation()
    {
        var json = Json(Message(NotificationKind.Resolved, Item(Incident(state: FunctionsApp.Incidents.IncidentState.Resolved))));

        var blocks = json.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal("✅ Resolved: 502s on upstream 10.0.1.4:8080 for host api.example.com", blocks[0].GetProperty("text").GetProperty("text").GetString());
        Assert.Contains("Closed after 9m 40s; 1,234 failed requests in total.", blocks[1].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("What to do", json.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Escalated_TitleSaysSo() =>
        Assert.StartsWith("🔴 Escalated: 502s", Json(Message(NotificationKind.Updated)).GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
}
