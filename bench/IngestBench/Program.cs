using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using Azure.Storage.Blobs;

// Usage: IngestBench <app-base-url> <function-key> <storage-connection-string> [lines] [batch-lines] [concurrency] [rounds] [ndjson|text]
// Environment: BENCH_APP_PID and BENCH_AZURITE_PID, to report each process's CPU time per phase.
//
// A warm-up pass of each path, then `rounds` rounds of "direct upload, then ingest" on the same machine; the figures
// reported are each round's and the median. Every ingest request carries an Idempotency-Key unique to its round, so
// later rounds are stored (not answered as duplicates of the first) while doing exactly the work of a first delivery.
var culture = CultureInfo.InvariantCulture;
var appUrl = new Uri(args[0]);
var key = args[1];
var connectionString = args[2];
var totalLines = args.Length > 3 ? int.Parse(args[3], culture) : 1_000_000;
var batchLines = args.Length > 4 ? int.Parse(args[4], culture) : 10_000;
var concurrency = args.Length > 5 ? int.Parse(args[5], culture) : 8;
var rounds = args.Length > 6 ? int.Parse(args[6], culture) : 3;
var asText = args.Length > 7 && args[7] == "text"; // gzip'd plain lines (syslog-ng, curl) instead of NDJSON (Fluent Bit)

var shape = asText ? "plain text" : "NDJSON";
Console.Error.WriteLine($"Generating {totalLines} access-log lines as gzip'd {shape} batches of {batchLines}...");
var batches = Generate(totalLines, batchLines, asText);
var compressedBytes = batches.Sum(b => (long)b.Body.Length);
var decodedBytes = batches.Sum(b => b.DecodedBytes);
Console.WriteLine(string.Create(culture,
    $"{totalLines} lines in {batches.Count} gzip'd {shape} batches of {batchLines}, {compressedBytes / 1e6:F1} MB gzip'd ({decodedBytes / 1e6:F1} MB decoded), {concurrency} connections, {rounds} rounds"));

var service = new BlobServiceClient(connectionString);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, AutomaticDecompression = DecompressionMethods.None })
{
    BaseAddress = appUrl,
    Timeout = TimeSpan.FromMinutes(5),
};
http.DefaultRequestHeaders.Add("x-functions-key", key);
var runId = Guid.NewGuid().ToString("N")[..8];

// Warm-up: JIT, connection pools and Azurite's first containers, on a slice of the batches.
var warmUp = batches.Take(Math.Max(1, batches.Count / 10)).ToList();
await RunAsync(warmUp, concurrency, UploadDirect(await NewContainerAsync()));
await RunAsync(warmUp, concurrency, PostToIngest("warmup"));

var cpu = new CpuMeter();
var results = new List<(Result Ceiling, string CeilingCpu, Result Ingest, string IngestCpu)>();
for (var round = 1; round <= rounds; round++)
{
    var upload = UploadDirect(await NewContainerAsync());
    cpu.Lap();
    var ceiling = await RunAsync(batches, concurrency, upload);
    var ceilingCpu = cpu.Lap();
    var ingest = await RunAsync(batches, concurrency, PostToIngest($"r{round}"));
    var ingestCpu = cpu.Lap();
    results.Add((ceiling, ceilingCpu, ingest, ingestCpu));
    Console.WriteLine($"round {round}:");
    Report("  direct upload (ceiling)", ceiling, ceilingCpu);
    Report("  ingest                 ", ingest, ingestCpu);
    Console.WriteLine(string.Create(culture, $"  ingest / ceiling: {Ratio(ceiling, ingest):F0}%"));
}

var medianCeiling = results.OrderBy(r => r.Ceiling.Seconds).ElementAt(results.Count / 2);
var medianIngest = results.OrderBy(r => r.Ingest.Seconds).ElementAt(results.Count / 2);
Console.WriteLine($"median of {rounds} rounds:");
Report("  direct upload (ceiling)", medianCeiling.Ceiling, medianCeiling.CeilingCpu);
Report("  ingest                 ", medianIngest.Ingest, medianIngest.IngestCpu);
Console.WriteLine(string.Create(culture,
    $"  ingest / ceiling: {Ratio(medianCeiling.Ceiling, medianIngest.Ingest):F0}% (per round: {string.Join(", ", results.Select(r => $"{Ratio(r.Ceiling, r.Ingest):F0}%"))})"));
return 0;

async Task<BlobContainerClient> NewContainerAsync()
{
    var container = service.GetBlobContainerClient($"bench-ceiling-{runId}-{Guid.NewGuid().ToString("N")[..6]}");
    await container.CreateIfNotExistsAsync();
    return container;
}

Func<Batch, int, Task<int>> UploadDirect(BlobContainerClient container) => async (batch, index) =>
{
    await container.GetBlobClient($"raw/bench/{index:D6}.ndjson.gz").UploadAsync(new BinaryData(batch.Body), overwrite: false);
    return batch.Lines;
};

