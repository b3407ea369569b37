using FunctionsApp.Hosting;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Hosting;

/// <summary>Standalone, the app runs timer functions itself on the 6-field schedule of their function.json.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StandaloneSchedulerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("functions-root-").FullName;
    private readonly RecordingTimerFunction _timer = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_root, RecordingTimerFunction.DefaultName));
        await File.WriteAllTextAsync(
            Path.Combine(_root, RecordingTimerFunction.DefaultName, "function.json"),
            "{\"bindings\":[{\"type\":\"timerTrigger\",\"direction\":\"in\",\"name\":\"timer\",\"schedule\":\"*/1 * * * * *\"}]}");
        _app = await TestApp.StartAsync(
            azurite,
            new Dictionary<string, string?> { ["Hosting:RunTimers"] = "true", ["Hosting:FunctionsRoot"] = _root },
            services => services.AddSingleton<ITimerFunction>(_timer));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Scheduler_EverySecondSchedule_InvokesTheFunctionRepeatedlyWithScheduleStatus()
    {
        var deadline = Environment.TickCount64 + 15_000;
        while (_timer.Invocations.Count < 2 && Environment.TickCount64 < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(_timer.Invocations.Count >= 2, $"invocations: {_timer.Invocations.Count}");
        Assert.All(_timer.Invocations, i => Assert.NotNull(i.ScheduleStatus));
        // Real time under load may skip an occurrence, so only the shape is asserted here; the exact Last/Next of each
        // occurrence is asserted on a fake clock in TimerSchedulerTimeTests.
        Assert.All(_timer.Invocations, i => Assert.InRange(i.ScheduleStatus!.Next - i.ScheduleStatus.Last, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)));
        Assert.All(_timer.Invocations, i => Assert.Equal(0, i.ScheduleStatus!.Next.Millisecond));
    }

    [Fact]
    public async Task TimerRoute_Standalone_RequiresTheFunctionKey()
    {
        using var response = await _app.Anonymous.PostAsync("/testtimer", new StringContent("{\"Data\":{\"timer\":{\"IsPastDue\":false}}}"));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
