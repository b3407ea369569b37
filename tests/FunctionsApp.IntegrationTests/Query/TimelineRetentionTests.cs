using System.Text.Json;
using FunctionsApp.IntegrationTests.Analysis;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsApp.IntegrationTests.Query;

/// <summary>
/// The per-minute timeline outlives the engine state's two hours: the analyzer copies each run's minutes to Azurite's
/// table service, and /api/timeline reads them back for any window within the retention, with no engine state at all.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TimelineRetentionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Timeline_DaysLaterWithoutEngineState_ReturnsTheSameMinutesFromStorage()
    {
        await using var kit = await AnalysisTestKit.StartAsync(azurite, settings: new Dictionary<string, string?> { ["Storage:TimelineRetention"] = "7.00:00:00" });
        await kit.IngestAsync("nginx-access", AnalysisTestKit.AccessLines);
        await kit.IngestAsync("nginx-error", AnalysisTestKit.ErrorLines);
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        kit.Clock.Advance(TimeSpan.FromMinutes(5));
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        var timeout = (await kit.GetAsync<JsonElement>("/api/incidents?cause=timeout")).GetProperty("items")[0];
        var upstream = Uri.EscapeDataString(timeout.GetProperty("upstream").GetString()!);
        var window = "from=2026-11-24T05:00:00Z&to=2026-11-24T06:00:00Z";
        var fromEngine = (await kit.GetAsync<JsonElement>($"/api/timeline?upstream={upstream}&bucket=1m&{window}")).GetProperty("points").GetRawText();

        // Three days on, the engine state gone: only the stored timeline can answer.
        var storage = kit.App.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var state = azurite.CreateClient().GetBlobContainerClient(storage.StateContainer);
        await foreach (var blob in state.GetBlobsAsync())
        {
            await state.DeleteBlobAsync(blob.Name);
        }

        kit.Clock.Advance(TimeSpan.FromDays(3));
        var points = await kit.GetAsync<JsonElement>($"/api/timeline?upstream={upstream}&bucket=1m&{window}");
        var fiveMinutes = await kit.GetAsync<JsonElement>($"/api/timeline?upstream={upstream}&bucket=5m&{window}");

        Assert.Equal(fromEngine, points.GetProperty("points").GetRawText());
        Assert.NotEqual(0, points.GetProperty("points").GetArrayLength());
        Assert.Equal(
            timeout.GetProperty("failedRequests").GetInt32(),
            fiveMinutes.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("gatewayErrors").GetProperty("504").GetInt64()));

        // Past the retention, the minutes are no longer served.
        kit.Clock.Advance(TimeSpan.FromDays(5));
        using var gone = await kit.App.Client.GetAsync($"/api/timeline?upstream={upstream}&bucket=1m&{window}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
    }
}
