using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FunctionsApp.Ingestion.Loki.Proto;
using FunctionsApp.Ingestion.Otlp.Proto;
using Google.Protobuf;

// Usage: IngestCost <app-base-url> <function-key> <azurite-debug-log> [lines=200000] [batch-lines=10000] [rounds=3] [shapes=all]
// Environment: BENCH_APP_PID (the app's CPU time is read from /proc).
//
// For each body shape and protocol: the same access lines (a tenth of them error lines in the "auto" shape) as the
// protocol's clients send them, gzip'd where they compress (snappy for Loki protobuf). A warm-up, then `rounds`
// rounds of posting every batch (4 connections, a fresh Idempotency-Key per round, so each round is stored as a first
// delivery). Reported per shape (median round): app CPU seconds per decoded GB (decoded = the bytes after undoing the
// compression: the protocol's payload), the floor on the same bytes (decompressing them and counting lines, in this
// process, one core: what `zcat | wc -l` does, and `zcat | wc -l` itself for gzip), their ratio, and storage
// requests per batch (Azurite's debug log counts every request it receives).
var culture = CultureInfo.InvariantCulture;
var appUrl = new Uri(args[0]);
var key = args[1];
var azuriteLog = args[2];
var totalLines = args.Length > 3 ? int.Parse(args[3], culture) : 200_000;
var batchLines = args.Length > 4 ? int.Parse(args[4], culture) : 10_000;
var rounds = args.Length > 5 ? int.Parse(args[5], culture) : 3;
var only = args.Length > 6 && args[6] != "all" ? args[6].Split(',') : null;
var appPid = int.Parse(Environment.GetEnvironmentVariable("BENCH_APP_PID") ?? "0", culture);

var lines = Lines(totalLines);
var shapes = new Shape[]
{
    new("text", "plain lines, gzip", "/api/ingest/bench", "text/plain", Gzip: true, Text, JsonBased: false),
    new("auto", "plain lines of both logs, gzip, kind Auto", "/api/ingest/bench-auto", "text/plain", Gzip: true, Mixed, JsonBased: false),
    new("ndjson", "NDJSON (Fluent Bit json_lines), gzip", "/api/ingest/bench", "application/x-ndjson", Gzip: true, Ndjson, JsonBased: true),
    new("otlp-proto", "OTLP/HTTP protobuf, gzip", "/api/ingest/bench/v1/logs", "application/x-protobuf", Gzip: true, OtlpProto, JsonBased: false),
    new("otlp-json", "OTLP/HTTP JSON, gzip", "/api/ingest/bench/v1/logs", "application/json", Gzip: true, OtlpJson, JsonBased: true),
    new("loki-proto", "Loki push protobuf, snappy", "/api/ingest/bench/loki/api/v1/push", "application/x-protobuf", Gzip: false, LokiProto, JsonBased: false),
    new("bulk", "Elasticsearch _bulk (Filebeat ECS documents), gzip", "/api/ingest/bench/_bulk", "application/x-ndjson", Gzip: true, Bulk, JsonBased: true),
    new("hec-event", "Splunk HEC events, gzip", "/api/ingest/bench/services/collector/event", "application/json", Gzip: true, HecEvents, JsonBased: true),
    new("hec-raw", "Splunk HEC raw, gzip", "/api/ingest/bench/services/collector/raw", "text/plain", Gzip: true, Text, JsonBased: false),
};

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4, AutomaticDecompression = DecompressionMethods.None })
{
    BaseAddress = appUrl,
    Timeout = TimeSpan.FromMinutes(5),
};
http.DefaultRequestHeaders.Add("x-functions-key", key);
var runId = Guid.NewGuid().ToString("N")[..8];
Console.WriteLine(string.Create(culture, $"{totalLines} lines per shape in batches of {batchLines}, {rounds} rounds (median), app pid {appPid}, {Environment.ProcessorCount} cores"));
Console.WriteLine("| Shape | decoded MB | app CPU s/GB | floor CPU s/GB (in-process) | zcat \\| wc -l s/GB | app / floor | target | storage requests / batch |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---|---:|");
foreach (var shape in shapes.Where(s => only is null || only.Contains(s.Name)))
{
    var batches = Batches(shape);
    var decoded = batches.Sum(b => (long)b.Decoded.Length);
    await PostAllAsync(shape, batches.Take(2).ToList(), "warmup");

    var app = new List<(double Cpu, long Requests)>();
    for (var round = 1; round <= rounds; round++)
    {
        var cpuBefore = AppCpu();
        var requestsBefore = StorageRequests();
        await PostAllAsync(shape, batches, $"r{round}");
        app.Add((AppCpu() - cpuBefore, StorageRequests() - requestsBefore));
    }

    var floor = Enumerable.Range(0, rounds).Select(_ => Floor(shape, batches)).Order().ElementAt(rounds / 2);
    var zcat = shape.Gzip ? Zcat(batches) : double.NaN;
    var median = app.OrderBy(a => a.Cpu).ElementAt(rounds / 2);
    var gb = decoded / 1e9;
    var ratio = median.Cpu / floor;
    var target = shape.Name == "text" ? "≤ 2×" : shape.JsonBased ? "≤ 4×" : "–";
    Console.WriteLine(string.Create(culture,
        $"| {shape.Description} | {decoded / 1e6:F0} | {median.Cpu / gb:F2} | {floor / gb:F2} | {(double.IsNaN(zcat) ? "–" : (zcat / gb).ToString("F2", culture))} | {ratio:F1}× | {target} | {(double)median.Requests / batches.Count:F1} |"));
}

