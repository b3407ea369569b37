using System.Globalization;
using System.Text;
using Azure;
using FunctionsApp.Analysis;
using FunctionsApp.Incidents;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.NginxLogs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FunctionsApp.IntegrationTests.Analysis;

/// <summary>
/// The checkpointed analyze timer on real Azurite over a real nginx capture: batches split across runs give the
/// incidents of one run; a crash before the checkpoint duplicates nothing; only one run proceeds at a time.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AnalyzerRunTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunOnce_TwoRunsOverConsecutiveBatches_SameIncidentsAsOneRun()
    {
        var access = AnalysisTestKit.AccessLines;
        var errors = AnalysisTestKit.ErrorLines;

        await using var whole = await AnalysisTestKit.StartAsync(azurite);
        await whole.IngestAsync("nginx-access", access);
        await whole.IngestAsync("nginx-error", errors);
        await whole.RunTwiceAsync();

        await using var split = await AnalysisTestKit.StartAsync(azurite);
        await split.IngestAsync("nginx-access", access[..(access.Length / 2)]);
        await split.IngestAsync("nginx-error", errors[..(errors.Length / 2)]);
        var first = await split.Analyzer.RunOnceAsync(CancellationToken.None);
        await split.IngestAsync("nginx-access", access[(access.Length / 2)..]);
        await split.IngestAsync("nginx-error", errors[(errors.Length / 2)..]);
        var second = await split.Analyzer.RunOnceAsync(CancellationToken.None);
        split.Clock.Advance(TimeSpan.FromMinutes(10));
        await split.Analyzer.RunOnceAsync(CancellationToken.None);

        Assert.Equal(2, first.Batches);
        Assert.Equal(2, second.Batches);
        var actual = await split.IncidentsAsync();
        AnalysisTestKit.AssertSameIncidents(await whole.IncidentsAsync(), actual);
        Assert.All(actual.Values, incident => Assert.Equal((IncidentState.Resolved, "web"), (incident.State, incident.Site)));
    }

    /// <summary>
    /// Same logs, same incidents: the capture shipped as a shipper would (both logs in time order, cut into batches of
    /// random size at random moments, each run seeing what has arrived), over many runs with the clock a little behind
    /// the logs, gives the incidents `analyze` finds in one pass over the whole files.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(23)]
    public async Task RunOnce_RandomBatchesOverManyRuns_ConcludeWhatAnalyzeConcludes(int seed)
    {
        var access = AnalysisTestKit.AccessLines;
        var errors = AnalysisTestKit.ErrorLines;
        var accessTimes = access.Select(l => DateTimeOffset.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture)).ToArray();
        var errorTimes = errors.Select(l => DateTimeOffset.ParseExact(l[..19], "yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)).ToArray();
        var random = new Random(seed);
        await using var kit = await AnalysisTestKit.StartAsync(azurite, now: accessTimes[0]);

        var (a, e) = (0, 0);
        var cut = accessTimes[0];
        while (a < access.Length || e < errors.Length)
        {
            cut += TimeSpan.FromSeconds(random.Next(1, 40));
            a = await ShipUntilAsync(kit, "nginx-access", access, accessTimes, a, cut, random);
            e = await ShipUntilAsync(kit, "nginx-error", errors, errorTimes, e, cut, random);
            kit.Clock.SetUtcNow(Max(kit.Clock.GetUtcNow(), cut + TimeSpan.FromSeconds(random.Next(1, 20))));
            await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        }

        kit.Clock.Advance(TimeSpan.FromMinutes(15));
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);

        await AssertConcludesWhatAnalyzeConcludesAsync(kit, access, errors);
    }

    /// <summary>
    /// A backfill shipped one log at a time (a shipper sending the two files separately, or catching up after an
    /// outage), with a run between them: the first log's failed requests wait for the other log's lines of the same
    /// minutes, however old, and the incidents are those `analyze` finds in the two files together.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunOnce_RunLandsBetweenTheTwoLogsOfABackfill_ConcludesWhatAnalyzeConcludes(bool errorLogFirst)
    {
        var access = AnalysisTestKit.AccessLines;
        var errors = AnalysisTestKit.ErrorLines;
        await using var kit = await AnalysisTestKit.StartAsync(azurite, now: AnalysisTestKit.LastTime() + TimeSpan.FromDays(1));
        (string Source, string[] Lines)[] order = errorLogFirst
            ? [("nginx-error", errors), ("nginx-access", access)]
            : [("nginx-access", access), ("nginx-error", errors)];

        // (An error log alone waits anyway: its local times need the zone the access log tells.)
        await kit.IngestAsync(order[0].Source, order[0].Lines);
        var first = await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        kit.Clock.Advance(TimeSpan.FromSeconds(30));
        await kit.IngestAsync(order[1].Source, order[1].Lines);
        var second = await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        Assert.Equal((errorLogFirst ? 0 : 1, 2), (first.Batches, first.Batches + second.Batches));
        kit.Clock.Advance(TimeSpan.FromMinutes(15));
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);

        await AssertConcludesWhatAnalyzeConcludesAsync(kit, access, errors);
    }

    /// <summary>The service's incidents are the ones offline `analyze` finds in the two logs, each stored once.</summary>
    private static async Task AssertConcludesWhatAnalyzeConcludesAsync(AnalysisTestKit kit, string[] access, string[] errors)
    {
        Assert.True(AccessLogFormat.TryCompile(AnalysisTestKit.CustomFormat, out var format, out _));
        var offline = LogAnalyzer.Analyze(
            [new LogInput("access", () => new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', access) + "\n")))],
            [new LogInput("error", () => new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', errors) + "\n")))],
            format, new DiagnosisOptions(), CancellationToken.None);
        var service = await kit.IncidentsAsync();
        Assert.True(offline.Incidents.Count >= 10, $"only {offline.Incidents.Count} incidents");
        Assert.Equal(
            offline.Incidents.Select(Summary).Order(StringComparer.Ordinal),
            service.Values.Select(Summary).Order(StringComparer.Ordinal));
        Assert.Equal(service.Count, service.Values.Select(i => i.Id).Distinct().Count());

        // The service's ids also name the site; the rest is what analyze found.
        static string Summary(Incident i) => $"{i.Upstream} {i.Host} {i.Cause} {i.Status} {i.FailedRequests}/{i.FailedTriesRecovered} {i.Start:O} {i.End:O}";
    }

    private static async Task<int> ShipUntilAsync(AnalysisTestKit kit, string source, string[] lines, DateTimeOffset[] times, int from, DateTimeOffset cut, Random random)
    {
        var to = from;
        while (to < lines.Length && times[to] <= cut)
        {
            to++;
        }

        while (from < to)
        {
            var size = Math.Min(to - from, random.Next(1, 40));
            await kit.IngestAsync(source, lines[from..(from + size)]);
            from += size;
        }

        return to;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [Fact]
    public async Task RunOnce_CrashAfterWritingIncidentsBeforeCheckpoint_DuplicatesNothing()
    {
        var failSaves = new FailOnceStateStore();
        await using var kit = await AnalysisTestKit.StartAsync(azurite, services =>
        {
            services.AddSingleton<BlobAnalyzerStateStore>();
            services.Replace(ServiceDescriptor.Singleton<IAnalyzerStateStore>(provider =>
                failSaves.Wrap(provider.GetRequiredService<BlobAnalyzerStateStore>())));
        });
        await kit.IngestAsync("nginx-access", AnalysisTestKit.AccessLines);
        await kit.IngestAsync("nginx-error", AnalysisTestKit.ErrorLines);

        await Assert.ThrowsAsync<RequestFailedException>(() => kit.Analyzer.RunOnceAsync(CancellationToken.None));
        var afterCrash = await kit.IncidentsAsync();
        var retry = await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        var afterRetry = await kit.IncidentsAsync();
        var next = await kit.Analyzer.RunOnceAsync(CancellationToken.None);

        Assert.NotEmpty(afterCrash);
        Assert.Equal(2, retry.Batches); // read again: the checkpoint had not moved
        Assert.Equal(afterCrash.Keys, afterRetry.Keys);
        Assert.All(afterRetry, pair => Assert.Equal(afterCrash[pair.Key].FailedRequests, pair.Value.FailedRequests));
        Assert.Equal(0, next.Batches); // and now it has
    }

    [Fact]
    public async Task RunOnce_WhileAnotherRunHoldsTheSitesLease_DoesNotProceed()
    {
        await using var kit = await AnalysisTestKit.StartAsync(azurite);
        var states = kit.App.Services.GetRequiredService<IAnalyzerStateStore>();

        await using (var held = await states.TryAcquireSiteLeaseAsync("web", TimeSpan.FromSeconds(30), CancellationToken.None))
        {
            Assert.NotNull(held);
            var blocked = await kit.Analyzer.RunOnceAsync(CancellationToken.None);
            Assert.False(blocked.Proceeded);
            Assert.Equal(1, blocked.SitesSkipped);
        }

        var runs = await Task.WhenAll(kit.Analyzer.RunOnceAsync(CancellationToken.None), kit.Analyzer.RunOnceAsync(CancellationToken.None));
        Assert.Contains(runs, r => r.Proceeded);
        Assert.True((await kit.Analyzer.RunOnceAsync(CancellationToken.None)).Proceeded);
    }

    /// <summary>Throws on the first save, as if the instance died between writing incidents and saving the checkpoint.</summary>
    private sealed class FailOnceStateStore
    {
        private int _saves;

        public IAnalyzerStateStore Wrap(IAnalyzerStateStore inner) => new Store(inner, this);

        private sealed class Store(IAnalyzerStateStore inner, FailOnceStateStore owner) : IAnalyzerStateStore
        {
            public Task<VersionedSiteState> LoadAsync(string site, CancellationToken cancellationToken) => inner.LoadAsync(site, cancellationToken);

            public Task SaveAsync(VersionedSiteState state, CancellationToken cancellationToken) =>
                Interlocked.Increment(ref owner._saves) == 1
                    ? throw new RequestFailedException(503, "simulated crash before the checkpoint")
                    : inner.SaveAsync(state, cancellationToken);

            public IAsyncEnumerable<SiteState> LoadAllAsync(CancellationToken cancellationToken) => inner.LoadAllAsync(cancellationToken);

            public Task<IRunLease?> TryAcquireSiteLeaseAsync(string site, TimeSpan duration, CancellationToken cancellationToken) =>
                inner.TryAcquireSiteLeaseAsync(site, duration, cancellationToken);
        }
    }
}
