namespace FunctionsApp.Hosting;

/// <summary>The host's <c>Metadata.sys</c>.</summary>
internal sealed record InvocationSystemMetadata(string? MethodName, DateTimeOffset? UtcNow, string? RandGuid);
