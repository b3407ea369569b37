using System.Text.Json;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>
/// End to end: real nginx fails in each real way (see <see cref="NginxLabTests"/>), then the engine
/// reads the instance-wide logs through <c>analyze --json</c> and must name the right cause,
/// status, host and upstream, with evidence quoted from the logs and remediation.
/// </summary>
[Collection(NginxScenariosCollection.Name)]
public sealed class NginxFailureScenariosTests(NginxScenariosFixture fixture)
{
    private static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(2);

    public static TheoryData<string, string> FailingScenarios() => Scenarios(failing: true);

    public static TheoryData<string, string> ScenariosWithoutFailedRequests() => Scenarios(failing: false);

    public static TheoryData<string> Formats() => new(NginxScenariosFixture.Plan.Select(p => p.Format.Id));

    [Theory]
    [MemberData(nameof(FailingScenarios))]
    public async Task Analyze_FailingScenario_IncidentHasExpectedCauseStatusAndUpstream(string format, string scenario)
    {
        var run = fixture.Run(format);
        var expected = run[scenario].Scenario;
        var result = await AnalyzeRunner.AnalyzeAsync(run);

        var incident = FindIncident(result, expected.Host, expected.ExpectedCause!);

        Assert.Equal(expected.IncidentStatus, incident.GetProperty("status").GetInt32());
        Assert.True(
            incident.GetProperty("statuses").GetProperty(expected.IncidentStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetInt32() >= 3,
            Describe(incident));
        Assert.True(incident.GetProperty("failedRequests").GetInt32() >= 3, Describe(incident));
        var upstream = incident.GetProperty("upstream").GetString()!;
        if (expected.ExpectedCause == "dns")
        {
            // nginx never had an address: the name (maybe with the port) is all there is.
            Assert.StartsWith(expected.Upstream, upstream, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(expected.Upstream, upstream);
        }

        Assert.False(string.IsNullOrWhiteSpace(incident.GetProperty("id").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(incident.GetProperty("summary").GetString()));
        Assert.InRange(incident.GetProperty("confidence").GetDouble(), 0.0, 1.0);
    }

    [Theory]
    [MemberData(nameof(FailingScenarios))]
    public async Task Analyze_FailingScenario_EvidenceQuotesRealLogLinesAndRemediationIsGiven(string format, string scenario)
    {
        var run = fixture.Run(format);
        var expected = run[scenario].Scenario;
        var result = await AnalyzeRunner.AnalyzeAsync(run);
        var accessLines = File.ReadAllLines(run.AccessLogPath).ToHashSet(StringComparer.Ordinal);
        var errorLines = File.ReadAllLines(run.ErrorLogPath).ToHashSet(StringComparer.Ordinal);

        var incident = FindIncident(result, expected.Host, expected.ExpectedCause!);

        var evidence = incident.GetProperty("evidence").EnumerateArray().ToList();
        Assert.NotEmpty(evidence);
        foreach (var item in evidence)
        {
            Assert.False(string.IsNullOrWhiteSpace(item.GetProperty("signature").GetString()), Describe(item));
            Assert.True(item.GetProperty("count").GetInt32() >= 1, Describe(item));
            var sample = item.GetProperty("sample").GetString() ?? string.Empty;
            var lines = item.GetProperty("source").GetString() switch
            {
                "error" => errorLines,
                "access" => accessLines,
                var other => throw new Xunit.Sdk.XunitException($"Unknown evidence source '{other}': {Describe(item)}"),
            };
            Assert.True(lines.Contains(sample), $"Evidence sample is not a line of the {item.GetProperty("source")} log:\n{sample}");
        }

        if (expected.ExpectedErrorMessages.Count > 0)
        {
            // The nginx message that proves the cause must be among the evidence.
            Assert.Contains(evidence, e => e.GetProperty("source").GetString() == "error"
                && expected.ExpectedErrorMessages.All(m => e.GetProperty("sample").GetString()!.Contains(m, StringComparison.Ordinal)));
        }

        var remediation = incident.GetProperty("remediation").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.NotEmpty(remediation);
        Assert.All(remediation, r => Assert.False(string.IsNullOrWhiteSpace(r)));
    }

    [Theory]
    [MemberData(nameof(FailingScenarios))]
    public async Task Analyze_FailingScenario_IncidentTimesAreTheRealUtcInstants(string format, string scenario)
    {
        var run = fixture.Run(format);
        var expected = run[scenario].Scenario;
        var result = await AnalyzeRunner.AnalyzeAsync(run);

        var incident = FindIncident(result, expected.Host, expected.ExpectedCause!);

        // Catches local time read as UTC: the TZ offsets of the runs are hours, the slack seconds.
        var start = incident.GetProperty("start").GetDateTimeOffset();
        var end = incident.GetProperty("end").GetDateTimeOffset();
        Assert.InRange(start, run.TrafficStarted.AddSeconds(-1) - ClockSlack, run.TrafficEnded + ClockSlack);
        Assert.InRange(end, start, run.TrafficEnded + ClockSlack);
    }

    [Theory]
    [MemberData(nameof(ScenariosWithoutFailedRequests))]
    public async Task Analyze_NoGatewayErrorForClient_NoFailedRequestsForHost(string format, string scenario)
    {
        var run = fixture.Run(format);
        var expected = run[scenario].Scenario;
        var result = await AnalyzeRunner.AnalyzeAsync(run);

        var incidents = result.Incidents.Where(i => i.GetProperty("host").GetString() == expected.Host).ToList();

        // Failover: the dead try is evidence (failedTriesRecovered), never a failed request.
        Assert.All(incidents, i => Assert.Equal(0, i.GetProperty("failedRequests").GetInt32()));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Analyze_InstanceLogs_EveryLineParsedNoneMalformed(string format)
    {
        var run = fixture.Run(format);
        var result = await AnalyzeRunner.AnalyzeAsync(run);

        var stats = result.Json.GetProperty("stats");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(File.ReadAllLines(run.AccessLogPath).Length, stats.GetProperty("accessLines").GetInt32());
        Assert.Equal(File.ReadAllLines(run.ErrorLogPath).Length, stats.GetProperty("errorLines").GetInt32());
        Assert.Equal(0, stats.GetProperty("malformedLines").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(stats.GetProperty("format").GetString()));
    }

    private static JsonElement FindIncident(AnalyzeResult result, string host, string cause)
    {
        var forHost = result.Incidents.Where(i => i.GetProperty("host").GetString() == host).ToList();
        var match = forHost.Where(i => i.GetProperty("cause").GetString() == cause).ToList();
        Assert.True(
            match.Count > 0,
            $"No '{cause}' incident for {host}. Incidents for the host:\n{string.Join('\n', forHost.Select(Describe))}\n" +
            $"All hosts: {string.Join(", ", result.Incidents.Select(i => $"{i.GetProperty("host")}={i.GetProperty("cause")}"))}\n{result}");
        return match.MaxBy(i => i.GetProperty("failedRequests").GetInt32());
    }

    private static string Describe(JsonElement element) => element.GetRawText();

    private static TheoryData<string, string> Scenarios(bool failing)
    {
        var data = new TheoryData<string, string>();
        foreach (var (format, _, scenarios) in NginxScenariosFixture.Plan)
        {
            foreach (var scenario in scenarios.Where(s => NginxScenarioCatalog.WithoutFailedRequests.Contains(s) != failing))
            {
                data.Add(format.Id, scenario);
            }
        }

        return data;
    }
}
