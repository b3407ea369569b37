namespace FunctionsApp.Metrics;

/// <summary>Gateway errors seen in one minute (the minute's start, UTC). Minutes without errors may be omitted.</summary>
public sealed record MinuteCount(DateTimeOffset Minute, int Count);
