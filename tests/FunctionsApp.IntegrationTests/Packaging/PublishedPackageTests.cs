using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Packaging;

/// <summary>
/// The Native AOT package has the layout Azure Functions expects (host.json, the handler binary and each
/// <c>&lt;Name&gt;/function.json</c> at the root), and the published binary itself starts and serves.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PublishedPackageTests(PublishedPackageFixture package) : IClassFixture<PublishedPackageFixture>
{
    [Fact]
    public void Package_Layout_IsWhatTheFunctionsHostExpects()
    {
        var root = package.PackageDirectory;
        var expectedFunctions = Directory.EnumerateDirectories(RepositoryPaths.FunctionsDirectory)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.True(File.Exists(Path.Combine(root, "host.json")));
        Assert.True(File.Exists(Path.Combine(root, "FunctionsApp")));
        Assert.True((File.GetUnixFileMode(Path.Combine(root, "FunctionsApp")) & UnixFileMode.UserExecute) != 0);
        Assert.Equal(expectedFunctions, Directory.EnumerateDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in expectedFunctions)
        {
            Assert.Equal(
                File.ReadAllText(Path.Combine(RepositoryPaths.FunctionsDirectory, name!, "function.json")),
                File.ReadAllText(Path.Combine(root, name!, "function.json")));
        }

        // Nothing else: no IL, no symbols, no docs (the binary is self-contained).
        Assert.Equal(["FunctionsApp", "host.json"], Directory.EnumerateFiles(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "host.json")));
        Assert.Equal("FunctionsApp", host.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.Equal([0x7f, (byte)'E', (byte)'L', (byte)'F'], File.ReadAllBytes(Path.Combine(root, "FunctionsApp"))[..4]);
    }

    [Fact]
    public void Zip_HoldsThePackageWithTheExecutableBit()
    {
        using var zip = ZipFile.OpenRead(package.ZipFile);
        var names = zip.Entries.Where(e => !e.FullName.EndsWith('/')).Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray();

        Assert.Contains("host.json", names);
        Assert.Contains("ingest/function.json", names);
        Assert.Contains("health/function.json", names);
        var binary = Assert.Single(zip.Entries, e => e.FullName == "FunctionsApp");
        Assert.True(((UnixFileMode)(binary.ExternalAttributes >> 16) & UnixFileMode.UserExecute) != 0);
    }

    [Fact]
    public async Task PublishedBinary_Standalone_ServesHealthIngestAndProblems()
    {
        using var held = HeldPort.Shareable();
        var port = held.Port;
        using var process = StartBinary(new Dictionary<string, string>
        {
            ["Hosting__Urls"] = $"http://127.0.0.1:{port}",
        });
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var health = await WaitForHealthAsync(client, process);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);

            client.DefaultRequestHeaders.Add("x-functions-key", TestApp.FunctionKey);
            var body = Bodies.Encode("{\"log\":\"10.0.0.1 - - [24/Nov/2026:05:00:01 +0000] \\\"GET / HTTP/1.1\\\" 502 0 \\\"-\\\" \\\"-\\\"\"}\n", "zstd");
            using var ingest = await client.PostAsync("/api/ingest/nginx-access", Bodies.Content(body, "zstd"));
            Assert.Equal(HttpStatusCode.Accepted, ingest.StatusCode);
            Assert.Equal(1, (await IngestResponseBody.ReadAsync(ingest)).Lines);

            using var unsupported = await client.PostAsync("/api/ingest/nginx-access", Bodies.Content([1, 2, 3], "br"));
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
            Assert.Equal("urn:nginx-502-diagnostics:problem:unsupported-content-encoding", (await ProblemBody.ReadAsync(unsupported)).Type);

            // Strict decompression is baked into the AOT binary: a truncated gzip body is corrupt, not a shorter batch.
            var gzip = Bodies.Encode(string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i}\n")), "gzip");
            using var truncated = await client.PostAsync("/api/ingest/nginx-access", Bodies.Content(gzip[..(gzip.Length / 2)], "gzip"));
            Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);
        }
        finally
        {
            await StopAsync(process);
        }
    }

    [Fact]
    public async Task PublishedBinary_UnderTheFunctionsHost_ListensOnTheCustomHandlerPort()
    {
        using var held = HeldPort.Shareable();
        var port = held.Port;
        using var process = StartBinary(new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var health = await WaitForHealthAsync(client, process);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Contains("\"custom-handler\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // Forwarded request without a key: the host enforces keys in this mode.
            using var ingest = await client.PostAsync("/api/ingest/nginx-access", Bodies.Content("line\n"u8.ToArray(), null));
            Assert.Equal(HttpStatusCode.Accepted, ingest.StatusCode);
        }
        finally
        {
            await StopAsync(process);
        }
    }

    [Fact]
    public async Task Zip_Unpacked_HasEveryFunctionAndItsBinaryAnswersHealth()
    {
        var unpacked = Directory.CreateTempSubdirectory("functions-zip-").FullName;
        try
        {
            ZipFile.ExtractToDirectory(package.ZipFile, unpacked);
            var functions = Directory.GetDirectories(RepositoryPaths.FunctionsDirectory)
                .Where(d => File.Exists(Path.Combine(d, "function.json")))
                .Select(Path.GetFileName)
                .ToList();
            Assert.Contains("analyze", functions);
            Assert.All(functions, name => Assert.True(File.Exists(Path.Combine(unpacked, name!, "function.json")), $"{name}/function.json is not in the zip"));
            Assert.True(File.Exists(Path.Combine(unpacked, "host.json")));
            Assert.True((File.GetUnixFileMode(Path.Combine(unpacked, "FunctionsApp")) & UnixFileMode.UserExecute) != 0);

            using var held = HeldPort.Shareable();
            var port = held.Port;
            using var process = StartBinary(new Dictionary<string, string> { ["Hosting__Urls"] = $"http://127.0.0.1:{port}" }, unpacked);
            try
            {
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                using var health = await WaitForHealthAsync(client, process);
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }
            finally
            {
                await StopAsync(process);
            }
        }
        finally
        {
            Directory.Delete(unpacked, recursive: true);
        }
    }

    private Process StartBinary(Dictionary<string, string> environment, string? directory = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        directory ??= package.PackageDirectory;
        var start = new ProcessStartInfo(Path.Combine(directory, "FunctionsApp"))
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Storage__ConnectionString"] = package.Azurite.ConnectionString;
        start.Environment["Storage__LogsContainer"] = "logs-" + suffix;
        start.Environment["Auth__FunctionKeys__test"] = TestApp.FunctionKey;
        start.Environment["Ingestion__Sources__nginx-access__Kind"] = "Access";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Lifeline.Start(start);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task StopAsync(Process process)
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        Lifeline.Release(process);
    }

    private static async Task<HttpResponseMessage> WaitForHealthAsync(HttpClient client, Process process)
    {
        var deadline = Environment.TickCount64 + 30_000;
        while (true)
        {
            Assert.False(process.HasExited, $"The binary exited with {(process.HasExited ? process.ExitCode : 0)}.");
            try
            {
                return await client.GetAsync("/api/health");
            }
            catch (HttpRequestException) when (Environment.TickCount64 < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
