using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.NginxConfig;
using FunctionsApp.IntegrationTests.Nginx.Upstreams;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Probes;

/// <summary>
/// The real app on Azurite: <c>PUT/GET /api/sites/{site}/nginx-config</c> with real <c>nginx -T</c> output, and
/// <c>POST /api/sites/{site}/probe</c> against real servers, its result stored with the incident as evidence.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SiteDiagnosticsApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task PutThenGet_RealNginxTOutput_StoresItAndReturnsItsFindings()
    {
        var main = Path.Combine(RepositoryPaths.Root, "tests", "FunctionsApp.Engine.Tests", "Fixtures", "nginx-config", "api-gateway", "nginx.conf");
        var (_, dump, _) = await NginxProcess.CheckAsync("-T", main);

        using var put = await _app.Client.PutAsync("/api/sites/web/nginx-config", new StringContent(dump, Encoding.UTF8, "text/plain"));
        using var get = await _app.Client.GetAsync("/api/sites/web/nginx-config");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var stored = JsonDocument.Parse(await put.Content.ReadAsStringAsync());
        Assert.Equal(5, stored.RootElement.GetProperty("check").GetProperty("files").GetArrayLength());
        Assert.True(!stored.RootElement.TryGetProperty("config", out var text) || text.ValueKind == JsonValueKind.Null);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        using var document = JsonDocument.Parse(await get.Content.ReadAsStringAsync());
        Assert.Equal(dump, document.RootElement.GetProperty("config").GetString());
        Assert.Equal(stored.RootElement.GetProperty("sha256").GetString(), document.RootElement.GetProperty("sha256").GetString());
        var findings = document.RootElement.GetProperty("check").GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("rule").GetString() == "keepalive-not-used"
            && f.GetProperty("file").GetString()!.EndsWith("/sites-enabled/api.example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Put_ConfigWithSyntaxError_Is422WithFileAndLineAndStoresNothing()
    {
        const string dump = "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    server {\n        listen 80\n    }\n}\n\n";

        using var put = await _app.Client.PutAsync("/api/sites/web/nginx-config", new StringContent(dump));
        using var get = await _app.Client.GetAsync("/api/sites/web/nginx-config");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await put.Content.ReadAsStringAsync());
        Assert.Equal("urn:nginx-502-diagnostics:problem:invalid-nginx-config", problem.RootElement.GetProperty("type").GetString());
        Assert.StartsWith("/etc/nginx/nginx.conf:5: unexpected \"}\"", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Routes_UnknownSite_Are404()
    {
        using var put = await _app.Client.PutAsync("/api/sites/nope/nginx-config", new StringContent("events {}\n"));
        using var probe = await _app.Client.PostAsJsonAsync("/api/sites/nope/probe", new { upstream = "127.0.0.1:1" });

        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, probe.StatusCode);
        Assert.Contains("unknown-site", await probe.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_UpstreamNobodyNamed_Is403()
    {
        using var response = await _app.Client.PostAsJsonAsync("/api/sites/web/probe", new { upstream = "10.1.2.3:8080" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("probe-target-not-allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_StoppedUpstreamOfAnIncident_ConfirmsTheVerdictAsEvidence()
    {
        var stopped = LoopbackTcpServer.Start(UpstreamBehaviors.Respond(200, "OK"));
        await stopped.DisposeAsync();
        var config = $"events {{}}\nhttp {{\n    server {{\n        listen 80;\n        location / {{ proxy_pass http://{stopped.Address}; }}\n    }}\n}}\n";
        using (var put = await _app.Client.PutAsync("/api/sites/web/nginx-config", new StringContent(config)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var incident = new Incident
        {
            Id = "0123456789abcdef", Upstream = stopped.Address, Host = "shop.example.test", Status = 502,
            Statuses = new Dictionary<string, int> { ["502"] = 9 }, Cause = IncidentCause.UpstreamDown, Confidence = 0.8,
            Summary = $"{stopped.Address} served 3 request(s) and then stopped accepting connections (connection refused).",
            Start = DateTimeOffset.UnixEpoch, End = DateTimeOffset.UnixEpoch.AddMinutes(1), State = IncidentState.Open, FailedRequests = 9,
            Evidence = [], Remediation = ["restart it"], Site = "web",
        };
        await _app.Services.GetRequiredService<IIncidentStore>().UpsertAsync(incident, CancellationToken.None);

        using var response = await _app.Client.PostAsJsonAsync("/api/sites/web/probe", new { upstream = stopped.Address, incident = incident.Id });
        using var stored = await _app.Client.GetAsync($"/api/incidents/{incident.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var result = Assert.Single(report.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("refused", result.GetProperty("outcome").GetString());
        using var after = JsonDocument.Parse(await stored.Content.ReadAsStringAsync());
        Assert.Equal(0.97, after.RootElement.GetProperty("confidence").GetDouble());
        Assert.Contains("The probe confirms it", after.RootElement.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var evidence = after.RootElement.GetProperty("evidence").EnumerateArray().Single(e => e.GetProperty("source").GetString() == "probe");
        Assert.Equal(result.GetProperty("summary").GetString(), evidence.GetProperty("sample").GetString());
        Assert.Contains("refused", evidence.GetProperty("sample").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_NewConfig_IsWhatTheNextProbeUses()
    {
        using var firstPort = HeldPort.Refusing();
        using var secondPort = HeldPort.Refusing();
        var (first, second) = (firstPort.Port, secondPort.Port);
        string Config(int port) => $"events {{}}\nhttp {{\n    server {{\n        listen 80;\n        location / {{ proxy_pass http://127.0.0.1:{port}; }}\n    }}\n}}\n";

        (await _app.Client.PutAsync("/api/sites/web/nginx-config", new StringContent(Config(first)))).Dispose();
        using var before = await _app.Client.PostAsJsonAsync("/api/sites/web/probe", new { upstream = $"127.0.0.1:{second}" });
        (await _app.Client.PutAsync("/api/sites/web/nginx-config", new StringContent(Config(second)))).Dispose();
        using var after = await _app.Client.PostAsJsonAsync("/api/sites/web/probe", new { upstream = $"127.0.0.1:{second}" });

        // The configuration replaced a moment ago is not served from the cache of the one before.
        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Probe_ConfigNamingAMetadataAddress_IsBlockedNotContacted()
    {
        const string config = "events {}\nhttp {\n    server {\n        listen 80;\n        location / { proxy_pass http://169.254.169.254:80; }\n    }\n}\n";
        using (var put = await _app.Client.PutAsync("/api/sites/web/nginx-config", new StringContent(config)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var response = await _app.Client.PostAsJsonAsync("/api/sites/web/probe", new { upstream = "169.254.169.254:80" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("blocked", Assert.Single(report.RootElement.GetProperty("results").EnumerateArray()).GetProperty("outcome").GetString());
    }
}
