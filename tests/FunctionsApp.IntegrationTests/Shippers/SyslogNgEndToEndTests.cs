using System.Globalization;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Shippers;

/// <summary>
/// Real syslog-ng tails a growing nginx access log and error log and ships them to the ingest endpoint with a
/// function key; every line written arrives in Blob Storage exactly once, also across a syslog-ng restart.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SyslogNgEndToEndTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("syslog-ng-e2e-").FullName;
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task SyslogNg_TailingGrowingLogsAcrossARestart_DeliversEveryLineExactlyOnce()
    {
        Assert.True(SyslogNgProcess.IsInstalled, "syslog-ng is not installed (scripts/test installs syslog-ng-core and syslog-ng-mod-http).");
        var access = Path.Combine(_directory, "access.log");
        var error = Path.Combine(_directory, "error.log");
        await File.WriteAllTextAsync(access, string.Empty);
        await File.WriteAllTextAsync(error, string.Empty);
        await using var syslogNg = new SyslogNgProcess(
            _directory,
            [(access, new Uri(_app.BaseAddress, "/api/ingest/nginx-access")), (error, new Uri(_app.BaseAddress, "/api/ingest/nginx-error"))],
            TestApp.FunctionKey);
        var written = new Dictionary<string, List<string>> { ["nginx-access"] = [], ["nginx-error"] = [] };

        await syslogNg.StartAsync();
        await WriteAsync(access, error, written, from: 0, count: 400);
        await WaitForAsync(written, syslogNg);

        await syslogNg.StopAsync();
        await WriteAsync(access, error, written, from: 400, count: 150);
        await syslogNg.StartAsync();
        await WriteAsync(access, error, written, from: 550, count: 250);
        await WaitForAsync(written, syslogNg);

        foreach (var (source, lines) in written)
        {
            var stored = await BatchBlobs.ReadAllLinesAsync(_app.Logs, $"raw/{source}/");
            Assert.Equal(lines.Count, stored.Count);
            Assert.Equal(lines.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        }
    }

    private static async Task WriteAsync(string access, string error, Dictionary<string, List<string>> written, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            var time = new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero).AddSeconds(i);
            var accessLine = string.Create(CultureInfo.InvariantCulture,
                $"192.0.2.{i % 250} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/orders/{i} HTTP/1.1\" {(i % 7 == 0 ? 502 : 200)} {i} \"-\" \"e2e/{i}\"");
            await File.AppendAllTextAsync(access, accessLine + "\n");
            written["nginx-access"].Add(accessLine);
            if (i % 7 == 0)
            {
                var errorLine = string.Create(CultureInfo.InvariantCulture,
                    $"{time:yyyy/MM/dd HH:mm:ss} [error] 31#31: *{i} upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.{i % 250}, server: _, request: \"GET /api/orders/{i} HTTP/1.1\", upstream: \"http://10.0.0.5:8080/api/orders/{i}\"");
                await File.AppendAllTextAsync(error, errorLine + "\n");
                written["nginx-error"].Add(errorLine);
            }

            if (i % 50 == 0)
            {
                await Task.Delay(20);
            }
        }
    }

    private async Task WaitForAsync(Dictionary<string, List<string>> written, SyslogNgProcess syslogNg)
    {
        var deadline = Environment.TickCount64 + 60_000;
        while (true)
        {
            var done = true;
            foreach (var (source, lines) in written)
            {
                done &= (await BatchBlobs.ReadAllLinesAsync(_app.Logs, $"raw/{source}/")).Count >= lines.Count;
            }

            if (done)
            {
                return;
            }

            Assert.False(syslogNg.HasExited, "syslog-ng exited:\n" + syslogNg.Output);
            Assert.True(Environment.TickCount64 < deadline, "Not every line arrived within 60 s. syslog-ng said:\n" + syslogNg.Output);
            await Task.Delay(250);
        }
    }
}
