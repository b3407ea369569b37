using System.Text.Json;
using FunctionsApp.Cli;

namespace FunctionsApp.Tests.Cli;

/// <summary><c>analyze --nginx-config</c>: alone, with logs, and with a configuration nginx would reject.</summary>
public sealed class AnalyzeCommandConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("analyze-config-").FullName;

    private static readonly string ConfigFixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx-config");
    private static readonly string LogFixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AnalyzeCommand.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task RunAsync_ConfigAlone_ListsFindingsWithFileAndLine()
    {
        var (exit, output, error) = await RunAsync("--nginx-config", Path.Combine(ConfigFixtures, "api-gateway", "nginx.conf"), "--json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(5, json.RootElement.GetProperty("files").GetArrayLength());
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("rule").GetString() == "limit-req-without-burst"
            && f.GetProperty("file").GetString()!.EndsWith("sites-enabled/api.example.com", StringComparison.Ordinal)
            && f.GetProperty("line").GetInt32() > 0 && f.GetProperty("severity").GetString() == "warning");
    }

    [Fact]
    public async Task RunAsync_ConfigWithLogs_RoutesIncidentsAndAddsLogFindings()
    {
        var dir = Path.Combine(LogFixtures, "mixed-combined");

        var (exit, output, _) = await RunAsync("--nginx-config", Path.Combine(dir, "nginx.conf"), "--access", Path.Combine(dir, "access.log"), "--error", Path.Combine(dir, "error.log"));

        Assert.Equal(0, exit);
        Assert.Contains("    config: server upstream-timeout.example.test (", output, StringComparison.Ordinal);
        Assert.Contains("configuration finding(s):", output, StringComparison.Ordinal);
        Assert.Contains(": no-error-page [info]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ConfigWithSyntaxError_ExitsOneWithFileAndLine()
    {
        var path = Path.Combine(_dir, "nginx.conf");
        await File.WriteAllTextAsync(path, "events {}\nhttp {\n    server {\n        listen 80\n    }\n}\n");

        var (exit, output, error) = await RunAsync("--nginx-config", path);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains($"{path}:5: unexpected \"}}\"", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A refusal on localhost's [::1] alone, with nginx's warning not logged: the logs cannot tell a lone [::1] server
    /// (the client's 502) from the name localhost's first address. The configuration can: its `server localhost:5601`
    /// makes nginx try 127.0.0.1:5601 next, which failed in no line, so no client got an error.
    /// </summary>
    [Theory]
    [InlineData("upstream kibana {\n    server localhost:5601;\n}\nserver {\n    listen 80;\n    location / { proxy_pass http://kibana; }\n}\n", 0)]
    [InlineData("server {\n    listen 80;\n    location / { proxy_pass http://localhost:5601/; }\n}\n", 0)]
    [InlineData("server {\n    listen 80;\n    location / { proxy_pass http://[::1]:5601/; }\n}\n", 1)]
    public async Task RunAsync_RefusedOnLocalhostIpv6_TheConfigurationsLocalhostSaysNginxWentOn(string config, int incidents)
    {
        var conf = Path.Combine(_dir, "nginx.conf");
        var errors = Path.Combine(_dir, "error.log");
        await File.WriteAllTextAsync(conf, "http {\n" + config + "}\n");
        await File.WriteAllTextAsync(errors, "2015/09/22 09:22:38 [error] 10626#0: *186124 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: kibana.example.com, request: \"GET / HTTP/1.1\", upstream: \"http://[::1]:5601/\", host: \"kibana.example.com\"\n");

        var (exit, output, _) = await RunAsync("--nginx-config", conf, "--error", errors, "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(incidents, json.RootElement.GetProperty("incidents").GetArrayLength());
        Assert.Equal(1 - incidents, json.RootElement.GetProperty("stats").GetProperty("triesMovedPastToIpv4").GetInt64());
    }

    /// <summary>A fragment pasted without its last brace beside the logs: the logs still say what failed, without it.</summary>
    [Fact]
    public async Task RunAsync_ConfigWithSyntaxErrorBesideLogs_WarnsAndAnalysesTheLogs()
    {
        var dir = Path.Combine(LogFixtures, "mixed-combined");
        var path = Path.Combine(_dir, "nginx.conf");
        await File.WriteAllTextAsync(path, "http {\n    server {\n        listen 80;\n        location / { root html; }\n}\n");

        var (exit, output, error) = await RunAsync("--nginx-config", path, "--access", Path.Combine(dir, "access.log"), "--error", Path.Combine(dir, "error.log"));

        Assert.Equal(0, exit);
        Assert.Contains($"analyze: warning: the nginx configuration cannot be read, so the logs are analysed without it: {path}:6: unexpected end of file", error, StringComparison.Ordinal);
        Assert.Contains("incident(s):", output, StringComparison.Ordinal);
        Assert.DoesNotContain("configuration finding(s):", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingConfig_ExitsTwo()
    {
        var (exit, _, error) = await RunAsync("--nginx-config", Path.Combine(_dir, "absent.conf"));

        Assert.Equal(2, exit);
        Assert.Contains("no such file", error, StringComparison.Ordinal);
    }
}
