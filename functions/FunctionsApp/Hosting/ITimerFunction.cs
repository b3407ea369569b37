namespace FunctionsApp.Hosting;

/// <summary>
/// A timer-triggered function. Register it in DI and add <c>functions/&lt;Name&gt;/function.json</c> with a
/// <c>timerTrigger</c> binding named <c>timer</c>: the Functions host then invokes it with
/// <c>POST /&lt;Name&gt;</c>, and standalone mode runs it itself on the same schedule.
/// </summary>
internal interface ITimerFunction
{
    /// <summary>The function name: its <c>functions/</c> folder name.</summary>
    string Name { get; }

    /// <summary>Runs one occurrence. Throwing marks the invocation failed (HTTP 500 to the host).</summary>
    Task RunAsync(TimerInfo info, CancellationToken cancellationToken);
}
