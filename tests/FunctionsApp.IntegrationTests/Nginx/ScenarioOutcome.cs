namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>What one scenario produced: client-visible statuses, how long its traffic took, its own access/error log pair.</summary>
internal sealed record ScenarioOutcome(NginxScenario Scenario, IReadOnlyList<int> Statuses, string Directory, TimeSpan Duration)
{
    public string AccessLogPath => Path.Combine(Directory, "access.log");

    public string ErrorLogPath => Path.Combine(Directory, "error.log");

    public string[] AccessLines() => File.Exists(AccessLogPath) ? File.ReadAllLines(AccessLogPath) : [];

    public string[] ErrorLines() => File.Exists(ErrorLogPath) ? File.ReadAllLines(ErrorLogPath) : [];
}
