using System.Diagnostics;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Reliability.FaultSuite;

/// <summary>
/// The standalone app as a process of its own (<c>dotnet FunctionsApp.dll</c>, as <c>scripts/run</c> starts it) on a
/// loopback port this object holds, so it can be killed with SIGKILL and started again on the same port.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly HeldPort _port = HeldPort.Shareable();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Queue<string> _output = new();
    private Process? _process;

    public AppProcess(string name, IReadOnlyDictionary<string, string> settings)
    {
        Name = name;
        _settings = settings;
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
        Client.DefaultRequestHeaders.Add("x-functions-key", TestApp.FunctionKey);
    }

    public string Name { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{_port.Port}");

    /// <summary>A client of this instance with the function key (15 s per request).</summary>
    public HttpClient Client { get; }

    public int Starts { get; private set; }

    /// <summary>The app's built output: the same configuration as this test assembly (Release under scripts/test).</summary>
    public static string AppDirectory
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0/
            return Path.Combine(RepositoryPaths.Root, "functions", "FunctionsApp", "bin", configuration, "net10.0");
        }
    }

    /// <summary>The last lines the app wrote (warnings and errors), for a failure message.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Starts the app and waits until it answers HTTP (any status: storage may be cut).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppDirectory, "FunctionsApp.dll"));
        start.ArgumentList.Add($"--Hosting:Urls={BaseAddress.ToString().TrimEnd('/')}");
        foreach (var (key, value) in _settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Lifeline.Start(start);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Starts++;

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"App {Name} exited with {process.ExitCode}:\n{RecentOutput}");
            }

            try
            {
                using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
                using var response = await probe.GetAsync("/api/health", cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>SIGKILL, as the OOM killer or a host crash would: no shutdown, requests in flight die mid-way.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            await Lifeline.KillGroupAsync(process);
            Lifeline.Release(process);
            process.Dispose();
            _process = null;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 200)
            {
                _output.Dequeue();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Client.Dispose();
        _port.Dispose();
    }
}
