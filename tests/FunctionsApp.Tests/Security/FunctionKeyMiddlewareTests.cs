using System.Text.Json;
using FunctionsApp.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Tests.Security;

/// <summary>The standalone key check, driven with real HttpContexts and the real ProblemDetails writer.</summary>
public sealed class FunctionKeyMiddlewareTests
{
    private const string Key = "k3y-0f-the-0ps-team";

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task InvokeAsync_ConfiguredKey_PassesTheRequestOn(string where)
    {
        var context = Request(where == "header" ? Key : null, where == "query" ? Key : null);

        var passed = await RunAsync(context);

        Assert.True(passed);
    }

    [Theory]
    [InlineData("k3y-0f-the-0ps-tea")]
    [InlineData("k3y-0f-the-0ps-teamX")]
    [InlineData("K3Y-0F-THE-0PS-TEAM")]
    [InlineData("")]
    [InlineData(null)]
    public async Task InvokeAsync_WrongOrNoKey_Is401ProblemThatEchoesNothing(string? presented)
    {
        var context = Request(presented, null);

        var passed = await RunAsync(context);

        Assert.False(passed);
        Assert.Equal(401, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("x-functions-key", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(presented))
        {
            Assert.DoesNotContain(presented, problem.RootElement.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvokeAsync_SecondConfiguredKey_AlsoPasses()
    {
        var passed = await RunAsync(Request("another-key", null), keys: [Key, "another-key"]);

        Assert.True(passed);
    }

    [Fact]
    public async Task InvokeAsync_NoKeysConfigured_RefusesEveryKey()
    {
        var context = Request(Key, null);

        var passed = await RunAsync(context, keys: []);

        Assert.False(passed);
        Assert.Equal(401, context.Response.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_AnonymousEndpoint_NeedsNoKey()
    {
        var passed = await RunAsync(Request(null, null, new AllowAnonymousAttribute()));

        Assert.True(passed);
    }

    [Fact]
    public async Task InvokeAsync_ShipperTokenOnAnIngestEndpoint_Passes()
    {
        var context = Request(null, null, ShipperCredentials.Instance);
        context.Request.Headers.Authorization = $"Bearer {Key}";

        Assert.True(await RunAsync(context));
    }

    [Fact]
    public async Task InvokeAsync_ShipperTokenElsewhere_IsRefused()
    {
        var context = Request(null, null);
        context.Request.Headers.Authorization = $"Bearer {Key}";

        Assert.False(await RunAsync(context));
        Assert.Equal(401, context.Response.StatusCode);
    }

    private static DefaultHttpContext Request(string? header, string? query, params object[] metadata)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = "/api/incidents";
        context.Response.Body = new MemoryStream();
        if (header is not null)
        {
            context.Request.Headers[FunctionKeyMiddleware.HeaderName] = header;
        }

        if (query is not null)
        {
            context.Request.QueryString = QueryString.Create(FunctionKeyMiddleware.QueryName, query);
        }

        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(metadata), "test"));
        return context;
    }

    private static async Task<bool> RunAsync(DefaultHttpContext context, string[]? keys = null)
    {
        var options = new AuthOptions();
        foreach (var (key, i) in (keys ?? [Key]).Select((k, i) => (k, i)))
        {
            options.FunctionKeys[$"key{i}"] = key;
        }

        var passed = false;
        var middleware = new FunctionKeyMiddleware(_ => { passed = true; return Task.CompletedTask; }, Options.Create(options), NullLogger<FunctionKeyMiddleware>.Instance);
        await middleware.InvokeAsync(context, context.RequestServices.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>());
        return passed;
    }
}
