using System.Collections.Concurrent;
using System.Text.Json;
using FunctionsApp.Cli;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>Runs the engine (<c>analyze --json</c>) once per log pair and keeps the parsed answer.</summary>
internal static class AnalyzeRunner
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<AnalyzeResult>>> Results = new();

    /// <summary>Analyzes the instance-wide logs of <paramref name="run"/> with its own log format.</summary>
    public static Task<AnalyzeResult> AnalyzeAsync(NginxScenarioRun run) =>
        Results.GetOrAdd(run.AccessLogPath, _ => new Lazy<Task<AnalyzeResult>>(() => RunAsync(run))).Value;

    private static async Task<AnalyzeResult> RunAsync(NginxScenarioRun run)
    {
        string[] args =
        [
            "--access", run.AccessLogPath,
            "--error", run.ErrorLogPath,
            "--log-format", run.Format.Format,
            "--json",
        ];
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var exitCode = await AnalyzeCommand.RunAsync(args, stdout, stderr, timeout.Token);
        return new AnalyzeResult(exitCode, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>What <c>analyze</c> returned; <see cref="Json"/> throws a readable error when stdout is not JSON.</summary>
internal sealed record AnalyzeResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json
    {
        get
        {
            try
            {
                using var document = JsonDocument.Parse(Stdout);
                return document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException(
                    $"analyze did not print JSON (exit {ExitCode}): {e.Message}\nstdout:\n{Stdout}\nstderr:\n{Stderr}", e);
            }
        }
    }

    public IReadOnlyList<JsonElement> Incidents => [.. Json.GetProperty("incidents").EnumerateArray()];

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
