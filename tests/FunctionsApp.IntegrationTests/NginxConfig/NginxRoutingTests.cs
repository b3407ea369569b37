using System.Diagnostics;
using System.Net.Sockets;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Nginx;
using FunctionsApp.NginxConfig;

namespace FunctionsApp.IntegrationTests.NginxConfig;

/// <summary>
/// Route() against the real thing: a running nginx with the routing fixture (every location answers its id), asked
/// for the same host and path. Where the two disagree, nginx is right.
/// </summary>
public sealed class NginxRoutingTests : IAsyncLifetime
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("nginx-routing-").FullName;
    private readonly HeldPort _held = HeldPort.Shareable();
    private Process? _nginx;
    private NginxConfigModel _model = null!;

    public static TheoryData<string, string> Requests() => new()
    {
        { "default.test", "/" },
        { "default.test", "/app/" },
        { "default.test", "/app/x" },
        { "default.test", "/app/static/a.php" },
        { "default.test", "/app/x.php" },
        { "default.test", "/x/images/a.png" },
        { "default.test", "/X/IMAGES/a.png" },
        { "default.test", "/docs/" },
        { "default.test", "/docs/api/v1" },
        { "default.test", "/docs/guide.pdf" },
        { "default.test", "/docs/api/spec.pdf" },
        { "default.test", "/docs/x.php" },
        { "default.test", "/nested/plain/x.php" },
        { "default.test", "/nested/other.php" },
        { "default.test", "/a/../app/" },
        { "default.test", "/app%2Fx" },
        { "default.test", "/app/x?y=1.php" },
        { "www.example.test", "/" },
        { "WWW.Example.Test", "/api/x" },
        { "example.test", "/v2/orders" },
        { "foo.example.test", "/" },
        { "shop.example.org", "/cart" },
        { "acme.tenants.test", "/" },
        { "unknown.test", "/app/x" },
        { "www.example.test:8080", "/" },
    };

    public async Task InitializeAsync()
    {
        var source = Path.Combine(RepositoryPaths.Root, "tests", "FunctionsApp.Engine.Tests", "Fixtures", "nginx-config", "routing", "nginx.conf");
        var config = Path.Combine(_prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(source)).Replace("127.0.0.1:8082", $"127.0.0.1:{_held.Port}", StringComparison.Ordinal));
        Directory.CreateDirectory(Path.Combine(_prefix, "logs"));
        _model = NginxConfigParser.ParseFile(config).Model!;

        var start = new ProcessStartInfo(NginxLab.NginxBinary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", _prefix + "/", "-c", config, "-g", "daemon off;" })
        {
            start.ArgumentList.Add(arg);
        }

        _nginx = Process.Start(start)!;
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", _held.Port);
                return;
            }
            catch (SocketException) when (stopwatch.Elapsed < TimeSpan.FromSeconds(15) && !_nginx.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_nginx is { HasExited: false })
        {
            _nginx.Kill(entireProcessTree: true);
            await _nginx.WaitForExitAsync();
        }

        _nginx?.Dispose();
        _held.Dispose();
        Directory.Delete(_prefix, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Route_PicksTheLocationNginxPicks(string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{_held.Port}{path}"));
        request.Headers.Host = host;
        using var response = await LabHttp.Client.SendAsync(request);
        var answered = await response.Content.ReadAsStringAsync();

        var route = _model.Route(host, path);

        Assert.NotNull(route);
        var own = route.Location?.Directive.Find("return") ?? route.Server.Directive.Find("return");
        Assert.Equal(answered, own?.Args[1]);
    }
}
