using System.Text.Json;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Shippers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>
/// The whole service, every part real: nginx fails in front of real upstreams (the lab), real syslog-ng tails its
/// access and error logs and ships them to the ingest endpoint, the analyze timer is invoked the way the Functions
/// host invokes it, and GET /api/incidents must name each failure's cause, host, upstream and status, with evidence
/// quoted from nginx's own lines and remediation.
/// </summary>
[Collection(NginxScenariosCollection.Name)]
public sealed class NginxToApiEndToEndTests(NginxScenariosFixture fixture) : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("nginx-e2e-").FullName;

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task RealNginxThroughSyslogNgAndTimer_IncidentsApiNamesEveryCause()
    {
        Assert.True(SyslogNgProcess.IsInstalled, "syslog-ng is not installed (scripts/test installs syslog-ng-core and syslog-ng-mod-http).");
        var run = fixture.Run(LabLogFormat.Custom.Id);
        var clock = new FakeTimeProvider(run.TrafficEnded + TimeSpan.FromMinutes(10));
        await using var app = await TestApp.StartAsync(
            _azurite,
            new Dictionary<string, string?> { ["Ingestion:Sources:nginx-access:Format"] = LabLogFormat.Custom.Declaration },
            services => services.AddSingleton<TimeProvider>(clock));

        // syslog-ng tails the files while nginx's lines are appended to them, in chunks, as a live server writes them.
        var access = Path.Combine(_directory, "access.log");
        var error = Path.Combine(_directory, "error.log");
        await File.WriteAllTextAsync(access, "");
        await File.WriteAllTextAsync(error, "");
        await using var syslogNg = new SyslogNgProcess(
            _directory,
            [(access, new Uri(app.BaseAddress, "/api/ingest/nginx-access")), (error, new Uri(app.BaseAddress, "/api/ingest/nginx-error"))],
            TestApp.FunctionKey);
        await syslogNg.StartAsync();
        var accessLines = await File.ReadAllLinesAsync(run.AccessLogPath);
        var errorLines = await File.ReadAllLinesAsync(run.ErrorLogPath);
        foreach (var chunk in accessLines.Chunk(25))
        {
            await File.AppendAllLinesAsync(access, chunk);
            await Task.Delay(50);
        }

        foreach (var chunk in errorLines.Chunk(25))
        {
            await File.AppendAllLinesAsync(error, chunk);
            await Task.Delay(50);
        }

        await WaitForLinesAsync(app, "raw/nginx-access/", accessLines.Length, syslogNg);
        await WaitForLinesAsync(app, "raw/nginx-error/", errorLines.Length, syslogNg);

        // One occurrence of the analyze timer, as its trigger runs it.
        await app.RunTimerAsync("analyze");

        using var listing = JsonDocument.Parse(await app.Client.GetStringAsync("/api/incidents?limit=500"));
        var incidents = listing.RootElement.GetProperty("items").EnumerateArray().ToList();
        foreach (var outcome in run.Outcomes)
        {
            var scenario = outcome.Scenario;
            var mine = incidents.Where(i => i.GetProperty("host").GetString() == scenario.Host).ToList();
            if (scenario.ExpectedCause is null)
            {
                Assert.All(mine, i => Assert.Equal(0, i.GetProperty("failedRequests").GetInt32()));
                continue;
            }

            var summary = Assert.Single(mine);
            Assert.Equal(scenario.ExpectedCause, summary.GetProperty("cause").GetString());
            Assert.Equal(scenario.IncidentStatus, summary.GetProperty("status").GetInt32());
            Assert.Equal("resolved", summary.GetProperty("state").GetString());
            var upstream = summary.GetProperty("upstream").GetString()!;
            Assert.True(upstream.StartsWith(scenario.Upstream, StringComparison.Ordinal) || (scenario.Upstream.StartsWith("unix:", StringComparison.Ordinal) && upstream.StartsWith("unix:", StringComparison.Ordinal)),
                $"{scenario.Name}: upstream {upstream}, expected {scenario.Upstream}");

            using var detail = JsonDocument.Parse(await app.Client.GetStringAsync($"/api/incidents/{summary.GetProperty("id").GetString()}"));
            var evidence = detail.RootElement.GetProperty("evidence").EnumerateArray().ToList();
            Assert.NotEmpty(evidence);
            Assert.All(evidence, e => Assert.True(
                accessLines.Contains(e.GetProperty("sample").GetString()) || errorLines.Contains(e.GetProperty("sample").GetString()),
                $"{scenario.Name}: sample is not a line nginx wrote: {e.GetProperty("sample").GetString()}"));
            Assert.NotEmpty(detail.RootElement.GetProperty("remediation").EnumerateArray());
        }
    }

    private static async Task WaitForLinesAsync(TestApp app, string prefix, int expected, SyslogNgProcess syslogNg)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var stored = 0;
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            stored = (await BatchBlobs.ReadAllLinesAsync(app.Logs, prefix)).Count;
            if (stored >= expected)
            {
                Assert.Equal(expected, stored);
                return;
            }

            Assert.False(syslogNg.HasExited, $"syslog-ng exited: {syslogNg.Output}");
            await Task.Delay(250);
        }

        Assert.Fail($"{stored} of {expected} lines under {prefix} arrived; syslog-ng said: {syslogNg.Output}");
    }
}
