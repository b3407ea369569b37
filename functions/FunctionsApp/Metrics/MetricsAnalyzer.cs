using System.Globalization;

namespace FunctionsApp.Metrics;

/// <summary>
/// Pure judgement of the metrics around one incident: per series the baseline and incident mean/peak, the correlation
/// with per-minute gateway errors, and an assessment; then one verdict for the incident.
/// </summary>
/// <remarks>
/// Values are compared in "load" terms: percent of capacity when the unit is <c>Percent</c> or a capacity is configured
/// (<c>Available…</c> metrics are turned into percent used), otherwise relative to the baseline in the reported unit.
/// </remarks>
internal static class MetricsAnalyzer
{
    public static IncidentMetrics Analyze(
        IReadOnlyList<ResourceReading> readings,
        IReadOnlyList<MinuteCount> errorsPerMinute,
        DateTimeOffset baselineStart,
        DateTimeOffset incidentStart,
        DateTimeOffset incidentEnd,
        MetricsOptions options)
    {
        var errors = new Dictionary<DateTimeOffset, int>();
        foreach (var minute in errorsPerMinute)
        {
            var key = FloorMinute(minute.Minute);
            errors[key] = errors.GetValueOrDefault(key) + minute.Count;
        }

        var resources = new List<ResourceMetrics>();
        foreach (var reading in readings)
        {
            if (reading.Error is { } error)
            {
                resources.Add(new ResourceMetrics(reading.Resource.Resource.Id, reading.Resource.Resource.ResourceType, error, []));
                continue;
            }

            var series = reading.Resource.Metrics
                .Select(definition => AnalyzeSeries(definition, reading, errors, baselineStart, incidentStart, incidentEnd, options))
                .ToList();
            var empty = series.All(s => s.Assessment == MetricAssessment.NoData);
            resources.Add(new ResourceMetrics(reading.Resource.Resource.Id, reading.Resource.Resource.ResourceType,
                empty ? MetricsNoDataReason.EmptySeries : null, series));
        }

        var withData = resources.SelectMany(r => r.Series.Select(s => (Resource: r, Series: s)))
            .Where(x => x.Series.Assessment != MetricAssessment.NoData)
            .ToList();
        if (withData.Count == 0)
        {
            var reason = resources.Count == 0
                ? MetricsNoDataReason.NoMapping
                : resources.Select(r => r.Error ?? MetricsNoDataReason.EmptySeries)
                    .GroupBy(r => r).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
            return IncidentMetrics.NoData(reason, NoDataSummary(reason, resources.Count), baselineStart, incidentStart, incidentEnd, resources);
        }

        var supporting = withData.Where(x => Supports(x.Series, options)).ToList();
        var verdict = supporting.Count > 0 ? MetricsVerdict.Corroborated : MetricsVerdict.Normal;
        var lead = verdict == MetricsVerdict.Corroborated
            ? supporting.OrderByDescending(x => x.Series.Assessment).ThenByDescending(x => x.Series.Correlation ?? -1).First()
            : withData.OrderByDescending(x => x.Series.Kind == MetricKind.Cpu).ThenByDescending(x => x.Series.Incident.Peak ?? 0).First();
        return new IncidentMetrics
        {
            Verdict = verdict,
            Summary = Summarize(verdict, lead.Resource, lead.Series, withData.Select(x => x.Resource.ResourceId).Distinct().Count()),
            BaselineStart = baselineStart,
            IncidentStart = incidentStart,
            IncidentEnd = incidentEnd,
            Resources = resources,
        };
    }

    /// <summary>Saturated; or elevated and moving with the errors (or too short a window to tell).</summary>
    private static bool Supports(MetricSeries series, MetricsOptions options) => series.Assessment switch
    {
        MetricAssessment.Saturated => true,
        MetricAssessment.Elevated => series.Correlation is null || series.Correlation >= options.CorrelationThreshold,
        _ => false,
    };

