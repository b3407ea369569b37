namespace FunctionsApp.Health;

/// <summary>Storage part of the health report.</summary>
internal sealed record StorageHealth(bool Reachable);
