namespace FunctionsApp.Hosting;

/// <summary>
/// A timer-triggered function. Under the Functions host a <c>[Function]</c> with a <c>[TimerTrigger]</c> on
/// <c>%<see cref="ScheduleSetting"/>%</c> calls it; standalone, <see cref="TimerScheduler"/> runs it on the same
/// schedule (the app setting, else <see cref="DefaultSchedule"/>).
/// </summary>
internal interface ITimerFunction
{
    /// <summary>The function name, as the worker's <c>[Function]</c> names it.</summary>
    string Name { get; }

    /// <summary>The app setting holding the 6-field NCRONTAB schedule (the worker's trigger reads <c>%Setting%</c>).</summary>
    string ScheduleSetting { get; }

    /// <summary>The schedule when the setting is absent (standalone); the deployment sets the setting to it.</summary>
    string DefaultSchedule { get; }

    /// <summary>Runs one occurrence. Throwing marks the invocation failed.</summary>
    Task RunAsync(TimerInfo info, CancellationToken cancellationToken);
}
