using System.Collections.Concurrent;
using FunctionsApp.Hosting;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>A test-only timer function that records each invocation; its schedule is the <c>TestTimerSchedule</c> setting.</summary>
internal sealed class RecordingTimerFunction(string name = RecordingTimerFunction.DefaultName, string defaultSchedule = "0 0 0 1 1 *") : ITimerFunction
{
    public const string DefaultName = "testtimer";
    public const string Setting = "TestTimerSchedule";

    public string Name { get; } = name;

    public string ScheduleSetting => Setting;

    public string DefaultSchedule { get; } = defaultSchedule;

    public ConcurrentQueue<TimerInfo> Invocations { get; } = new();

    public bool Fail { get; set; }

    public Task RunAsync(TimerInfo info, CancellationToken cancellationToken)
    {
        Invocations.Enqueue(info);
        return Fail ? throw new InvalidOperationException("secret failure detail") : Task.CompletedTask;
    }
}
