using System.Globalization;
using System.Text.Json.Nodes;

namespace FunctionsApp.IntegrationTests.Metrics;

/// <summary>
/// Builds responses in the documented Azure Monitor shapes (Metrics - List 2023-10-01; Metrics Batch 2024-02-01):
/// <c>value[].name.value</c>, <c>unit</c>, <c>timeseries[].data[].timeStamp/average/maximum</c>; a minute without a sample
/// carries only its <c>timeStamp</c>, as Azure Monitor does.
/// </summary>
internal static class AzureMonitorFake
{
    public const string Subscription = "00000000-0000-0000-0000-0000000000aa";
    public const string Vm1 = "/subscriptions/" + Subscription + "/resourceGroups/rg-api/providers/Microsoft.Compute/virtualMachines/vm-api-1";
    public const string Vm2 = "/subscriptions/" + Subscription + "/resourceGroups/rg-api/providers/Microsoft.Compute/virtualMachines/vm-api-2";
    public const string Vm3 = "/subscriptions/" + Subscription + "/resourceGroups/rg-api/providers/Microsoft.Compute/virtualMachines/vm-api-3";

    public static readonly DateTimeOffset BaselineStart = new(2026, 11, 24, 4, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset IncidentStart = BaselineStart.AddMinutes(30).AddSeconds(12);
    public static readonly DateTimeOffset IncidentEnd = BaselineStart.AddMinutes(39).AddSeconds(50);

    /// <summary>Percentage CPU 35% then 97% in the incident; Available Memory Bytes flat. <paramref name="gapEvery"/> drops values.</summary>
    public static JsonObject Metric(string name, int gapEvery = 0, string? unit = null)
    {
        var data = new JsonArray();
        for (var i = 0; i < 40; i++)
        {
            var point = new JsonObject { ["timeStamp"] = BaselineStart.AddMinutes(i).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) };
            if (gapEvery == 0 || i % gapEvery != 0)
            {
                var (avg, max) = name == "Percentage CPU"
                    ? (i < 30 ? 35.0 + i % 3 : 95.0 + i % 3, i < 30 ? 40.0 : 99.0)
                    : (4.0e9 + (i % 3) * 1e7, 4.1e9);
                point["average"] = avg;
                point["maximum"] = max;
            }

            data.Add(point);
        }

        return new JsonObject
        {
            ["id"] = "/providers/Microsoft.Insights/metrics/" + name,
            ["type"] = "Microsoft.Insights/metrics",
            ["name"] = new JsonObject { ["value"] = name, ["localizedValue"] = name },
            ["displayDescription"] = "",
            ["unit"] = unit ?? (name == "Percentage CPU" ? "Percent" : "Bytes"),
            ["timeseries"] = new JsonArray(new JsonObject { ["metadatavalues"] = new JsonArray(), ["data"] = data }),
            ["errorCode"] = "Success",
        };
    }

    public static string ListResponse(string metricNames, int gapEvery = 0, string? cpuUnit = null) => new JsonObject
    {
        ["cost"] = 79,
        ["timespan"] = "2026-11-24T04:00:00Z/2026-11-24T04:40:00Z",
        ["interval"] = "PT1M",
        ["value"] = new JsonArray([.. metricNames.Split(',').Select(n => (JsonNode)Metric(n, gapEvery, n == "Percentage CPU" ? cpuUnit : null))]),
        ["namespace"] = "Microsoft.Compute/virtualMachines",
        ["resourceregion"] = "westeurope",
    }.ToJsonString();

    public static string BatchResponse(IEnumerable<string> resourceIds, string metricNames) => new JsonObject
    {
        ["values"] = new JsonArray([.. resourceIds.Select(id => (JsonNode)new JsonObject
        {
            ["starttime"] = "2026-11-24T04:00:00Z",
            ["endtime"] = "2026-11-24T04:40:00Z",
            ["interval"] = "PT1M",
            ["namespace"] = "Microsoft.Compute/virtualMachines",
            ["resourceregion"] = "westeurope",
            ["resourceid"] = id,
            ["value"] = new JsonArray([.. metricNames.Split(',').Select(n => (JsonNode)Metric(n))]),
        })]),
    }.ToJsonString();

    public static string ArmError(string code, string message) =>
        new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString();
}
