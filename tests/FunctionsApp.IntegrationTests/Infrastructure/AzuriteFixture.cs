using System.Diagnostics;
using Azure.Storage.Blobs;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>
/// A real Azurite blob service (the npm package pinned in package.json) on a free loopback port with a temp data
/// folder. <see cref="StopAsync"/> and <see cref="StartAsync"/> simulate a storage outage on the same port and data.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("azurite-").FullName;
    private Process? _process;

    public int Port { get; } = Ports.GetFree();

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public BlobServiceClient CreateClient() => new(ConnectionString);

    public Task InitializeAsync() => StartAsync();

    public async Task StartAsync()
    {
        if (!File.Exists(RepositoryPaths.AzuriteBlob))
        {
            throw new InvalidOperationException($"Azurite is not installed ({RepositoryPaths.AzuriteBlob}); run 'npm ci' (scripts/test does).");
        }

        var start = new ProcessStartInfo(RepositoryPaths.AzuriteBlob)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--skipApiVersionCheck", "--disableTelemetry", "--silent", "--loose",
                     "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", _dataDirectory,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Ports.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(30));
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
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
