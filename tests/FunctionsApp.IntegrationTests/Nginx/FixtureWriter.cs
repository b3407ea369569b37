using System.Diagnostics;
using System.Text.Json;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>
/// Copies what nginx wrote, byte for byte, into the fixture tree and writes <c>formats.json</c>,
/// the manifest of every fixture directory: its format, time zone, host, upstream and config.
/// </summary>
internal static class FixtureWriter
{
    // Relaxed escaping keeps the format strings readable ("..." rather than \u0022...\u0022).
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task WriteAsync(string root, IReadOnlyList<NginxScenarioRun> runs, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        var fixtures = new List<object>();
        foreach (var run in runs)
        {
            var mixed = $"mixed-{run.Format.Id}";
            Copy(run.AccessLogPath, Path.Combine(root, mixed, "access.log"));
            Copy(run.ErrorLogPath, Path.Combine(root, mixed, "error.log"));
            Copy(run.ConfigPath, Path.Combine(root, mixed, "nginx.conf"));
            fixtures.Add(new
            {
                dir = mixed,
                format = run.Format.Id,
                timeZone = run.TimeZone,
                description = "Every scenario of this nginx instance in one access and error log, plus nginx startup notices.",
                hosts = run.Outcomes.Select(o => o.Scenario.Host).ToArray(),
            });

            foreach (var outcome in run.Outcomes)
            {
                var scenario = outcome.Scenario;
                var dir = $"{scenario.Name}-{run.Format.Id}";
                Copy(outcome.AccessLogPath, Path.Combine(root, dir, "access.log"));
                Copy(outcome.ErrorLogPath, Path.Combine(root, dir, "error.log"));
                fixtures.Add(new
                {
                    dir,
                    format = run.Format.Id,
                    timeZone = run.TimeZone,
                    host = scenario.Host,
                    upstream = scenario.Upstream,
                    expectedCause = scenario.ExpectedCause,
                    expectedStatus = scenario.IncidentStatus,
                    clientStatuses = outcome.Statuses,
                    expectedErrorMessages = scenario.ExpectedErrorMessages,
                    httpConfig = scenario.HttpDirectives.Length > 0 ? scenario.HttpDirectives.Split('\n') : null,
                    locationConfig = scenario.LocationDirectives.Split('\n', StringSplitOptions.RemoveEmptyEntries),
                });
            }
        }

        var manifest = new
        {
            nginx = await NginxVersionAsync(cancellationToken),
            formats = LabLogFormat.All.ToDictionary(
                f => f.Id,
                f => new { name = f.NginxName, escape = f.Escape, format = f.Format, declaration = f.Declaration }),
            fixtures,
        };
        await File.WriteAllTextAsync(
            Path.Combine(root, "formats.json"), JsonSerializer.Serialize(manifest, Json) + "\n", cancellationToken);
    }

    private static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        if (File.Exists(source))
        {
            File.Copy(source, destination, overwrite: true);
        }
        else
        {
            File.WriteAllBytes(destination, []);
        }
    }

    private static async Task<string> NginxVersionAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(NginxLab.NginxBinary, "-v") { RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(startInfo)!;
        var version = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return version.Trim();
    }
}
