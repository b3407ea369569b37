using FunctionsApp.Hosting;
using FunctionsApp.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FunctionsApp.Health;

/// <summary><c>GET /api/health</c>: anonymous; 200 when storage answers, 503 otherwise.</summary>
internal static class HealthApi
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/health", GetHealthAsync)
            .AllowAnonymous()
            .WithName("Health")
            .WithSummary("Reports the version and whether Blob Storage is reachable.");
        return endpoints;
    }

    internal static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> GetHealthAsync(
        IStorageProbe storage,
        HostingContext hosting,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        bool reachable;
        try
        {
            reachable = await storage.IsReachableAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            reachable = false;
        }

        var mode = hosting.Mode == HostingMode.Standalone ? "standalone" : "functions-host";
        var body = new HealthResponse(reachable ? "healthy" : "unhealthy", hosting.Version, mode, new StorageHealth(reachable));
        return reachable
            ? TypedResults.Ok(body)
            : TypedResults.Json(body, HealthJsonContext.Default.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
