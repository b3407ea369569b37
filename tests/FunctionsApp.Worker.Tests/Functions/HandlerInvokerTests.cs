using Azure;
using FunctionsApp.Hosting;
using FunctionsApp.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionsApp.Worker.Tests.Functions;

/// <summary>
/// The adapter every HTTP function returns: it runs a handler the way the standalone app's minimal API does, on the
/// HttpContext the worker's ASP.NET Core integration matched to the function's route.
/// </summary>
public sealed class HandlerInvokerTests : IDisposable
{
    private readonly ServiceProvider _services;

    public HandlerInvokerTests()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.None));
        services.AddProblemDetails();
        services.AddExceptionHandler<StorageExceptionHandler>();
        services.AddOptions<StorageOptions>().Configure(o => o.RetryAfter = TimeSpan.FromSeconds(7));
        _services = services.BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Invoke_RouteParameter_BindsFromTheFunctionsRouteNotTheQuery()
    {
        var context = Request("api/items/{id}", ("id", "from-route"), query: "?id=from-query");

        await new HandlerInvoker(_services).Invoke(Echo).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal("from-route", Body(context));
    }

    [Fact]
    public async Task Invoke_QueryParameterNotInTheRoute_BindsFromTheQuery()
    {
        var context = Request("api/items", query: "?id=from-query");

        await new HandlerInvoker(_services).Invoke(Echo).ExecuteAsync(context);

        Assert.Equal("from-query", Body(context));
    }

    [Fact]
    public async Task Invoke_StorageUnavailable_Is503ProblemWithRetryAfter()
    {
        var context = Request("api/items");

        await new HandlerInvoker(_services).Invoke(Unavailable).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("7", context.Response.Headers.RetryAfter.ToString());
        Assert.Contains(ProblemTypes.StorageUnavailable, Body(context), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", Body(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_BodyIsNotJson_Is400ProblemAsStandalone()
    {
        var context = Request("api/items");
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream("{not json"u8.ToArray());

        await new HandlerInvoker(_services).Invoke(Accept).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Contains("\"status\":400", Body(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_HandlerAnswersWithABody_BodyIsKept()
    {
        var context = Request("api/items/{id}", ("id", "x"));

        await new HandlerInvoker(_services).Invoke((string id) => TypedResults.NotFound(id)).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
        Assert.Equal("\"x\"", Body(context));
    }

    [Fact]
    public async Task Invoke_OtherException_PropagatesToTheHost()
    {
        var context = Request("api/items");

        await Assert.ThrowsAsync<InvalidOperationException>(() => new HandlerInvoker(_services).Invoke(Broken).ExecuteAsync(context));
    }

    [Fact]
    public async Task Invoke_GuardRefuses_HandlerDoesNotRun()
    {
        var context = Request("api/items/{id}", ("id", "x"));
        var ran = false;

        await new HandlerInvoker(_services)
            .Invoke((string id) => ran = true, _ => TypedResults.Problem(statusCode: 401, title: "Sign in first"))
            .ExecuteAsync(context);

        Assert.False(ran);
        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
    }

    [Fact]
    public void ToTimerInfo_HostTimer_KeepsPastDueAndScheduleStatus()
    {
        var last = new DateTime(2026, 11, 24, 5, 0, 0, DateTimeKind.Utc);
        var info = Worker.Functions.TimerFunctions.ToTimerInfo(new Microsoft.Azure.Functions.Worker.TimerInfo
        {
            IsPastDue = true,
            ScheduleStatus = new Microsoft.Azure.Functions.Worker.ScheduleStatus { Last = last, Next = last.AddMinutes(1), LastUpdated = last },
        });

        Assert.True(info.IsPastDue);
        Assert.Equal(new DateTimeOffset(last), info.ScheduleStatus?.Last);
        Assert.Equal(new DateTimeOffset(last.AddMinutes(1)), info.ScheduleStatus?.Next);
    }

    private static string Echo(string id) => id;

    private static string Accept(Silence silence) => silence.Comment;

    private static string Unavailable() => throw new RequestFailedException(503, "secret storage detail");

    private static string Broken() => throw new InvalidOperationException("bug");

    private sealed record Silence(string Comment);

    private DefaultHttpContext Request(string route, (string Name, string Value)? routeValue = null, string query = "")
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = HttpMethods.Get;
        context.Request.QueryString = new QueryString(query);
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse(route), 0, EndpointMetadataCollection.Empty, route));
        if (routeValue is { } value)
        {
            context.Request.RouteValues[value.Name] = value.Value;
        }

        return context;
    }

    private static string Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }
}
