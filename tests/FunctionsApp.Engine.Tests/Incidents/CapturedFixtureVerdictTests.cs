using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// The verdict for every committed real-nginx fixture (Fixtures/nginx, captured by the nginx lab):
/// each cause in each log format it was captured in, with the format given and, for the presets, detected.
/// </summary>
public sealed class CapturedFixtureVerdictTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx");

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var fixture in Manifest().RootElement.GetProperty("fixtures").EnumerateArray())
        {
            if (fixture.TryGetProperty("host", out _))
            {
                data.Add(fixture.GetProperty("dir").GetString()!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Analyze_CapturedFixture_GivesExpectedVerdict(string dir)
    {
        var fixture = Manifest().RootElement.GetProperty("fixtures").EnumerateArray().Single(f => f.GetProperty("dir").GetString() == dir);
        var host = fixture.GetProperty("host").GetString();
        var report = Analyze(dir, FormatOf(fixture));

        Assert.Equal(0, report.Stats.MalformedLines);
        var mine = report.Incidents.Where(i => i.Host == host).ToList();
        if (fixture.GetProperty("expectedCause").ValueKind == JsonValueKind.Null)
        {
            // The client never saw a gateway error (failover, HTTP/0.9 garbage): no failed request anywhere.
            Assert.All(mine, i => Assert.Equal(0, i.FailedRequests));
            return;
        }

        var incident = Assert.Single(mine);
        Assert.Equal(fixture.GetProperty("expectedCause").GetString(), JsonNamingCause(incident.Cause));
        Assert.Equal(fixture.GetProperty("expectedStatus").GetInt32(), incident.Status);
        Assert.StartsWith(UpstreamPrefix(fixture.GetProperty("upstream").GetString()!), incident.Upstream, StringComparison.Ordinal);
        Assert.InRange(incident.Confidence, 0.5, 1);
        Assert.NotEmpty(incident.Evidence);
        Assert.NotEmpty(incident.Remediation);
    }

    [Fact]
    public void Analyze_MixedCombinedWithoutFormat_DetectsCombinedAndFindsEveryIncident()
    {
        var report = Analyze("mixed-combined", format: null);

        Assert.Equal("combined", report.Stats.Format);
        Assert.Equal(0, report.Stats.MalformedLines);
        Assert.Equal(
            ["misconfiguration", "overload", "rate_limited", "timeout", "tls_handshake"],
            report.Incidents.Select(i => JsonNamingCause(i.Cause)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Analyze_MixedLogs_EveryIncidentIsASeparateUpstreamAndHost()
    {
        foreach (var dir in new[] { "mixed-custom", "mixed-json" })
        {
            var fixture = Manifest().RootElement.GetProperty("fixtures").EnumerateArray().Single(f => f.GetProperty("dir").GetString() == dir);
            var report = Analyze(dir, FormatOf(fixture));

            Assert.Equal(report.Incidents.Count, report.Incidents.Select(i => (i.Upstream, i.Host)).Distinct().Count());
            Assert.True(report.Incidents.Count >= 9, $"{dir}: {report.Incidents.Count} incidents");
            Assert.Equal(0, report.Stats.MalformedLines);
        }
    }

    private static AnalysisReport Analyze(string dir, AccessLogFormat? format) => LogAnalyzer.Analyze(
        [LogInput.FromPath(Path.Combine(Root, dir, "access.log"))],
        [LogInput.FromPath(Path.Combine(Root, dir, "error.log"))],
        format,
        new DiagnosisOptions(),
        CancellationToken.None);

    private static AccessLogFormat FormatOf(JsonElement fixture)
    {
        var id = fixture.GetProperty("format").GetString()!;
        var declaration = Manifest().RootElement.GetProperty("formats").GetProperty(id).GetProperty("declaration").GetString();
        Assert.True(AccessLogFormat.TryCompile(string.IsNullOrEmpty(declaration) ? id : declaration, out var format, out var error), error);
        return format;
    }

    // Unix socket paths carry a random temp prefix per capture; the DNS upstream is the name.
    private static string UpstreamPrefix(string upstream) => upstream.StartsWith("unix:", StringComparison.Ordinal) ? "unix:" : upstream;

    private static string JsonNamingCause(IncidentCause cause) => JsonSerializer.Serialize(cause, IncidentJsonContext.Default.IncidentCause).Trim('"');

    private static JsonDocument Manifest() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "formats.json")));
}
