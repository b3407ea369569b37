using System.Collections.Concurrent;
using FunctionsApp.Hosting;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>A test-only timer function that records each invocation (the real timers come with issue 4).</summary>
internal sealed class RecordingTimerFunction(string name = RecordingTimerFunction.DefaultName) : ITimerFunction
{
    public const string DefaultName = "testtimer";

    public string Name { get; } = name;

    public ConcurrentQueue<TimerInfo> Invocations { get; } = new();

    public bool Fail { get; set; }

    public Task RunAsync(TimerInfo info, CancellationToken cancellationToken)
    {
        Invocations.Enqueue(info);
        return Fail ? throw new InvalidOperationException("secret failure detail") : Task.CompletedTask;
    }
}
