namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>
/// Runs every scenario against real nginx once per test run, in three instances at the same time
/// (one per access-log format and time zone), and captures fixtures when <c>CAPTURE_FIXTURES</c> is set.
/// </summary>
public sealed class NginxScenariosFixture : IAsyncLifetime
{
    public const string CaptureVariable = "CAPTURE_FIXTURES";

    /// <summary>Which scenarios run under which format and time zone.</summary>
    internal static IReadOnlyList<(LabLogFormat Format, string TimeZone, IReadOnlyList<string> Scenarios)> Plan { get; } =
    [
        (LabLogFormat.Custom, "UTC", NginxScenarioCatalog.All),
        (LabLogFormat.Json, "Europe/Berlin",
        [
            NginxScenarioCatalog.UpstreamDown, NginxScenarioCatalog.ConnectionRefused, NginxScenarioCatalog.UpstreamTimeout,
            NginxScenarioCatalog.TooBigHeader, NginxScenarioCatalog.InvalidHeader, NginxScenarioCatalog.DnsNxDomain,
            NginxScenarioCatalog.UnixSocketOverload, NginxScenarioCatalog.RateLimited, NginxScenarioCatalog.Upstream503,
            NginxScenarioCatalog.Failover, NginxScenarioCatalog.NoLiveUpstreams,
        ]),
        // combined has neither $host nor upstream fields: only scenarios with an error-log line naming the host.
        (LabLogFormat.Combined, "America/New_York",
        [
            NginxScenarioCatalog.UpstreamTimeout, NginxScenarioCatalog.TooBigHeader, NginxScenarioCatalog.TlsNameMismatch,
            NginxScenarioCatalog.UnixSocketOverload, NginxScenarioCatalog.RateLimited, NginxScenarioCatalog.ErrorPageMissing,
        ]),
    ];

    private readonly Dictionary<string, NginxScenarioRun> _runs = [];

    /// <summary>Where fixtures were written, or null when not capturing.</summary>
    public string? CaptureDirectory { get; private set; }

    internal IReadOnlyDictionary<string, NginxScenarioRun> Runs => _runs;

    internal NginxScenarioRun Run(string formatId) => _runs[formatId];

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var tasks = Plan.Select(p =>
            NginxScenarioRun.RunAsync(p.Format, p.TimeZone, p.Scenarios, TimeProvider.System, timeout.Token)).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            // One instance failed: remove the prefixes of the others before reporting it.
            foreach (var task in tasks.Where(t => t.IsCompletedSuccessfully))
            {
                await task.Result.DisposeAsync();
            }

            throw;
        }

        var runs = tasks.Select(t => t.Result).ToList();
        foreach (var run in runs)
        {
            _runs[run.Format.Id] = run;
        }

        // Test-host startup is where a test reads its environment (STYLE.md: config at startup only).
        var capture = Environment.GetEnvironmentVariable(CaptureVariable);
        if (!string.IsNullOrWhiteSpace(capture))
        {
            CaptureDirectory = Path.GetFullPath(capture);
            await FixtureWriter.WriteAsync(CaptureDirectory, runs, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var run in _runs.Values)
        {
            await run.DisposeAsync();
        }
    }
}
