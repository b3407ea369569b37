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
/// Two analyzer instances on one Azurite and several sites (the same real-nginx capture shipped by each): each
/// instance's first state save waits until the other's has arrived too, so both are analyzing a site at the same moment;
/// they must hold different sites, every line must be analyzed once across the two, and the incidents must equal what
/// one instance alone writes from the same batches.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScaleOutAnalyzerTests(AzuriteFixture azurite)
{
    private const int Sites = 4;

    [Fact]
    public async Task RunOnce_TwoInstancesSeveralSites_AnalyzeDifferentSitesAtOnceAndEqualOneInstance()
    {
        var barrier = new FirstSaveBarrier(parties: 2);
        var settings = SiteSettings();
        await using var a = await AnalysisTestKit.StartAsync(azurite, s => s.AddSingleton<HttpPipelinePolicy>(barrier.For("a")), settings);
        var storage = a.App.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var shared = new Dictionary<string, string?>(settings)
        {
            ["Storage:LogsContainer"] = storage.LogsContainer,
            ["Storage:StateContainer"] = storage.StateContainer,
            ["Storage:IncidentsContainer"] = storage.IncidentsContainer,
            ["Storage:IncidentIndexTable"] = storage.IncidentIndexTable,
            ["Storage:TimelineTable"] = storage.TimelineTable,
        };
        await using var b = await AnalysisTestKit.StartAsync(azurite, s => s.AddSingleton<HttpPipelinePolicy>(barrier.For("b")), shared, a.Clock.GetUtcNow());
        await using var alone = await AnalysisTestKit.StartAsync(azurite, settings: SiteSettings(), now: a.Clock.GetUtcNow());
        for (var site = 0; site < Sites; site++)
        {
            foreach (var kit in new[] { a, alone })
            {
                await kit.IngestAsync($"s{site}-access", AnalysisTestKit.AccessLines);
                await kit.IngestAsync($"s{site}-error", AnalysisTestKit.ErrorLines);
            }
        }

        // Ten minutes on, every incident of the capture has ended.
        foreach (var kit in new[] { a, b, alone })
        {
            kit.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        var runs = await Task.WhenAll(a.Analyzer.RunOnceAsync(CancellationToken.None), b.Analyzer.RunOnceAsync(CancellationToken.None));
        var single = await alone.Analyzer.RunOnceAsync(CancellationToken.None);

        // Both were inside a site's run at once, on different sites.
        var met = barrier.Met;
        Assert.True(met.Count == 2, $"the instances did not overlap: {string.Join(", ", met.Select(m => $"{m.Key}={m.Value}"))}");
        Assert.NotEqual(met["a"], met["b"]);
        Assert.All(runs, r => Assert.True(r.Proceeded && r.SitesAnalyzed.Count > 0 && !r.LostLease));

        // Every site analyzed, every line once.
        Assert.Equal(Sites + 1, runs.SelectMany(r => r.SitesAnalyzed).Distinct().Count()); // the kit's own "web" site too
        Assert.Equal(single.Lines, runs.Sum(r => r.Lines));
        Assert.Equal(single.Batches, runs.Sum(r => r.Batches));
        Assert.Equal(2 * Sites, single.Batches);
        var again = await Task.WhenAll(a.Analyzer.RunOnceAsync(CancellationToken.None), b.Analyzer.RunOnceAsync(CancellationToken.None));
        Assert.All(again, r => Assert.Equal(0, r.Lines));

        // The same incidents as one instance.
        var expected = Project(await alone.IncidentsAsync());
        Assert.True(expected.Count >= Sites * 10, $"only {expected.Count} incidents");
        Assert.Equal(expected, Project(await a.IncidentsAsync()));
        Assert.Equal(Sites, expected.Select(i => i.Site).Distinct().Count());
    }

    private static Dictionary<string, string?> SiteSettings()
    {
        var settings = new Dictionary<string, string?>();
        for (var site = 0; site < Sites; site++)
        {
            settings[$"Ingestion:Sources:s{site}-access:Kind"] = "Access";
            settings[$"Ingestion:Sources:s{site}-access:Format"] = AnalysisTestKit.CustomFormat;
            settings[$"Ingestion:Sources:s{site}-access:Site"] = $"site{site}";
            settings[$"Ingestion:Sources:s{site}-error:Kind"] = "Error";
            settings[$"Ingestion:Sources:s{site}-error:Site"] = $"site{site}";
        }

        return settings;
    }

    private static List<(string Id, string? Site, IncidentState State, IncidentCause Cause, DateTimeOffset Start, DateTimeOffset End, int Failed)> Project(
        SortedDictionary<string, Incident> incidents) =>
        [.. incidents.Values.Select(i => (i.Id, i.Site, i.State, i.Cause, i.Start, i.End, i.FailedRequests))];

    /// <summary>
    /// Holds each instance's first site-state save (a PUT of <c>sites/….json.gz</c>) until every instance has reached
    /// its own, noting which site each one was saving; gives up waiting after a minute so a failure cannot hang.
    /// </summary>
    private sealed class FirstSaveBarrier(int parties)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, string> _met = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Dictionary<string, string> Met
        {
            get
            {
                lock (_gate)
                {
                    return new Dictionary<string, string>(_met, StringComparer.Ordinal);
                }
            }
        }

        public HttpPipelinePolicy For(string instance) => new Policy(this, instance);

        private async ValueTask ArriveAsync(string instance, string path)
        {
            lock (_gate)
            {
                if (!_met.TryAdd(instance, path[(path.LastIndexOf('/') + 1)..]))
                {
                    return;
                }

                if (_met.Count == parties)
                {
                    _all.TrySetResult();
                }
            }

            await _all.Task.WaitAsync(TimeSpan.FromMinutes(1)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        private static bool IsStateSave(HttpMessage message) =>
            message.Request.Method == RequestMethod.Put
            && message.Request.Uri.Path.Contains("/sites/", StringComparison.Ordinal)
            && message.Request.Uri.Path.EndsWith(".json.gz", StringComparison.Ordinal);

        private sealed class Policy(FirstSaveBarrier barrier, string instance) : HttpPipelinePolicy
        {
            public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
            {
                if (IsStateSave(message))
                {
                    await barrier.ArriveAsync(instance, message.Request.Uri.Path);
                }

                await ProcessNextAsync(message, pipeline);
            }

            public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
            {
                if (IsStateSave(message))
                {
                    barrier.ArriveAsync(instance, message.Request.Uri.Path).AsTask().GetAwaiter().GetResult();
                }

                ProcessNext(message, pipeline);
            }
        }
    }
}
