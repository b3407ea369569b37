namespace FunctionsApp.Hosting;

/// <summary>The host's description of a schedule.</summary>
/// <param name="AdjustForDST">Whether occurrences move with daylight saving time.</param>
internal sealed record TimerSchedule(bool AdjustForDST);
