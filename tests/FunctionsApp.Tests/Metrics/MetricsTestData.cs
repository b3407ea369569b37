using FunctionsApp.Metrics;

namespace FunctionsApp.Tests.Metrics;

internal static class MetricsTestData
{
    public const string VmId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-api/providers/Microsoft.Compute/virtualMachines/vm-api-1";
    public const string PlanId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Web/serverfarms/plan-web";
    public const string AppId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aca/providers/Microsoft.App/containerApps/orders";

    public static readonly DateTimeOffset BaselineStart = new(2026, 11, 24, 4, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset IncidentStart = BaselineStart.AddMinutes(30);
    public static readonly DateTimeOffset IncidentEnd = IncidentStart.AddMinutes(9).AddSeconds(42);

    public static MappedResource Resource(string id, double? cpuCores = null, long? memoryBytes = null, params string[] metrics)
    {
        var parsed = AzureResourceId.Parse(id);
        return new MappedResource(parsed, "westeurope", MetricDefaults.Resolve(parsed.ResourceType, metrics), cpuCores, memoryBytes);
    }

    /// <summary>40 minutes: 30 of baseline at <paramref name="baseline"/>, then 10 of incident at <paramref name="incident"/>.</summary>
    public static List<MetricPoint> Series(double baseline, double incident, double jitter = 1.0)
    {
        var points = new List<MetricPoint>();
        for (var i = 0; i < 40; i++)
        {
            var value = (i < 30 ? baseline : incident) + (i % 3 - 1) * jitter;
            points.Add(new MetricPoint(BaselineStart.AddMinutes(i), value, value + jitter));
        }

        return points;
    }

    /// <summary>Errors: a few stray ones in the baseline, <paramref name="perMinute"/> per incident minute.</summary>
    public static List<MinuteCount> Errors(int perMinute = 50)
    {
        var errors = new List<MinuteCount> { new(BaselineStart.AddMinutes(3), 1), new(BaselineStart.AddMinutes(17), 2) };
        for (var i = 30; i < 40; i++)
        {
            errors.Add(new MinuteCount(BaselineStart.AddMinutes(i).AddSeconds(0), perMinute + (i % 2) * 7));
        }

        return errors;
    }

    public static IncidentMetrics Analyze(params ResourceReading[] readings) =>
        MetricsAnalyzer.Analyze(readings, Errors(), BaselineStart, IncidentStart, IncidentEnd, new MetricsOptions());
}
