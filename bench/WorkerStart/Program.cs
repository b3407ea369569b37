using System.Diagnostics;
using System.Globalization;
using System.Net;
using FunctionsApp.Worker.Tests.Host;

// Usage: WorkerStart <worker-directory> <storage-connection-string> [runs]
//
// Each run starts the worker in <worker-directory> (the deployment package, or the build output) behind the host
// emulator, as the Functions host starts it, and sends GET /api/health the way the host forwards it, every 2 ms until
// it answers 200 (as bench/ingest-coldstart polls the standalone binary). Reported per run, from process start: the
// worker's functions loaded (init, metadata and load answered), the first invocation answered (whatever its status:
// the first health check of a cold process may time out on storage and answer 503), and the first 200; then min,
// median and max of the last two.
var culture = CultureInfo.InvariantCulture;
var directory = Path.GetFullPath(args[0]);
var connectionString = args[1];
var runs = args.Length > 2 ? int.Parse(args[2], culture) : 10;

var settings = new Dictionary<string, string>
{
    ["AzureWebJobsStorage"] = connectionString,
    ["Storage:ConnectionString"] = connectionString,
    ["AnalyzeSchedule"] = "0 */1 * * * *",
    ["NotifySchedule"] = "*/30 * * * * *",
    ["DigestSchedule"] = "0 0 8 * * *",
    ["Logging:LogLevel:Default"] = "Warning",
};

var answered = new List<double>();
var healthy = new List<double>();
for (var run = 1; run <= runs; run++)
{
    var host = await FunctionsHostEmulator.StartAsync(directory, settings);
    try
    {
        var loaded = Stopwatch.GetElapsedTime(host.ProcessStarted);
        TimeSpan? first = null;
        while (true)
        {
            using var health = await host.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/health"));
            var now = Stopwatch.GetElapsedTime(host.ProcessStarted);
            first ??= now;
            if (health.Response.StatusCode == HttpStatusCode.OK)
            {
                answered.Add(first.Value.TotalMilliseconds);
                healthy.Add(now.TotalMilliseconds);
                Console.WriteLine(string.Create(culture,
                    $"run {run}: functions loaded {loaded.TotalMilliseconds:F0} ms, first invocation answered {first.Value.TotalMilliseconds:F0} ms, first 200 {now.TotalMilliseconds:F0} ms"));
                break;
            }

            if (now > TimeSpan.FromMinutes(1))
            {
                Console.Error.WriteLine($"run {run}: /api/health still answers {(int)health.Response.StatusCode} after a minute: {health.Body}");
                return 1;
            }

            await Task.Delay(2);
        }
    }
    finally
    {
        await host.DisposeAsync();
    }
}

Console.WriteLine(Summary("first invocation answered (GET /api/health through the host emulator, any status)", answered));
Console.WriteLine(Summary("first 200 from GET /api/health (storage reached)", healthy));
return 0;

string Summary(string what, List<double> samples)
{
    samples.Sort();
    var median = samples.Count % 2 == 1 ? samples[samples.Count / 2] : (samples[(samples.Count / 2) - 1] + samples[samples.Count / 2]) / 2;
    return string.Create(culture, $"worker start, process start -> {what}, {samples.Count} runs: min {samples[0]:F0} ms, median {median:F0} ms, max {samples[^1]:F0} ms");
}
