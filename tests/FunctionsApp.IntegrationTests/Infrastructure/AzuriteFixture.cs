using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>
/// A real Azurite blob service and table service (the npm package pinned in package.json), and the queue service when
/// asked for (the isolated worker's fan-out queue), each on a held loopback port, with a temp data folder. <see cref="StopAsync"/> and <see cref="StartAsync"/> simulate a storage outage on
/// the same ports and data.
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
    private readonly HeldPort _tablePort = HeldPort.Shareable();
    private readonly HeldPort? _queuePort;
    private readonly StringBuilder _output = new();
    private string? _dataDirectory;
    private Process? _process;
    private Process? _tableProcess;
    private Process? _queueProcess;

    /// <summary>Blob and table services; xUnit creates fixtures through the one public constructor.</summary>
    public AzuriteFixture()
        : this(queues: false)
    {
    }

    private AzuriteFixture(bool queues)
    {
        _queuePort = queues ? HeldPort.Shareable() : null;
    }

    /// <summary>Blob, table and queue services (one more Node process to start).</summary>
    public static AzuriteFixture WithQueues() => new(queues: true);

    /// <summary>The blob service's port.</summary>
    public int Port => _port.Port;

    /// <summary>The table service's port (the incident index and the timeline).</summary>
    public int TablePort => _tablePort.Port;

    /// <summary>The queue service's port, when it runs.</summary>
    public int? QueuePort => _queuePort?.Port;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;"
        + $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;"
        + (QueuePort is { } queuePort ? $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" : "");

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
        if (_process is not null)
        {
            throw new InvalidOperationException("Azurite is already running.");
        }

        _dataDirectory ??= Directory.CreateTempSubdirectory("azurite-").FullName;
        try
        {
            // Started one after the other: two Node start-ups at once only slow each other down on a busy machine.
            _process = await StartServiceAsync(RepositoryPaths.AzuriteBlob, "--blobHost", "--blobPort", Port);
            _tableProcess = await StartServiceAsync(RepositoryPaths.AzuriteTable, "--tableHost", "--tablePort", TablePort);
            if (QueuePort is { } queuePort)
            {
                _queueProcess = await StartServiceAsync(RepositoryPaths.AzuriteQueue, "--queueHost", "--queuePort", queuePort);
            }
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    private async Task<Process> StartServiceAsync(string executable, string hostOption, string portOption, int port)
    {
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite is not installed ({executable}); run 'npm ci' (scripts/test does).");
        }

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--skipApiVersionCheck", "--disableTelemetry", "--silent", "--loose",
                     hostOption, "127.0.0.1", portOption, port.ToString(CultureInfo.InvariantCulture),
                     "--location", _dataDirectory!,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        // --silent turns off the access log only; Azurite still prints "... successfully listens on http://127.0.0.1:PORT"
        // (the blob and queue services) or "... successfully started on 127.0.0.1:PORT" (the table service).
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string[] ready = [$"successfully listens on http://127.0.0.1:{port}", $"successfully started on 127.0.0.1:{port}"];
        var process = Lifeline.Start(start);
        process.OutputDataReceived += (_, e) =>
        {
            Append(e.Data);
            if (e.Data is { } line && Array.Exists(ready, r => line.Contains(r, StringComparison.Ordinal)))
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
            return process;
        }

        var why = first == exited
            ? $"Azurite exited with {process.ExitCode} before it listened ({Path.GetFileName(executable)})"
            : $"Azurite did not listen on 127.0.0.1:{port} within {stopwatch.Elapsed.TotalSeconds:F0} s ({Path.GetFileName(executable)})";
        await StopProcessAsync(process);
        throw new InvalidOperationException($"{why}. It printed:\n{Output}");
    }

    public async Task StopAsync()
    {
        foreach (var process in new[] { _process, _tableProcess, _queueProcess })
        {
            if (process is not null)
            {
                await StopProcessAsync(process);
            }
        }

        _process = null;
        _tableProcess = null;
        _queueProcess = null;
    }

    private static async Task StopProcessAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        Lifeline.Release(process);
        process.Dispose();
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        _port.Dispose();
        _tablePort.Dispose();
        _queuePort?.Dispose();
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
