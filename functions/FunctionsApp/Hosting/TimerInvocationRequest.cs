namespace FunctionsApp.Hosting;

/// <summary>The host's invocation request for a timer function: <c>{"Data":{"timer":{...}},"Metadata":{...}}</c>.</summary>
internal sealed record TimerInvocationRequest(TimerInvocationData? Data, InvocationMetadata? Metadata);
