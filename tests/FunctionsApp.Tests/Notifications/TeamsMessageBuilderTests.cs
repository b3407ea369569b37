using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Teams;
using static FunctionsApp.Tests.Notifications.TestIncidents;

namespace FunctionsApp.Tests.Notifications;

public sealed class TeamsMessageBuilderTests
{
    private static readonly HashSet<string> ElementTypes = ["RichTextBlock", "Container"];

    private static byte[] Bytes(NotificationMessage message) =>
        JsonSerializer.SerializeToUtf8Bytes(TeamsMessageBuilder.Build(message), NotificationsJsonContext.Default.TeamsMessage);

    private static JsonElement Card(NotificationMessage message) =>
        JsonDocument.Parse(Bytes(message)).RootElement.GetProperty("attachments")[0].GetProperty("content");

    /// <summary>Each RichTextBlock's runs joined: what a reader sees per line.</summary>
    private static List<string> Lines(JsonElement card) =>
        [.. Flatten(card.GetProperty("body").EnumerateArray()).Where(e => e.GetProperty("type").GetString() == "RichTextBlock")
            .Select(e => string.Concat(e.GetProperty("inlines").EnumerateArray().Select(r => r.GetProperty("text").GetString())))];

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
        Assert.All(Flatten(card.GetProperty("body").EnumerateArray()), e => Assert.Contains(e.GetProperty("type").GetString()!, ElementTypes));
        Assert.All(Flatten(card.GetProperty("body").EnumerateArray()).Where(e => e.TryGetProperty("inlines", out _)),
            e => Assert.All(e.GetProperty("inlines").EnumerateArray(), r => Assert.Equal("TextRun", r.GetProperty("type").GetString())));
    }

    [Fact]
    public void Build_Firing_TitleOnceOneLinkNoInlineCodeMarks()
    {
        var card = Card(Message());

        var lines = Lines(card);
        Assert.Equal("Critical: 502/504s on upstream 10.0.1.4:8080 (api.example.com, site edge-1)", lines[0]);
        Assert.Single(lines, l => l.Contains("on upstream 10.0.1.4:8080 (", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Started 04:30:12 UTC (05:30:12 +01:00 site time)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("1,234 failed requests (502×1,200, 504×34), 20% of the 6,170", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Why: Overload (confidence 0.82)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("2026/11/24 04:30:12 [error]", StringComparison.Ordinal));
        Assert.Contains("First: Check the upstream's CPU and memory and scale out the pool.", lines);
        Assert.DoesNotContain(lines, l => l.Contains('`', StringComparison.Ordinal));
        var action = Assert.Single(card.GetProperty("actions").EnumerateArray());
        Assert.Equal("Action.OpenUrl", action.GetProperty("type").GetString());
        Assert.Equal("https://diag.example.com/api/dashboard/incidents/inc-api.example.com-10.0.1.4-8080", action.GetProperty("url").GetString());
        Assert.DoesNotContain(lines, l => l.Contains("diag.example.com", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_RemediationWithCodeMarks_ShownWithoutBackticks()
    {
        var incident = Incident() with { Remediation = ["Raise `proxy_read_timeout` (default 60s)."] };

        Assert.Contains("First: Raise proxy_read_timeout (default 60s).", Lines(Card(Message(items: Item(incident)))));
    }

    [Fact]
    public void Build_InjectedMarkdownOrHtmlInLogContent_OnlyInTextRuns()
    {
        const string Path = "/[click](https://evil.example)<script>alert(1)</script><img src=x onerror=alert(2)>";
        var evidence = $"2026/11/24 04:30:12 [error] 7#7: *1 connect() failed (111: Connection refused), request: \"GET {Path} HTTP/1.1\"";

        var card = Card(Message(items: Item(Incident(host: "**bold**.example", evidence: evidence))));

        // No TextBlock (markdown) anywhere: the injected text is carried verbatim in plain TextRuns.
        Assert.DoesNotContain("\"TextBlock\"", card.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(Lines(card), l => l.Contains(Path, StringComparison.Ordinal));
    }

    [Fact]
    public void Build_HugeGroupWithHugeEvidence_StaysUnder28KB()
    {
        var evidence = RefusedLine + new string('y', 50_000);
        var items = Enumerable.Range(0, 60).Select(i => Item(Incident(upstream: $"10.0.2.{i}:80", evidence: evidence))).ToArray();

        var bytes = Bytes(Message(NotificationKind.Firing, items));

        Assert.InRange(bytes.Length, 1, 28 * 1024);
        var lines = Lines(JsonDocument.Parse(bytes).RootElement.GetProperty("attachments")[0].GetProperty("content"));
        Assert.Contains(lines, l => l.EndsWith("…and 50 more", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("2026/11/24", StringComparison.Ordinal) && l.EndsWith('…') && l.Length <= 1000);
    }

    [Fact]
    public void Build_Resolved_GoodStyleAndResolvedTitle()
    {
        var card = Card(Message(NotificationKind.Resolved, Item(Incident(state: IncidentState.Resolved))));

        Assert.Equal("Resolved: 502/504s on upstream 10.0.1.4:8080 (api.example.com, site edge-1)", Lines(card)[0]);
        var body = card.GetProperty("body");
        Assert.Equal("Good", body[0].GetProperty("inlines")[0].GetProperty("color").GetString());
        Assert.Equal("good", body[1].GetProperty("style").GetString());
    }

    private static IEnumerable<JsonElement> Flatten(IEnumerable<JsonElement> elements) =>
        elements.SelectMany(e => e.TryGetProperty("items", out var items) ? Flatten(items.EnumerateArray()).Prepend(e) : [e]);
}
