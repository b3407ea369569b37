namespace FunctionsApp.Metrics;

/// <summary>One metric of one resource over the baseline and the incident, with what it says.</summary>
public sealed record MetricSeries
{
    public required string Name { get; init; }

    public required MetricKind Kind { get; init; }

    /// <summary>The unit Azure Monitor reported (<c>Percent</c>, <c>Bytes</c>, <c>NanoCores</c>).</summary>
    public required string Unit { get; init; }

    /// <summary>True when <see cref="Baseline"/> and <see cref="Incident"/> are in percent of capacity (the unit was percent, or capacity was configured).</summary>
    public required bool PercentScale { get; init; }

    /// <summary>The raw minutes, in <see cref="Unit"/>.</summary>
    public required IReadOnlyList<MetricPoint> Points { get; init; }

    /// <summary>Baseline period, in load terms (percent used when <see cref="PercentScale"/>; "available" metrics are inverted).</summary>
    public required SeriesStats Baseline { get; init; }

    /// <summary>Incident period, in the same terms as <see cref="Baseline"/>.</summary>
    public required SeriesStats Incident { get; init; }

    /// <summary>Pearson correlation of per-minute gateway errors with load; null with too few paired minutes or no variance.</summary>
    public double? Correlation { get; init; }

    /// <summary>Minutes where both an error count and a metric value existed.</summary>
    public int PairedMinutes { get; init; }

    public required MetricAssessment Assessment { get; init; }

    /// <summary>Data-quality notes: <c>gaps</c>, <c>unit_mismatch</c>, <c>no_capacity</c>, <c>out_of_range</c>.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
}
