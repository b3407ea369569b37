namespace FunctionsApp.Metrics;

/// <summary>Mean of the minute averages and peak of the minute maxima over one period; null without samples.</summary>
public sealed record SeriesStats(double? Mean, double? Peak, int Samples);
