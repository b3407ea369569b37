using FunctionsApp.Hosting;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Hosting;

/// <summary>Standalone, the app runs timer functions itself on their 6-field schedule (the app setting the worker's trigger reads).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StandaloneSchedulerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly RecordingTimerFunction _timer = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(
            azurite,
            new Dictionary<string, string?> { ["Hosting:RunTimers"] = "true", [RecordingTimerFunction.Setting] = "*/1 * * * * *" },
            services => services.AddSingleton<ITimerFunction>(_timer));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

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
}
