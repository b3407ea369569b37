using Azure.Core;
using Azure.Core.Pipeline;
using FunctionsApp.Incidents;
using FunctionsApp.IntegrationTests.Analysis;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsApp.IntegrationTests.Reliability;

/// <summary>
/// Two analyzer instances on one Azurite. Instance A's storage turns slow while it writes an incident, long enough for
/// its lease to expire; instance B, ten minutes later by its clock, takes the lease and writes every incident
/// resolved. A's write, landing afterwards, must not overwrite B's: A stops, and what B wrote stands.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FencedAnalyzerTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task RunOnce_SlowWriteOutlastsTheLease_LaterRunsIncidentsStand()
    {
        var slow = new SlowIncidentWrites(Lease + TimeSpan.FromSeconds(8));
        var settings = new Dictionary<string, string?> { ["Analysis:LeaseDuration"] = "00:00:15" };
        await using var a = await AnalysisTestKit.StartAsync(azurite, s => s.AddSingleton<HttpPipelinePolicy>(slow), settings);
        var storage = a.App.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var shared = new Dictionary<string, string?>(settings)
        {
            ["Storage:LogsContainer"] = storage.LogsContainer,
            ["Storage:StateContainer"] = storage.StateContainer,
            ["Storage:IncidentsContainer"] = storage.IncidentsContainer,
            ["Storage:IncidentIndexTable"] = storage.IncidentIndexTable,
            ["Storage:TimelineTable"] = storage.TimelineTable,
        };
        await using var b = await AnalysisTestKit.StartAsync(azurite, settings: shared, now: a.Clock.GetUtcNow() + TimeSpan.FromMinutes(10));
        await a.IngestAsync("nginx-access", AnalysisTestKit.AccessLines);
        await a.IngestAsync("nginx-error", AnalysisTestKit.ErrorLines);

        slow.Armed = true;
        var runA = a.Analyzer.RunOnceAsync(CancellationToken.None);
        await slow.Delaying.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await Task.Delay(Lease + TimeSpan.FromSeconds(2)); // A's lease expires while its write hangs
        var runB = await b.Analyzer.RunOnceAsync(CancellationToken.None);
        var writtenByB = await b.IncidentsAsync();
        var resultA = await runA;
        var final = await b.IncidentsAsync();

        Assert.True(runB.Proceeded);
        Assert.True(resultA.LostLease);
        Assert.True(writtenByB.Count >= 10, $"only {writtenByB.Count} incidents");
        Assert.All(writtenByB.Values, i => Assert.Equal(IncidentState.Resolved, i.State));
        Assert.Equal(writtenByB.Keys, final.Keys);
        Assert.All(final, pair => Assert.Equal((writtenByB[pair.Key].State, writtenByB[pair.Key].UpdatedAt), (pair.Value.State, pair.Value.UpdatedAt)));

        // The instance that lost runs again later and proceeds normally from what B saved.
        a.Clock.Advance(TimeSpan.FromMinutes(20));
        slow.Armed = false;
        var again = await a.Analyzer.RunOnceAsync(CancellationToken.None);
        Assert.True(again.Proceeded);
        Assert.False(again.LostLease);
        Assert.All((await a.IncidentsAsync()).Values, i => Assert.Equal(IncidentState.Resolved, i.State));
    }

    /// <summary>Holds the first incident upload (before it reaches storage) for <paramref name="delay"/> when armed.</summary>
    private sealed class SlowIncidentWrites(TimeSpan delay) : HttpPipelinePolicy
    {
        public volatile bool Armed;

        public TaskCompletionSource Delaying { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Take(message))
            {
                Delaying.TrySetResult();
                await Task.Delay(delay);
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Take(message))
            {
                Delaying.TrySetResult();
                Thread.Sleep(delay);
            }

            ProcessNext(message, pipeline);
        }

        private bool Take(HttpMessage message)
        {
            if (!Armed || message.Request.Method != RequestMethod.Put || !message.Request.Uri.Path.Contains("/incidents-", StringComparison.Ordinal))
            {
                return false;
            }

            Armed = false;
            return true;
        }
    }
}
