namespace FunctionsApp.Hosting;

/// <summary>Input bindings of a timer invocation; the trigger binding is named <c>timer</c> in every function.json.</summary>
internal sealed record TimerInvocationData(TimerInfo? Timer);
