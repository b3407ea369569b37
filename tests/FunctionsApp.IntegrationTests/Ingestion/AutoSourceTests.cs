using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FunctionsApp.Analysis;
using FunctionsApp.IntegrationTests.Analysis;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Ingestion;

/// <summary>
/// One endpoint per nginx, both logs: a source of kind <c>auto</c> stores a mixed body as one batch per log, exactly
/// once, and the analyzer reaches the same incidents as from two separate sources; a shared source's instances
/// become sites of their own.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AutoSourceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AutoSource_MixedStreamThroughOneEndpoint_SameIncidentsAsSeparateSources()
    {
        var expected = await AnalysisTestKit.ReferenceIncidentsAsync(azurite);
        await using var auto = await AnalysisTestKit.StartAsync(azurite, settings: AutoSource("edge", shared: false));
        await auto.IngestAsync("edge", Interleave(AnalysisTestKit.AccessLines, AnalysisTestKit.ErrorLines));
        await auto.RunTwiceAsync();

        var batches = await BatchBlobs.ListAsync(auto.App.Logs, "raw/edge/");
        Assert.Equal(["access", "error"], batches.Select(b => b.Metadata["kind"]).Order(StringComparer.Ordinal));
        Assert.Equal(AnalysisTestKit.AccessLines.Length, int.Parse(batches.Single(b => b.Metadata["kind"] == "access").Metadata["lineCount"], System.Globalization.CultureInfo.InvariantCulture));
        // Ids differ (they include the site); the incidents are the same.
        var actual = await auto.IncidentsBySubjectAsync();
        AnalysisTestKit.AssertSameIncidents(expected, actual);
        Assert.All(actual.Values, incident => Assert.Equal("edge", incident.Site));
    }

    [Fact]
    public async Task SharedSource_LokiHostLabels_EachInstanceIsASite()
    {
        var expected = await AnalysisTestKit.ReferenceIncidentsAsync(azurite);
        await using var shared = await AnalysisTestKit.StartAsync(azurite, settings: AutoSource("edge", shared: true));
        // web-b served everything (the custom format's third field is $status): no incident of its own.
        var quiet = AnalysisTestKit.AccessLines.Where(l => l.Split(' ')[2] == "200").ToArray();
        Assert.NotEmpty(quiet);
        var push = new
        {
            streams = new object[]
            {
                new { stream = new Dictionary<string, string> { ["host"] = "web-a", ["filename"] = "/var/log/nginx/access.log" }, values = Values(AnalysisTestKit.AccessLines) },
                new { stream = new Dictionary<string, string> { ["host"] = "web-a", ["filename"] = "/var/log/nginx/error.log" }, values = Values(AnalysisTestKit.ErrorLines) },
                new { stream = new Dictionary<string, string> { ["host"] = "web-b" }, values = Values(quiet) },
            },
        };
        using var response = await shared.App.Client.PostAsJsonAsync("/api/ingest/edge/loki/api/v1/push", push);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await shared.RunTwiceAsync();

        Assert.Equal(["edge.web-a", "edge.web-b"], (await BatchBlobs.ListAsync(shared.App.Logs, "raw/")).Select(b => b.Name.Split('/')[1]).Distinct().Order(StringComparer.Ordinal));
        var actual = await shared.IncidentsBySubjectAsync();
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.All(actual.Values, incident => Assert.Equal("web-a", incident.Site));
        var states = shared.App.Services.GetRequiredService<IAnalyzerStateStore>();
        Assert.Contains("edge.web-b", (await states.LoadAsync("web-b", CancellationToken.None)).State.Sources.Keys);
    }

    [Fact]
    public async Task AutoSource_RetryWithTheSameKey_DuplicateOfBothBatches()
    {
        await using var app = await TestApp.StartAsync(azurite, AutoSource("edge", shared: false));
        var body = string.Join('\n', Interleave(AnalysisTestKit.AccessLines[..40], AnalysisTestKit.ErrorLines[..20])) + "\n";

        var first = await PostAsync(app, body, "batch-1");
        var retry = await PostAsync(app, body, "batch-1");
        var reused = await PostAsync(app, body.Replace("GET", "PUT", StringComparison.Ordinal), "batch-1");

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.True(retry.Body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.Body.GetProperty("blobs").EnumerateArray().Select(b => b.GetString()), retry.Body.GetProperty("blobs").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Equal(60, (await BatchBlobs.ReadAllLinesAsync(app.Logs, "raw/edge/")).Count);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(TestApp app, string body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/edge") { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await app.Client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static Dictionary<string, string?> AutoSource(string name, bool shared) => new()
    {
        [$"Ingestion:Sources:{name}:Kind"] = "Auto",
        [$"Ingestion:Sources:{name}:Format"] = FixtureFormat(),
        [$"Ingestion:Sources:{name}:SiteFromAttributes"] = shared ? "true" : "false",
        ["Ingestion:Sources:nginx-access:Site"] = "other",
        ["Ingestion:Sources:nginx-error:Site"] = "other",
    };

    private static string FixtureFormat()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.NginxFixtures, "formats.json")));
        return manifest.RootElement.GetProperty("formats").GetProperty("custom").GetProperty("declaration").GetString()!;
    }

    private static string[][] Values(IEnumerable<string> lines) => lines.Select((l, i) => new[] { (1764496800000000000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture), l }).ToArray();

    /// <summary>Both logs as one pipeline ships them: a few lines of one, then of the other.</summary>
    private static List<string> Interleave(string[] access, string[] errors)
    {
        var mixed = new List<string>(access.Length + errors.Length);
        int a = 0, e = 0;
        while (a < access.Length || e < errors.Length)
        {
            mixed.AddRange(access.Skip(a).Take(7));
            a += 7;
            mixed.AddRange(errors.Skip(e).Take(3));
            e += 3;
        }

        return mixed;
    }
}
