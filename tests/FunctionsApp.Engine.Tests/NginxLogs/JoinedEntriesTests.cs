using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;
using static FunctionsApp.Engine.Tests.Incidents.EngineTestKit;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class JoinedEntriesTests
{
    private static string Access(int minute) =>
        $"172.24.0.1 - - [10/Feb/2026:08:{minute:D2}:00 +0100] \"GET / HTTP/1.1\" 504 167 \"-\" \"-\" \"-\"";

    private static string Error(int minute, int cid, string host = "10.136.56.26:8443") =>
        $"2026/02/10 08:{minute:D2}:00 [error] 14#14: *{cid} upstream timed out (110: Operation timed out) while connecting to upstream, client: 172.24.0.1, server: , request: \"GET / HTTP/1.1\", upstream: \"http://172.24.0.3:8001/\", host: \"{host}\"";

    [Fact]
    public void TrySplit_LineOfEntriesJoinedBySpaces_GivesEachEntry()
    {
        string[] entries = [Access(1), Error(11, 2280), Access(11), Access(21), Error(21, 2282, "x.x.x.x:8443")];
        var queue = new Queue<byte[]?>();

        Assert.True(JoinedEntries.TrySplit(Encoding.UTF8.GetBytes(string.Join(' ', entries)), queue));

        Assert.Equal(entries, queue.Select(e => Encoding.UTF8.GetString(e!)));
    }

    [Theory]
    [InlineData("2026/02/10 08:11:00 [error] 14#14: *1 upstream timed out (110: Operation timed out) while connecting to upstream, client: 172.24.0.1, server: , request: \"GET /?d=2026/02/10 08:11:00 [x] HTTP/1.1\", host: \"a\"")] // a look-alike inside a value
    [InlineData("172.24.0.1 - - [10/Feb/2026:08:01:00 +0100] \"GET /?r=10.0.0.1 - - [10/Feb/2026:08:01:00 +0100] \\\" HTTP/1.1\" 200 1 \"-\" \"-\"")] // one access line quoting another
    public void Detect_LinesOfOneEntryEach_AreLeftAlone(string line)
    {
        Assert.False(JoinedEntries.Detect([Encoding.UTF8.GetBytes(line), Encoding.UTF8.GetBytes(Access(2))]));
    }

    [Fact]
    public void Analyze_PasteThatLostItsNewlines_ReadsEveryEntryAndOneIncident()
    {
        // Posted on one line: four 504s, three of them with their error lines (one host redacted differently).
        string[] entries = [Access(1), Error(11, 2280), Access(11), Access(21), Error(21, 2282, "x.x.x.x:8443"), Error(31, 2284), Access(31)];

        var report = LogAnalyzer.Analyze([], [Input("paste", [string.Join(' ', entries)])], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal((4L, 3L, 0L), (report.Stats.AccessLines, report.Stats.ErrorLines, report.Stats.MalformedLines));
        Assert.Equal("joined-entries", Assert.Single(report.Stats.Inputs).Prefix);
        Assert.All(report.Incidents, i => Assert.Equal(("172.24.0.3:8001", IncidentCause.Timeout, 504), (i.Upstream, i.Cause, i.Status)));
        Assert.Equal(4, report.Incidents.Sum(i => i.FailedRequests));
        Assert.DoesNotContain(report.Incidents, i => i.Host.Contains('"', StringComparison.Ordinal));
    }
}
