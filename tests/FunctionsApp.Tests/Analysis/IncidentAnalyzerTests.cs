using FunctionsApp.Analysis;
using FunctionsApp.Hosting;
using FunctionsApp.Incidents;
using FunctionsApp.Ingestion;
using FunctionsApp.Metrics;
using FunctionsApp.NginxLogs;
using FunctionsApp.Notifications.Outbox;
using FunctionsApp.Notifications.Routing;
using FunctionsApp.Probes;
using FunctionsApp.Query;
using FunctionsApp.SiteConfig;
using FunctionsApp.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsApp.Tests.Analysis;

/// <summary>
/// The analysis flow without storage: the analyzer as the app composes it, over in-memory stores, reading a real
/// nginx capture (Fixtures/nginx/mixed-custom, every failure scenario of the lab against one nginx) from the archive,
/// running the engine, and writing incidents, the site's state and the notification decisions.
/// </summary>
public sealed class IncidentAnalyzerTests
{
    private static readonly string Capture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx", "mixed-custom");

    [Fact]
    public async Task RunOnceAsync_RealCapture_WritesTheEnginesIncidentsAndSavesTheCheckpoint()
    {
        var kit = new Kit();
        var access = kit.Archive.Add("nginx-access", LogKind.Access, AccessLines, kit.Received);
        var errors = kit.Archive.Add("nginx-error", LogKind.Error, ErrorLines, kit.Received);

        var result = await kit.Analyzer.RunOnceAsync(CancellationToken.None);

        var expected = Offline();
        Assert.NotEmpty(expected);
        Assert.True(result.Proceeded);
        Assert.Equal(2, result.Batches);
        Assert.Equal(AccessLines.Length + ErrorLines.Length, result.Lines);
        Assert.Equal(expected.Count, result.IncidentsWritten);
        Assert.Equal(
            expected.Select(i => (i.Upstream, i.Host, i.Cause, i.Start)).Order(),
            kit.Incidents.All.Values.Select(i => (i.Upstream, i.Host, i.Cause, i.Start)).Order());
        Assert.All(kit.Incidents.All.Values, i => Assert.Equal("web", i.Site));
        Assert.All(kit.Incidents.All.Values, i => Assert.Equal(kit.Now, i.DetectedAt));
        var saved = kit.States.Saved("web")!;
        Assert.Contains(access.BlobName, saved.Sources["nginx-access"].Read.Append(saved.Sources["nginx-access"].Below));
        Assert.Contains(errors.BlobName, saved.Sources["nginx-error"].Read.Append(saved.Sources["nginx-error"].Below));
        Assert.Equal(kit.Now, saved.LastRun);
        // Every incident was shown to the grouper, whose decisions were saved.
        Assert.NotNull(kit.Grouper.Saved);
    }

    [Fact]
    public async Task RunOnceAsync_LogsShippedDaysLate_StoreTheSameTimelineMinutesAsLogsShippedAtOnce()
    {
        var timely = new Kit();
        var late = new Kit(shippedLate: TimeSpan.FromDays(3));
        foreach (var kit in new[] { timely, late })
        {
            kit.Archive.Add("nginx-access", LogKind.Access, AccessLines, kit.Received);
            kit.Archive.Add("nginx-error", LogKind.Error, ErrorLines, kit.Received);
            await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        }

        // The capture's gateway errors are in the stored minutes, and the late run stores exactly what the timely one
        // does: the minutes are those of the lines, not of when they arrived.
        var stored = timely.Timeline.All;
        Assert.NotEmpty(timely.Incidents.All.Values);
        Assert.True(stored.Values.Sum(m => m.Status502 + m.Status503 + m.Status504) > 0, "no gateway error stored");
        Assert.Equal(stored.OrderBy(m => m.Key), late.Timeline.All.OrderBy(m => m.Key));
    }

