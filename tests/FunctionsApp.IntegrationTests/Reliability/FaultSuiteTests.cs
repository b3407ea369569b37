using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Azure.Storage.Blobs;
using FunctionsApp.IntegrationTests.Analysis;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Reliability.FaultSuite;
using Xunit.Abstractions;

namespace FunctionsApp.IntegrationTests.Reliability;

/// <summary>
/// The fault suite: two app processes on one Azurite, several sites shipping both logs live through shipper-like
/// clients (in-order batches, resent with the same <c>Idempotency-Key</c> until acknowledged), the apps killed with
/// SIGKILL at random moments and restarted, and storage cut once (every connection frozen through <see cref="FaultProxy"/>;
/// Azurite itself is never killed: it would lose its last seconds of writes). Then: every acknowledged line is stored
/// exactly once, the analyzer (both instances' timers, per-site leases) read every line exactly once, and the service's
/// incidents equal what offline <c>analyze</c> finds in the same lines.
/// </summary>
/// <remarks>
/// The schedule (lines, outages, kill and cut times) comes from one seed, printed with any failure; rerun it with
/// <c>FAULT_SEED</c>. <c>FAULT_SECONDS</c> sets how many seconds of logs are shipped (default 40; <c>bench/fault-soak</c>
/// runs minutes). Lines are stamped <see cref="ShipDelay"/> before they are sent, as a shipper that batches and
/// flushes late does: the analyzer then waits about twice that for a late batch, so a batch held up by a kill or the
/// cut still arrives before the analyzer has moved past its lines.
/// </remarks>
[Collection(AzuriteCollection.Name)]
public sealed class FaultSuiteTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Sites = 3;
    private static readonly TimeSpan ShipDelay = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Ingest_KillsStorageCutTwoInstances_EveryAcknowledgedLineStoredAndAnalyzedOnceAndOfflineAgrees()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FAULT_SEED"), CultureInfo.InvariantCulture, out var given) ? given : Random.Shared.Next();
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("FAULT_SECONDS"), CultureInfo.InvariantCulture, out var length) ? length : 40;
        output.WriteLine($"FAULT_SEED={seed} FAULT_SECONDS={seconds}");
        var report = new List<string>();
        try
        {
            await RunAsync(seed, seconds, report);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Fault suite failed with FAULT_SEED={seed} FAULT_SECONDS={seconds}: {ex.Message}\n{string.Join('\n', report)}", ex);
        }

        foreach (var line in report)
        {
            output.WriteLine(line);
        }
    }

    private async Task RunAsync(int seed, int seconds, List<string> report)
    {
        var random = new Random(seed);
        var suffix = Guid.NewGuid().ToString("N")[..10];
        // The cut freezes both services the app uses: blobs (batches, state, incidents) and tables (index, timeline).
        await using var proxy = new FaultProxy(azurite.Port);
        await using var tableProxy = new FaultProxy(azurite.TablePort);
        var settings = Settings(proxy.ConnectionString(azurite, tableProxy), suffix);
        await using var a = new AppProcess("a", settings);
        await using var b = new AppProcess("b", settings);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 240));
        await Task.WhenAll(a.StartAsync(timeout.Token), b.StartAsync(timeout.Token));
        AppProcess[] instances = [a, b];

        var logStart = TimeProvider.System.GetUtcNow() - ShipDelay; // the first batch, sent a second from now, is ShipDelay late
        logStart = new DateTimeOffset(logStart.Ticks - (logStart.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var traffic = Enumerable.Range(0, Sites).Select(i => SiteTraffic.Generate(i, random, logStart, seconds, Quiet + TimeSpan.FromSeconds(5))).ToList();
        var shippers = traffic.SelectMany(t => new[]
        {
            new Shipper($"{t.Site}-access", t.Access, instances, $"{seed}-{suffix}"),
            new Shipper($"{t.Site}-error", t.Error, instances, $"{seed}-{suffix}"),
        }).ToList();

        // The faults: one storage cut somewhere in the middle, kills before and after it.
        var cutAt = TimeSpan.FromSeconds(random.Next(seconds / 3, (2 * seconds / 3) + 1));
        var cutFor = TimeSpan.FromSeconds(random.Next(5, 10));
        var kills = new List<(TimeSpan At, int Instance, TimeSpan Down)>();
        for (var at = TimeSpan.FromSeconds(random.Next(2, 6)); at < TimeSpan.FromSeconds(seconds); at += TimeSpan.FromSeconds(random.Next(3, 9)))
        {
            if (at < cutAt - TimeSpan.FromSeconds(2) || at > cutAt + cutFor + TimeSpan.FromSeconds(2))
            {
                kills.Add((at, random.Next(2), TimeSpan.FromMilliseconds(random.Next(200, 2000))));
            }
        }

        report.Add($"{Sites} sites, {seconds} s of logs from {logStart:O}, {traffic.Sum(t => t.Access.Sum(x => x.Lines.Count) + t.Error.Sum(x => x.Lines.Count))} lines; "
            + $"storage cut at {cutAt.TotalSeconds} s for {cutFor.TotalSeconds} s; kills at {string.Join(", ", kills.Select(k => $"{k.At.TotalSeconds:0.#}s:{instances[k.Instance].Name}"))}");
        var clock = Stopwatch.StartNew();
        var shipping = Task.WhenAll(shippers.Select(s => s.RunAsync(clock, timeout.Token)));
        var faults = Task.Run(() => InjectAsync(clock, [proxy, tableProxy], instances, kills, cutAt, cutFor, timeout.Token), timeout.Token);
        await Task.WhenAll(shipping, faults).WaitAsync(timeout.Token);
        report.Add($"shipped in {clock.Elapsed.TotalSeconds:0} s: {shippers.Sum(s => s.Attempts)} attempts, {shippers.Sum(s => s.Duplicates)} answered duplicate; "
            + $"starts a={a.Starts} b={b.Starts}");

        var offline = await OfflineIncidentsAsync(traffic, timeout.Token);

        // Stored exactly once: every acknowledged line is in exactly one stored batch, and nothing else is stored.
        var service = azurite.CreateClient();
        var logs = service.GetBlobContainerClient("logs-" + suffix);
        foreach (var shipper in shippers)
        {
            var stored = await BatchBlobs.ReadAllLinesAsync(logs, $"raw/{shipper.Source}/");
            Assert.Equal(shipper.Acknowledged.Count, shipper.Acknowledged.Distinct(StringComparer.Ordinal).Count());
            Assert.True(stored.Count == shipper.Acknowledged.Count, $"{shipper.Source}: {stored.Count} lines stored, {shipper.Acknowledged.Count} acknowledged");
            Assert.Equal(shipper.Acknowledged.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        }

        // Analyzed exactly once (the sites' saved line counts reach the shipped counts and do not pass them), and the
        // incidents equal offline analyze's once all have ended.
        var state = service.GetBlobContainerClient("state-" + suffix);
        var expectedLines = traffic.ToDictionary(t => t.Site, t => (long)(t.Access.Sum(x => x.Lines.Count) + t.Error.Sum(x => x.Lines.Count)), StringComparer.Ordinal);
        Dictionary<string, long> analyzed = [];
        List<string> incidents = [];
        var settle = Stopwatch.StartNew();
        while (true)
        {
            analyzed = await AnalyzedLinesAsync(state, timeout.Token);
            incidents = await ServiceIncidentsAsync(a, timeout.Token);
            if (analyzed.Count == Sites && analyzed.All(s => s.Value >= expectedLines[s.Key]) && incidents.SequenceEqual(offline))
            {
                break;
            }

            if (settle.Elapsed > TimeSpan.FromSeconds(150))
            {
                break; // the asserts below say what differs
            }

            await Task.Delay(TimeSpan.FromSeconds(2), timeout.Token);
        }

        report.Add($"settled {settle.Elapsed.TotalSeconds:0} s after shipping; {incidents.Count} incidents; analyzed {string.Join(", ", analyzed.Select(s => $"{s.Key}={s.Value}"))}");
        Assert.True(kills.Count >= 3, $"only {kills.Count} kills scheduled");
        Assert.Equal(2 + kills.Count, a.Starts + b.Starts);
        Assert.True(shippers.Sum(s => s.Attempts) > shippers.Sum(s => s.Batches), "no batch needed a second attempt: the faults did not bite");
        Assert.Equal(expectedLines.OrderBy(s => s.Key), analyzed.OrderBy(s => s.Key));
        Assert.True(offline.Count >= Sites, $"only {offline.Count} incidents offline");
        Assert.Equal(offline, incidents);
        report.Add($"app a:\n{a.RecentOutput}\napp b:\n{b.RecentOutput}");
    }

    private static async Task InjectAsync(
        Stopwatch clock, FaultProxy[] proxies, AppProcess[] instances, List<(TimeSpan At, int Instance, TimeSpan Down)> kills, TimeSpan cutAt, TimeSpan cutFor,
        CancellationToken cancellationToken)
    {
        var cut = false;
        foreach (var kill in kills)
        {
            if (!cut && cutAt <= kill.At)
            {
                await DelayUntilAsync(clock, cutAt, cancellationToken);
                Array.ForEach(proxies, p => p.Hang());
                await DelayUntilAsync(clock, cutAt + cutFor, cancellationToken);
                Array.ForEach(proxies, p => p.Resume());
                cut = true;
            }

            await DelayUntilAsync(clock, kill.At, cancellationToken);
            await instances[kill.Instance].KillAsync();
            await Task.Delay(kill.Down, cancellationToken);
            await instances[kill.Instance].StartAsync(cancellationToken);
        }

        if (!cut)
        {
            await DelayUntilAsync(clock, cutAt, cancellationToken);
            Array.ForEach(proxies, p => p.Hang());
            await DelayUntilAsync(clock, cutAt + cutFor, cancellationToken);
            Array.ForEach(proxies, p => p.Resume());
        }
    }

    private static async Task DelayUntilAsync(Stopwatch clock, TimeSpan at, CancellationToken cancellationToken)
    {
        var wait = at - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }
    }

    private static Dictionary<string, string> Settings(string connectionString, string suffix)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:LogsContainer"] = "logs-" + suffix,
            ["Storage:StateContainer"] = "state-" + suffix,
            ["Storage:IncidentsContainer"] = "incidents-" + suffix,
            ["Storage:IncidentIndexTable"] = "idx" + suffix,
            ["Storage:TimelineTable"] = "timeline" + suffix,
            ["Storage:RetryAfter"] = "00:00:01",
            ["Auth:FunctionKeys:test"] = TestApp.FunctionKey,
            ["AnalyzeSchedule"] = "*/3 * * * * *",
            ["Analysis:GracePeriod"] = "00:01:00",
            ["Analysis:LeaseDuration"] = "00:00:15",
            ["Diagnosis:Window"] = "00:00:10",
            ["Diagnosis:QuietPeriod"] = "00:00:10",
            ["Diagnosis:ErrorLogUtcOffset"] = "00:00",
        };
        for (var site = 0; site < Sites; site++)
        {
            settings[$"Ingestion:Sources:site{site}-access:Kind"] = "Access";
            settings[$"Ingestion:Sources:site{site}-access:Format"] = AnalysisTestKit.CustomFormat;
            settings[$"Ingestion:Sources:site{site}-access:Site"] = $"site{site}";
            settings[$"Ingestion:Sources:site{site}-error:Kind"] = "Error";
            settings[$"Ingestion:Sources:site{site}-error:Site"] = $"site{site}";
        }

        return settings;
    }

    /// <summary>Each site's lines read by the analyzer, from its saved state (straight from storage).</summary>
    private static async Task<Dictionary<string, long>> AnalyzedLinesAsync(BlobContainerClient state, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!await state.ExistsAsync(cancellationToken))
        {
            return result;
        }

        await foreach (var item in state.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "sites/" }, cancellationToken))
        {
            var download = await state.GetBlobClient(item.Name).DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var zip = new GZipStream(download.Value.Content, CompressionMode.Decompress);
            using var json = await JsonDocument.ParseAsync(zip, cancellationToken: cancellationToken);
            var stats = json.RootElement.GetProperty("engine").GetProperty("stats");
            result[json.RootElement.GetProperty("site").GetString()!] =
                stats.GetProperty("accessLines").GetInt64() + stats.GetProperty("errorLines").GetInt64() + stats.GetProperty("malformedLines").GetInt64();
        }

        return result;
    }

    /// <summary>The incidents <c>GET /api/incidents</c> lists (all pages).</summary>
    private static async Task<List<string>> ServiceIncidentsAsync(AppProcess app, CancellationToken cancellationToken)
    {
        var result = new List<string>();
        string? continuation = null;
        do
        {
            var path = "/api/incidents?limit=500" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation));
            using var response = await app.Client.GetAsync(path, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
            using var page = JsonDocument.Parse(body);
            result.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(Describe));
            continuation = page.RootElement.TryGetProperty("continuation", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (continuation is not null);

        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <summary>Offline <c>analyze --json</c> (the app's CLI, its own process) on each site's whole logs.</summary>
    private static async Task<List<string>> OfflineIncidentsAsync(List<SiteTraffic> traffic, CancellationToken cancellationToken)
    {
        var result = new List<string>();
        var directory = Directory.CreateTempSubdirectory("fault-suite-");
        try
        {
            foreach (var site in traffic)
            {
                var access = Path.Combine(directory.FullName, site.Site + "-access.log");
                var error = Path.Combine(directory.FullName, site.Site + "-error.log");
                await File.WriteAllLinesAsync(access, site.Access.SelectMany(x => x.Lines), cancellationToken);
                await File.WriteAllLinesAsync(error, site.Error.SelectMany(x => x.Lines), cancellationToken);
                var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var argument in new[]
                {
                    Path.Combine(AppProcess.AppDirectory, "FunctionsApp.dll"), "analyze", "--access", access, "--error", error,
                    "--log-format", AnalysisTestKit.CustomFormat, "--window", "10", "--quiet-period", "10", "--error-log-utc-offset", "+00:00", "--json",
                })
                {
                    start.ArgumentList.Add(argument);
                }

                using var process = Process.Start(start)!;
                var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                Assert.True(process.ExitCode == 0, $"analyze exited {process.ExitCode}: {await stderr}");
                using var json = JsonDocument.Parse(await stdout);
                result.AddRange(json.RootElement.GetProperty("incidents").EnumerateArray().Select(Describe));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static string Describe(JsonElement incident) => string.Join(
        ' ',
        incident.GetProperty("host").GetString(),
        incident.GetProperty("upstream").GetString(),
        incident.GetProperty("cause").ToString(),
        incident.GetProperty("state").ToString(),
        incident.GetProperty("start").GetDateTimeOffset().ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        incident.GetProperty("end").GetDateTimeOffset().ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        incident.GetProperty("failedRequests").GetInt32().ToString(CultureInfo.InvariantCulture));
}
