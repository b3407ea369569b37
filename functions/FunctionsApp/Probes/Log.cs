namespace FunctionsApp.Probes;

/// <summary>Probe events (ids 6100-6149). Targets are logged; nothing the upstream answered is.</summary>
internal static partial class Log
{
    [LoggerMessage(6100, LogLevel.Information, "Probed {Target} for site {Site}: {Outcome} in {DurationMs} ms")]
    public static partial void Probed(ILogger logger, string site, string target, ProbeOutcome outcome, double durationMs);

    [LoggerMessage(6101, LogLevel.Warning, "Probe of {Target} for site {Site} refused: {Reason}")]
    public static partial void ProbeRefused(ILogger logger, string site, string target, string reason);

    [LoggerMessage(6102, LogLevel.Warning, "Automatic probe for incident {Incident} of site {Site} failed to run")]
    public static partial void AutomaticProbeFailed(ILogger logger, Exception exception, string site, string incident);
}
