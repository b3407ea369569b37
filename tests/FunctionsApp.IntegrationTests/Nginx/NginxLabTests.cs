using System.Globalization;
using System.Net;
using System.Text.Json;
using FunctionsApp.IntegrationTests.Nginx.Upstreams;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>
/// Proves the lab makes real nginx fail in each real way: the client sees the gateway status and
/// nginx writes its well-known message. These pass without the diagnosis engine.
/// </summary>
[Collection(NginxScenariosCollection.Name)]
public sealed class NginxLabTests(NginxScenariosFixture fixture)
{
    public static TheoryData<string, string> AllRunScenarios()
    {
        var data = new TheoryData<string, string>();
        foreach (var (format, _, scenarios) in NginxScenariosFixture.Plan)
        {
            foreach (var scenario in scenarios)
            {
                data.Add(format.Id, scenario);
            }
        }

        return data;
    }

    [Fact]
    public async Task StartAsync_HealthyUpstream_ServesThenStopsGracefully()
    {
        await using var upstream = LoopbackTcpServer.Start(UpstreamBehaviors.Respond(200, "OK"));
        await using var lab = NginxLab.Create();
        var port = lab.ReservePort();
        await lab.StartAsync(
            $"server {{ listen 127.0.0.1:{port}; server_name healthy.example.test; location / {{ proxy_pass http://{upstream.Address}; }} }}",
            timeZone: null,
            CancellationToken.None);

        var status = await LabHttp.GetAsync(port, "healthy.example.test", "/", CancellationToken.None);
        await lab.StopAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, upstream.AcceptedConnections);
        Assert.False(lab.IsRunning);
        Assert.False(File.Exists(lab.PidPath), "nginx removes its pid file on a graceful stop");
        var errorLog = await File.ReadAllTextAsync(lab.ErrorLogPath);
        Assert.Contains("nginx/1.", errorLog, StringComparison.Ordinal);
        Assert.Contains("exit", errorLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_RunningNginx_KillsItAndDeletesPrefix()
    {
        var lab = NginxLab.Create();
        await lab.StartAsync(string.Empty, timeZone: null, CancellationToken.None);
        Assert.True(lab.IsRunning);

        await lab.DisposeAsync();

        Assert.False(lab.IsRunning);
        Assert.False(Directory.Exists(lab.Prefix));
    }

    [Fact]
    public async Task StartAsync_InvalidConfig_ThrowsWithNginxMessage()
    {
        await using var lab = NginxLab.Create();

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(
            () => lab.StartAsync("no_such_directive on;", timeZone: null, CancellationToken.None));

        Assert.Contains("unknown directive \"no_such_directive\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllRunScenarios))]
    public void Run_Scenario_ClientSawExpectedStatusesAndAccessLogHasEveryRequest(string format, string scenario)
    {
        var outcome = fixture.Run(format)[scenario];

        var accessLines = outcome.AccessLines();
        Assert.Equal(outcome.Statuses.Count, accessLines.Length);
        if (outcome.Scenario.ExpectedStatus != 0)
        {
            Assert.True(
                outcome.Statuses.Count(s => s == outcome.Scenario.ExpectedStatus) >= 3,
                $"{scenario}: expected >= 3 x {outcome.Scenario.ExpectedStatus}, got {string.Join(',', outcome.Statuses)}");
        }
        else
        {
            Assert.DoesNotContain(outcome.Statuses, s => s is 502 or 503 or 504);
        }
    }

    [Theory]
    [MemberData(nameof(AllRunScenarios))]
    public void Run_Scenario_ErrorLogHasTheNginxMessage(string format, string scenario)
    {
        var outcome = fixture.Run(format)[scenario];

        var errors = outcome.ErrorLines().Where(l => l.Contains(" [error] ", StringComparison.Ordinal)).ToList();
        if (outcome.Scenario.ExpectedErrorMessages.Count == 0)
        {
            Assert.Empty(errors);
            return;
        }

        var matching = errors.Where(l => outcome.Scenario.ExpectedErrorMessages.All(m => l.Contains(m, StringComparison.Ordinal))).ToList();
        Assert.True(
            matching.Count >= 3,
            $"{scenario}: expected >= 3 [error] lines with [{string.Join(" | ", outcome.Scenario.ExpectedErrorMessages)}]; got:\n{string.Join('\n', errors)}");
        Assert.All(matching, l => Assert.Contains($"host: \"{outcome.Scenario.Host}\"", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Run_UpstreamDown_SucceedsThenRefused()
    {
        var outcome = fixture.Run("custom")[NginxScenarioCatalog.UpstreamDown];

        Assert.Equal([200, 200, 200, 502, 502, 502, 502, 502], outcome.Statuses);
        Assert.All(outcome.ErrorLines().Where(l => l.Contains("[error]", StringComparison.Ordinal)),
            l => Assert.Contains("(111: Connection refused)", l, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(NginxScenarioCatalog.DnsNxDomain)]
    [InlineData(NginxScenarioCatalog.DnsTimeout)]
    [InlineData(NginxScenarioCatalog.RateLimited)]
    public void Run_NoUpstreamContacted_UpstreamAddrIsDashOrEmptyInJson(string scenario)
    {
        var custom = fixture.Run("custom")[scenario];
        var failed = custom.AccessLines().Where(l => l.Contains(" 502 ", StringComparison.Ordinal) || l.Contains(" 503 ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, l => Assert.Contains("ua=\"-\" us=\"-\"", l, StringComparison.Ordinal));

        if (fixture.Run("json").Outcomes.Any(o => o.Scenario.Name == scenario))
        {
            var json = fixture.Run("json")[scenario];
            var failedJson = json.AccessLines().Select(l => JsonDocument.Parse(l)).Where(d => d.RootElement.GetProperty("status").GetString() != "200").ToList();
            Assert.NotEmpty(failedJson);
            // escape=json logs an unset variable as an empty string, not "-".
            Assert.All(failedJson, d => Assert.Equal(string.Empty, d.RootElement.GetProperty("upstream_addr").GetString()));
        }
    }

    [Fact]
    public void Run_DnsFailure_ErrorLineNamesTheHostButHasNoUpstreamField()
    {
        var outcome = fixture.Run("custom")[NginxScenarioCatalog.DnsNxDomain];

        var line = outcome.ErrorLines().First(l => l.Contains("could not be resolved", StringComparison.Ordinal));

        Assert.Contains($"{outcome.Scenario.Upstream} could not be resolved (3: Host not found), client: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("upstream:", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Failover_AccessLogShowsBothTriesAndClientGot200()
    {
        var outcome = fixture.Run("custom")[NginxScenarioCatalog.Failover];

        Assert.All(outcome.Statuses, s => Assert.Equal(200, s));
        var failedOver = outcome.AccessLines().Where(l => l.Contains("us=\"502, 200\"", StringComparison.Ordinal)).ToList();
        Assert.True(failedOver.Count >= 3, string.Join('\n', outcome.AccessLines()));
        Assert.All(failedOver, l => Assert.Matches("""ua="127\.0\.0\.1:\d+, 127\.0\.0\.1:\d+" """.TrimEnd(), l));
        Assert.All(failedOver, l => Assert.Contains(" 200 \"GET ", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Run_NoLiveUpstreams_UpstreamAddrIsTheGroupName()
    {
        var outcome = fixture.Run("custom")[NginxScenarioCatalog.NoLiveUpstreams];

        Assert.Equal([200, 200, 200, 200, 502, 502, 502, 502, 502, 502], outcome.Statuses);
        var access = outcome.AccessLines();
        Assert.Matches("""ua="127\.0\.0\.1:\d+, 127\.0\.0\.1:\d+" us="502, 502" """.TrimEnd(), access[4]);
        Assert.All(access[5..], l => Assert.Contains("ua=\"lab_pool\" us=\"502\"", l, StringComparison.Ordinal));
        Assert.Contains(outcome.ErrorLines(), l => l.Contains("[warn]", StringComparison.Ordinal)
            && l.Contains("upstream server temporarily disabled", StringComparison.Ordinal));
        Assert.Contains(outcome.ErrorLines(), l => l.Contains("upstream: \"http://lab_pool/", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_GarbageResponse_NginxRelaysItAsHttp09WithStatus009()
    {
        var outcome = fixture.Run("custom")[NginxScenarioCatalog.GarbageResponse];

        Assert.All(outcome.Statuses, s => Assert.Equal(ScenarioClient.TransportError, s));
        Assert.All(outcome.AccessLines(), l => Assert.Contains(" 009 \"GET ", l, StringComparison.Ordinal));
        Assert.All(outcome.AccessLines(), l => Assert.Contains("us=\"200\"", l, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("combined")]
    public void Run_NonUtcTimeZone_BothLogsUseLocalTimeAndOnlyTheAccessLogHasAnOffset(string format)
    {
        var run = fixture.Run(format);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(run.TimeZone!);
        var outcome = run[NginxScenarioCatalog.RateLimited];

        var access = outcome.AccessLines()[0];
        var accessTime = format == "json"
            ? DateTimeOffset.Parse(JsonDocument.Parse(access).RootElement.GetProperty("time_iso8601").GetString()!, CultureInfo.InvariantCulture)
            : DateTimeOffset.ParseExact(access[(access.IndexOf('[', StringComparison.Ordinal) + 1)..access.IndexOf(']', StringComparison.Ordinal)],
                "dd/MMM/yyyy:HH:mm:ss zzz", CultureInfo.InvariantCulture);
        var error = outcome.ErrorLines()[0];
        var errorLocal = DateTime.ParseExact(error[..19], "yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);

        Assert.Equal(zone.GetUtcOffset(accessTime), accessTime.Offset);
        Assert.NotEqual(TimeSpan.Zero, accessTime.Offset);
        var errorInstant = TimeZoneInfo.ConvertTimeToUtc(errorLocal, zone);
        Assert.InRange((errorInstant - accessTime.UtcDateTime).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void CommittedFixtures_EveryPlannedScenario_HasNonEmptyAccessLog()
    {
        var root = fixture.CaptureDirectory ?? RepositoryPaths.NginxFixtures;
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "formats.json")));
        var dirs = manifest.RootElement.GetProperty("fixtures").EnumerateArray().Select(f => f.GetProperty("dir").GetString()!).ToHashSet();

        foreach (var (format, _, scenarios) in NginxScenariosFixture.Plan)
        {
            Assert.Contains($"mixed-{format.Id}", dirs);
            foreach (var scenario in scenarios)
            {
                var dir = Path.Combine(root, $"{scenario}-{format.Id}");
                Assert.Contains($"{scenario}-{format.Id}", dirs);
                Assert.True(new FileInfo(Path.Combine(dir, "access.log")).Length > 0, $"{dir}/access.log is empty");
                Assert.True(File.Exists(Path.Combine(dir, "error.log")), $"{dir}/error.log is missing");
            }
        }
    }
}