Func<Batch, int, Task<int>> PostToIngest(string round) => async (batch, index) =>
{
    using var content = new ByteArrayContent(batch.Body);
    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(asText ? "text/plain" : "application/x-ndjson");
    content.Headers.ContentEncoding.Add("gzip");
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/nginx-access") { Content = content };
    request.Headers.Add("Idempotency-Key", $"bench-{runId}-{round}-{index}");
    using var response = await http.SendAsync(request);
    if (response.StatusCode != HttpStatusCode.Accepted)
    {
        throw new InvalidOperationException($"Ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    return batch.Lines;
};

double Ratio(Result ceiling, Result ingest) => ingest.Seconds > 0 ? ceiling.Seconds / ingest.Seconds * 100 : 0;

void Report(string name, Result result, string cpuSeconds) => Console.WriteLine(string.Create(culture,
    $"{name}: {result.Seconds:F2} s = {result.Lines / result.Seconds:F0} lines/s, " +
    $"{compressedBytes / 1e6 / result.Seconds:F1} MB/s gzip'd ({decodedBytes / 1e6 / result.Seconds:F1} MB/s decoded), " +
    $"batch p50 {Percentile(result.Latencies, 0.50):F0} ms / p99 {Percentile(result.Latencies, 0.99):F0} ms; CPU s: {cpuSeconds}"));

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

static async Task<Result> RunAsync(List<Batch> batches, int concurrency, Func<Batch, int, Task<int>> send)
{
    var next = -1;
    var latencies = new List<double>();
    long lines = 0;
    var total = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int index;
        while ((index = Interlocked.Increment(ref next)) < batches.Count)
        {
            var started = Stopwatch.GetTimestamp();
            var sent = await send(batches[index], index);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (latencies)
            {
                latencies.Add(elapsed);
            }

            Interlocked.Add(ref lines, sent);
        }
    }));
    return new Result(lines, total.Elapsed.TotalSeconds, latencies);
}

static List<Batch> Generate(int totalLines, int batchLines, bool asText)
{
    var random = new Random(42);
    string[] paths = ["/", "/api/orders", "/api/orders/{0}", "/api/pay", "/static/app.{0}.js", "/login", "/api/search?q=item{0}", "/health"];
    string[] agents =
    [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "curl/8.5.0",
        "kube-probe/1.31",
    ];
    int[] statuses = [200, 200, 200, 200, 200, 200, 301, 304, 404, 499, 500, 502, 503, 504];
    var start = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    var batches = new List<Batch>();
    var text = new StringBuilder();
    for (var first = 0; first < totalLines; first += batchLines)
    {
        text.Clear();
        var count = Math.Min(batchLines, totalLines - first);
        for (var i = first; i < first + count; i++)
        {
            var time = start.AddMilliseconds(i * 7);
            var path = string.Format(CultureInfo.InvariantCulture, paths[random.Next(paths.Length)], random.Next(100_000));
            var status = statuses[random.Next(statuses.Length)];
            var upstream = status == 502 ? "-" : (random.NextDouble() * 0.8).ToString("F3", CultureInfo.InvariantCulture);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"{(random.Next(5) == 0 ? "POST" : "GET")} {path} HTTP/1.1\" {status} {random.Next(50_000)} \"https://shop.example.com/\" \"{agents[random.Next(agents.Length)]}\" rt={random.NextDouble():F3} uct=0.001 urt={upstream}");
            if (asText)
            {
                text.Append(line).Append('\n');
                continue;
            }

            text.Append("{\"date\":").Append((time.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture))
                .Append(",\"log\":\"").Append(line.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal))
                .Append("\",\"stream\":\"stdout\"}\n");
        }

        var decoded = Encoding.UTF8.GetBytes(text.ToString());
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(decoded);
        }

        batches.Add(new Batch(output.ToArray(), decoded.Length, count));
    }

    return batches;
}

internal sealed record Batch(byte[] Body, long DecodedBytes, int Lines);

internal sealed record Result(long Lines, double Seconds, List<double> Latencies);

/// <summary>CPU seconds (user + system) of this client and of the processes in BENCH_APP_PID and BENCH_AZURITE_PID, per lap.</summary>
internal sealed class CpuMeter
{
    private const double ClockTicksPerSecond = 100; // USER_HZ, fixed at 100 on Linux
    private readonly (string Name, int Pid)[] _processes;
    private double[] _last;

    public CpuMeter()
    {
        _processes = new[] { ("client", Environment.ProcessId), ("app", Pid("BENCH_APP_PID")), ("azurite", Pid("BENCH_AZURITE_PID")) }
            .Where(p => p.Item2 > 0)
            .ToArray();
        _last = Read();
    }

    /// <summary>The CPU time each process used since the previous lap, as text.</summary>
    public string Lap()
    {
        var now = Read();
        var text = string.Join(", ", _processes.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {now[i] - _last[i]:F2}")));
        _last = now;
        return text;
    }

    private static int Pid(string variable) => int.TryParse(Environment.GetEnvironmentVariable(variable), out var pid) ? pid : 0;

    // /proc/<pid>/stat: fields 14 and 15 (utime, stime) counted after the ")" that ends the command name.
    private double[] Read() => _processes.Select(p =>
    {
        var stat = File.ReadAllText($"/proc/{p.Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }).ToArray();
}
