using FunctionsApp.Hosting;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsApp.IntegrationTests.Hosting;

/// <summary>The standalone scheduler on a fake clock: occurrences, schedule status and past-due detection.</summary>
public sealed class TimerSchedulerTimeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("scheduler-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task ExecuteAsync_FiveMinuteSchedule_RunsAtTheOccurrenceWithItsStatus()
    {
        WriteFunctionJson("0 */5 * * * *");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 5, 4, 58, TimeSpan.Zero));
        var timer = new RecordingTimerFunction();
        using var scheduler = CreateScheduler(timer, clock);

        await scheduler.StartAsync(CancellationToken.None);
        for (var i = 0; i < 200 && timer.Invocations.IsEmpty; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(10);
        }

        await scheduler.StopAsync(CancellationToken.None);
        var info = Assert.Single(timer.Invocations);
        Assert.False(info.IsPastDue);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 5, 5, 0, TimeSpan.Zero), info.ScheduleStatus?.Last);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 5, 10, 0, TimeSpan.Zero), info.ScheduleStatus?.Next);
    }

    [Fact]
    public void LoadSchedules_TimerWithoutRegisteredFunction_IsSkipped()
    {
        WriteFunctionJson("0 */5 * * * *", name: "unregistered");
        var invoker = new TimerFunctionInvoker([new RecordingTimerFunction()], TimeProvider.System, NullLogger<TimerFunctionInvoker>.Instance);

        Assert.Empty(TimerScheduler.LoadSchedules(_root, invoker, NullLogger.Instance));
    }

    private TimerScheduler CreateScheduler(ITimerFunction timer, TimeProvider clock) =>
        new(
            new TimerFunctionInvoker([timer], clock, NullLogger<TimerFunctionInvoker>.Instance),
            Options.Create(new HostingOptions { FunctionsRoot = _root }),
            clock,
            NullLogger<TimerScheduler>.Instance);

    private void WriteFunctionJson(string schedule, string name = RecordingTimerFunction.DefaultName)
    {
        Directory.CreateDirectory(Path.Combine(_root, name));
        File.WriteAllText(
            Path.Combine(_root, name, "function.json"),
            $"{{\"bindings\":[{{\"type\":\"timerTrigger\",\"direction\":\"in\",\"name\":\"timer\",\"schedule\":\"{schedule}\"}}]}}");
    }
}
