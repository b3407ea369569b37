using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Core;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Analysis;

/// <summary>
/// The service as deployed wires metrics and notifications into the analyzer: incidents found in a real nginx capture
/// carry a metrics object read from a local Azure Monitor (HTTPS, bearer token), the analyze run decides one message per
/// group, the notify timer delivers it to a local Slack receiver once, and the on-call API (ack, silences, dead letters)
/// answers with ProblemDetails for bad input.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class NotificationsAndMetricsWiringTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private LoopbackHttpsServer _server = null!;
    private AnalysisTestKit _kit = null!;
    private string _timeoutUpstream = "";

    public async Task InitializeAsync()
    {
        _server = await LoopbackHttpsServer.StartAsync();
        _server.Responder = async (request, response) =>
        {
            if (request.Path.Contains("/providers/Microsoft.Insights/metrics", StringComparison.Ordinal))
            {
                await LoopbackHttpsServer.WriteJsonAsync(response, AzureMonitorFake.ListResponse(request.Query["metricnames"]));
                return;
            }

            response.StatusCode = 200;
            await response.WriteAsync("ok");
        };

        // The upstream of the capture's timeout scenario is mapped to a VM; the others are not mapped.
        var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.NginxFixtures, "formats.json")));
        _timeoutUpstream = fixture.RootElement.GetProperty("fixtures").EnumerateArray()
            .Single(f => f.GetProperty("dir").GetString() == "upstream-timeout-custom").GetProperty("upstream").GetString()!;
        var settings = new Dictionary<string, string?>
        {
            ["Metrics:ArmBaseUri"] = _server.BaseUri.ToString(),
            ["Metrics:BatchEndpointTemplate"] = _server.BaseUri + "{region}",
            ["Metrics:Upstreams:0:Match"] = _timeoutUpstream,
            ["Metrics:Upstreams:0:ResourceIds:0"] = AzureMonitorFake.Vm1,
            ["Notifications:PublicBaseUrl"] = "https://diag.example.com",
            ["Notifications:GroupWait"] = "00:00:00",
            ["Notifications:OutboxContainer"] = "outbox-" + Guid.NewGuid().ToString("N")[..10],
            ["Notifications:Receivers:0:Name"] = "ops-slack",
            ["Notifications:Receivers:0:Type"] = "Slack",
            ["Notifications:Receivers:0:Url"] = _server.BaseUri + "services/T000/B000/XXXX",
            ["Notifications:Receivers:0:MinInterval"] = "00:00:00",
            ["Notifications:Routes:0:Receivers:0"] = "ops-slack",
        };
        _kit = await AnalysisTestKit.StartAsync(azurite, services =>
        {
            services.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(_server.CreateHandler));
            services.AddSingleton<TokenCredential>(new TestTokenCredential());
        }, settings);
        await _kit.IngestAsync("nginx-access", AnalysisTestKit.AccessLines);
        await _kit.IngestAsync("nginx-error", AnalysisTestKit.ErrorLines);
        await _kit.Analyzer.RunOnceAsync(CancellationToken.None); // a minute after the capture: incidents are open

    }

    public async Task DisposeAsync()
    {
        await _kit.DisposeAsync();
        await _server.DisposeAsync();
    }

    private IEnumerable<RecordedRequest> SlackPosts => _server.Requests.Where(r => r.Path.StartsWith("/services/", StringComparison.Ordinal));

    private Task RunTimerAsync(string name) => _kit.App.RunTimerAsync(name);

    [Fact]
    public async Task Incidents_CarryMetrics_ReadWithABearerTokenForTheMappedUpstreamOnly()
    {
        _kit.Clock.Advance(TimeSpan.FromMinutes(5));
        await _kit.Analyzer.RunOnceAsync(CancellationToken.None);
        var items = (await _kit.GetAsync<JsonElement>("/api/incidents?limit=500")).GetProperty("items").EnumerateArray().ToList();
        var timeout = items.Single(i => i.GetProperty("upstream").GetString() == _timeoutUpstream);
        var other = items.First(i => i.GetProperty("upstream").GetString() != _timeoutUpstream);

        var mapped = (await _kit.GetAsync<JsonElement>($"/api/incidents/{timeout.GetProperty("id").GetString()}")).GetProperty("metrics");
        var unmapped = (await _kit.GetAsync<JsonElement>($"/api/incidents/{other.GetProperty("id").GetString()}")).GetProperty("metrics");

        Assert.Equal(timeout.GetProperty("start").GetDateTimeOffset(), mapped.GetProperty("incidentStart").GetDateTimeOffset());
        Assert.Contains(mapped.GetProperty("verdict").GetString(), new[] { "corroborated", "normal", "no_data" });
        Assert.Equal(("no_data", "no_mapping"), (unmapped.GetProperty("verdict").GetString(), unmapped.GetProperty("reason").GetString()));
        var read = _server.Requests.First(r => r.Path.Contains("virtualMachines/vm-api-1/providers/Microsoft.Insights/metrics", StringComparison.Ordinal));
        Assert.All(_server.Requests.Where(r => r.Path.Contains("Microsoft.Insights", StringComparison.Ordinal)),
            r => Assert.Contains("vm-api-1", r.Path, StringComparison.Ordinal));
        Assert.Equal("Bearer " + TestTokenCredential.TokenFor("https://management.azure.com/.default"), read.Headers["Authorization"]);
        Assert.Equal("2023-10-01", read.Query["api-version"]);
    }

    [Fact]
    public async Task NotifyTimer_DeliversFiringThenResolvedOncePerGroup_EvenWhenRunAgain()
    {
        await RunTimerAsync("notify");
        var firing = SlackPosts.ToList();
        await RunTimerAsync("notify");

        _kit.Clock.Advance(TimeSpan.FromMinutes(10));
        await _kit.Analyzer.RunOnceAsync(CancellationToken.None);
        await RunTimerAsync("notify");
        var all = SlackPosts.ToList();
        await _kit.Analyzer.RunOnceAsync(CancellationToken.None);
        await RunTimerAsync("notify");

        Assert.NotEmpty(firing);
        Assert.Contains(firing, p => p.Body.Contains("https://diag.example.com/api/dashboard/", StringComparison.Ordinal));
        Assert.All(firing, p => Assert.Contains("\"blocks\"", p.Body, StringComparison.Ordinal));
        Assert.True(all.Count > firing.Count, "no resolved message");
        Assert.Contains(all.Skip(firing.Count), p => p.Body.Contains("esolved", StringComparison.Ordinal));
        Assert.Equal(all.Count, SlackPosts.Count());
        Assert.Equal(all.Count, all.Select(p => p.Headers["Idempotency-Key"]).Distinct().Count());
    }

    [Fact]
    public async Task Silences_AddListAndValidate()
    {
        using var bad = new StringContent("{\"matchers\":[{\"label\":\"colour\",\"value\":\"red\"}]}", Encoding.UTF8, "application/json");
        var rejected = await _kit.App.Client.PostAsync("/api/silences", bad);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Contains("colour", await rejected.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var body = "{\"matchers\":[{\"label\":\"host\",\"value\":\"*.example.test\"}],\"endsAt\":\"2030-01-01T00:00:00Z\",\"createdBy\":\"oncall\",\"comment\":\"maintenance\"}";
        using var good = new StringContent(body, Encoding.UTF8, "application/json");
        var created = await _kit.App.Client.PostAsync("/api/silences", good);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var listed = await _kit.GetAsync<JsonElement>("/api/silences");
        Assert.Contains(listed.EnumerateArray(), s => s.GetProperty("comment").GetString() == "maintenance");
    }

    [Fact]
    public async Task Acknowledge_KnownAndUnknownIncidents()
    {
        var id = (await _kit.GetAsync<JsonElement>("/api/incidents?limit=1")).GetProperty("items")[0].GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.Accepted, (await _kit.App.Client.PostAsync($"/api/incidents/{id}/ack", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _kit.App.Client.PostAsync("/api/incidents/0123456789abcdef/ack", null)).StatusCode);
    }

    [Fact]
    public async Task DeadLetters_EmptyListAndUnknownRequeue()
    {
        Assert.Empty((await _kit.GetAsync<JsonElement>("/api/notifications/dead-letters")).EnumerateArray());
        var response = await _kit.App.Client.PostAsync("/api/notifications/dead-letters/nope/requeue", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
