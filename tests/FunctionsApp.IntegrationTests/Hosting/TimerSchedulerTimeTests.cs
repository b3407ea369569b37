using FunctionsApp.Hosting;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsApp.IntegrationTests.Hosting;

/// <summary>The standalone scheduler on a fake clock: occurrences, schedule status and past-due detection; schedules from settings.</summary>
public sealed class TimerSchedulerTimeTests
{
    [Fact]
    public async Task ExecuteAsync_FiveMinuteSchedule_RunsAtTheOccurrenceWithItsStatus()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 5, 4, 58, TimeSpan.Zero));
        var timer = new RecordingTimerFunction(defaultSchedule: "0 */5 * * * *");
        using var scheduler = CreateScheduler(timer, clock, Settings());

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
    public void Resolve_SettingPresent_OverridesTheDefault()
    {
        var schedules = TimerSchedules.Resolve(
            [new RecordingTimerFunction(defaultSchedule: "0 */5 * * * *")],
            Settings((RecordingTimerFunction.Setting, "0 0 */2 * * *")));

        var next = schedules.Schedules[RecordingTimerFunction.DefaultName]
            .GetNextOccurrence(new DateTimeOffset(2026, 11, 24, 5, 4, 58, TimeSpan.Zero), TimeZoneInfo.Utc);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void Resolve_SettingAbsent_UsesTheDefault()
    {
        var schedules = TimerSchedules.Resolve([new RecordingTimerFunction(defaultSchedule: "*/30 * * * * *")], Settings());

        var next = schedules.Schedules[RecordingTimerFunction.DefaultName]
            .GetNextOccurrence(new DateTimeOffset(2026, 11, 24, 5, 4, 58, TimeSpan.Zero), TimeZoneInfo.Utc);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 5, 5, 0, TimeSpan.Zero), next);
    }

    [Theory]
    [InlineData("*/5 * * * *")] // five fields: the host's schedules have seconds
    [InlineData("every minute")]
    public void Resolve_BadSchedule_FailsNamingTheSettingAndValue(string schedule)
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            TimerSchedules.Resolve([new RecordingTimerFunction()], Settings((RecordingTimerFunction.Setting, schedule))));

        Assert.Contains(RecordingTimerFunction.Setting, ex.Message, StringComparison.Ordinal);
        Assert.Contains(schedule, ex.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    private static TimerScheduler CreateScheduler(ITimerFunction timer, TimeProvider clock, IConfiguration settings) =>
        new(
            new TimerFunctionInvoker([timer], clock, NullLogger<TimerFunctionInvoker>.Instance),
            TimerSchedules.Resolve([timer], settings),
            clock,
            NullLogger<TimerScheduler>.Instance);
}
