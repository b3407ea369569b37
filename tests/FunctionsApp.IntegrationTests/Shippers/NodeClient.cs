using System.Diagnostics;
using System.Text.Json;

namespace FunctionsApp.IntegrationTests.Shippers;

/// <summary>
/// Runs one of the real npm client scripts in <c>Shippers/clients</c> (see its README) on a job file and waits for it:
/// the script exits 0 only when its client reports every record delivered.
/// </summary>
internal static class NodeClient
{
    public static string ClientsDirectory => Path.Combine(Infrastructure.RepositoryPaths.Root, "tests", "FunctionsApp.IntegrationTests", "Shippers", "clients");

    /// <summary>One record for a client: the line, the instance that wrote it and the file it came from (either may be null).</summary>
    public sealed record Record(string Line, string? Host, string? File);

    public static async Task<string> RunAsync(string script, IReadOnlyList<string> arguments, Uri sourceUrl, string key, IReadOnlyList<Record> records)
    {
        var job = Path.Combine(Path.GetTempPath(), $"shipper-job-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(job, JsonSerializer.Serialize(new
        {
            url = sourceUrl.ToString().TrimEnd('/'),
            key,
            records = records.Select(r => new { line = r.Line, host = r.Host, file = r.File }),
        }));
        try
        {
            var start = new ProcessStartInfo("node")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = ClientsDirectory,
            };
            start.ArgumentList.Add(Path.Combine(ClientsDirectory, script));
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add(job);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{script} did not finish within 120 s:\n{await output}\n{await error}");
            }

            Assert.True(process.ExitCode == 0, $"{script} failed ({process.ExitCode}):\n{await output}\n{await error}");
            return await output;
        }
        finally
        {
            File.Delete(job);
        }
    }
}