    [Fact]
    public async Task RunOnceAsync_LaterRun_WritesOnlyTheMinutesOfTheLinesItRead_AndStoresWhatOneRunStores()
    {
        // The capture, then the same failures five minutes later: two runs five minutes apart (within the whole
        // window's rewrite period), or one run over both.
        var later = TimeSpan.FromMinutes(5);
        var twoRuns = new Kit();
        var oneRun = new Kit(shippedLate: later);
        twoRuns.Archive.Add("nginx-access", LogKind.Access, AccessLines, twoRuns.Received);
        twoRuns.Archive.Add("nginx-error", LogKind.Error, ErrorLines, twoRuns.Received);
        await twoRuns.Analyzer.RunOnceAsync(CancellationToken.None);
        var firstRunWrites = twoRuns.Timeline.Writes.Count;
        twoRuns.Clock.Advance(later);
        twoRuns.Archive.Add("nginx-access", LogKind.Access, [.. AccessLines.Select(l => ShiftAccess(l, later))], twoRuns.Received + later);
        twoRuns.Archive.Add("nginx-error", LogKind.Error, [.. ErrorLines.Select(l => ShiftError(l, later))], twoRuns.Received + later);
        await twoRuns.Analyzer.RunOnceAsync(CancellationToken.None);

        oneRun.Archive.Add("nginx-access", LogKind.Access, [.. AccessLines, .. AccessLines.Select(l => ShiftAccess(l, later))], oneRun.Received);
        oneRun.Archive.Add("nginx-error", LogKind.Error, [.. ErrorLines, .. ErrorLines.Select(l => ShiftError(l, later))], oneRun.Received);
        await oneRun.Analyzer.RunOnceAsync(CancellationToken.None);

        // The second run rewrote none of the first burst's minutes (the engine's window still holds them), and the
        // timeline ends the same as when everything was read at once.
        var firstLine = DateTimeOffset.Parse(AccessLines[0].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var secondRun = twoRuns.Timeline.Writes.Skip(firstRunWrites).ToList();
        Assert.NotEmpty(secondRun);
        Assert.All(secondRun, w => Assert.True(w.Minute >= firstLine + later - TimeSpan.FromMinutes(1), $"rewrote {w.Upstream} at {w.Minute:O}"));
        Assert.Equal(oneRun.Timeline.All.OrderBy(m => m.Key), twoRuns.Timeline.All.OrderBy(m => m.Key));
        Assert.True(twoRuns.Timeline.All.Keys.Select(k => k.Minute).Distinct().Count() >= 2, "both bursts stored");
    }

    [Fact]
    public async Task RunOnceAsync_NothingNewAfterTheRewritePeriod_RewritesTheWindow_RepairingALoweredMinute()
    {
        var kit = await AnalyzedCaptureAsync();
        var right = kit.Timeline.All.OrderBy(m => m.Key).ToList();
        var (key, minute) = right.First(m => m.Value.Requests > 0);

        // A run that lost its lease wrote late, lowering a minute; a run with nothing new, inside the period, leaves it.
        await kit.Timeline.WriteAsync(key.Site, key.Upstream, [minute with { Requests = 0 }], CancellationToken.None);
        kit.Clock.Advance(TimeSpan.FromMinutes(1));
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        Assert.Equal(0, kit.Timeline.All[key].Requests);

        kit.Clock.Advance(IncidentAnalyzer.TimelineRewriteEvery);
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        Assert.Equal(right, kit.Timeline.All.OrderBy(m => m.Key));
    }

    /// <summary>A kit whose analyzer has run once over the capture, shipped at once.</summary>
    private static async Task<Kit> AnalyzedCaptureAsync()
    {
        var kit = new Kit();
        kit.Archive.Add("nginx-access", LogKind.Access, AccessLines, kit.Received);
        kit.Archive.Add("nginx-error", LogKind.Error, ErrorLines, kit.Received);
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        return kit;
    }

    /// <summary>An access line of the capture (it begins with <c>$time_iso8601</c>) moved by <paramref name="by"/>.</summary>
    private static string ShiftAccess(string line, TimeSpan by)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var time = DateTimeOffset.Parse(line[..space], System.Globalization.CultureInfo.InvariantCulture) + by;
        return time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture) + line[space..];
    }

    /// <summary>An error line (it begins with nginx's <c>yyyy/MM/dd HH:mm:ss</c>) moved by <paramref name="by"/>.</summary>
    private static string ShiftError(string line, TimeSpan by)
    {
        var time = DateTime.ParseExact(line[..19], "yyyy/MM/dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + by;
        return time.ToString("yyyy/MM/dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + line[19..];
    }

    [Fact]
    public async Task RunOnceAsync_NothingNew_ReadsNothingAndWritesNothingNew()
    {
        var kit = await AnalyzedCaptureAsync();
        var opened = kit.Archive.Opened;
        var incidents = kit.Incidents.All.Keys.Order(StringComparer.Ordinal).ToList();

        kit.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await kit.Analyzer.RunOnceAsync(CancellationToken.None);

        Assert.Equal(0, second.Batches);
        Assert.Equal(0, second.Lines);
        Assert.Equal(opened, kit.Archive.Opened);
        Assert.Equal(incidents, kit.Incidents.All.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunOnceAsync_LeaseHeldElsewhere_SkipsWithoutReading()
    {
        var kit = new Kit();
        kit.Archive.Add("nginx-access", LogKind.Access, AccessLines, kit.Received);
        kit.States.LeaseHeldElsewhere = true;

        var result = await kit.Analyzer.RunOnceAsync(CancellationToken.None);

        Assert.False(result.Proceeded);
        Assert.Equal(0, kit.Archive.Opened);
        Assert.Equal(0, kit.States.Saves);
        Assert.Empty(kit.Incidents.All);
    }

    private static readonly Dictionary<string, string?> SecondSite = new()
    {
        ["Ingestion:Sources:shop-access:Kind"] = "Access",
        ["Ingestion:Sources:shop-access:Format"] = CustomFormat,
        ["Ingestion:Sources:shop-access:Site"] = "shop",
    };

    [Fact]
    public async Task RunSiteOnceAsync_OneOfTwoSites_AnalyzesThatSiteAsARunOfAllDoes_AndLeavesTheOther()
    {
        var kit = new Kit(settings: SecondSite);
        kit.Archive.Add("nginx-access", LogKind.Access, AccessLines, kit.Received);
        kit.Archive.Add("nginx-error", LogKind.Error, ErrorLines, kit.Received);
        kit.Archive.Add("shop-access", LogKind.Access, AccessLines, kit.Received);

        var result = await kit.Analyzer.RunSiteOnceAsync("web", CancellationToken.None);

        Assert.Equal(["shop", "web"], await kit.Analyzer.SiteNamesAsync(CancellationToken.None));
        Assert.Equal(["web"], result.SitesAnalyzed);
        Assert.Equal(AccessLines.Length + ErrorLines.Length, result.Lines);
        Assert.Equal(
            Offline().Select(i => (i.Upstream, i.Host, i.Cause, i.Start)).Order(),
            kit.Incidents.All.Values.Select(i => (i.Upstream, i.Host, i.Cause, i.Start)).Order());
        Assert.Null(kit.States.Saved("shop"));
    }

    [Fact]
    public async Task RunSiteOnceAsync_SiteNotConfigured_ReadsAndSavesNothing()
    {
        var kit = new Kit();
        kit.Archive.Add("nginx-access", LogKind.Access, AccessLines, kit.Received);

        var result = await kit.Analyzer.RunSiteOnceAsync("gone", CancellationToken.None);

        Assert.Empty(result.SitesAnalyzed);
        Assert.Equal(0, kit.Archive.Opened);
        Assert.Equal(0, kit.States.Saves);
    }

    [Fact]
    public async Task AnalyzeTimer_FanOutQueue_QueuesEverySiteAndAnalyzesNone()
    {
        var kit = new Kit(settings: new Dictionary<string, string?>(SecondSite) { ["Analysis:FanOut"] = "Queue" }, mode: HostingMode.FunctionsHost);
        kit.Archive.Add("nginx-access", LogKind.Access, AccessLines, kit.Received);
        var timer = kit.Services.GetServices<ITimerFunction>().Single(f => f.Name == AnalyzeFunction.FunctionName);

        await timer.RunAsync(new TimerInfo(new TimerSchedule(AdjustForDST: false), null, IsPastDue: false), CancellationToken.None);

        Assert.Equal([["shop", "web"]], kit.SiteRuns.Queued);
        Assert.Equal(0, kit.Archive.Opened);
        Assert.Empty(kit.Incidents.All);
    }

    [Fact]
    public void Options_FanOutQueueOnTheStandaloneHost_FailsWithTheReason()
    {
        var kit = new Kit(settings: new Dictionary<string, string?> { ["Analysis:FanOut"] = "Queue" });

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => kit.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AnalysisOptions>>().Value);

        Assert.Contains("Analysis:FanOut Queue needs the Functions host", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnceAsync_NotificationDecisionFails_KeepsTheStateUnsaved_AndTheNextRunDecidesTheSameIncidents()
    {
        var kit = new Kit();
        kit.Archive.Add("nginx-access", LogKind.Access, AccessLines, kit.Received);
        kit.Archive.Add("nginx-error", LogKind.Error, ErrorLines, kit.Received);
        kit.Grouper.Failing = true;

        await Assert.ThrowsAnyAsync<Exception>(() => kit.Analyzer.RunOnceAsync(CancellationToken.None));

        Assert.Equal(0, kit.States.Saves);
        var firstIds = kit.Incidents.All.Keys.Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(firstIds);

        kit.Grouper.Failing = false;
        kit.Clock.Advance(TimeSpan.FromMinutes(1));
        var retry = await kit.Analyzer.RunOnceAsync(CancellationToken.None);

        // The batches are read again (the checkpoint was not saved) and give the same incidents, now decided on.
        Assert.Equal(2, retry.Batches);
        Assert.Equal(firstIds, kit.Incidents.All.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, kit.States.Saves);
        Assert.NotNull(kit.Grouper.Saved);
    }

    [Fact]
    public async Task RunOnceAsync_BatchStoredWithItsOwnFormat_IsReadWithIt()
    {
        // The source says "combined", but the shipper sent ?format= with the capture's own log_format: the batch's
        // format wins, so its lines parse (with "combined" every line of this capture is malformed).
        var kit = new Kit(accessFormat: "combined");
        kit.Archive.Add("nginx-access", LogKind.Access, AccessLines, kit.Received, format: CustomFormat);
        kit.Archive.Add("nginx-error", LogKind.Error, ErrorLines, kit.Received);

        await kit.Analyzer.RunOnceAsync(CancellationToken.None);

        var engine = kit.States.Saved("web")!.Engine;
        Assert.Equal(Offline().Count, kit.Incidents.All.Count);
        Assert.NotEmpty(kit.Incidents.All);
        Assert.NotNull(engine.AccessWatermark);
    }

    private static string[] AccessLines => File.ReadAllLines(Path.Combine(Capture, "access.log"));

    private static string[] ErrorLines => File.ReadAllLines(Path.Combine(Capture, "error.log"));

    private static string CustomFormat
    {
        get
        {
            using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx", "formats.json")));
            return manifest.RootElement.GetProperty("formats").GetProperty("custom").GetProperty("declaration").GetString()!;
        }
    }

    /// <summary>What the engine finds in the whole capture, read offline (as <c>analyze</c> does).</summary>
    private static List<Incident> Offline()
    {
        Assert.True(AccessLogFormat.TryCompile(CustomFormat, out var format, out var error), error);
        var report = LogAnalyzer.Analyze(
            [new LogInput("access.log", () => File.OpenRead(Path.Combine(Capture, "access.log")))],
            [new LogInput("error.log", () => File.OpenRead(Path.Combine(Capture, "error.log")))],
            format,
            new DiagnosisOptions(),
            CancellationToken.None);
        return [.. report.Incidents];
    }

    /// <summary>The analyzer as the app composes it, over in-memory stores and a fake clock past the capture's end.</summary>
    private sealed class Kit
    {
        public Kit(string? accessFormat = null, TimeSpan shippedLate = default, IReadOnlyDictionary<string, string?>? settings = null, HostingMode mode = HostingMode.Standalone)
        {
            // The capture's log_format starts each line with $time_iso8601.
            var last = DateTimeOffset.Parse(File.ReadLines(Path.Combine(Capture, "access.log")).Last().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            Received = last + shippedLate + TimeSpan.FromSeconds(5);
            // Past the grace period, so every incident of the capture has ended by the run.
            Clock = new FakeTimeProvider(last + shippedLate + TimeSpan.FromMinutes(15));
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
                ["Ingestion:Sources:nginx-access:Kind"] = "Access",
                ["Ingestion:Sources:nginx-access:Format"] = accessFormat ?? CustomFormat,
                ["Ingestion:Sources:nginx-access:Site"] = "web",
                ["Ingestion:Sources:nginx-error:Kind"] = "Error",
                ["Ingestion:Sources:nginx-error:Site"] = "web",
            }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(configuration);
            AppHost.AddApp(services, configuration, mode);
            services.AddSingleton<ISiteRunQueue>(SiteRuns);
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            services.Replace(ServiceDescriptor.Singleton<ILogArchive>(Archive));
            services.Replace(ServiceDescriptor.Singleton<IAnalyzerStateStore>(States));
            services.Replace(ServiceDescriptor.Singleton<IIncidentStore>(Incidents));
            services.Replace(ServiceDescriptor.Singleton<ITimelineStore>(Timeline));
            services.Replace(ServiceDescriptor.Singleton<IGrouperStateStore>(Grouper));
            services.Replace(ServiceDescriptor.Singleton<INotificationOutbox>(new InMemoryOutbox()));
            services.Replace(ServiceDescriptor.Singleton<IProbeStore>(new InMemoryProbeStore()));
            services.Replace(ServiceDescriptor.Singleton<INginxConfigStore>(new InMemoryNginxConfigStore()));
            services.Replace(ServiceDescriptor.Singleton<IMetricsCorrelator>(new NoMetricsCorrelator()));
            Services = services.BuildServiceProvider();
            Analyzer = Services.GetRequiredService<IncidentAnalyzer>();
        }

        public ServiceProvider Services { get; }

        public RecordingSiteRunQueue SiteRuns { get; } = new();

        public FakeTimeProvider Clock { get; }

        public DateTimeOffset Now => Clock.GetUtcNow();

        public DateTimeOffset Received { get; }

        public InMemoryLogArchive Archive { get; } = new();

        public InMemoryAnalyzerStateStore States { get; } = new();

        public InMemoryIncidentStore Incidents { get; } = new();

        public InMemoryTimelineStore Timeline { get; } = new();

        public InMemoryGrouperStateStore Grouper { get; } = new();

        public IncidentAnalyzer Analyzer { get; }
    }
}

/// <summary>The analyze timer's fan-out target, recording each call's sites.</summary>
internal sealed class RecordingSiteRunQueue : ISiteRunQueue
{
    public List<string[]> Queued { get; } = [];

    public Task QueueAsync(IReadOnlyList<string> sites, CancellationToken cancellationToken)
    {
        Queued.Add([.. sites]);
        return Task.CompletedTask;
    }
}
