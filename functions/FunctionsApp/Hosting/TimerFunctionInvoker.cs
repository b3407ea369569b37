namespace FunctionsApp.Hosting;

/// <summary>Runs a timer function by name, the same way for the host's invocation and the standalone scheduler.</summary>
internal sealed class TimerFunctionInvoker(IEnumerable<ITimerFunction> functions, TimeProvider timeProvider, ILogger<TimerFunctionInvoker> logger)
{
    private readonly Dictionary<string, ITimerFunction> _functions =
        functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> Names => _functions.Keys;

    public bool Contains(string name) => _functions.ContainsKey(name);

    /// <summary>Runs the function; exceptions propagate after being logged (the caller decides what failure means).</summary>
    public async Task InvokeAsync(string name, TimerInfo info, string trigger, CancellationToken cancellationToken)
    {
        var function = _functions[name];
        var started = timeProvider.GetTimestamp();
        Log.TimerStarting(logger, function.Name, trigger, info.IsPastDue);
        try
        {
            await function.RunAsync(info, cancellationToken);
            Log.TimerCompleted(logger, function.Name, timeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.TimerFailed(logger, ex, function.Name, timeProvider.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }
}
