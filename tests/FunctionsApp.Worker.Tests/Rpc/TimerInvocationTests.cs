using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using FunctionsApp.Incidents;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.NginxLogs;
using FunctionsApp.Worker.Tests.Host;
using FunctionsApp.Worker.Tests.Host.Rpc;

namespace FunctionsApp.Worker.Tests.Rpc;

/// <summary>
/// Timer functions invoked the way the host's timer trigger invokes them (the <c>TimerInfo</c> JSON as input and as
/// trigger metadata), each doing its work in the real worker on Azurite; the analyze timer fans out through the real
/// queue (Azurite's queue service) to <c>analyze-site</c>, invoked as the host's queue trigger invokes it.
/// </summary>
[Collection(WorkerHostCollection.Name)]
public sealed class TimerInvocationTests(WorkerHostFixture fixture)
{
    private static readonly string Capture = Path.Combine(RepositoryPaths.NginxFixtures, "mixed-custom");

    [Fact]
    public async Task Analyze_AfterIngest_QueuesEachSite_AndAnalyzeSiteWritesTheEnginesIncidents_AndTheSitesCheckpoint()
    {
        await IngestAsync("nginx-access", Path.Combine(Capture, "access.log"));
        await IngestAsync("nginx-error", Path.Combine(Capture, "error.log"));

        var invocation = await fixture.Host.InvokeTimerAsync("analyze");

        Succeeded(invocation);
        Assert.Empty(await WebIncidentsAsync()); // the timer only queued the runs
        var sites = await WorkerHostFixture.RunQueuedSitesAsync(fixture.Host, fixture.Azurite);
        Assert.Equal(["smoke", "web"], sites.Distinct().Order(StringComparer.Ordinal));
        // What the offline engine finds in the same capture (scripts/analyze; its own tests pin it to the labels).
        Assert.True(AccessLogFormat.TryCompile(WorkerHostFixture.CustomFormat, out var format, out var error), error);
        var offline = LogAnalyzer.Analyze(
            [LogInput.FromPath(Path.Combine(Capture, "access.log"))],
            [LogInput.FromPath(Path.Combine(Capture, "error.log"))],
            format,
            new DiagnosisOptions(),
            CancellationToken.None);
        var expected = offline.Incidents.Select(i => $"{i.Host} {i.Upstream} {JsonSerializer.Serialize(i.Cause, IncidentJsonContext.Default.IncidentCause).Trim('"')}").Order(StringComparer.Ordinal).ToArray();
        Assert.True(expected.Length >= 9, $"the capture has {expected.Length} incidents");
        Assert.Equal(expected, await WebIncidentsAsync());

        var state = new List<string>();
        await foreach (var blob in fixture.State.GetBlobsAsync(new GetBlobsOptions()))
        {
            state.Add(blob.Name);
        }

        Assert.Contains(state, name => name.Contains("web", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("notify")]
    [InlineData("digest")]
    [InlineData("analyze")]
    public async Task Timer_Invoked_Succeeds(string name)
    {
        var invocation = await fixture.Host.InvokeTimerAsync(name, isPastDue: true);

        Succeeded(invocation);
    }

    [Fact]
    public async Task Analyze_QueueDeletedSinceFirstUse_IsCreatedAgainAndEverySiteQueued()
    {
        Succeeded(await fixture.Host.InvokeTimerAsync("analyze"));
        await WorkerHostFixture.RunQueuedSitesAsync(fixture.Host, fixture.Azurite);
        var queue = new QueueClient(fixture.Azurite.ConnectionString, StorageSiteRunQueue.QueueName);
        await queue.DeleteAsync(); // storage emptied under the running app

        var invocation = await fixture.Host.InvokeTimerAsync("analyze");

        Succeeded(invocation);
        Assert.Contains($"Queue {StorageSiteRunQueue.QueueName} was gone and is created again", fixture.Host.Diagnostics, StringComparison.Ordinal);
        Assert.Equal(["smoke", "web"], (await WorkerHostFixture.RunQueuedSitesAsync(fixture.Host, fixture.Azurite)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnalyzeSite_SiteNoLongerConfigured_SucceedsSoTheMessageIsNotRetried()
    {
        var invocation = await fixture.Host.InvokeQueueAsync("analyze-site", "site-removed-since");

        Succeeded(invocation);
        Assert.Contains("site-removed-since is not configured", fixture.Host.Diagnostics, StringComparison.Ordinal);
    }

    private async Task IngestAsync(string source, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ingest/{source}")
        {
            Content = new StringContent(await File.ReadAllTextAsync(path), Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("x-functions-key", FunctionsHostEmulator.FunctionKey);
        using var response = await fixture.Host.SendAsync(request);
        Assert.True(HttpStatusCode.Accepted == response.Response.StatusCode, $"{source}: {(int)response.Response.StatusCode} {response.Body}");
    }

    /// <summary>The incidents of site "web", read through the worker's incidents function.</summary>
    private async Task<string[]> WebIncidentsAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/incidents?limit=500");
        request.Headers.Add("x-functions-key", FunctionsHostEmulator.FunctionKey);
        using var response = await fixture.Host.SendAsync(request);
        Assert.True(HttpStatusCode.OK == response.Response.StatusCode, response.Body);
        using var body = JsonDocument.Parse(response.Body);
        return body.RootElement.GetProperty("items").EnumerateArray()
            .Where(i => !i.TryGetProperty("site", out var site) || site.GetString() == "web")
            .Select(i => $"{i.GetProperty("host").GetString()} {i.GetProperty("upstream").GetString()} {i.GetProperty("cause").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private void Succeeded(InvocationResponse invocation) => Assert.True(
        invocation.Result.Status == StatusResult.Types.Status.Success,
        $"{invocation.Result.Exception?.Message}\n{invocation.Result.Exception?.StackTrace}\n{fixture.Host.Diagnostics}");
}
