using System.Text.Json;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Teams;
using static FunctionsApp.Tests.Notifications.TestIncidents;

namespace FunctionsApp.Tests.Notifications;

public sealed class TeamsMessageBuilderTests
{
    private static readonly HashSet<string> ElementTypes = ["TextBlock", "FactSet", "Container"];

    private static byte[] Bytes(NotificationMessage message) =>
        JsonSerializer.SerializeToUtf8Bytes(TeamsMessageBuilder.Build(message), NotificationsJsonContext.Default.TeamsMessage);

    [Fact]
    public void Build_Firing_IsWorkflowsEnvelopeWithAdaptiveCard14()
    {
        using var doc = JsonDocument.Parse(Bytes(Message()));
        var root = doc.RootElement;

        Assert.Equal("message", root.GetProperty("type").GetString());
        var attachment = Assert.Single(root.GetProperty("attachments").EnumerateArray());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        Assert.Equal(JsonValueKind.Null, attachment.GetProperty("contentUrl").ValueKind);
        var card = attachment.GetProperty("content");
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", card.GetProperty("$schema").GetString());
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("1.4", card.GetProperty("version").GetString());
        Assert.DoesNotContain("MessageCard", root.GetRawText(), StringComparison.Ordinal);

        var body = card.GetProperty("body").EnumerateArray().ToList();
        Assert.All(Flatten(body), e => Assert.Contains(e.GetProperty("type").GetString()!, ElementTypes));
        Assert.Equal("502s on upstream 10.0.1.4:8080 for host api.example.com", body[0].GetProperty("text").GetString());
        Assert.Equal("Attention", body[0].GetProperty("color").GetString());
        var facts = Flatten(body).Single(e => e.GetProperty("type").GetString() == "FactSet").GetProperty("facts").EnumerateArray()
            .ToDictionary(f => f.GetProperty("title").GetString()!, f => f.GetProperty("value").GetString()!);
        Assert.Equal(["How bad", "Why", "Resources"], facts.Keys);
        Assert.StartsWith("overload (confidence 0.82)", facts["Why"], StringComparison.Ordinal);
        Assert.Contains(Flatten(body), e => e.TryGetProperty("fontType", out var f) && f.GetString() == "Monospace"
            && e.GetProperty("text").GetString()!.StartsWith("2026/11/24 04:30:12 [error]", StringComparison.Ordinal));
        var action = Assert.Single(card.GetProperty("actions").EnumerateArray());
        Assert.Equal("Action.OpenUrl", action.GetProperty("type").GetString());
        Assert.Equal("https://diag.example.com/api/incidents/inc-api.example.com-10.0.1.4-8080", action.GetProperty("url").GetString());
    }

    [Fact]
    public void Build_HugeGroupWithHugeEvidence_StaysUnder28KB()
    {
        var evidence = RefusedLine + new string('y', 50_000);
        var items = Enumerable.Range(0, 60).Select(i => Item(Incident(upstream: $"10.0.2.{i}:80", evidence: evidence))).ToArray();

        var bytes = Bytes(Message(NotificationKind.Firing, items));

        Assert.InRange(bytes.Length, 1, 28 * 1024);
        using var doc = JsonDocument.Parse(bytes);
        var body = doc.RootElement.GetProperty("attachments")[0].GetProperty("content").GetProperty("body").EnumerateArray().ToList();
        Assert.Matches(@"^…and \d+ more incident\(s\) in this group\.$", body[^1].GetProperty("text").GetString());
        var shown = Flatten(body).Where(e => e.TryGetProperty("fontType", out _)).Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.NotEmpty(shown);
        Assert.All(shown, e => Assert.EndsWith("…", e, StringComparison.Ordinal));
        Assert.All(shown, e => Assert.InRange(e.Length, 200, 1000));
    }

    [Fact]
    public void Build_Resolved_GoodStyleAndResolvedTitle()
    {
        using var doc = JsonDocument.Parse(Bytes(Message(NotificationKind.Resolved)));
        var body = doc.RootElement.GetProperty("attachments")[0].GetProperty("content").GetProperty("body");

        Assert.Equal("Resolved: 502s on upstream 10.0.1.4:8080 for host api.example.com", body[0].GetProperty("text").GetString());
        Assert.Equal("Good", body[0].GetProperty("color").GetString());
        Assert.Equal("good", body[1].GetProperty("style").GetString());
    }

    private static IEnumerable<JsonElement> Flatten(IEnumerable<JsonElement> elements) =>
        elements.SelectMany(e => e.TryGetProperty("items", out var items) ? Flatten(items.EnumerateArray()).Prepend(e) : [e]);
}
