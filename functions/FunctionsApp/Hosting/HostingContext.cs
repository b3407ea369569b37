namespace FunctionsApp.Hosting;

/// <summary>Facts decided once at startup, from configuration, and shared with whoever needs them.</summary>
/// <param name="Mode">Standalone or behind the Functions host.</param>
/// <param name="Version">The app's informational version.</param>
internal sealed record HostingContext(HostingMode Mode, string Version);
