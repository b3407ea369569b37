using System.Text.Json;
using FunctionsApp.Metrics;
using static FunctionsApp.Tests.Metrics.MetricsTestData;

namespace FunctionsApp.Tests.Metrics;

public sealed class MetricsAnalyzerTests
{
    private const long EightGiB = 8L * 1024 * 1024 * 1024;

    [Fact]
    public void Analyze_CpuSaturatedDuringIncident_Corroborated()
    {
        var reading = new ResourceReading(Resource(VmId), null,
        [
            new RawMetricSeries("Percentage CPU", "Percent", Series(35, 97)),
            new RawMetricSeries("Available Memory Bytes", "Bytes", Series(4e9, 3.9e9, 1e7)),
        ]);

        var metrics = Analyze(reading);

        Assert.Equal(MetricsVerdict.Corroborated, metrics.Verdict);
        Assert.Null(metrics.Reason);
        var cpu = metrics.Resources[0].Series[0];
        Assert.Equal(MetricAssessment.Saturated, cpu.Assessment);
        Assert.Equal(35, cpu.Baseline.Mean!.Value, 0);
        Assert.Equal(30, cpu.Baseline.Samples);
        Assert.Equal(10, cpu.Incident.Samples);
        Assert.Equal(99, cpu.Incident.Peak!.Value, 0);
        Assert.True(cpu.Correlation > 0.9, $"r={cpu.Correlation}");
        Assert.StartsWith("CPU of vm-api-1 saturated: peak 99%", metrics.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_ResourcesFlat_NormalArguesAgainstOverload()
    {
        var reading = new ResourceReading(Resource(PlanId), null,
        [
            new RawMetricSeries("CpuPercentage", "Percent", Series(30, 32)),
            new RawMetricSeries("MemoryPercentage", "Percent", Series(55, 55)),
        ]);

        var metrics = Analyze(reading);

        Assert.Equal(MetricsVerdict.Normal, metrics.Verdict);
        Assert.All(metrics.Resources[0].Series, s => Assert.Equal(MetricAssessment.Normal, s.Assessment));
        Assert.Contains("argues against overload", metrics.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_ElevatedButMovingAgainstTheErrors_Normal()
    {
        // CPU rose 25 points, but the gateway errors were worst before it rose: r is strongly negative.
        var reading = new ResourceReading(Resource(PlanId), null, [new RawMetricSeries("CpuPercentage", "Percent", Series(30, 55))]);
        var errors = Enumerable.Range(0, 40).Select(i => new MinuteCount(BaselineStart.AddMinutes(i), i < 30 ? 80 + i % 4 : 5)).ToList();

        var metrics = MetricsAnalyzer.Analyze([reading], errors, BaselineStart, IncidentStart, IncidentEnd, new MetricsOptions());
        var cpu = metrics.Resources[0].Series[0];

        Assert.Equal(MetricAssessment.Elevated, cpu.Assessment);
        Assert.True(cpu.Correlation < -0.9, $"r={cpu.Correlation}");
        Assert.Equal(MetricsVerdict.Normal, metrics.Verdict);
    }

    [Fact]
    public void Analyze_ElevatedAndCorrelated_Corroborated()
    {
        var reading = new ResourceReading(Resource(PlanId), null, [new RawMetricSeries("CpuPercentage", "Percent", Series(30, 60))]);

        var metrics = Analyze(reading);

        Assert.Equal(MetricAssessment.Elevated, metrics.Resources[0].Series[0].Assessment);
        Assert.Equal(MetricsVerdict.Corroborated, metrics.Verdict);
        Assert.StartsWith("CPU of plan-web rose", metrics.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_PartialSeriesWithNullsAndMissingMinutes_StatsOverPresentMinutesAndFlagsGaps()
    {
        var points = Series(40, 95);
        points.RemoveRange(5, 10);                                                  // minutes with no row at all
        points[^1] = points[^1] with { Average = null, Maximum = null };          // a row with no value (Azure omits the fields)
        points[^3] = points[^3] with { Average = null, Maximum = null };
        var reading = new ResourceReading(Resource(PlanId), null, [new RawMetricSeries("CpuPercentage", "Percent", points)]);

        var cpu = Analyze(reading).Resources[0].Series[0];

        Assert.Contains("gaps", cpu.Flags);
        Assert.Equal(20, cpu.Baseline.Samples);
        Assert.Equal(8, cpu.Incident.Samples);
        Assert.Equal(28, cpu.PairedMinutes);
        Assert.Equal(MetricAssessment.Saturated, cpu.Assessment);
    }

    [Fact]
    public void Analyze_PercentMetricReportedInBytesWithoutCapacity_FlagsUnitMismatchAndComparesRelatively()
    {
        // MemoryPercentage documented in Percent arrives in Bytes: never read 7e9 as "7 billion percent".
        var reading = new ResourceReading(Resource(PlanId, metrics: ["MemoryPercentage"]), null,
            [new RawMetricSeries("MemoryPercentage", "Bytes", Series(2e9, 7e9, 1e6))]);

        var memory = Analyze(reading).Resources[0].Series[0];

        Assert.Contains("unit_mismatch", memory.Flags);
        Assert.Contains("no_capacity", memory.Flags);
        Assert.False(memory.PercentScale);
        Assert.Equal(MetricAssessment.Elevated, memory.Assessment);
        Assert.Equal(2e9, memory.Baseline.Mean!.Value, 0);
    }

    [Fact]
    public void Analyze_BytesWithConfiguredCapacity_ConvertsToPercent()
    {
        // Available Memory Bytes of an 8 GiB VM falling from 6 GiB to 0.2 GiB is 25% → 97.5% used.
        var gib = 1024.0 * 1024 * 1024;
        var reading = new ResourceReading(Resource(VmId, memoryBytes: EightGiB), null,
        [
            new RawMetricSeries("Percentage CPU", "Percent", Series(20, 22)),
            new RawMetricSeries("Available Memory Bytes", "Bytes", Series(6 * gib, 0.2 * gib, 0)),
        ]);

        var metrics = Analyze(reading);
        var memory = metrics.Resources[0].Series[1];

        Assert.True(memory.PercentScale);
        Assert.Empty(memory.Flags);
        Assert.Equal(25.0, memory.Baseline.Mean!.Value, 1);
        Assert.Equal(97.5, memory.Incident.Peak!.Value, 1);
        Assert.Equal(MetricAssessment.Saturated, memory.Assessment);
        Assert.True(memory.Correlation > 0.9, $"r={memory.Correlation}");
        Assert.Equal(MetricsVerdict.Corroborated, metrics.Verdict);
        Assert.StartsWith("memory of vm-api-1 saturated", metrics.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_NanoCoresWithCpuCores_ConvertsToPercent()
    {
        // 2 cores: 0.5e9 nanocores = 25%, 1.9e9 = 95%.
        var reading = new ResourceReading(Resource(AppId, cpuCores: 2), null,
            [new RawMetricSeries("UsageNanoCores", "NanoCores", Series(0.5e9, 1.9e9, 0))]);

        var cpu = Analyze(reading).Resources[0].Series[0];

        Assert.True(cpu.PercentScale);
        Assert.Equal(25, cpu.Baseline.Mean!.Value, 3);
        Assert.Equal(95, cpu.Incident.Peak!.Value, 3);
        Assert.Equal(MetricAssessment.Saturated, cpu.Assessment);
    }

    [Fact]
    public void Analyze_AvailableBytesWithoutCapacity_FallIsElevatedAndCorrelatesPositively()
    {
        var reading = new ResourceReading(Resource(VmId), null,
            [new RawMetricSeries("Available Memory Bytes", "Bytes", Series(4e9, 1e9, 1e6))]);

        var memory = Analyze(reading).Resources[0].Series[1];

        Assert.False(memory.PercentScale);
        Assert.Equal(MetricAssessment.Elevated, memory.Assessment);
        Assert.True(memory.Correlation > 0.9, $"r={memory.Correlation}");
        Assert.InRange(memory.Incident.Peak!.Value, 0.99e9, 1.01e9);
    }

    [Theory]
    [InlineData(MetricsNoDataReason.Forbidden)]
    [InlineData(MetricsNoDataReason.NotFound)]
    [InlineData(MetricsNoDataReason.Throttled)]
    [InlineData(MetricsNoDataReason.Error)]
    public void Analyze_EveryResourceFailed_NoDataWithThatReason(MetricsNoDataReason reason)
    {
        var metrics = Analyze(new ResourceReading(Resource(VmId), reason, []));

        Assert.Equal(MetricsVerdict.NoData, metrics.Verdict);
        Assert.Equal(reason, metrics.Reason);
        Assert.Equal(reason, metrics.Resources[0].Error);
    }

    [Fact]
    public void Analyze_NoResources_NoMapping()
    {
        var metrics = Analyze();

        Assert.Equal(MetricsVerdict.NoData, metrics.Verdict);
        Assert.Equal(MetricsNoDataReason.NoMapping, metrics.Reason);
    }

    [Fact]
    public void Analyze_SeriesWithoutValues_EmptySeries()
    {
        var empty = Series(0, 0).Select(p => p with { Average = null, Maximum = null }).ToList();

        var metrics = Analyze(new ResourceReading(Resource(PlanId), null,
            [new RawMetricSeries("CpuPercentage", "Percent", empty), new RawMetricSeries("MemoryPercentage", "Percent", [])]));

        Assert.Equal(MetricsVerdict.NoData, metrics.Verdict);
        Assert.Equal(MetricsNoDataReason.EmptySeries, metrics.Reason);
    }

    [Fact]
    public void Analyze_OneResourceForbiddenOtherHasData_UsesTheData()
    {
        var ok = new ResourceReading(Resource(PlanId), null, [new RawMetricSeries("CpuPercentage", "Percent", Series(30, 96))]);

        var metrics = Analyze(new ResourceReading(Resource(VmId), MetricsNoDataReason.Forbidden, []), ok);

        Assert.Equal(MetricsVerdict.Corroborated, metrics.Verdict);
        Assert.Equal(MetricsNoDataReason.Forbidden, metrics.Resources[0].Error);
    }

    [Fact]
    public void Serialize_IncidentMetrics_IsCamelCaseWithSnakeCaseEnums()
    {
        var metrics = Analyze(new ResourceReading(Resource(PlanId), null, [new RawMetricSeries("CpuPercentage", "Percent", Series(30, 96))]));

        var json = JsonSerializer.Serialize(metrics, MetricsJsonContext.Default.IncidentMetrics);

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("corroborated", root.GetProperty("verdict").GetString());
        Assert.False(root.TryGetProperty("reason", out _));
        var series = root.GetProperty("resources")[0].GetProperty("series")[0];
        Assert.Equal("cpu", series.GetProperty("kind").GetString());
        Assert.Equal("saturated", series.GetProperty("assessment").GetString());
        Assert.Equal("Percent", series.GetProperty("unit").GetString());
        Assert.True(series.GetProperty("incident").GetProperty("peak").GetDouble() > 90);
        Assert.Equal(40, series.GetProperty("points").GetArrayLength());
        Assert.True(series.GetProperty("points")[0].TryGetProperty("average", out _));

        var noData = JsonSerializer.Serialize(Analyze(), MetricsJsonContext.Default.IncidentMetrics);
        Assert.Contains("\"verdict\":\"no_data\",\"reason\":\"no_mapping\"", noData, StringComparison.Ordinal);
    }
}
