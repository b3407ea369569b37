namespace FunctionsApp.Hosting;

/// <summary>Occurrences around this one.</summary>
internal sealed record TimerScheduleStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);
