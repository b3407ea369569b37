using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.IntegrationTests.Analysis;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Probes;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Probes;

/// <summary>
/// The analyze timer with a stored configuration: the incidents it writes carry the configuration's evidence (the real
/// mixed-custom capture and the nginx.conf that produced it), and with Probes:OnIncidentOpen each open incident's
/// upstream is probed once, the result stored as evidence.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AnalyzerSiteDiagnosticsTests(AzuriteFixture azurite)
{
    private static readonly string Config = Path.Combine(RepositoryPaths.NginxFixtures, "mixed-custom", "nginx.conf");

    [Fact]
    public async Task RunOnce_SiteWithStoredConfig_IncidentsNameTheirDirectives()
    {
        await using var kit = await AnalysisTestKit.StartAsync(azurite);
        using (var put = await kit.App.Client.PutAsync("/api/sites/web/nginx-config", new StringContent(await File.ReadAllTextAsync(Config), Encoding.UTF8)))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        await kit.IngestAsync("nginx-access", AnalysisTestKit.AccessLines);
        await kit.IngestAsync("nginx-error", AnalysisTestKit.ErrorLines);
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        kit.Clock.Advance(TimeSpan.FromMinutes(10));
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);

        var incidents = (await kit.IncidentsAsync()).Values.ToList();
        var timeout = Assert.Single(incidents, i => i.Host == "upstream-timeout.example.test");
        var lines = await File.ReadAllLinesAsync(Config);
        var server = Array.FindIndex(lines, l => l.Contains("server_name upstream-timeout.example.test;", StringComparison.Ordinal));
        var line = Array.FindIndex(lines, server, l => l.Contains("proxy_read_timeout 1s", StringComparison.Ordinal)) + 1;
        Assert.Contains(timeout.Evidence, e => e.Source == "config" && e.Sample == $"proxy_read_timeout 1s (nginx.conf:{line})");
        Assert.Contains($"proxy_read_timeout 1s (nginx.conf:{line})", timeout.Summary, StringComparison.Ordinal);
        Assert.All(incidents.Where(i => i.Upstream is not "-"), i => Assert.Contains(i.Evidence, e => e.Source == "config"));
    }

    [Fact]
    public async Task RunOnce_OnIncidentOpen_ProbesEachOpenIncidentOnce()
    {
        await using var kit = await AnalysisTestKit.StartAsync(azurite, settings: new Dictionary<string, string?>
        {
            ["Probes:OnIncidentOpen"] = "true",
            ["Probes:DnsTimeout"] = "00:00:00.300",
            ["Probes:ConnectTimeout"] = "00:00:01",
            ["Probes:HttpTimeout"] = "00:00:01",
        });
        await kit.IngestAsync("nginx-access", AnalysisTestKit.AccessLines);
        await kit.IngestAsync("nginx-error", AnalysisTestKit.ErrorLines);

        await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        var first = (await kit.IncidentsAsync()).Values.Where(i => i.State == IncidentState.Open && i.Upstream is not ("-" or "(unknown)")).ToList();
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        var second = await kit.IncidentsAsync();

        Assert.NotEmpty(first);
        Assert.All(first, i => Assert.Single(i.Evidence, e => e.Source == "probe"));

        // The capture's unix socket (under its /tmp/nginx-lab-… prefix) is long gone: the probe says so as evidence.
        var socket = Assert.Single(first, i => i.Host == "unix-socket-overload.example.test");
        Assert.Contains("does not exist", socket.Evidence.Single(e => e.Source == "probe").Sample, StringComparison.Ordinal);
        Assert.Contains("Probe: probe ", socket.Summary, StringComparison.Ordinal);

        // Probed once: the next run re-attaches the stored result instead of probing again.
        Assert.All(first, i => Assert.Single(second[i.Id].Evidence, e => e.Source == "probe"));
        var store = kit.App.Services.GetRequiredService<IProbeStore>();
        foreach (var incident in first)
        {
            Assert.Single(await store.ListAsync("web", incident.Id, CancellationToken.None));
        }
    }
}
