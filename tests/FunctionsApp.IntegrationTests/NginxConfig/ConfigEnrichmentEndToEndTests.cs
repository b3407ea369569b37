using System.Text.Json;
using FunctionsApp.Cli;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Nginx;
using FunctionsApp.IntegrationTests.Nginx.Upstreams;

namespace FunctionsApp.IntegrationTests.NginxConfig;

/// <summary>
/// A real nginx, one site in the predefined combined format (no $host, no upstream fields), four locations in front
/// of upstreams that fail four ways; then <c>analyze --nginx-config</c> on its real logs and the exact file it ran.
/// The verdicts name the configuration's lines, and the upstream the access log never named comes from the route.
/// </summary>
public sealed class ConfigEnrichmentEndToEndTests
{
    private const string Host = "shop.example.test";

    [Fact]
    public async Task Analyze_WithTheConfigThatProducedTheLogs_NamesDirectivesAndResolvesTheUpstream()
    {
        await using var slow = LoopbackTcpServer.Start(UpstreamBehaviors.Slow(TimeSpan.FromSeconds(3)));
        await using var unavailable = LoopbackTcpServer.Start(UpstreamBehaviors.Respond(503, "Service Unavailable"));
        using var certificate = SelfSignedCertificates.Create("wrong-name.example.test", TimeProvider.System);
        await using var tls = LoopbackTcpServer.Start(UpstreamBehaviors.Tls(certificate));
        using var deadPort = HeldPort.Refusing();
        var dead = deadPort.Port;
        await using var lab = NginxLab.Create();
        using var listenPort = HeldPort.Shareable();
        var port = listenPort.Port;
        var trusted = Path.Combine(lab.Prefix, "trusted.pem");
        SelfSignedCertificates.WritePem(certificate, trusted);
        var access = Path.Combine(lab.Prefix, "shop-access.log");
        var errors = Path.Combine(lab.Prefix, "shop-error.log");

        await lab.StartAsync($$"""
            server {
                listen 127.0.0.1:{{port}};
                server_name {{Host}};
                access_log {{access}} combined;
                error_log {{errors}} info;

                location /reports/ {
                    proxy_pass http://{{slow.Address}};
                    proxy_read_timeout 1s;
                }

                location /api/ {
                    proxy_pass http://{{unavailable.Address}};
                }

                location /legacy/ {
                    proxy_pass http://127.0.0.1:{{dead}};
                }

                location /secure/ {
                    proxy_pass https://{{tls.Address}};
                    proxy_ssl_verify on;
                    proxy_ssl_trusted_certificate {{trusted}};
                    proxy_ssl_name api.internal.example.test;
                    proxy_ssl_server_name on;
                }
            }
            """, timeZone: "UTC", CancellationToken.None);
        await Task.WhenAll(
            Task.WhenAll(Enumerable.Range(1, 5).Select(i => LabHttp.GetAsync(port, Host, $"/reports/{i}", CancellationToken.None))),
            SequentialAsync(port, "/api/orders/"),
            SequentialAsync(port, "/legacy/page/"),
            SequentialAsync(port, "/secure/account/"));
        await lab.StopAsync(CancellationToken.None);

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AnalyzeCommand.RunAsync(["--nginx-config", lab.ConfigPath, "--access", access, "--error", errors, "--json"], stdout, stderr, CancellationToken.None);

        Assert.True(exit == 0, stderr.ToString());
        using var json = JsonDocument.Parse(stdout.ToString());
        var incidents = json.RootElement.GetProperty("incidents").EnumerateArray().ToList();
        var lines = await File.ReadAllLinesAsync(lab.ConfigPath);
        string Where(string text) => $"{lab.ConfigPath}:{Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal)) + 1}";

        var timeout = Single(incidents, i => i.GetProperty("status").GetInt32() == 504);
        // combined has no $request_time, so the 504s' durations are unknown: the timer that fired is still named.
        Assert.Contains($"nginx gave up after proxy_read_timeout 1s ({Where("proxy_read_timeout 1s")})", Summary(timeout), StringComparison.Ordinal);

        var returned = Single(incidents, i => i.GetProperty("status").GetInt32() == 503);
        Assert.Equal(unavailable.Address, returned.GetProperty("upstream").GetString());
        Assert.Contains($"routes these requests to {unavailable.Address} ({Where("proxy_pass http://" + unavailable.Address)})", Summary(returned), StringComparison.Ordinal);

        var wrongPort = Single(incidents, i => i.GetProperty("upstream").GetString() == $"127.0.0.1:{dead}");
        Assert.Contains($"127.0.0.1:{dead} is named at {Where($"proxy_pass http://127.0.0.1:{dead}")}", Summary(wrongPort), StringComparison.Ordinal);

        var handshake = Single(incidents, i => i.GetProperty("upstream").GetString() == tls.Address);
        Assert.Contains($"proxy_ssl_name api.internal.example.test ({Where("proxy_ssl_name")})", Summary(handshake), StringComparison.Ordinal);

        var findings = json.RootElement.GetProperty("config").GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("rule").GetString() == "no-error-page" && f.GetProperty("line").GetInt32() == int.Parse(Where("location /legacy/").Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(findings, f => f.GetProperty("rule").GetString() == "log-format-missing-fields");
    }

    private static async Task SequentialAsync(int port, string path)
    {
        for (var i = 1; i <= 5; i++)
        {
            await LabHttp.GetAsync(port, Host, path + i, CancellationToken.None);
        }
    }

    private static JsonElement Single(List<JsonElement> incidents, Func<JsonElement, bool> which) => Assert.Single(incidents, i => which(i));

    private static string Summary(JsonElement incident) => incident.GetProperty("summary").GetString()!;
}
