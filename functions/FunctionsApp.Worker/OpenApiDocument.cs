using FunctionsApp.Hosting;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace FunctionsApp.Worker;

/// <summary>
/// The API's OpenAPI document, the one the standalone app serves: generated once, on first request, from the
/// standalone app's own endpoints (built, never started), because the worker's routes are the Functions host's and
/// carry none of the handlers' parameter and result metadata.
/// </summary>
internal sealed class OpenApiDocument
{
    private readonly Lazy<Task<string>> _json = new(RenderAsync);

    public Task<string> GetJsonAsync() => _json.Value;

    private static async Task<string> RenderAsync()
    {
        var builder = AppHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { [HostingOptions.SectionName + ":" + nameof(HostingOptions.RunTimers)] = "false" }));
        await using var app = AppHost.Build(builder);
        var document = await app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1").GetOpenApiDocumentAsync();
        return await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1);
    }
}
