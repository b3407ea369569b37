using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Reflection.PortableExecutable;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.IntegrationTests.Analysis;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.IntegrationTests.Packaging;

/// <summary>
/// The Azure package is the isolated worker as the Functions host loads it (functions.metadata, worker.config.json
/// and the worker assembly it names, host.json from the repository root, the SDK's extensions folder, no custom
/// handler left), and the standalone package's Native AOT binary starts and serves.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PublishedPackageTests(PublishedPackageFixture package) : IClassFixture<PublishedPackageFixture>
{
    [Fact]
    public void Package_Layout_IsWhatTheFunctionsHostLoads()
    {
        AssertWorkerLayout(package.PackageDirectory);

        // Symbols and docs stay behind; the custom handler's layout is gone.
        Assert.Empty(Directory.EnumerateFiles(package.PackageDirectory, "*.pdb", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(package.PackageDirectory, "function.json", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(package.PackageDirectory, "FunctionsApp")), "the AOT binary is not part of the worker package");
    }

    [Theory]
    [InlineData("FunctionsApp.Worker.dll")]
    [InlineData("FunctionsApp.dll")]
    [InlineData("FunctionsApp.Engine.dll")]
    [InlineData("Microsoft.Azure.Functions.Worker.Core.dll")]
    [InlineData("Azure.Storage.Blobs.dll")]
    public void Package_Assemblies_AreReadyToRun(string assembly)
    {
        // Native code for linux-x64 beside the IL (a ReadyToRun header in the CLI header): a new instance runs it
        // instead of JIT-compiling the worker, the features and the SDKs before its first answer.
        using var pe = new PEReader(File.OpenRead(Path.Combine(package.PackageDirectory, assembly)));

        Assert.True(pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 }, $"{assembly} has no ReadyToRun code");
        Assert.False(File.Exists(Path.Combine(package.PackageDirectory, "FunctionsApp.Worker")), "no apphost: the platform's dotnet starts the worker");
    }

    [Fact]
    public void Zip_Unpacked_IsThePackage()
    {
        var unpacked = Directory.CreateTempSubdirectory("functions-zip-").FullName;
        try
        {
            Assert.Equal("functionsapp.zip", Path.GetFileName(package.ZipFile)); // what the deploy workflow ships
            ZipFile.ExtractToDirectory(package.ZipFile, unpacked);

            AssertWorkerLayout(unpacked);
            Assert.Equal(
                Directory.EnumerateFiles(package.PackageDirectory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(package.PackageDirectory, f)).Order(StringComparer.Ordinal),
                Directory.EnumerateFiles(unpacked, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(unpacked, f)).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(unpacked, recursive: true);
        }
    }

    [Fact]
    public void StandaloneZip_HoldsTheBinaryWithTheExecutableBit()
    {
        using var zip = ZipFile.OpenRead(package.StandaloneZipFile);
        var names = zip.Entries.Where(e => !e.FullName.EndsWith('/')).Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["FunctionsApp"], names);
        var binary = Assert.Single(zip.Entries, e => e.FullName == "FunctionsApp");
        Assert.True(((UnixFileMode)(binary.ExternalAttributes >> 16) & UnixFileMode.UserExecute) != 0);
        Assert.Equal([0x7f, (byte)'E', (byte)'L', (byte)'F'], File.ReadAllBytes(Path.Combine(package.StandaloneDirectory, "FunctionsApp"))[..4]);
    }

    private static void AssertWorkerLayout(string root)
    {
        // host.json: the repository root's, unchanged.
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")), File.ReadAllText(Path.Combine(root, "host.json")));

        // worker.config.json starts the worker assembly with the platform's dotnet.
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "worker.config.json")));
        var description = config.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        var workerPath = description.GetProperty("defaultWorkerPath").GetString()!;
        Assert.Equal("FunctionsApp.Worker.dll", workerPath);
        Assert.True(File.Exists(Path.Combine(root, workerPath)));
        Assert.True(File.Exists(Path.Combine(root, "FunctionsApp.Worker.runtimeconfig.json")));
        Assert.True(File.Exists(Path.Combine(root, "FunctionsApp.dll")), "the features' assembly travels with the worker");

        // functions.metadata: every function, each pointing at an assembly in the package; HTTP and timer alike.
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "functions.metadata")));
        var functions = metadata.RootElement.EnumerateArray().ToArray();
        var names = functions.Select(f => f.GetProperty("name").GetString()).ToArray();
        Assert.Contains("ingest", names);
        Assert.Contains("health", names);
        Assert.Contains("analyze", names);
        Assert.Contains("analyze-site", names);
        Assert.Equal(names.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(functions, f => Assert.True(File.Exists(Path.Combine(root, f.GetProperty("scriptFile").GetString()!)), $"{f.GetProperty("name")}: scriptFile missing"));

        // The host-side extensions (HTTP, timer, queues) the SDK built from the worker's extension packages; the
        // queue trigger's is a WebJobs extension the host loads from extensions.json.
        Assert.True(File.Exists(Path.Combine(root, ".azurefunctions", "Microsoft.Azure.Functions.Worker.Extensions.dll")));
        Assert.True(File.Exists(Path.Combine(root, ".azurefunctions", "Microsoft.Azure.WebJobs.Extensions.Storage.Queues.dll")));
        Assert.Contains("AzureStorageQueues", File.ReadAllText(Path.Combine(root, "extensions.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishedBinary_Standalone_ServesHealthIngestAndProblems()
    {
        using var held = HeldPort.Shareable();
        var port = held.Port;
        using var process = StartBinary(new Dictionary<string, string>
        {
            ["Hosting__Urls"] = $"http://127.0.0.1:{port}",
        });
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var health = await WaitForHealthAsync(client, process);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);

            client.DefaultRequestHeaders.Add("x-functions-key", TestApp.FunctionKey);
            var body = Bodies.Encode("{\"log\":\"10.0.0.1 - - [24/Nov/2026:05:00:01 +0000] \\\"GET / HTTP/1.1\\\" 502 0 \\\"-\\\" \\\"-\\\"\"}\n", "zstd");
            using var ingest = await client.PostAsync("/api/ingest/nginx-access", Bodies.Content(body, "zstd"));
            Assert.Equal(HttpStatusCode.Accepted, ingest.StatusCode);
            Assert.Equal(1, (await IngestResponseBody.ReadAsync(ingest)).Lines);

            using var unsupported = await client.PostAsync("/api/ingest/nginx-access", Bodies.Content([1, 2, 3], "br"));
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
            Assert.Equal("urn:nginx-502-diagnostics:problem:unsupported-content-encoding", (await ProblemBody.ReadAsync(unsupported)).Type);

            // Strict decompression is baked into the AOT binary: a truncated gzip body is corrupt, not a shorter batch.
            var gzip = Bodies.Encode(string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i}\n")), "gzip");
            using var truncated = await client.PostAsync("/api/ingest/nginx-access", Bodies.Content(gzip[..(gzip.Length / 2)], "gzip"));
            Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);
        }
        finally
        {
            await StopAsync(process);
        }
    }

    /// <summary>
    /// The incident index and the timeline under Native AOT: the binary creates its tables, analyzes a real nginx capture
    /// on its own timer, writes the incidents' index rows, and pages through them; every table read builds entities the
    /// way the trimmer cannot see (Azure.Data.Tables is not trim-annotated), so only the published binary proves it.
    /// </summary>
    [Fact]
    public async Task PublishedBinary_Standalone_AnalyzesIntoTheIndexAndPagesIncidents()
    {
        using var held = HeldPort.Shareable();
        var port = held.Port;
        var output = new ConcurrentQueue<string>();
        using var process = StartBinary(
            new Dictionary<string, string>
            {
                ["Hosting__Urls"] = $"http://127.0.0.1:{port}",
                ["AnalyzeSchedule"] = "*/30 * * * * *",
                // The capture is a backfill: its last minutes wait for more of the other log up to the grace period.
                ["Analysis__GracePeriod"] = "00:00:20",
                ["Ingestion__Sources__nginx-access__Format"] = AnalysisTestKit.CustomFormat,
                ["Ingestion__Sources__nginx-access__Site"] = "web",
                ["Ingestion__Sources__nginx-error__Kind"] = "Error",
                ["Ingestion__Sources__nginx-error__Site"] = "web",
            },
            output);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using (var health = await WaitForHealthAsync(client, process))
            {
                Assert.True(health.StatusCode == HttpStatusCode.OK, Tail(output));
            }

            // Both batches land in one run: the timer fires at :00 and :30, and they are posted two seconds after one
            // of those. (A run between the two holds the access batch's failed requests for the error lines, up to the
            // grace period: AnalyzerRunTests.RunOnce_RunLandsBetweenTheTwoLogsOfABackfill_ConcludesWhatAnalyzeConcludes.)
            client.DefaultRequestHeaders.Add("x-functions-key", TestApp.FunctionKey);
            var now = TimeProvider.System.GetUtcNow();
            await Task.Delay(TimeSpan.FromSeconds(30 - (now.Second % 30)) - TimeSpan.FromMilliseconds(now.Millisecond) + TimeSpan.FromSeconds(2));
            foreach (var (source, lines) in new[] { ("nginx-access", AnalysisTestKit.AccessLines), ("nginx-error", AnalysisTestKit.ErrorLines) })
            {
                using var ingest = await client.PostAsync($"/api/ingest/{source}", new StringContent(string.Join('\n', lines) + "\n"));
                Assert.True(ingest.StatusCode == HttpStatusCode.Accepted, $"{source}: {ingest.StatusCode}\n{Tail(output)}");
            }

            // Every incident of the capture, page by page (3 a page), once the timer has analyzed both batches: the
            // listing ends equal to what offline analyze finds in the same lines.
            Assert.True(AccessLogFormat.TryCompile(AnalysisTestKit.CustomFormat, out var format, out _));
            var offline = LogAnalyzer.Analyze(
                [new LogInput("access", () => new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', AnalysisTestKit.AccessLines) + "\n")))],
                [new LogInput("error", () => new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', AnalysisTestKit.ErrorLines) + "\n")))],
                format, new DiagnosisOptions(), CancellationToken.None).Incidents
                .Select(i => $"{i.Upstream} {i.Host} {IncidentCauses.Name(i.Cause)} {i.Start.ToUnixTimeSeconds()}").Order(StringComparer.Ordinal).ToList();
            Assert.True(offline.Count >= 5, $"only {offline.Count} incidents offline");
            var listed = new List<JsonElement>();
            List<string> service = [];
            var deadline = Environment.TickCount64 + 90_000;
            while (!service.SequenceEqual(offline) && Environment.TickCount64 < deadline)
            {
                Assert.False(process.HasExited, Tail(output));
                await Task.Delay(1000);
                listed = await ListAllAsync(client, "/api/incidents?limit=3", output);
                service = [.. listed.Select(i => $"{i.GetProperty("upstream").GetString()} {i.GetProperty("host").GetString()} {i.GetProperty("cause").GetString()} "
                    + $"{i.GetProperty("start").GetDateTimeOffset().ToUnixTimeSeconds()}").Order(StringComparer.Ordinal)];
            }

            Assert.True(service.SequenceEqual(offline), $"listed:\n{string.Join('\n', service)}\noffline:\n{string.Join('\n', offline)}\n{Tail(output)}");
            var ids = listed.Select(i => i.GetProperty("id").GetString()!).ToList();
            Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
            var starts = listed.Select(i => i.GetProperty("start").GetDateTimeOffset()).ToList();
            Assert.Equal(starts.OrderDescending(), starts);

            // The site's partition lists the same incidents; another site's lists none.
            Assert.Equal(ids, (await ListAllAsync(client, "/api/incidents?site=web&limit=4", output)).Select(i => i.GetProperty("id").GetString()!));
            Assert.Empty(await ListAllAsync(client, "/api/incidents?site=elsewhere", output));

            // The document behind a listed row, and the stored timeline read for its upstream.
            var first = listed[0];
            using var one = await client.GetAsync($"/api/incidents/{ids[0]}");
            Assert.True(one.StatusCode == HttpStatusCode.OK, Tail(output));
            // A run writes its incidents before its timeline minutes and its state, so the listing can be complete
            // while that run is still finishing: the timeline answers once it has.
            var upstream = first.GetProperty("upstream").GetString()!;
            var start = first.GetProperty("start").GetDateTimeOffset();
            var timelinePath = $"/api/timeline?upstream={Uri.EscapeDataString(upstream)}&from={Uri.EscapeDataString(start.AddHours(-3).ToString("O"))}&to={Uri.EscapeDataString(start.AddHours(1).ToString("O"))}";
            var timeline = await client.GetAsync(timelinePath);
            for (var waited = 0; timeline.StatusCode == HttpStatusCode.NotFound && waited < 60; waited++)
            {
                timeline.Dispose();
                await Task.Delay(1000);
                timeline = await client.GetAsync(timelinePath);
            }

            using var answered = timeline;
            Assert.True(timeline.StatusCode == HttpStatusCode.OK, $"timeline: {timeline.StatusCode} {await timeline.Content.ReadAsStringAsync()}\n{Tail(output)}");
            Assert.DoesNotContain(output, line => line.Contains("Exception", StringComparison.Ordinal));
        }
        finally
        {
            await StopAsync(process);
        }
    }

    private static async Task<List<JsonElement>> ListAllAsync(HttpClient client, string path, ConcurrentQueue<string> output)
    {
        var items = new List<JsonElement>();
        string? continuation = null;
        do
        {
            var url = continuation is null ? path : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}continuation={Uri.EscapeDataString(continuation)}";
            using var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Tail(output)}");
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            items.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.Clone()));
            continuation = page.TryGetProperty("continuation", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            Assert.True(items.Count < 10_000, "paging does not end");
        }
        while (continuation is not null);

        return items;
    }

    private Process StartBinary(Dictionary<string, string> environment, string? directory = null) => StartBinary(environment, [], directory);

    /// <summary>Starts the binary; what it writes goes to <paramref name="output"/> (its last lines go into failure messages).</summary>
    private Process StartBinary(Dictionary<string, string> environment, ConcurrentQueue<string> output, string? directory = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        directory ??= package.StandaloneDirectory;
        var start = new ProcessStartInfo(Path.Combine(directory, "FunctionsApp"))
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Storage__ConnectionString"] = package.Azurite.ConnectionString;
        start.Environment["Storage__LogsContainer"] = "logs-" + suffix;
        start.Environment["Storage__StateContainer"] = "state-" + suffix;
        start.Environment["Storage__IncidentsContainer"] = "incidents-" + suffix;
        start.Environment["Storage__IncidentIndexTable"] = "idx" + suffix;
        start.Environment["Storage__TimelineTable"] = "timeline" + suffix;
        start.Environment["Auth__FunctionKeys__test"] = TestApp.FunctionKey;
        start.Environment["Ingestion__Sources__nginx-access__Kind"] = "Access";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Lifeline.Start(start);
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200 && output.TryDequeue(out _))
        {
        }
    }

    private static string Tail(ConcurrentQueue<string> output) => "The binary wrote:\n" + string.Join('\n', output.TakeLast(80));

    private static async Task StopAsync(Process process)
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        Lifeline.Release(process);
    }

    private static async Task<HttpResponseMessage> WaitForHealthAsync(HttpClient client, Process process)
    {
        var deadline = Environment.TickCount64 + 30_000;
        while (true)
        {
            Assert.False(process.HasExited, $"The binary exited with {(process.HasExited ? process.ExitCode : 0)}.");
            try
            {
                return await client.GetAsync("/api/health");
            }
            catch (HttpRequestException) when (Environment.TickCount64 < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
