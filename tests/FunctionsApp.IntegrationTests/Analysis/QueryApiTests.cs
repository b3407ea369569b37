using System.Net;
using System.Text;
using System.Text.Json;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Analysis;

/// <summary>
/// Every query route and filter on the real app and Azurite, over incidents the analyzer found in a real nginx
/// capture: paging by continuation token, ProblemDetails for bad input, function keys.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueryApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private AnalysisTestKit _kit = null!;

    public async Task InitializeAsync()
    {
        _kit = await AnalysisTestKit.StartAsync(azurite);
        await _kit.IngestAsync("nginx-access", AnalysisTestKit.AccessLines);
        await _kit.IngestAsync("nginx-error", AnalysisTestKit.ErrorLines);
        await _kit.Analyzer.RunOnceAsync(CancellationToken.None);
        _kit.Clock.Advance(TimeSpan.FromMinutes(5));
        await _kit.Analyzer.RunOnceAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private HttpClient Client => _kit.App.Client;

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string typeSuffix)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.EndsWith(typeSuffix, problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Incidents_NoFilter_ListsEveryIncidentNewestFirst()
    {
        var items = (await GetJsonAsync("/api/incidents?limit=500")).GetProperty("items").EnumerateArray().ToList();

        Assert.True(items.Count >= 12, $"{items.Count} incidents");
        var causes = items.Select(i => i.GetProperty("cause").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "upstream_down", "misconfiguration", "timeout", "overload", "dns", "tls_handshake", "invalid_response", "upstream_returned", "rate_limited" }, causes);
        var starts = items.Select(i => i.GetProperty("start").GetDateTimeOffset()).ToList();
        Assert.Equal(starts.OrderDescending(), starts);
    }

    [Theory]
    [InlineData("cause=timeout", "cause", "timeout")]
    [InlineData("host=rate-limited.example.test", "host", "rate-limited.example.test")]
    [InlineData("state=resolved", "state", "resolved")]
    [InlineData("upstream=api.dns-nxdomain.example.test", "upstream", "api.dns-nxdomain.example.test")]
    public async Task Incidents_Filter_ReturnsOnlyMatches(string query, string property, string value)
    {
        var items = (await GetJsonAsync($"/api/incidents?{query}")).GetProperty("items").EnumerateArray().ToList();

        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal(value, i.GetProperty(property).GetString()));
    }

    [Fact]
    public async Task Incidents_TimeRange_ExcludesIncidentsOutsideIt()
    {
        var all = (await GetJsonAsync("/api/incidents?limit=500")).GetProperty("items").GetArrayLength();
        var before = (await GetJsonAsync("/api/incidents?to=2020-01-01T00:00:00Z")).GetProperty("items").GetArrayLength();
        var after = (await GetJsonAsync("/api/incidents?from=2099-01-01T00:00:00Z")).GetProperty("items").GetArrayLength();
        var around = (await GetJsonAsync("/api/incidents?from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z&limit=500")).GetProperty("items").GetArrayLength();

        Assert.Equal((0, 0, all), (before, after, around));
    }

    [Fact]
    public async Task Incidents_PagedByContinuation_VisitsEveryIncidentOnce()
    {
        var all = (await GetJsonAsync("/api/incidents?limit=500")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        var seen = new List<string?>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await GetJsonAsync("/api/incidents?limit=4" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
            continuation = page.TryGetProperty("continuation", out var next) ? next.GetString() : null;
            pages++;
        }
        while (continuation is not null && pages < 100);

        Assert.Equal(all, seen);
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task Incidents_ExpiredOrForeignContinuation_IsProblem()
    {
        var page = await GetJsonAsync("/api/incidents?limit=2");
        var token = page.GetProperty("continuation").GetString()!;

        await AssertProblemAsync(await Client.GetAsync($"/api/incidents?limit=2&cause=timeout&continuation={Uri.EscapeDataString(token)}"), HttpStatusCode.BadRequest, "invalid-continuation");
        await AssertProblemAsync(await Client.GetAsync("/api/incidents?continuation=not-a-token"), HttpStatusCode.BadRequest, "invalid-continuation");
        _kit.Clock.Advance(TimeSpan.FromHours(2));
        await AssertProblemAsync(await Client.GetAsync($"/api/incidents?limit=2&continuation={Uri.EscapeDataString(token)}"), HttpStatusCode.BadRequest, "continuation-expired");
    }

    [Theory]
    [InlineData("/api/incidents?cause=gremlins")]
    [InlineData("/api/incidents?state=maybe")]
    [InlineData("/api/incidents?from=yesterday")]
    [InlineData("/api/incidents?from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z")]
    [InlineData("/api/incidents?limit=0")]
    [InlineData("/api/incidents/NOT-HEX")]
    [InlineData("/api/timeline")]
    [InlineData("/api/timeline?upstream=127.0.0.1:1&bucket=7m")]
    public async Task Queries_BadValues_AreProblemDetailsWithTheReason(string path) =>
        await AssertProblemAsync(await Client.GetAsync(path), HttpStatusCode.BadRequest, "invalid-query");

    [Fact]
    public async Task Incident_ById_HasFullEvidenceAndRemediation()
    {
        var summary = (await GetJsonAsync("/api/incidents?cause=tls_handshake&limit=1")).GetProperty("items")[0];
        var incident = await GetJsonAsync($"/api/incidents/{summary.GetProperty("id").GetString()}");

        Assert.Equal(summary.GetProperty("upstream").GetString(), incident.GetProperty("upstream").GetString());
        var sample = incident.GetProperty("evidence")[0].GetProperty("sample").GetString()!;
        Assert.Contains(sample, AnalysisTestKit.ErrorLines);
        Assert.Contains(incident.GetProperty("remediation").EnumerateArray(), r => r.GetString()!.Contains("proxy_ssl", StringComparison.Ordinal));
        Assert.Equal("web", incident.GetProperty("site").GetString());
    }

    [Fact]
    public async Task Incident_UnknownId_IsNotFoundProblem() =>
        await AssertProblemAsync(await Client.GetAsync("/api/incidents/0123456789abcdef"), HttpStatusCode.NotFound, "incident-not-found");

    [Fact]
    public async Task Upstreams_ListsHealthAndLastIncident()
    {
        var upstreams = (await GetJsonAsync("/api/upstreams")).EnumerateArray().ToList();

        var timeout = upstreams.Single(u => u.GetProperty("lastIncident") is { ValueKind: JsonValueKind.Object } last && last.GetProperty("cause").GetString() == "timeout");
        Assert.Equal("web", timeout.GetProperty("site").GetString());
        Assert.True(timeout.GetProperty("gatewayFailures").GetInt64() >= 3);
        var healthy = upstreams.Where(u => u.GetProperty("served").GetInt64() > 0).ToList();
        Assert.NotEmpty(healthy);
        Assert.All(upstreams, u => Assert.Contains(u.GetProperty("health").GetString(), new[] { "healthy", "failing", "idle" }));
    }

    [Fact]
    public async Task Timeline_CountsRequestsAndGatewayErrorsPerBucket()
    {
        var timeout = (await GetJsonAsync("/api/incidents?cause=timeout")).GetProperty("items")[0];
        var upstream = timeout.GetProperty("upstream").GetString()!;

        var timeline = await GetJsonAsync($"/api/timeline?upstream={Uri.EscapeDataString(upstream)}&bucket=5m&from=2026-11-24T05:00:00Z&to=2026-11-24T06:00:00Z");

        var points = timeline.GetProperty("points").EnumerateArray().ToList();
        Assert.NotEmpty(points);
        Assert.Equal(timeout.GetProperty("failedRequests").GetInt32(), points.Sum(p => p.GetProperty("gatewayErrors").GetProperty("504").GetInt64()));
        Assert.All(points, p => Assert.Equal(0, p.GetProperty("time").GetDateTimeOffset().Minute % 5));
        await AssertProblemAsync(await Client.GetAsync("/api/timeline?upstream=10.255.255.1:1"), HttpStatusCode.NotFound, "invalid-query");
    }

    [Fact]
    public async Task Analyze_MultipartUpload_ReturnsTheAnalyzeDocument()
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join('\n', AnalysisTestKit.AccessLines))), "access", "access.log" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join('\n', AnalysisTestKit.ErrorLines))), "error", "error.log" },
        };
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.NginxFixtures, "formats.json")));
        var format = manifest.RootElement.GetProperty("formats").GetProperty("custom").GetProperty("format").GetString()!;

        var response = await Client.PostAsync($"/api/analyze?format={Uri.EscapeDataString(format)}", form);

        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(report.GetProperty("incidents").GetArrayLength() >= 12);
        Assert.Equal(AnalysisTestKit.AccessLines.Length, report.GetProperty("stats").GetProperty("accessLines").GetInt64());
    }

    [Fact]
    public async Task Analyze_RawBody_NeedsKindAndParsableLines()
    {
        using var garbage = new StringContent("not nginx\nat all\n", Encoding.UTF8, "text/plain");
        await AssertProblemAsync(await Client.PostAsync("/api/analyze?kind=access&format=combined", garbage), (HttpStatusCode)422, "unparseable-logs");

        using var noKind = new StringContent(AnalysisTestKit.ErrorLines[0], Encoding.UTF8, "text/plain");
        await AssertProblemAsync(await Client.PostAsync("/api/analyze", noKind), HttpStatusCode.BadRequest, "invalid-kind");

        using var errorsOnly = new StringContent(string.Join('\n', AnalysisTestKit.ErrorLines), Encoding.UTF8, "text/plain");
        var response = await Client.PostAsync("/api/analyze?kind=error", errorsOnly);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/incidents")]
    [InlineData("GET", "/api/incidents/0123456789abcdef")]
    [InlineData("GET", "/api/upstreams")]
    [InlineData("GET", "/api/timeline?upstream=x")]
    [InlineData("POST", "/api/analyze?kind=access")]
    public async Task Routes_WithoutKey_AreUnauthorized(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent("x") : null };
        await AssertProblemAsync(await _kit.App.Anonymous.SendAsync(request), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task OpenApi_DescribesEveryRoute()
    {
        var response = await _kit.App.Anonymous.GetAsync("/api/openapi.json");
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Superset(new HashSet<string> { "/api/incidents", "/api/incidents/{id}", "/api/upstreams", "/api/timeline", "/api/analyze", "/api/ingest/{source}", "/api/health" }, paths.ToHashSet());
    }
}
