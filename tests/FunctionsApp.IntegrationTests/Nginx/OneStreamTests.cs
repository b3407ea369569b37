using System.Net;
using System.Text.Json;
using FunctionsApp.Cli;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Nginx.Upstreams;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>
/// One stream carrying both logs, as <c>docker logs</c> of the official image (access to stdout, errors to stderr),
/// a syslog file or journald give it: real nginx writes its access and error lines into the same file, in the order
/// it writes them, and <c>analyze --access</c> on that one file must find what it finds on the two logs apart.
/// </summary>
public sealed class OneStreamTests
{
    public static TheoryData<string, string, string> Formats() => new()
    {
        // The access log tells the zone: the error lines' local times are read in it.
        { "combined", LabLogFormat.Combined.Format, "Asia/Kathmandu" },

        // Epoch seconds only: the error log's zone is found by aligning the stream with itself.
        { "epoch", "$msec $remote_addr \"$request\" $status $host $upstream_addr $request_time", "America/St_Johns" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Analyze_OneFileWithBothLogs_FindsTheRefusedUpstreamAsApartFromTheTwo(string name, string format, string zone)
    {
        using var refusing = HeldPort.Refusing();
        await using var healthy = LoopbackTcpServer.Start(UpstreamBehaviors.Respond(200, "OK"));
        await using var lab = NginxLab.Create();
        var port = lab.ReservePort();
        var both = Path.Combine(lab.Prefix, "both.log");
        await lab.StartAsync(
            $$"""
            log_format one_{{name}} '{{format}}';
            error_log {{both}} error;
            server {
                listen 127.0.0.1:{{port}};
                server_name shop.example.test;
                access_log {{both}} one_{{name}};
                location /cart/ { proxy_pass http://{{refusing.Address}}; }
                location / { proxy_pass http://{{healthy.Address}}; }
            }
            """,
            zone,
            CancellationToken.None);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add(await LabHttp.GetAsync(port, "shop.example.test", $"/catalog/{i}", CancellationToken.None));
            statuses.Add(await LabHttp.GetAsync(port, "shop.example.test", $"/cart/{i}", CancellationToken.None));
        }

        await lab.StopAsync(CancellationToken.None);
        Assert.Equal(8, statuses.Count(s => s == HttpStatusCode.BadGateway));
        var lines = await File.ReadAllLinesAsync(both);
        Assert.Contains(lines, l => l.Contains("(111: Connection refused)", StringComparison.Ordinal));

        var report = await AnalyzeAsync("--access", both, "--log-format", format);

        var incident = Assert.Single(report.GetProperty("incidents").EnumerateArray());
        Assert.Equal("upstream_down", incident.GetProperty("cause").GetString());
        Assert.Equal(502, incident.GetProperty("status").GetInt32());
        Assert.Equal(refusing.Address, incident.GetProperty("upstream").GetString());
        Assert.Equal("shop.example.test", incident.GetProperty("host").GetString());
        var stats = report.GetProperty("stats");
        Assert.Equal(16, stats.GetProperty("accessLines").GetInt32());
        Assert.True(stats.GetProperty("errorLines").GetInt32() >= 8, "every refused try is an error line in the stream");
        Assert.Equal(0, stats.GetProperty("malformedLines").GetInt32());
        var offset = TimeZoneInfo.FindSystemTimeZoneById(zone).GetUtcOffset(TimeProvider.System.GetUtcNow());
        Assert.Equal((offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture),
            stats.GetProperty("errorLogUtcOffset").GetString());
    }

    private static async Task<JsonElement> AnalyzeAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var exitCode = await AnalyzeCommand.RunAsync([.. args, "--json"], stdout, stderr, timeout.Token);
        Assert.True(exitCode == 0, stderr.ToString());
        return JsonDocument.Parse(stdout.ToString()).RootElement.Clone();
    }
}
