using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using Azure.Storage.Blobs;

// Usage: IngestBench <app-base-url> <function-key> <storage-connection-string> [lines] [batch-lines] [concurrency]
var culture = CultureInfo.InvariantCulture;
var appUrl = new Uri(args[0]);
var key = args[1];
var connectionString = args[2];
var totalLines = args.Length > 3 ? int.Parse(args[3], culture) : 1_000_000;
var batchLines = args.Length > 4 ? int.Parse(args[4], culture) : 10_000;
var concurrency = args.Length > 5 ? int.Parse(args[5], culture) : 8;

Console.Error.WriteLine($"Generating {totalLines} access-log lines as gzip'd NDJSON batches of {batchLines}...");
var batches = Generate(totalLines, batchLines);
var compressedBytes = batches.Sum(b => (long)b.Body.Length);
var decodedBytes = batches.Sum(b => b.DecodedBytes);
Console.Error.WriteLine($"{batches.Count} batches, {compressedBytes / 1e6:F1} MB gzip'd, {decodedBytes / 1e6:F1} MB decoded");

// 1. Ceiling: the same bytes uploaded straight to Blob Storage with Azure.Storage.Blobs.
var container = new BlobServiceClient(connectionString).GetBlobContainerClient("bench-ceiling-" + Guid.NewGuid().ToString("N")[..8]);
await container.CreateIfNotExistsAsync();
var ceiling = await RunAsync(batches, concurrency, async (batch, index) =>
{
    await container.GetBlobClient($"raw/bench/{index:D6}.ndjson.gz").UploadAsync(new BinaryData(batch.Body), overwrite: false);
    return batch.Lines;
});

// 2. The ingest path.
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, AutomaticDecompression = DecompressionMethods.None })
{
    BaseAddress = appUrl,
    Timeout = TimeSpan.FromMinutes(5),
};
http.DefaultRequestHeaders.Add("x-functions-key", key);
var ingest = await RunAsync(batches, concurrency, async (batch, _) =>
{
    using var content = new ByteArrayContent(batch.Body);
    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
    content.Headers.ContentEncoding.Add("gzip");
    using var response = await http.PostAsync("/api/ingest/nginx-access", content);
    if (response.StatusCode != HttpStatusCode.Accepted)
    {
        throw new InvalidOperationException($"Ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    return batch.Lines;
});

Report("direct upload (ceiling)", ceiling);
Report("ingest", ingest);
Console.WriteLine(string.Create(culture, $"ingest / ceiling (MB/s gzip'd): {(ingest.Seconds > 0 ? ceiling.Seconds / ingest.Seconds * 100 : 0):F0}%"));
return 0;

void Report(string name, Result result) => Console.WriteLine(string.Create(culture,
    $"{name}: {result.Lines} lines in {result.Seconds:F2} s = {result.Lines / result.Seconds:F0} lines/s, " +
    $"{compressedBytes / 1e6 / result.Seconds:F1} MB/s gzip'd ({decodedBytes / 1e6 / result.Seconds:F1} MB/s decoded), " +
    $"batch latency p50 {Percentile(result.Latencies, 0.50):F0} ms, p99 {Percentile(result.Latencies, 0.99):F0} ms"));

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

static List<Batch> Generate(int totalLines, int batchLines)
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
            text.Append("{\"date\":").Append(time.ToUnixTimeMilliseconds() / 1000.0)
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
