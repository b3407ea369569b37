namespace FunctionsApp.Health;

/// <summary>The body of <c>GET /api/health</c>.</summary>
/// <param name="Status"><c>healthy</c> or <c>unhealthy</c>.</param>
/// <param name="Version">The app's version.</param>
/// <param name="Mode"><c>standalone</c> or <c>functions-host</c> (the isolated worker).</param>
/// <param name="Storage">Whether Blob Storage answered.</param>
internal sealed record HealthResponse(string Status, string Version, string Mode, StorageHealth Storage);
