using System.Diagnostics;
using System.Text;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>
/// One nginx instance, one access-log format and time zone, several scenarios (one server block
/// each). Every request is logged twice: to the instance-wide <c>access.log</c>/<c>error.log</c>
/// (what a real server would have) and to the scenario's own pair (the fixtures).
/// </summary>
internal sealed class NginxScenarioRun : IAsyncDisposable
{
    private readonly NginxLab _lab;

    private NginxScenarioRun(NginxLab lab, LabLogFormat format, string? timeZone, int port)
    {
        _lab = lab;
        Format = format;
        TimeZone = timeZone;
        Port = port;
    }

    public LabLogFormat Format { get; }

    public string? TimeZone { get; }

    public int Port { get; }

    public string Prefix => _lab.Prefix;

    /// <summary>The instance-wide access log: every scenario's requests, in one format.</summary>
    public string AccessLogPath => Path.Combine(_lab.Prefix, "access.log");

    /// <summary>The instance-wide error log: startup notices plus every scenario's errors.</summary>
    public string ErrorLogPath => _lab.ErrorLogPath;

    public string ConfigPath => _lab.ConfigPath;

    public IReadOnlyList<ScenarioOutcome> Outcomes { get; private set; } = [];

    /// <summary>When traffic started (before the first request) and ended (after nginx stopped).</summary>
    public DateTimeOffset TrafficStarted { get; private set; }

    public DateTimeOffset TrafficEnded { get; private set; }

    public ScenarioOutcome this[string scenario] => Outcomes.Single(o => o.Scenario.Name == scenario);

    /// <summary>Starts nginx with the scenarios, drives all their traffic at once, stops nginx gracefully.</summary>
    public static async Task<NginxScenarioRun> RunAsync(
        LabLogFormat format,
        string? timeZone,
        IReadOnlyList<string> scenarioNames,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var lab = NginxLab.Create();
        var run = new NginxScenarioRun(lab, format, timeZone, lab.ReservePort());
        try
        {
            await using var catalog = new NginxScenarioCatalog(lab.Prefix, timeProvider);
            var scenarios = scenarioNames.Select(catalog.Create).ToList();
            await lab.StartAsync(run.BuildHttpConfig(scenarios), timeZone, cancellationToken);

            run.TrafficStarted = timeProvider.GetUtcNow();
            var clients = scenarios.Select(s => new ScenarioClient(run.Port, s.Host, s.Name)).ToList();
            var durations = await Task.WhenAll(scenarios.Select((s, i) => TimeAsync(s.DriveAsync(clients[i], cancellationToken))));
            await lab.StopAsync(cancellationToken);
            run.TrafficEnded = timeProvider.GetUtcNow();

            run.Outcomes = scenarios
                .Select((s, i) => new ScenarioOutcome(s, clients[i].Statuses, run.ScenarioDirectory(s.Name), durations[i]))
                .ToList();
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _lab.DisposeAsync();

    private static async Task<TimeSpan> TimeAsync(Task traffic)
    {
        var stopwatch = Stopwatch.StartNew();
        await traffic;
        return stopwatch.Elapsed;
    }

    private string ScenarioDirectory(string name) => Path.Combine(_lab.Prefix, "scenarios", name);

    private string BuildHttpConfig(IReadOnlyList<NginxScenario> scenarios)
    {
        var config = new StringBuilder();
        config.AppendLine(Format.Declaration);
        foreach (var scenario in scenarios.Where(s => s.HttpDirectives.Length > 0))
        {
            config.AppendLine(scenario.HttpDirectives);
        }

        foreach (var scenario in scenarios)
        {
            var directory = ScenarioDirectory(scenario.Name);
            Directory.CreateDirectory(directory);
            config.AppendLine($$"""
                server {
                    listen 127.0.0.1:{{Port}};
                    server_name {{scenario.Host}};
                    access_log {{AccessLogPath}} {{Format.NginxName}};
                    access_log {{directory}}/access.log {{Format.NginxName}};
                    error_log {{ErrorLogPath}} info;
                    error_log {{directory}}/error.log info;

                    location / {
                {{Indent(scenario.LocationDirectives, "        ")}}
                    }
                }
                """);
        }

        return config.ToString();
    }

    private static string Indent(string text, string indent) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => indent + line.Trim()));
}