    private static MetricSeries AnalyzeSeries(
        MetricDefinition definition,
        ResourceReading reading,
        Dictionary<DateTimeOffset, int> errors,
        DateTimeOffset baselineStart,
        DateTimeOffset incidentStart,
        DateTimeOffset incidentEnd,
        MetricsOptions options)
    {
        var raw = reading.Metrics.FirstOrDefault(m => m.Name.Equals(definition.Name, StringComparison.OrdinalIgnoreCase));
        var flags = new List<string>();
        if (raw is null)
        {
            return new MetricSeries
            {
                Name = definition.Name,
                Kind = definition.Kind,
                Unit = definition.ExpectedUnit,
                PercentScale = false,
                Points = [],
                Baseline = new SeriesStats(null, null, 0),
                Incident = new SeriesStats(null, null, 0),
                Assessment = MetricAssessment.NoData,
                Flags = ["missing"],
            };
        }

        if (definition.ExpectedUnit.Length > 0 && !definition.ExpectedUnit.Equals(raw.Unit, StringComparison.OrdinalIgnoreCase))
        {
            flags.Add("unit_mismatch");
        }

        var scale = ScaleFor(raw.Unit, definition, reading.Resource);
        if (scale is null && !raw.Unit.Equals("Percent", StringComparison.OrdinalIgnoreCase) && IsCapacityUnit(raw.Unit))
        {
            flags.Add("no_capacity");
        }

        var percent = scale is not null;
        var lowerIsWorse = definition.LowerIsWorse;

        double? Load(double? value) => value is not { } v ? null
            : percent ? (lowerIsWorse ? 100.0 - (v * scale!.Value) : v * scale!.Value)
            : v;

        var firstIncidentMinute = FloorMinute(incidentStart);
        var expectedMinutes = (int)Math.Max(1, (FloorMinute(incidentEnd) - FloorMinute(baselineStart)).TotalMinutes + 1);
        var baselineAvg = new List<double>();
        var baselinePeak = new List<double>();
        var incidentAvg = new List<double>();
        var incidentPeak = new List<double>();
        var pairs = new List<(double X, double Y)>();
        var present = 0;
        var outOfRange = false;
        foreach (var point in raw.Points)
        {
            var minute = FloorMinute(point.Time);
            if (minute < FloorMinute(baselineStart) || minute > FloorMinute(incidentEnd))
            {
                continue;
            }

            var avg = Load(point.Average);
            if (avg is not { } a)
            {
                continue;
            }

            present++;
            // "Available" metrics are worst at their lowest average; Maximum would be their best moment.
            var peak = lowerIsWorse ? a : Load(point.Maximum) ?? a;
            if (percent && (a < -0.5 || a > 100.5 || peak > 100.5))
            {
                outOfRange = true;
            }

            var inIncident = minute >= firstIncidentMinute;
            (inIncident ? incidentAvg : baselineAvg).Add(a);
            (inIncident ? incidentPeak : baselinePeak).Add(peak);
            // Relative "available" series correlate inverted so that a positive r always means "more load, more errors".
            pairs.Add((errors.GetValueOrDefault(minute), !percent && lowerIsWorse ? -a : a));
        }

        if (present < expectedMinutes)
        {
            flags.Add("gaps");
        }

        if (outOfRange)
        {
            flags.Add("out_of_range");
        }

        var baseline = Stats(baselineAvg, baselinePeak, !percent && lowerIsWorse);
        var incident = Stats(incidentAvg, incidentPeak, !percent && lowerIsWorse);
        var correlation = Statistics.Pearson(pairs, options.MinimumCorrelationPoints);
        return new MetricSeries
        {
            Name = raw.Name,
            Kind = definition.Kind,
            Unit = raw.Unit,
            PercentScale = percent,
            Points = raw.Points,
            Baseline = baseline,
            Incident = incident,
            Correlation = correlation is { } r ? Math.Round(r, 3) : null,
            PairedMinutes = pairs.Count,
            Assessment = Assess(baseline, incident, percent, lowerIsWorse, options),
            Flags = flags,
        };
    }

    private static MetricAssessment Assess(SeriesStats baseline, SeriesStats incident, bool percent, bool lowerIsWorse, MetricsOptions options)
    {
        if (incident.Mean is not { } mean || incident.Peak is not { } peak)
        {
            return MetricAssessment.NoData;
        }

        if (percent)
        {
            if (peak >= options.SaturationPercent)
            {
                return MetricAssessment.Saturated;
            }

            return baseline.Mean is { } b && mean - b >= options.ElevatedPercentPoints ? MetricAssessment.Elevated : MetricAssessment.Normal;
        }

        if (baseline.Mean is not { } baseMean)
        {
            return MetricAssessment.Normal;
        }

        if (lowerIsWorse)
        {
            // Available memory falling to zero is saturation whatever the unit.
            if (peak <= 0 && baseMean > 0)
            {
                return MetricAssessment.Saturated;
            }

            return mean > 0 && baseMean / mean >= options.ElevatedRatio ? MetricAssessment.Elevated : MetricAssessment.Normal;
        }

        return baseMean > 0 && mean / baseMean >= options.ElevatedRatio ? MetricAssessment.Elevated : MetricAssessment.Normal;
    }

