using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;
using Xunit.Abstractions;

namespace FunctionsApp.IntegrationTests.Parsing;

/// <summary>
/// Real nginx writes the same requests in fifteen <c>log_format</c>s at once (one <c>access_log</c> each), fields in
/// an order drawn from a seed, in front of upstreams that answer, refuse, time out, fail over and run out; then
/// auto-detection (no <c>--log-format</c>) must read each file as the format it was written in: status, time,
/// host and upstream address right on at least 95 % of the lines.
/// </summary>
public sealed class FormatDetectionLabTests(ITestOutputHelper output)
{
    // The seed draws field sets and orders. Fixed in CI; PARSING_LAB_SEED explores others (every seed must pass).
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("PARSING_LAB_SEED"), out var seed) ? seed : 20261124;

    [Fact]
    public async Task Detect_FifteenFormatsWrittenByRealNginx_ReadLikeTheirLogFormat()
    {
        var prefix = Directory.CreateTempSubdirectory("nginx-formats-").FullName;
        try
        {
            var directives = Enumerable.Range(0, LabFormats.Families.Length).Select(i => LabFormats.Directive(i, Seed)).ToList();
            using var backends = new LabBackends(prefix);
            await using (var nginx = await NginxInstance.StartAsync(prefix, Config(directives, backends), "Asia/Kathmandu", null, CancellationToken.None))
            {
                await SendTrafficAsync(nginx);
                await nginx.StopAsync();
            }

            var failures = new List<string>();
            for (var i = 0; i < directives.Count; i++)
            {
                var lines = (await File.ReadAllLinesAsync(Path.Combine(prefix, $"fmt{i}.log"))).Select(Encoding.UTF8.GetBytes).ToList();
                Assert.True(AccessLogFormat.TryCompile(directives[i], out var truth, out var error), error);
                var detection = LogFormatDetector.DetectWithPrefix(lines.Take(LogFormatDetector.SampleLines).ToList());
                var detected = detection.Format;
                var right = detected is null ? 0 : lines.Count(line => SameReading(truth, detected, line));
                output.WriteLine($"{LabFormats.Families[i],-14} {right,4}/{lines.Count} {directives[i]}\n{"",-14} detected {detected?.Name}: {detected?.Definition}");
                Assert.True(lines.Count >= 100, $"fmt{i}: only {lines.Count} lines");
                Assert.True(lines.All(l => truth.TryParse(l, out var e) && e.TryGetTime(out _)), $"fmt{i}: nginx wrote lines its own format does not read");
                if (right * 100 < lines.Count * 95 || !detection.Prefix.IsNone)
                {
                    failures.Add($"fmt{i} ({LabFormats.Families[i]}): {right}/{lines.Count} read right; detected {detected?.Definition ?? "nothing"} (prefix {detection.Prefix.Name ?? "none"}) for {directives[i]}");
                }
            }

            Assert.True(failures.Count == 0, string.Join('\n', failures));
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public async Task Analyze_RealNginxLogsWithoutFormat_NoLineMalformed()
    {
        var prefix = Directory.CreateTempSubdirectory("nginx-formats-").FullName;
        try
        {
            var directives = Enumerable.Range(0, LabFormats.Families.Length).Select(i => LabFormats.Directive(i, Seed + 1)).ToList();
            using var backends = new LabBackends(prefix);
            await using (var nginx = await NginxInstance.StartAsync(prefix, Config(directives, backends), "America/St_Johns", null, CancellationToken.None))
            {
                await SendTrafficAsync(nginx);
                await nginx.StopAsync();
            }

            for (var i = 0; i < directives.Count; i++)
            {
                var report = LogAnalyzer.Analyze(
                    [LogInput.FromPath(Path.Combine(prefix, $"fmt{i}.log"))], [LogInput.FromPath(Path.Combine(prefix, "error.log"))],
                    null, new DiagnosisOptions(), CancellationToken.None);

                Assert.True(report.Stats.MalformedLines == 0, $"fmt{i}: {report.Stats.MalformedLines} malformed with {report.Stats.FormatTemplate}: {string.Join('\n', report.Stats.MalformedSamples)}");
                Assert.True(report.Stats.FormatDetected);
                Assert.True(report.Stats.GatewayErrors > 0, $"fmt{i}: no gateway error read with {report.Stats.FormatTemplate}");
            }
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    private static bool SameReading(AccessLogFormat truth, AccessLogFormat detected, byte[] line)
    {
        if (!truth.TryParse(line, out var expected) || !expected.TryGetTime(out var time))
        {
            return false;
        }

        return detected.TryParse(line, out var actual) && actual.Status == expected.Status
            && actual.TryGetTime(out var detectedTime) && detectedTime == time
            && actual.HostName == expected.HostName
            && actual.Text(AccessField.UpstreamAddr) == expected.Text(AccessField.UpstreamAddr);
    }

    private static string Config(List<string> directives, LabBackends backends)
    {
        var config = new StringBuilder();
        foreach (var (directive, i) in directives.Select((d, i) => (d, i)))
        {
            config.AppendLine(directive);
            config.AppendLine($"access_log {{prefix}}/fmt{i}.log fmt{i};");
        }

        config.AppendLine($$"""
            limit_req_zone $server_name zone=lab_limit:1m rate=1r/m;
            upstream lab_pool {
                server unix:{prefix}/gone.sock max_fails=0;
                server {{backends.HttpAddress}};
            }
            upstream lab_dead {
                server unix:{prefix}/gone-1.sock max_fails=1 fail_timeout=60s;
                server unix:{prefix}/gone-2.sock max_fails=1 fail_timeout=60s;
            }
            server {
                listen unix:{prefix}/php.sock;
                access_log off;
                location / { return 200 "php\n"; }
            }
            server { listen unix:{prefix}/front.sock; server_name api.shop.test; location / { proxy_pass http://{{backends.HttpAddress}}; } }
            server { listen unix:{prefix}/front.sock; server_name php.shop.test; location / { proxy_pass http://unix:{prefix}/php.sock:; } }
            server { listen unix:{prefix}/front.sock; server_name down.shop.test; location / { proxy_pass http://unix:{prefix}/gone.sock:; } }
            server { listen unix:{prefix}/front.sock; server_name slow.shop.test; location / { proxy_read_timeout 1s; proxy_pass http://unix:{{backends.SilentSocket}}:; } }
            server { listen unix:{prefix}/front.sock; server_name pool.shop.test; location / { proxy_pass http://lab_pool; } }
            server { listen unix:{prefix}/front.sock; server_name dead.shop.test; location / { proxy_pass http://lab_dead; } }
            server { listen unix:{prefix}/front.sock; server_name static.shop.test; location / { return 200 "static\n"; } location /gone { return 404; } }
            server { listen unix:{prefix}/front.sock; server_name limited.shop.test; location / { limit_req zone=lab_limit; proxy_pass http://{{backends.HttpAddress}}; } }
            """);
        return config.ToString();
    }

    /// <summary>Mostly answered requests, and around them every way nginx logs a failure.</summary>
    private static async Task SendTrafficAsync(NginxInstance nginx)
    {
        var random = new Random(Seed);
        var plan = new List<(string Host, int Count)>
        {
            ("api.shop.test", 60), ("php.shop.test", 15), ("down.shop.test", 12), ("pool.shop.test", 10),
            ("dead.shop.test", 6), ("static.shop.test", 12), ("limited.shop.test", 6),
        };
        var requests = plan.SelectMany(p => Enumerable.Repeat(p.Host, p.Count)).OrderBy(_ => random.Next()).ToList();
        var slow = Task.WhenAll(Enumerable.Range(0, 4).Select(i => nginx.SendAsync(HttpMethod.Get, "slow.shop.test", $"/report/{i}?year=2026", Client(random), CancellationToken.None)));
        foreach (var host in requests)
        {
            var target = random.Next(6) switch
            {
                0 => "/missing/" + random.Next(100),
                1 => "/api/v1/items?page=" + random.Next(9) + "&sort=asc",
                2 => "/",
                3 => "/gone/x",
                _ => "/api/v1/items/" + random.Next(1000),
            };
            await nginx.SendAsync(random.Next(5) == 0 ? HttpMethod.Post : HttpMethod.Get, host, target, Client(random), CancellationToken.None);
        }

        await slow;
    }

    private static string Client(Random random) => random.Next(8) == 0 ? $"2001:db8::{random.Next(1, 999):x}" : $"203.0.113.{random.Next(1, 255)}";
}
