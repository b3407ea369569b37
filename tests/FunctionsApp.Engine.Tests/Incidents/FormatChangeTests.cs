using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// One access file in more than one <c>log_format</c>: a reload that changed the format (the upstream's fields added
/// to chase a 502, or taken out again, or text to JSON), and two servers writing one file each in its own. Every line is
/// read in the format it was written in, and nothing is lost: a line no format reads is still counted malformed.
/// </summary>
public sealed class FormatChangeTests
{
    private static readonly DateTimeOffset Begin = new(2026, 12, 4, 9, 0, 0, TimeSpan.FromHours(-3));

    public enum Layout
    {
        Combined,
        Upstream,
        Json,
    }

    /// <summary>
    /// 300 lines in one format, then 300 in another, the upstream refusing for 40 requests in the second part. Whatever
    /// the order, all 600 lines are read and the failures found; the upstream is named when the second format logs it.
    /// </summary>
    [Theory]
    [InlineData(Layout.Upstream, Layout.Combined)]
    [InlineData(Layout.Combined, Layout.Upstream)]
    [InlineData(Layout.Combined, Layout.Json)]
    [InlineData(Layout.Json, Layout.Upstream)]
    [InlineData(Layout.Upstream, Layout.Json)]
    public void Analyze_FormatChangedMidFile_LinesAfterTheChangeAreRead(Layout before, Layout after)
    {
        var lines = new List<string>();
        for (var i = 0; i < 600; i++)
        {
            var failed = i is >= 400 and < 440;
            lines.Add(Line(i < 300 ? before : after, Begin.AddSeconds(i), $"/api/items/{i}", failed ? 502 : 200, "127.0.0.1:8000"));
        }

        var report = Analyze(lines);

        Assert.Equal(0, report.Stats.MalformedLines);
        Assert.Equal(600, report.Stats.AccessLines);
        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.UpstreamDown, 502, 40), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Equal(after == Layout.Combined ? "(unknown)" : "127.0.0.1:8000", incident.Upstream);
    }

    /// <summary>Two servers log to one file, each in its format, line by line: both servers' failures are found.</summary>
    [Fact]
    public void Analyze_TwoFormatsInterleavedInOneFile_BothAreRead()
    {
        var lines = new List<string>();
        for (var i = 0; i < 600; i++)
        {
            var time = Begin.AddSeconds(i);
            lines.Add(i % 2 == 0
                ? Line(Layout.Upstream, time, $"/shop/{i}", i is >= 300 and < 360 ? 502 : 200, "127.0.0.1:9000")
                : Line(Layout.Json, time, $"/blog/{i}", i is >= 400 and < 460 ? 504 : 200, "127.0.0.1:9001"));
        }

        var report = Analyze(lines);

        Assert.Equal(0, report.Stats.MalformedLines);
        Assert.Equal(
            [("127.0.0.1:9000", IncidentCause.UpstreamDown, 502), ("127.0.0.1:9001", IncidentCause.Timeout, 504)],
            report.Incidents.OrderBy(i => i.Upstream, StringComparer.Ordinal).Select(i => (i.Upstream, i.Cause, i.Status)));
    }

    /// <summary>Lines of no format among the access lines (a program's output in the same stream) stay malformed, each
    /// counted once, and do not move the failures around them.</summary>
    [Fact]
    public void Analyze_RunOfLinesNoFormatReads_CountedMalformedOnce()
    {
        var lines = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            lines.Add(Line(Layout.Upstream, Begin.AddSeconds(i), $"/api/{i}", i is >= 200 and < 230 ? 504 : 200, "127.0.0.1:8000"));
            if (i is >= 100 and < 150)
            {
                lines.Add($"worker {i}: cache warmed in {i % 7} ms, {i * 3} keys");
            }
        }

        var report = Analyze(lines);

        Assert.Equal(50, report.Stats.MalformedLines);
        Assert.Equal(400, report.Stats.AccessLines);
        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("127.0.0.1:8000", IncidentCause.Timeout, 30), (incident.Upstream, incident.Cause, incident.FailedRequests));
    }

    /// <summary>A format the user named is the file's: lines in another one are malformed, not read in a format they did not give.</summary>
    [Fact]
    public void Analyze_FormatGiven_OtherLinesStayMalformed()
    {
        var lines = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            lines.Add(Line(i < 100 ? Layout.Combined : Layout.Json, Begin.AddSeconds(i), $"/api/{i}", 200, "127.0.0.1:8000"));
        }

        var report = LogAnalyzer.Analyze([EngineTestKit.Input("access.log", lines)], [], AccessLogFormat.Combined, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal((100, 100), (report.Stats.AccessLines, report.Stats.MalformedLines));
    }

    private static AnalysisReport Analyze(List<string> lines) =>
        LogAnalyzer.Analyze([EngineTestKit.Input("access.log", lines)], [], null, new DiagnosisOptions(), CancellationToken.None);

    /// <summary>A refused request's line as nginx writes it: its own 502 page, no upstream time; a 504 after the read timeout.</summary>
    private static string Line(Layout layout, DateTimeOffset time, string path, int status, string upstream)
    {
        var (size, seconds) = status switch
        {
            502 => (157, "0.000"),
            504 => (167, "60.001"),
            _ => (800 + (path.Length * 7), "0.012"),
        };
        var client = $"10.0.{path.Length % 5}.{time.Second + 1}";
        return layout switch
        {
            Layout.Combined => $"{client} - - [{time:dd/MMM/yyyy:HH:mm:ss} -0300] \"GET {path} HTTP/1.1\" {status} {size} \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"",
            Layout.Upstream => $"{client} - - [{time:dd/MMM/yyyy:HH:mm:ss} -0300] \"GET {path} HTTP/1.1\" {status} {size} \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" {seconds} {seconds} {upstream} {status}",
            _ => JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["time"] = time.ToString("yyyy-MM-ddTHH:mm:sszzz"),
                ["remote_addr"] = client,
                ["request"] = $"GET {path} HTTP/1.1",
                ["status"] = status,
                ["body_bytes_sent"] = size,
                ["request_time"] = seconds,
                ["upstream_addr"] = upstream,
                ["upstream_status"] = status.ToString(),
                ["upstream_response_time"] = seconds,
            }),
        };
    }
}
