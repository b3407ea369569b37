using System.Text.Json;
using FunctionsApp.Analysis;
using FunctionsApp.Notifications;
using FunctionsApp.Worker.Tests.Support;

namespace FunctionsApp.Worker.Tests.Functions;

/// <summary>
/// The contract with the Functions host is <c>functions.metadata</c>, which the Functions SDK generates from the
/// <c>[Function]</c> attributes at build time: every function in it is a row of the README's table with the same
/// trigger, route, methods, auth level and schedule, and every row is a function.
/// </summary>
public sealed class FunctionsMetadataContractTests
{
    private static readonly IReadOnlyList<ReadmeFunction> Readme = ReadmeFunctionTable.Load();

    public static TheoryData<string> ReadmeNames()
    {
        var data = new TheoryData<string>();
        foreach (var row in Readme)
        {
            data.Add(row.Name);
        }

        return data;
    }

    [Fact]
    public void Metadata_Names_AreTheReadmeTable()
    {
        var generated = LoadMetadata().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal);

        Assert.Equal(Readme.Select(r => r.Name).Order(StringComparer.Ordinal), generated);
    }

    [Theory]
    [MemberData(nameof(ReadmeNames))]
    public void Metadata_Function_MatchesItsReadmeRow(string name)
    {
        var row = Assert.Single(Readme, r => r.Name == name);
        var function = Assert.Single(LoadMetadata(), f => f.GetProperty("name").GetString() == name);
        var trigger = Assert.Single(
            function.GetProperty("bindings").EnumerateArray(),
            b => b.GetProperty("direction").GetString() == "In" && b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

        switch (row.Trigger)
        {
            case "HTTP":
                Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
                Assert.Equal(row.Route, "/api/" + trigger.GetProperty("route").GetString());
                Assert.Equal(
                    row.Methods.Select(m => m.ToUpperInvariant()).Order(StringComparer.Ordinal),
                    trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order(StringComparer.Ordinal));
                Assert.Equal(row.Auth, trigger.GetProperty("authLevel").GetString(), ignoreCase: true);
                Assert.Contains(function.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "http" && b.GetProperty("direction").GetString() == "Out");
                break;
            case "timer":
                Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
                Assert.Equal($"%{row.ScheduleSetting}%", trigger.GetProperty("schedule").GetString());
                break;
            case "queue":
                Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
                Assert.Equal(row.Queue, trigger.GetProperty("queueName").GetString());
                // No connection named: the host reads the queue through AzureWebJobsStorage, the account the
                // timer's fan-out writes to (FunctionsApp.Worker.StorageSiteRunQueue).
                Assert.False(trigger.TryGetProperty("connection", out _), "the queue trigger names a connection of its own");
                break;
            default:
                Assert.Fail($"{name}: README trigger '{row.Trigger}' is neither HTTP, timer nor queue.");
                break;
        }
    }

    [Fact]
    public void TimerSchedules_ReadmeDefaults_AreTheStandaloneDefaults()
    {
        // Standalone runs each timer on its setting, else this default; the README documents both.
        (string Name, string Setting, string Schedule)[] timers =
        [
            (AnalyzeFunction.FunctionName, AnalyzeFunction.ScheduleSettingName, AnalyzeFunction.Schedule),
            (NotifyFunction.FunctionName, NotifyFunction.ScheduleSettingName, NotifyFunction.Schedule),
            (DigestFunction.FunctionName, DigestFunction.ScheduleSettingName, DigestFunction.Schedule),
        ];

        Assert.Equal(
            timers.Select(t => t.Name).Order(StringComparer.Ordinal),
            Readme.Where(r => r.Trigger == "timer").Select(r => r.Name).Order(StringComparer.Ordinal));
        foreach (var (name, setting, schedule) in timers)
        {
            var row = Assert.Single(Readme, r => r.Name == name);
            Assert.Equal(setting, row.ScheduleSetting);
            Assert.Equal(schedule, row.Schedule);
            Assert.Equal(6, schedule.Split(' ').Length);
        }
    }

    [Fact]
    public void WorkerConfig_StartsTheWorkerAssemblyAsDotnetIsolated()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(WorkerOutput.Directory, "worker.config.json")));
        var description = config.RootElement.GetProperty("description");

        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("FunctionsApp.Worker.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.True(File.Exists(Path.Combine(WorkerOutput.Directory, "FunctionsApp.Worker.dll")));
    }

    [Fact]
    public void HostJson_IsTheRepositoryRootsWithoutACustomHandler()
    {
        var shipped = File.ReadAllText(Path.Combine(WorkerOutput.Directory, "host.json"));
        using var host = JsonDocument.Parse(shipped);

        Assert.Equal(File.ReadAllText(Path.Combine(WorkerOutput.Root, "host.json")), shipped);
        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        Assert.False(host.RootElement.TryGetProperty("customHandler", out _));
        Assert.Equal("api", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        // The encoding the analyze timer's fan-out writes (StorageSiteRunQueue) is the one the host decodes.
        Assert.Equal("base64", host.RootElement.GetProperty("extensions").GetProperty("queues").GetProperty("messageEncoding").GetString());
    }

    private static JsonElement[] LoadMetadata()
    {
        var path = Path.Combine(WorkerOutput.Directory, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build functions/FunctionsApp.Worker first.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
