using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// Verdicts on the hand-built fixtures (Fixtures/handwritten): log formats, time zones and overlapping failures the
/// nginx lab does not produce. Each incident is found on its own (upstream, host), with the right cause and count.
/// </summary>
public sealed class HandwrittenFixtureVerdictTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "handwritten");

    [Fact]
    public void Analyze_PhpFpmBacklogAndOverlappingTimeouts_InIndianTime()
    {
        var report = Analyze("php-fpm-and-timeouts-ist", TimeSpan.FromHours(5.5));

        Assert.Equal(
            [
                ("unix:/run/php/php8.2-fpm.sock", "shop.example.in", "overload", 502, 150),
                ("10.1.0.5:8080", "api.example.in", "timeout", 504, 105),
            ],
            Verdicts(report));

        // Both API servers timed out on every request (two tries each): one upstream block, one incident naming both.
        var api = report.Incidents.Single(i => i.Host == "api.example.in");
        Assert.Equal(["10.1.0.5:8080", "10.1.0.6:8080"], api.Servers);
        Assert.Contains("Servers that failed together: 10.1.0.5:8080, 10.1.0.6:8080.", api.Summary, StringComparison.Ordinal);

        // +0530: 14:05 local is 08:35 UTC; every failed try was joined to its request (nothing "recovered").
        var fpm = report.Incidents.Single(i => i.Host == "shop.example.in");
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 35, 0, TimeSpan.Zero), fpm.Start);
        Assert.All(report.Incidents, i => Assert.Equal(0, i.FailedTriesRecovered));
        Assert.All(report.Incidents, i => Assert.InRange(i.Confidence, 0.9, 1));
    }

    [Fact]
    public void Analyze_JsonWithItsOwnKeys_InPacificTimeWithUtcErrorLog()
    {
        var report = Analyze("json-keys-pst", TimeSpan.Zero);

        Assert.Equal(
            [
                ("pay-svc.internal", "pay.example.com", "dns", 502, 200),
                ("10.30.0.2:8443", "auth.example.com", "tls_handshake", 502, 200),
                ("10.9.0.4:80", "cdn.example.com", "upstream_returned", 503, 60),
                ("-", "auth.example.com", "rate_limited", 503, 60),
            ],
            Verdicts(report));

        // 22:10 at -08:00 is 06:10 UTC the next day.
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 6, 10, 0, TimeSpan.Zero), report.Incidents.Single(i => i.Host == "pay.example.com").Start);
        Assert.All(report.Incidents, i => Assert.NotEmpty(i.Evidence));
    }

    [Fact]
    public void Analyze_WithoutTheErrorLog_StillSeparatesTheIncidentsAndCallsOnlyWhatTheAccessLogShows()
    {
        var report = LogAnalyzer.Analyze(
            [LogInput.FromPath(Path.Combine(Root, "json-keys-pst", "access.log.gz"))], [], FormatOf("json-keys-pst"), new DiagnosisOptions(), CancellationToken.None);

        var verdicts = Verdicts(report).ToDictionary(v => v.Host + " " + v.Status, v => v.Cause);
        // 502s for which nginx chose no server ("up":"-"): a name that did not resolve, as far as the access log can say.
        Assert.Equal("dns", verdicts["pay.example.com 502"]);
        Assert.Equal("upstream_returned", verdicts["cdn.example.com 503"]);
        Assert.Equal("rate_limited", verdicts["auth.example.com 503"]);
        Assert.True(report.Incidents.Single(i => i.Host == "pay.example.com").Confidence < 0.5);
    }

    private static AnalysisReport Analyze(string dir, TimeSpan errorLogUtcOffset) => LogAnalyzer.Analyze(
        [LogInput.FromPath(Path.Combine(Root, dir, "access.log.gz"))],
        [LogInput.FromPath(Path.Combine(Root, dir, "error.log.gz"))],
        FormatOf(dir),
        new DiagnosisOptions { ErrorLogUtcOffset = errorLogUtcOffset },
        CancellationToken.None);

    private static AccessLogFormat FormatOf(string dir)
    {
        Assert.True(AccessLogFormat.TryCompile(File.ReadAllText(Path.Combine(Root, dir, "log_format.txt")), out var format, out var error), error);
        return format;
    }

    private static List<(string Upstream, string Host, string Cause, int Status, int Failed)> Verdicts(AnalysisReport report) =>
        [.. report.Incidents.OrderBy(i => i.Start).ThenBy(i => i.Upstream, StringComparer.Ordinal)
            .Select(i => (i.Upstream, i.Host, JsonSerializer.Serialize(i.Cause, IncidentJsonContext.Default.IncidentCause).Trim('"'), i.Status, i.FailedRequests))];
}
