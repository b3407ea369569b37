namespace FunctionsApp.Metrics;

/// <summary>One minute of a metric. Null where Azure Monitor had no sample (a gap).</summary>
/// <param name="Time">Start of the minute (UTC).</param>
/// <param name="Average">Average over the minute, in the series' <see cref="MetricSeries.Unit"/>.</param>
/// <param name="Maximum">Maximum over the minute.</param>
public sealed record MetricPoint(DateTimeOffset Time, double? Average, double? Maximum);
