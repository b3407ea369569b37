using System.Globalization;

namespace FunctionsApp.IntegrationTests.Reliability.FaultSuite;

/// <summary>
/// One nginx's access and error logs over a stretch of time, generated from a seed: requests to two upstreams of the
/// site, each upstream down (connection refused) for a few seconds now and then, in the shapes real nginx writes them
/// (the <c>diag</c> format of the committed captures, and the error line nginx 1.22 writes for a refused connect, as in
/// <c>Fixtures/nginx/connection-refused-custom</c>). Every line is unique (its path and <c>$request_id</c>). The last
/// stretch is outage-free, longer than the quiet period, so every incident ends inside the logs.
/// </summary>
internal sealed class SiteTraffic
{
    private SiteTraffic(string site, List<Batch> access, List<Batch> error)
    {
        Site = site;
        Access = access;
        Error = error;
    }

    public string Site { get; }

    /// <summary>The access log in one-second batches (by line time), in order.</summary>
    public List<Batch> Access { get; }

    /// <summary>The error log in one-second batches, in order; seconds without an error line have none.</summary>
    public List<Batch> Error { get; }

    public static SiteTraffic Generate(int index, Random random, DateTimeOffset start, int seconds, TimeSpan quietTail)
    {
        var site = $"site{index}";
        var host = $"{site}.example.test";
        var upstreams = new[] { $"127.0.0.1:{9100 + (index * 10)}", $"127.0.0.1:{9101 + (index * 10)}" };
        var outages = upstreams.Select(_ => Outages(random, seconds - (int)quietTail.TotalSeconds)).ToArray();
        var access = new List<Batch>();
        var error = new List<Batch>();
        var request = 0;
        var connection = 1000 + (index * 100_000);
        for (var second = 0; second < seconds; second++)
        {
            var accessLines = new List<string>();
            var errorLines = new List<string>();
            for (var tick = 0; tick < 20; tick++)
            {
                var time = start.AddSeconds(second).AddMilliseconds(tick * 50);
                for (var n = random.Next(0, 3); n > 0; n--)
                {
                    var upstream = random.Next(upstreams.Length);
                    var path = $"/{site}/r/{++request}";
                    var id = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()));
                    connection++;
                    var iso = time.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
                    if (outages[upstream].Exists(o => second >= o.From && second < o.To))
                    {
                        accessLines.Add($"{iso} {host} 502 \"GET {path} HTTP/1.1\" rt=0.001 ua=\"{upstreams[upstream]}\" us=\"502\" uct=\"-\" urt=\"0.000\" cid={connection} rid={id} 127.0.0.1");
                        errorLines.Add(
                            $"{time.ToString("yyyy'/'MM'/'dd HH:mm:ss", CultureInfo.InvariantCulture)} [error] 21019#21019: *{connection} connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: {host}, request: \"GET {path} HTTP/1.1\", upstream: \"http://{upstreams[upstream]}{path}\", host: \"{host}\"");
                    }
                    else
                    {
                        var ms = random.Next(2, 40);
                        accessLines.Add($"{iso} {host} 200 \"GET {path} HTTP/1.1\" rt=0.{ms:000} ua=\"{upstreams[upstream]}\" us=\"200\" uct=\"0.000\" urt=\"0.{ms:000}\" cid={connection} rid={id} 127.0.0.1");
                    }
                }
            }

            access.Add(new Batch(second, accessLines));
            if (errorLines.Count > 0)
            {
                error.Add(new Batch(second, errorLines));
            }
        }

        return new SiteTraffic(site, access, error);
    }

    /// <summary>A few outages of 3-8 s, at least 15 s apart (more than the quiet period: separate incidents).</summary>
    private static List<(int From, int To)> Outages(Random random, int within)
    {
        var outages = new List<(int, int)>();
        var at = random.Next(2, 10);
        while (true)
        {
            var length = random.Next(3, 9);
            if (at + length > within)
            {
                return outages;
            }

            outages.Add((at, at + length));
            at += length + random.Next(15, 30);
        }
    }

    /// <summary>The lines of one second of a log.</summary>
    internal sealed record Batch(int Second, List<string> Lines);
}