return 0;

async Task PostAllAsync(Shape shape, List<Body> batches, string round)
{
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
    {
        int index;
        while ((index = Interlocked.Increment(ref next)) < batches.Count)
        {
            using var content = new ByteArrayContent(batches[index].Wire);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(shape.ContentType);
            if (shape.Gzip)
            {
                content.Headers.ContentEncoding.Add("gzip");
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, shape.Route) { Content = content };
            request.Headers.Add("Idempotency-Key", $"{runId}-{shape.Name}-{round}-{index}");
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{shape.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }));
}

// The floor: undo the compression and count the lines of the same bytes, one core, this process's CPU time.
static double Floor(Shape shape, List<Body> batches)
{
    var buffer = new byte[1 << 16];
    var started = Process.GetCurrentProcess().TotalProcessorTime;
    long count = 0;
    foreach (var batch in batches)
    {
        if (shape.Gzip)
        {
            using var gzip = new GZipStream(new MemoryStream(batch.Wire), CompressionMode.Decompress);
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                count += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }
        else
        {
            count += Snappier.Snappy.DecompressToArray(batch.Wire).AsSpan().Count((byte)'\n');
        }
    }

    GC.KeepAlive(count);
    return (Process.GetCurrentProcess().TotalProcessorTime - started).TotalSeconds;
}

