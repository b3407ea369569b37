using System.Text.Json;
using FunctionsApp.Hosting;
using FunctionsApp.Worker.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace FunctionsApp.Worker.Tests.Functions;

/// <summary>
/// One surface, two hosts: every HTTP function of the worker's functions.metadata is a route of the standalone app
/// with the same methods (the standalone app is built, not started: its endpoints are what it would serve), and the
/// standalone app has no /api route the worker lacks (but the OpenAPI document).
/// </summary>
public sealed class StandaloneRoutesContractTests : IAsyncLifetime
{
    private WebApplication _app = null!;

    public Task InitializeAsync()
    {
        _app = AppHost.Build(AppHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosting:RunTimers"] = "false",
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        })));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string> HttpFunctions()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _, _) in LoadHttpFunctions())
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void Standalone_ServesTheFunctionsRouteAndMethods(string name)
    {
        var (_, route, methods) = Assert.Single(LoadHttpFunctions(), f => f.Name == name);
        var endpoints = Endpoints().Where(e => string.Equals(e.RoutePattern.RawText, "/api/" + route, StringComparison.OrdinalIgnoreCase)).ToArray();

        Assert.True(endpoints.Length > 0, $"The standalone app has no /api/{route}.");
        foreach (var method in methods)
        {
            Assert.Contains(endpoints, e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase) == true);
        }
    }

    [Fact]
    public void Standalone_ApiRoutes_AreAllFunctions()
    {
        var functionRoutes = LoadHttpFunctions().Select(f => "/api/" + f.Route).ToHashSet(StringComparer.OrdinalIgnoreCase);

        // The OpenAPI document is generated from the standalone app's endpoints; the worker does not serve it yet.
        Assert.All(
            Endpoints().Select(e => e.RoutePattern.RawText!).Where(r => r.StartsWith("/api/", StringComparison.Ordinal) && r != "/api/openapi.json"),
            route => Assert.Contains(route, functionRoutes));
    }

    // The app's own data sources: the routing middleware, which would publish them as the EndpointDataSource
    // service, is only built when the app starts.
    private RouteEndpoint[] Endpoints() =>
        ((IEndpointRouteBuilder)_app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToArray();

    private static (string Name, string Route, string[] Methods)[] LoadHttpFunctions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(WorkerOutput.Directory, "functions.metadata")));
        return document.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
                .Select(b => (
                    f.GetProperty("name").GetString()!,
                    b.GetProperty("route").GetString()!,
                    b.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToArray())))
            .ToArray();
    }
}