    private static SeriesStats Stats(List<double> averages, List<double> peaks, bool lowestIsPeak) =>
        averages.Count == 0
            ? new SeriesStats(null, null, 0)
            : new SeriesStats(Math.Round(averages.Average(), 3), Math.Round(lowestIsPeak ? peaks.Min() : peaks.Max(), 3), averages.Count);

    /// <summary>Multiplier from the reported unit to percent of capacity, or null when only a relative comparison is possible.</summary>
    private static double? ScaleFor(string unit, MetricDefinition definition, MappedResource resource)
    {
        if (unit.Equals("Percent", StringComparison.OrdinalIgnoreCase))
        {
            return 1.0;
        }

        if (unit.Equals("Bytes", StringComparison.OrdinalIgnoreCase) && resource.MemoryBytes is { } memory && definition.Kind != MetricKind.Cpu)
        {
            return 100.0 / memory;
        }

        if (resource.CpuCores is { } cores && definition.Kind != MetricKind.Memory)
        {
            if (unit.Equals("NanoCores", StringComparison.OrdinalIgnoreCase))
            {
                return 100.0 / (cores * 1e9);
            }

            if (unit.Equals("MilliCores", StringComparison.OrdinalIgnoreCase))
            {
                return 100.0 / (cores * 1e3);
            }

            if (unit.Equals("Cores", StringComparison.OrdinalIgnoreCase))
            {
                return 100.0 / cores;
            }
        }

        return null;
    }

    private static bool IsCapacityUnit(string unit) =>
        unit.Equals("Bytes", StringComparison.OrdinalIgnoreCase) || unit.EndsWith("Cores", StringComparison.OrdinalIgnoreCase);

    internal static DateTimeOffset FloorMinute(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private static string Summarize(MetricsVerdict verdict, ResourceMetrics resource, MetricSeries series, int resourceCount)
    {
        var name = resource.ResourceId[(resource.ResourceId.LastIndexOf('/') + 1)..];
        var what = series.Kind switch
        {
            MetricKind.Cpu => "CPU",
            MetricKind.Memory => "memory",
            _ => series.Name,
        };
        var unit = series.PercentScale ? "%" : " " + series.Unit;
        var inc = Number(series.Incident.Peak) + unit;
        var baseMean = Number(series.Baseline.Mean) + unit;
        var r = series.Correlation is { } c ? string.Create(CultureInfo.InvariantCulture, $", r={c:0.00} with the gateway errors") : "";
        return verdict == MetricsVerdict.Corroborated
            ? $"{what} of {name} {(series.Assessment == MetricAssessment.Saturated ? "saturated" : "rose")}: peak {inc} against a baseline mean of {baseMean}{r}."
            : $"CPU and memory of {resourceCount} resource(s) stayed near baseline (e.g. {what} of {name}: peak {inc}, baseline mean {baseMean}{r}); this argues against overload.";
    }

    private static string Number(double? value) =>
        value is { } v ? v.ToString(Math.Abs(v) >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture) : "n/a";

    private static string NoDataSummary(MetricsNoDataReason reason, int resources) => reason switch
    {
        MetricsNoDataReason.NoMapping => "No Azure resource is mapped to this upstream (Metrics:Upstreams).",
        MetricsNoDataReason.Forbidden => $"No permission to read metrics of {resources} resource(s): grant the app's identity Monitoring Reader.",
        MetricsNoDataReason.Throttled => "Azure Monitor throttled the metrics requests (429) after every retry.",
        MetricsNoDataReason.NotFound => "The mapped resource or metric does not exist (404).",
        MetricsNoDataReason.EmptySeries => "Azure Monitor returned no samples for the incident window.",
        MetricsNoDataReason.Error => "Reading metrics failed (server error or timeout).",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