// `zcat | wc -l` on the concatenated gzip bodies (a valid multi-member gzip file), CPU of both from bash's `times`.
static double Zcat(List<Body> batches)
{
    var file = Path.GetTempFileName();
    try
    {
        using (var output = File.Create(file))
        {
            foreach (var batch in batches)
            {
                output.Write(batch.Wire);
            }
        }

        var start = new ProcessStartInfo("bash", ["-c", $"zcat '{file}' | wc -l > /dev/null; times"]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var times = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split(' ');
        process.WaitForExit();
        return Seconds(times[0]) + Seconds(times[1]);
    }
    finally
    {
        File.Delete(file);
    }

    static double Seconds(string value)
    {
        var m = value.IndexOf('m', StringComparison.Ordinal);
        return (double.Parse(value[..m], CultureInfo.InvariantCulture) * 60) + double.Parse(value[(m + 1)..^1], CultureInfo.InvariantCulture);
    }
}

double AppCpu()
{
    var stat = File.ReadAllText($"/proc/{appPid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (double.Parse(fields[11], culture) + double.Parse(fields[12], culture)) / 100.0;
}

long StorageRequests()
{
    // Azurite writes its debug log as it goes; one "RequestMethod=" line per request received.
    Thread.Sleep(500);
    using var stream = new FileStream(azuriteLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
    using var reader = new StreamReader(stream);
    long count = 0;
    while (reader.ReadLine() is { } line)
    {
        if (line.Contains("RequestMethod=", StringComparison.Ordinal))
        {
            count++;
        }
    }

    return count;
}

List<Body> Batches(Shape shape)
{
    var batches = new List<Body>();
    for (var first = 0; first < lines.Count; first += batchLines)
    {
        var slice = lines.GetRange(first, Math.Min(batchLines, lines.Count - first));
        var decoded = shape.Build(slice, first);
        var wire = shape.Gzip ? GzipBytes(decoded) : Snappier.Snappy.CompressToArray(decoded);
        batches.Add(new Body(decoded, wire));
    }

    return batches;
}

static byte[] GzipBytes(byte[] data)
{
    using var output = new MemoryStream();
    using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
    {
        gzip.Write(data);
    }

    return output.ToArray();
}

static List<string> Lines(int count)
{
    var random = new Random(42);
    string[] paths = ["/", "/api/orders", "/api/orders/{0}", "/api/pay", "/static/app.{0}.js", "/login", "/api/search?q=item{0}", "/health"];
    string[] agents =
    [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "curl/8.5.0",
    ];
    int[] statuses = [200, 200, 200, 200, 200, 200, 301, 304, 404, 499, 500, 502, 503, 504];
    var start = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    var result = new List<string>(count);
    for (var i = 0; i < count; i++)
    {
        var time = start.AddMilliseconds(i * 7);
        var path = string.Format(CultureInfo.InvariantCulture, paths[random.Next(paths.Length)], random.Next(100_000));
        var status = statuses[random.Next(statuses.Length)];
        result.Add(string.Create(CultureInfo.InvariantCulture,
            $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" {status} {random.Next(50_000)} \"https://shop.example.com/\" \"{agents[random.Next(agents.Length)]}\" rt={random.NextDouble():F3}"));
    }

    return result;
}

static byte[] Text(List<string> slice, int first) => Encoding.UTF8.GetBytes(string.Join('\n', slice) + "\n");

// Both logs: every tenth line an error-log line (kind Auto stores them apart).
static byte[] Mixed(List<string> slice, int first) => Encoding.UTF8.GetBytes(string.Concat(slice.Select((line, i) =>
    (first + i) % 10 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"2026/11/24 00:{(first + i) / 60000 % 60:D2}:{(first + i) / 1000 % 60:D2} [error] 31#31: *{first + i} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: shop, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.5:8080/\", host: \"shop.example.com\"\n")
        : line + "\n")));

static byte[] Ndjson(List<string> slice, int first)
{
    using var output = new MemoryStream();
    using (var writer = new Utf8JsonWriter(output))
    {
        foreach (var line in slice)
        {
            writer.WriteStartObject();
            writer.WriteNumber("date", 1764460800.123);
            writer.WriteString("log", line);
            writer.WriteString("stream", "stdout");
            writer.WriteEndObject();
            writer.Flush();
            output.WriteByte((byte)'\n');
            writer.Reset();
        }
    }

    return output.ToArray();
}

static ResourceLogs Resource(List<string> slice)
{
    var resource = new ResourceLogs { Resource = new FunctionsApp.Ingestion.Otlp.Proto.Resource() };
    resource.Resource.Attributes.Add(new KeyValue { Key = "host.name", Value = new AnyValue { StringValue = "web-1" } });
    var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "filelog" } };
    foreach (var line in slice)
    {
        var record = new LogRecord { TimeUnixNano = 1764460800000000000, ObservedTimeUnixNano = 1764460800000000000, Body = new AnyValue { StringValue = line } };
        record.Attributes.Add(new KeyValue { Key = "log.file.name", Value = new AnyValue { StringValue = "access.log" } });
        scope.LogRecords.Add(record);
    }

    resource.ScopeLogs.Add(scope);
    return resource;
}

static byte[] OtlpProto(List<string> slice, int first)
{
    var request = new ExportLogsServiceRequest();
    request.ResourceLogs.Add(Resource(slice));
    return request.ToByteArray();
}

