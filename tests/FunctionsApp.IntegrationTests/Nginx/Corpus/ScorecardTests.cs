namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// How the scorecard matches what <c>analyze</c> found to a case's labels: by upstream, host and time; and, only when the
/// access format logs no <c>$upstream_addr</c>, an <c>(unknown)</c> upstream by host and time, counted apart.
/// </summary>
public sealed class ScorecardTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 4, 0, 0, TimeSpan.Zero);

    private static readonly CaseLabel Down = new("shop.example.test", "127.0.0.1:9001", [], "upstream_down", 502, T0, T0.AddMinutes(1), "killed", 40, "/");

    private static readonly CaseLabel Returned = new("api.example.test", "127.0.0.1:9002", [], "upstream_returned", 500, T0.AddMinutes(2), T0.AddMinutes(3), "app-500", 12, "/api/");

    private static CaseManifest Manifest(string logFormat) => new()
    {
        Id = "case-01", Seed = 1, Attempt = 0, FormatFamily = "test", LogFormat = logFormat, TimeZone = "UTC", ErrorLogLevel = "error",
        Logging = "file", Prefix = "none", PrefixExample = "", StartedUtc = T0, EndedUtc = T0.AddMinutes(5),
        Hosts = ["shop.example.test", "api.example.test", "quiet.example.test"], QuietHosts = ["quiet.example.test"],
        Incidents = [Down, Returned], Noise = [], AccessLines = 1000, ErrorLines = 50,
    };

    private static FoundIncident Found(string upstream, string? host, string cause, int status, DateTimeOffset start) =>
        new(upstream, host, cause, status, start, start.AddSeconds(50));

    [Fact]
    public void Match_FormatWithoutUpstreamAddr_UnknownUpstreamMatchesTheLabelLeftByHostAndTime()
    {
        var score = Scorecard.Match(
            Manifest("log_format t '$remote_addr [$time_local] \"$request\" $status $host';"),
            [Found("127.0.0.1:9001", "shop.example.test", "upstream_down", 502, T0), Found("(unknown)", "api.example.test", "upstream_returned", 500, T0.AddMinutes(2))],
            error: null);

        Assert.All(score.Matches, m => Assert.True(m.RightCause && m.RightStatus));
        Assert.Equal([false, true], score.Matches.Select(m => m.UpstreamUnnamed));
        Assert.Empty(score.Spurious);
        Assert.Single(ModeReport.From("auto", [score]).Unnamed);
    }

    [Theory]
    [InlineData("log_format t '$remote_addr [$time_local] \"$request\" $status $host $upstream_addr';", "api.example.test", 2)]
    [InlineData("log_format t '$remote_addr [$time_local] \"$request\" $status $host';", "quiet.example.test", 2)]
    [InlineData("log_format t '$remote_addr [$time_local] \"$request\" $status $host';", "api.example.test", 10)]
    public void Match_UnknownUpstream_IsSpuriousWhenTheFormatNamesUpstreamsOrNoLabelSharesHostAndTime(string logFormat, string host, int minute)
    {
        var score = Scorecard.Match(
            Manifest(logFormat),
            [Found("127.0.0.1:9001", "shop.example.test", "upstream_down", 502, T0), Found("(unknown)", host, "upstream_returned", 500, T0.AddMinutes(minute))],
            error: null);

        Assert.Null(score.Matches.Single(m => m.Label == Returned).Found);
        Assert.Single(score.Spurious);
    }

    [Theory]
    [InlineData("upstream_down", true)]
    [InlineData("timeout", false)]
    public void Match_TwoScenariosOfOneUpstreamFailingTheSameWayCloseTogether_OneIncidentSpanningBothMatchesBoth(string secondCause, bool bothMatched)
    {
        // Two locations routed to one unreachable server, 90 s apart: nothing served between, one outage in the logs.
        var second = Down with { Cause = secondCause, StartUtc = T0.AddSeconds(150), EndUtc = T0.AddSeconds(200), Location = "/export/" };
        var manifest = Manifest("log_format t '$remote_addr [$time_local] \"$request\" $status $host $upstream_addr';") with { Incidents = [Down, second] };

        var score = Scorecard.Match(manifest, [new FoundIncident("127.0.0.1:9001", "shop.example.test", "upstream_down", 502, T0, T0.AddSeconds(200))], error: null);

        Assert.Equal(bothMatched, score.Matches.All(m => m.Found is not null));
        Assert.Empty(score.Spurious);
    }

    [Fact]
    public void Match_NamedIncidentsFirst_UnknownOnAMatchedLabelIsADuplicateNotASecondMatch()
    {
        var score = Scorecard.Match(
            Manifest("log_format t '$remote_addr [$time_local] \"$request\" $status';"),
            [
                Found("127.0.0.1:9001", null, "upstream_down", 502, T0),
                Found("127.0.0.1:9002", null, "upstream_returned", 500, T0.AddMinutes(2)),
                Found("(unknown)", null, "upstream_returned", 500, T0.AddMinutes(2)),
            ],
            error: null);

        Assert.All(score.Matches, m => Assert.False(m.UpstreamUnnamed));
        Assert.Equal("127.0.0.1:9002", score.Matches.Single(m => m.Label == Returned).Found!.Upstream);
        Assert.Single(score.Duplicates);
        Assert.Empty(score.Spurious);
    }
}
