using System.Net;
using System.Text;
using System.Text.Json;
using Cronos;
using FunctionsApp.Hosting;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Hosting;

/// <summary>
/// The contract between the Functions host and the app: every <c>functions/*/function.json</c> in the repository is
/// served by the real app (HTTP routes with their methods and auth level; timers registered, on a valid 6-field
/// schedule, answering the host's invocation payload), and host.json configures the custom handler.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionJsonContractTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string HostTimerPayload =
        "{\"Data\":{\"timer\":{\"Schedule\":{\"AdjustForDST\":true},\"ScheduleStatus\":{\"Last\":\"2026-11-24T04:55:00+00:00\",\"Next\":\"2026-11-24T05:05:00+00:00\",\"LastUpdated\":\"2026-11-24T04:55:00+00:00\"},\"IsPastDue\":true}},\"Metadata\":{\"sys\":{\"MethodName\":\"{name}\",\"UtcNow\":\"2026-11-24T05:00:00Z\",\"RandGuid\":\"0f8fad5b-d9cb-469f-a165-70867728950e\"}}}";

    private TestApp _app = null!;

    public static TheoryData<string> FunctionNames()
    {
        var data = new TheoryData<string>();
        foreach (var function in FunctionManifest.Load(RepositoryPaths.FunctionsDirectory))
        {
            data.Add(function.Name);
        }

        return data;
    }

    // The real app's registrations only: no test timers.
    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void Repository_HasTheIngestAndHealthFunctions()
    {
        var names = FunctionManifest.Load(RepositoryPaths.FunctionsDirectory).Select(f => f.Name).ToArray();

        Assert.Contains("ingest", names);
        Assert.Contains("health", names);
    }

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public async Task FunctionJson_EveryFunction_IsServedByTheApp(string name)
    {
        var function = Assert.Single(FunctionManifest.Load(RepositoryPaths.FunctionsDirectory), f => f.Name == name);
        var trigger = function.Trigger;
        Assert.NotNull(trigger);

        switch (trigger.Type)
        {
            case "httpTrigger":
                await AssertHttpFunctionServedAsync(trigger);
                break;
            case "timerTrigger":
                await AssertTimerFunctionServedAsync(function.Name, trigger);
                break;
            default:
                Assert.Fail($"{name}: trigger type '{trigger.Type}' is not handled by the app.");
                break;
        }
    }

    [Fact]
    public void TimerFunctions_EveryRegisteredTimer_HasAFunctionJson()
    {
        var timers = FunctionManifest.Load(RepositoryPaths.FunctionsDirectory)
            .Where(f => f.Trigger?.Type == "timerTrigger")
            .Select(f => f.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.All(_app.Services.GetServices<ITimerFunction>(), t => Assert.Contains(t.Name, timers));
    }

    [Fact]
    public void HostJson_ConfiguresTheCustomHandler()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")));
        var root = json.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        var handler = root.GetProperty("customHandler");
        Assert.Equal("FunctionsApp", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", root.GetProperty("extensionBundle").GetProperty("id").GetString());
        Assert.Equal("[4.*, 5.0.0)", root.GetProperty("extensionBundle").GetProperty("version").GetString());
        Assert.Equal("api", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.True(root.TryGetProperty("logging", out _));
    }

    private async Task AssertHttpFunctionServedAsync(FunctionBinding trigger)
    {
        Assert.False(string.IsNullOrEmpty(trigger.Route));
        Assert.NotNull(trigger.Methods);
        Assert.NotEmpty(trigger.Methods);
        Assert.Contains(trigger.AuthLevel, new[] { "anonymous", "function", "admin" });

        var pattern = "/api/" + trigger.Route;
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => string.Equals(e.RoutePattern.RawText, pattern, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        Assert.True(endpoints.Length > 0, $"No endpoint for {pattern}.");
        foreach (var method in trigger.Methods)
        {
            Assert.Contains(endpoints, e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase) == true);

            // A real request without a key: 401 for authLevel function (the key check only runs on a matched
            // endpoint, so 401 also proves route and method), anything but 401/404/405 for anonymous.
            var path = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", "nginx-access");
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path);
            using var response = await _app.Anonymous.SendAsync(request);
            if (trigger.AuthLevel == "anonymous" && endpoints.Any(e => e.Metadata.GetMetadata<FunctionsApp.Dashboard.DashboardProtectedAttribute>() is not null))
            {
                // The host lets the dashboard's data through; the app checks the sign-in itself.
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
            else if (trigger.AuthLevel == "anonymous")
            {
                Assert.DoesNotContain(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }
    }

    private async Task AssertTimerFunctionServedAsync(string name, FunctionBinding trigger)
    {
        Assert.Equal("timer", trigger.Name);
        Assert.Equal(6, trigger.Schedule?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        CronExpression.Parse(trigger.Schedule!, CronFormat.IncludeSeconds);
        Assert.Contains(_app.Services.GetServices<ITimerFunction>(), t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

        using var response = await _app.Client.PostAsync(
            "/" + name, new StringContent(HostTimerPayload.Replace("{name}", name, StringComparison.Ordinal), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        CustomHandlerInvocationTests.AssertInvocationResponse(await response.Content.ReadAsStringAsync());
    }
}