// The OTLP/JSON mapping as the Collector writes it (lowerCamelCase, 64-bit integers as strings).
static byte[] OtlpJson(List<string> slice, int first)
{
    using var output = new MemoryStream();
    using (var writer = new Utf8JsonWriter(output))
    {
        writer.WriteStartObject();
        writer.WriteStartArray("resourceLogs");
        writer.WriteStartObject();
        writer.WriteStartObject("resource");
        writer.WriteStartArray("attributes");
        Attribute(writer, "host.name", "web-1");
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteStartArray("scopeLogs");
        writer.WriteStartObject();
        writer.WriteStartObject("scope");
        writer.WriteString("name", "filelog");
        writer.WriteEndObject();
        writer.WriteStartArray("logRecords");
        foreach (var line in slice)
        {
            writer.WriteStartObject();
            writer.WriteString("timeUnixNano", "1764460800000000000");
            writer.WriteString("observedTimeUnixNano", "1764460800000000000");
            writer.WriteStartObject("body");
            writer.WriteString("stringValue", line);
            writer.WriteEndObject();
            writer.WriteStartArray("attributes");
            Attribute(writer, "log.file.name", "access.log");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    return output.ToArray();

    static void Attribute(Utf8JsonWriter writer, string key, string value)
    {
        writer.WriteStartObject();
        writer.WriteString("key", key);
        writer.WriteStartObject("value");
        writer.WriteString("stringValue", value);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

static byte[] LokiProto(List<string> slice, int first)
{
    var push = new PushRequest();
    var stream = new StreamAdapter { Labels = "{filename=\"/var/log/nginx/access.log\", host=\"web-1\", job=\"nginx\"}" };
    var i = 0;
    foreach (var line in slice)
    {
        stream.Entries.Add(new EntryAdapter { Timestamp = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1764460800 + i++ }, Line = line });
    }

    push.Streams.Add(stream);
    return push.ToByteArray();
}

// Filebeat's documents: ECS fields around the message, a create action per document.
static byte[] Bulk(List<string> slice, int first)
{
    using var output = new MemoryStream();
    using (var writer = new Utf8JsonWriter(output))
    {
        foreach (var line in slice)
        {
            output.Write("{\"create\":{\"_index\":\"filebeat-8.19.0\"}}\n"u8);
            writer.WriteStartObject();
            writer.WriteString("@timestamp", "2026-11-24T00:00:00.000Z");
            writer.WriteStartObject("log");
            writer.WriteNumber("offset", 12345);
            writer.WriteStartObject("file");
            writer.WriteString("path", "/var/log/nginx/access.log");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteString("message", line);
            writer.WriteStartObject("input");
            writer.WriteString("type", "filestream");
            writer.WriteEndObject();
            writer.WriteStartObject("host");
            writer.WriteString("name", "web-1");
            writer.WriteEndObject();
            writer.WriteStartObject("agent");
            writer.WriteString("type", "filebeat");
            writer.WriteString("version", "8.19.0");
            writer.WriteEndObject();
            writer.WriteStartObject("ecs");
            writer.WriteString("version", "8.0.0");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            output.WriteByte((byte)'\n');
            writer.Reset();
        }
    }

    return output.ToArray();
}

static byte[] HecEvents(List<string> slice, int first)
{
    using var output = new MemoryStream();
    using (var writer = new Utf8JsonWriter(output))
    {
        foreach (var line in slice)
        {
            writer.WriteStartObject();
            writer.WriteNumber("time", 1764460800.123);
            writer.WriteString("host", "web-1");
            writer.WriteString("source", "/var/log/nginx/access.log");
            writer.WriteString("sourcetype", "nginx");
            writer.WriteString("event", line);
            writer.WriteEndObject();
            writer.Flush();
            output.WriteByte((byte)'\n');
            writer.Reset();
        }
    }

    return output.ToArray();
}

internal sealed record Shape(string Name, string Description, string Route, string ContentType, bool Gzip, Func<List<string>, int, byte[]> Build, bool JsonBased);

internal sealed record Body(byte[] Decoded, byte[] Wire);
