using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FunctionsApp.Hosting;
using FunctionsApp.Incidents;

// Usage: IncidentIndexBench <storage connection string> <incidents> <requests per query>
// Loads <incidents> varied incidents through IIncidentStore as the analyzer writes them (fenced: document, then index
// rows, each read, checked and written conditionally), then times each filtered first page of /api/incidents over
// loopback HTTP and prints p50/p99 per query. With INCIDENT_BENCH_SKIP_LOAD=1 it only queries (incidents an earlier run
// loaded into the same Azurite), so two builds can be timed alternately against one loaded store.
var connectionString = args[0];
var count = int.Parse(args[1], CultureInfo.InvariantCulture);
var requests = int.Parse(args[2], CultureInfo.InvariantCulture);
const string Key = "bench-key";

var builder = AppHost.CreateBuilder([], config => config.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Hosting:Urls"] = "http://127.0.0.1:0",
    ["Hosting:RunTimers"] = "false",
    ["Storage:ConnectionString"] = connectionString,
    ["Auth:FunctionKeys:bench"] = Key,
    ["Ingestion:Sources:nginx-access:Kind"] = "Access",
    ["Logging:LogLevel:Default"] = "Warning",
    ["Logging:LogLevel:Azure"] = "Error",
}));
var app = AppHost.Build(builder);
await app.StartAsync();
var store = app.Services.GetRequiredService<IIncidentStore>();

// 30 days of incidents: 20 sites, 400 upstreams, 100 hosts, every cause, 2 % still open.
var t0 = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
var causes = Enum.GetValues<IncidentCause>();
Incident Make(int i)
{
    var start = t0.AddSeconds(i * (30.0 * 86400 / count));
    return new Incident
    {
        Id = ((uint)i * 2654435761u).ToString("x8", CultureInfo.InvariantCulture) + i.ToString("x6", CultureInfo.InvariantCulture),
        Upstream = $"10.{i % 400 / 250}.{i % 400 % 250}.1:8080", Host = $"app{i % 100}.example.test", Status = 502,
        Statuses = new Dictionary<string, int> { ["502"] = 3 + (i % 50) }, Cause = causes[i * 7 % causes.Length], Confidence = 0.8,
        Summary = "bench incident", Start = start, End = start.AddMinutes(1 + (i % 30)),
        State = i % 50 == 0 ? IncidentState.Open : IncidentState.Resolved, FailedRequests = 3 + (i % 50),
        Evidence = [], Remediation = ["restart it"], Site = $"site{i % 20}",
    };
}

var load = Stopwatch.StartNew();
var skipLoad = Environment.GetEnvironmentVariable("INCIDENT_BENCH_SKIP_LOAD") == "1";
var next = skipLoad ? count : -1;
await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
{
    for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
    {
        // The analyzer's write path. (The unfenced UpsertAsync merges rows, and Azurite's table service scans rows it
        // created by merge about three times slower than rows it inserted: a figure of the emulator, not the app.)
        await store.UpsertFencedAsync(Make(i), fence: 1, CancellationToken.None);
        if (i % 10000 == 0)
        {
            Console.Error.WriteLine($"loaded {i} ({load.Elapsed.TotalSeconds:F0} s)");
        }
    }
}));
if (!skipLoad)
{
    Console.WriteLine($"Loaded {count} incidents through the store (fenced) in {load.Elapsed.TotalSeconds:F0} s ({count / load.Elapsed.TotalSeconds:F0}/s, 32 writers)");
}

using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
client.DefaultRequestHeaders.Add("x-functions-key", Key);
var mid = t0.AddDays(15).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
var late = t0.AddDays(16).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
string[] queries =
[
    "",
    "site=site7",
    "upstream=10.0.42.1:8080",
    "host=app13.example.test",
    "cause=timeout",
    "state=open",
    $"from={mid}&to={late}",
    "site=site3&cause=upstream_down&state=resolved",
    $"upstream=10.1.17.1:8080&from={mid}",
];
Console.WriteLine();
Console.WriteLine("| Filter (first page, limit 50) | Items | p50 ms | p99 ms |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var query in queries)
{
    var times = new List<double>(requests);
    var items = 0;
    for (var r = 0; r < requests + 5; r++)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync("/api/incidents?" + query);
        var body = await response.Content.ReadAsByteArrayAsync();
        watch.Stop();
        response.EnsureSuccessStatusCode();
        if (r >= 5)
        {
            // The first five warm the connection and the JIT.
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        items = JsonDocument.Parse(body).RootElement.GetProperty("items").GetArrayLength();
    }

    times.Sort();
    Console.WriteLine($"| `{(query.Length == 0 ? "(none)" : query)}` | {items} | {Percentile(times, 0.50):F1} | {Percentile(times, 0.99):F1} |");
}

await app.StopAsync();
return;

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
