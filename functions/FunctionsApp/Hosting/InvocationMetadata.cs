namespace FunctionsApp.Hosting;

/// <summary>Trigger metadata of an invocation; only the system part is typed, the rest is ignored.</summary>
internal sealed record InvocationMetadata(InvocationSystemMetadata? Sys);
