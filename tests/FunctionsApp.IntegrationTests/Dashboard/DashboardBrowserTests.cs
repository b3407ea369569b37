using System.Text.Json;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Notifications;
using Microsoft.Playwright;

namespace FunctionsApp.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard in a real browser against the real app on Azurite, fed with real failing nginx logs (the captured
/// upstream-down failure, plus one request whose path carries markup): sign in with a function key, read the incident
/// list, follow a Slack message's link to the incident page, acknowledge it; log content stays text everywhere.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardBrowserTests(AzuriteFixture azurite)
{
    private const string Injected = "/<script>window.__xss=1</script><img src=x onerror=window.__xss=2>";
    private static readonly DateTimeOffset T = OnCallKit.CaptureStart;

    /// <summary>The captured failure on site a, with the failed requests' paths replaced by one carrying markup.</summary>
    private static async Task<OnCallKit> StartWithIncidentAsync(AzuriteFixture azurite)
    {
        var kit = await OnCallKit.StartAsync(azurite);
        var (access, error) = OnCallKit.Outage(T);
        access = [.. access.Select(l => l.Contains(" 502 ", StringComparison.Ordinal) ? System.Text.RegularExpressions.Regex.Replace(l, "/upstream-down/\\d+", Injected) : l)];
        error = [.. error.Select(l => System.Text.RegularExpressions.Regex.Replace(l, "/upstream-down/\\d+", Injected))];
        kit.Clock.SetUtcNow(T.AddSeconds(20));
        await kit.ShipAsync("a", (access, error));
        await kit.ShipAsync("b", OnCallKit.Outage(T));
        await kit.TickAsync(T.AddSeconds(60));
        return kit;
    }

    [Fact]
    public async Task Dashboard_SignInListFollowMessageLinkAcknowledge()
    {
        await using var kit = await StartWithIncidentAsync(azurite);
        await using var browser = await Browser.LaunchAsync();
        var (page, errors) = await browser.NewPageAsync();
        var home = new Uri(kit.App.BaseAddress, "/api/dashboard/");

        // Standalone: the function key is entered once per browser session.
        await page.GotoAsync(home.ToString());
        await page.Locator("#app[data-ready=error] form.signin").WaitForAsync();
        await Browser.ScreenshotAsync(page, "dashboard-sign-in");
        await page.Locator("#key").FillAsync(TestApp.FunctionKey);
        await page.Locator("form.signin button").ClickAsync();
        await page.Locator("#app[data-ready=list]").WaitForAsync();

        var rows = page.Locator("table.incidents tbody tr");
        var stored = (await kit.GetAsync("/api/incidents")).GetProperty("items").GetArrayLength();
        Assert.InRange(stored, 2, 10);
        Assert.Equal(stored, await rows.CountAsync());
        var listText = await page.Locator("table.incidents").InnerTextAsync();
        Assert.Contains("upstream-down.example.test", listText, StringComparison.Ordinal);
        Assert.Contains("upstream down", listText, StringComparison.Ordinal);
        var sites = await page.Locator("#status .card.site h3").AllInnerTextsAsync();
        Assert.Contains("Site a", sites);
        Assert.Contains("Site b", sites);
        Assert.Contains("failing", await page.Locator("table.upstreams").InnerTextAsync(), StringComparison.Ordinal); // open incidents on both sites
        await Browser.ScreenshotAsync(page, "dashboard-list");

        // The link of the message Slack received, opened in a new tab of the same browser session.
        var slack = JsonDocument.Parse(kit.Posts("slack")[0].Body).RootElement;
        var link = new Uri(slack.GetProperty("blocks").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "actions")
            .GetProperty("elements")[0].GetProperty("url").GetString()!);
        Assert.Equal("diag.example.com", link.Host);
        var tab = await page.Context.NewPageAsync();
        await tab.GotoAsync(new Uri(kit.App.BaseAddress, link.PathAndQuery).ToString());
        await tab.Locator("#app[data-ready=incident]").WaitForAsync();

        var heading = await tab.Locator("#incident h1").InnerTextAsync();
        Assert.Matches(@"^502s on upstream 127\.0\.0\.1:\d+ \(upstream-down\.example\.test, site [ab]\)$", heading);
        Assert.Equal(1, await tab.Locator("#timeline-chart canvas").CountAsync());
        Assert.True(await tab.Locator("#evidence pre.sample").CountAsync() >= 1);
        Assert.True(await tab.Locator("#remediation li").CountAsync() >= 2);
        var history = await tab.Locator("table.notifications").InnerTextAsync();
        Assert.Contains("ops-slack", history, StringComparison.Ordinal);
        Assert.Contains("firing", history, StringComparison.Ordinal);
        Assert.Contains("sent", history, StringComparison.Ordinal);

        await tab.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await tab.Locator(".outcome", new() { HasTextString = "Acknowledged" }).WaitForAsync();
        await Browser.ScreenshotAsync(tab, "dashboard-incident");
        var id = link.Segments[^1];
        var overview = await kit.GetAsync("/api/dashboard-data/overview");
        Assert.True(overview.GetProperty("incidents").EnumerateArray().Single(r => r.GetProperty("incident").GetProperty("id").GetString() == id)
            .GetProperty("acknowledged").GetBoolean());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Dashboard_MarkupInARequestPath_StaysInertTextInThePageSlackAndTeams()
    {
        await using var kit = await StartWithIncidentAsync(azurite);
        await using var browser = await Browser.LaunchAsync();
        var (page, _) = await browser.NewPageAsync();
        var incident = (await kit.GetAsync("/api/incidents")).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("site").GetString() == "a");
        var id = incident.GetProperty("id").GetString()!;

        await page.GotoAsync(new Uri(kit.App.BaseAddress, "/api/dashboard/").ToString());
        await page.Locator("#key").FillAsync(TestApp.FunctionKey);
        await page.Locator("form.signin button").ClickAsync();
        await page.Locator("#app[data-ready=list]").WaitForAsync();
        await page.GotoAsync(new Uri(kit.App.BaseAddress, $"/api/dashboard/incidents/{id}").ToString());
        await page.Locator("#app[data-ready=incident]").WaitForAsync();

        var samples = await page.Locator("#evidence pre.sample").AllInnerTextsAsync();
        Assert.Contains(samples, s => s.Contains(Injected, StringComparison.Ordinal));
        Assert.Equal(0, await page.Locator("#app script, #app img").CountAsync());
        Assert.Equal("none", await page.EvaluateAsync<string>("() => String(window.__xss ?? 'none')"));

        // The same line in the messages: escaped for Slack's mrkdwn, plain TextRuns (never markdown) for Teams.
        var slack = Strings(JsonDocument.Parse(kit.Posts("slack").Select(p => p.Body).Single(b => b.Contains("site a", StringComparison.Ordinal))).RootElement);
        Assert.DoesNotContain(slack, s => s.Contains("<script>", StringComparison.Ordinal));
        Assert.Contains(slack, s => s.Contains("&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=window.__xss=2&gt;", StringComparison.Ordinal));
        var teamsBody = kit.Posts("teams").Select(p => p.Body).Single(b => b.Contains("site a", StringComparison.Ordinal));
        Assert.DoesNotContain("\"TextBlock\"", teamsBody, StringComparison.Ordinal);
        Assert.Contains(Strings(JsonDocument.Parse(teamsBody).RootElement), s => s.Contains(Injected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Report_AnalyzeHtml_OneSelfContainedFile_ListIncidentPageChartEvidence()
    {
        var dir = Path.Combine(RepositoryPaths.NginxFixtures, "mixed-custom");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.NginxFixtures, "formats.json")));
        var format = manifest.RootElement.GetProperty("formats").GetProperty("custom").GetProperty("declaration").GetString()!;
        var file = Path.Combine(Path.GetTempPath(), $"nginx502-report-{Guid.NewGuid():N}.html");
        using var json = new StringWriter();
        var code = await FunctionsApp.Cli.AnalyzeCommand.RunAsync(
            ["--access", Path.Combine(dir, "access.log"), "--error", Path.Combine(dir, "error.log"), "--log-format", format, "--json", "--html", file],
            json, TextWriter.Null, CancellationToken.None);
        Assert.Equal(0, code);
        var incidents = JsonDocument.Parse(json.ToString()).RootElement.GetProperty("incidents").GetArrayLength();

        try
        {
            var html = await File.ReadAllTextAsync(file);
            Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script src", html, StringComparison.Ordinal);
            await using var browser = await Browser.LaunchAsync();
            var (page, errors) = await browser.NewPageAsync();
            var fetched = new List<string>();
            page.Request += (_, request) => fetched.Add(request.Url);

            await page.GotoAsync(new Uri(file).AbsoluteUri);
            await page.Locator("#app[data-ready=list]").WaitForAsync();
            Assert.Equal(incidents, await page.Locator("table.incidents tbody tr").CountAsync());
            await Browser.ScreenshotAsync(page, "report-list");

            await page.Locator("table.incidents a.incident-link").First.ClickAsync();
            await page.Locator("#app[data-ready=incident]").WaitForAsync();
            Assert.Equal(1, await page.Locator("#timeline-chart canvas").CountAsync());
            Assert.True(await page.Locator("#evidence pre.sample").CountAsync() >= 1);
            Assert.True(await page.Locator("#remediation li").CountAsync() >= 1);
            await Browser.ScreenshotAsync(page, "report-incident");

            Assert.All(fetched, url => Assert.StartsWith("file://", url, StringComparison.Ordinal));
            Assert.Empty(errors);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// `analyze --html` of a paste whose only failures are answers cut short (status 0, the upstream's own, passed on):
    /// the list and the incident's page say so in words rather than show a status 0.
    /// </summary>
    [Fact]
    public async Task Report_AnalyzeHtml_AnswersCutShort_SaidInWords()
    {
        var error = Path.Combine(Path.GetTempPath(), $"nginx502-cut-{Guid.NewGuid():N}.log");
        await File.WriteAllLinesAsync(error, Enumerable.Range(0, 2).Select(i =>
            $"2026/03/14 09:26:5{i} [error] 7#7: *{i + 1} upstream timed out (110: Connection timed out) while reading upstream, client: 127.0.0.1, server: push.test, request: \"GET /events HTTP/1.1\", upstream: \"http://127.0.0.1:9999/events\", host: \"push.test\""));
        var file = Path.ChangeExtension(error, ".html");
        try
        {
            var code = await FunctionsApp.Cli.AnalyzeCommand.RunAsync(["--error", error, "--html", file], TextWriter.Null, TextWriter.Null, CancellationToken.None);
            Assert.Equal(0, code);
            await using var browser = await Browser.LaunchAsync();
            var (page, errors) = await browser.NewPageAsync();

            await page.GotoAsync(new Uri(file).AbsoluteUri);
            await page.Locator("#app[data-ready=list]").WaitForAsync();
            Assert.Equal("cut short", (await page.Locator("table.incidents tbody tr td.num").Last.InnerTextAsync()).Trim());
            await page.Locator("table.incidents a.incident-link").First.ClickAsync();
            await page.Locator("#app[data-ready=incident]").WaitForAsync();
            Assert.StartsWith("Answers cut short on upstream 127.0.0.1:9999", (await page.Locator("#incident h1").InnerTextAsync()).Trim(), StringComparison.Ordinal);
            Assert.Empty(errors);
        }
        finally
        {
            File.Delete(error);
            File.Delete(file);
        }
    }

    /// <summary>Every string value in a JSON document, unescaped: what a receiver reads.</summary>
    private static List<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => [.. element.EnumerateObject().SelectMany(p => Strings(p.Value))],
        JsonValueKind.Array => [.. element.EnumerateArray().SelectMany(Strings)],
        _ => [],
    };
}
