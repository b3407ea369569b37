using System.Globalization;
using System.Text;
using FunctionsApp.Engine.Tests.Incidents;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

/// <summary>
/// A tab-separated access log copied from a terminal: each tab arrives as the spaces up to the next tab stop (what
/// `expand` does), so the runs vary with the fields' lengths. Read back, it gives what the file itself gives.
/// </summary>
public sealed class ExpandedTabsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("    ")] // indented after copying (a Markdown code block)
    public void Analyze_TabSeparatedLogPastedWithTabsExpanded_SameIncidentsAsTheFile(string indent)
    {
        var tabs = TabSeparatedLog();

        var file = EngineTestKit.Analyze(tabs, format: null);
        var pasted = EngineTestKit.Analyze(tabs.Select(line => indent + Expand(line)), format: null);

        var incident = Assert.Single(file.Incidents);
        Assert.Equal(("10.0.0.5:8080", IncidentCause.UpstreamDown, 502, 20), (incident.Upstream, incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Equal(
            file.Incidents.Select(i => (i.Upstream, i.Host, i.Cause, i.Status, i.FailedRequests)),
            pasted.Incidents.Select(i => (i.Upstream, i.Host, i.Cause, i.Status, i.FailedRequests)));
        Assert.Equal(0, pasted.Stats.MalformedLines);
    }

    [Fact]
    public void Detect_OnlyRunsThatAllEndOnTabStops()
    {
        var expanded = TabSeparatedLog().Take(10).Select(line => Encoding.UTF8.GetBytes(Expand(line))).ToList();
        Assert.True(ExpandedTabs.Detect(expanded));

        // The same lines with real tabs, and nginx's own lines, whose empty values leave single double spaces anywhere.
        Assert.False(ExpandedTabs.Detect([.. TabSeparatedLog().Take(10).Select(Encoding.UTF8.GetBytes)]));
        Assert.False(ExpandedTabs.Detect([.. Enumerable.Range(0, 10).Select(i => Encoding.UTF8.GetBytes(
            $"10.0.0.{i} - - [04/Dec/2026:09:00:0{i} +0800] \"GET /a{new string('b', i)} HTTP/1.1\" 200 12  \"-\" \"curl/8.5.0\"  0.00{i}"))]));
    }

    [Fact]
    public void Restore_KeepsSpacesInsideQuotes()
    {
        var line = Expand("2026-12-04T09:00:00+08:00\t\"GET /a b HTTP/1.1\"\t502\t\"Mozilla/5.0 (X11; Linux)\"\tshop.test");
        var buffer = new byte[16];

        var restored = Encoding.UTF8.GetString(ExpandedTabs.Restore(Encoding.UTF8.GetBytes(line), ref buffer));

        Assert.Equal("2026-12-04T09:00:00+08:00\t\"GET /a b HTTP/1.1\"\t502\t\"Mozilla/5.0 (X11; Linux)\"\tshop.test", restored);
    }

    /// <summary>A log whose format puts a tab between its variables: 20 refused requests among 180.</summary>
    private static List<string> TabSeparatedLog()
    {
        var begin = new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.FromHours(8));
        return [.. Enumerable.Range(0, 180).Select(s =>
        {
            var failed = s is >= 60 and < 80;
            var status = failed ? "502" : "200";
            return string.Join('\t',
                begin.AddSeconds(s).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
                $"10.1.{s % 7}.{s % 200}", "GET", $"/api/orders/{s}", status, failed ? "157" : "1834",
                failed ? "0.001" : $"0.0{(s % 90) + 10}", "10.0.0.5:8080", status, failed ? "-" : "0.001", "shop.example.cn", "Mozilla/5.0");
        })];
    }

    /// <summary>What a terminal shows of a line: each tab as the spaces up to the next multiple of eight columns.</summary>
    private static string Expand(string line)
    {
        var text = new StringBuilder();
        foreach (var c in line)
        {
            if (c == '\t')
            {
                text.Append(' ', 8 - (text.Length % 8));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
