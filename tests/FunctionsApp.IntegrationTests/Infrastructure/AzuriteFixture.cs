using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>
/// A real Azurite blob service (the npm package pinned in package.json) on a held loopback port with a temp data
/// folder. <see cref="StopAsync"/> and <see cref="StartAsync"/> simulate a storage outage on the same port and data.
/// </summary>
/// <remarks>
/// The port is held (<see cref="HeldPort"/>) from construction to dispose, also while Azurite is stopped: no other
/// server can be given it, and a fixture that is never started is a port where nothing listens. Azurite is ready when
/// it says so itself ("successfully listens on" the address we gave it); it runs under a <see cref="Lifeline"/>, so it
/// dies with the test host.
/// </remarks>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>How long Azurite may take to listen. Node loads a few thousand modules first: seconds on a quiet
    /// machine, much longer on a busy one; a limit only catches a hang.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly HeldPort _port = HeldPort.Shareable();
    private readonly StringBuilder _output = new();
    private string? _dataDirectory;
    private Process? _process;

    public int Port => _port.Port;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    /// <summary>Everything Azurite printed (its start and close messages, errors).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public BlobServiceClient CreateClient() => new(ConnectionString);

    public Task InitializeAsync() => StartAsync();

    public async Task StartAsync()
    {
        if (!File.Exists(RepositoryPaths.AzuriteBlob))
        {
            throw new InvalidOperationException($"Azurite is not installed ({RepositoryPaths.AzuriteBlob}); run 'npm ci' (scripts/test does).");
        }

        if (_process is not null)
        {
            throw new InvalidOperationException("Azurite is already running.");
        }

        _dataDirectory ??= Directory.CreateTempSubdirectory("azurite-").FullName;
        var start = new ProcessStartInfo(RepositoryPaths.AzuriteBlob)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--skipApiVersionCheck", "--disableTelemetry", "--silent", "--loose",
                     "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(CultureInfo.InvariantCulture),
                     "--location", _dataDirectory,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        // --silent turns off the access log only; Azurite still prints "... successfully listens on http://127.0.0.1:PORT".
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = $"successfully listens on http://127.0.0.1:{Port}";
        var process = Lifeline.Start(start);
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            Append(e.Data);
            if (e.Data?.Contains(ready, StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var stopwatch = Stopwatch.StartNew();
        using var stopWaiting = new CancellationTokenSource();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(StartTimeout, stopWaiting.Token));
        await stopWaiting.CancelAsync();
        if (first == listening.Task)
        {
            return;
        }

        var why = first == exited
            ? $"Azurite exited with {process.ExitCode} before it listened"
            : $"Azurite did not listen on 127.0.0.1:{Port} within {stopwatch.Elapsed.TotalSeconds:F0} s";
        await StopAsync();
        throw new InvalidOperationException($"{why}. It printed:\n{Output}");
    }

    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            Lifeline.Release(process);
            process.Dispose();
            _process = null;
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        _port.Dispose();
        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind does not affect other tests.
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
