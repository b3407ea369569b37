using System.Collections.Concurrent;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.Worker;

/// <summary>
/// Runs a feature's minimal-API handler for an HTTP-triggered function, so both hosts bind and answer alike: the
/// handler's parameters are bound by ASP.NET Core's <see cref="RequestDelegateFactory"/> (route values from the
/// function's route, which the worker's ASP.NET Core integration matches; query, headers, body, services) and its
/// typed results are written to the response. Storage failures go through the same <see cref="IExceptionHandler"/>s
/// as standalone (503 + <c>Retry-After</c> ProblemDetails), not an opaque 500 from the host.
/// </summary>
internal sealed class HandlerInvoker(IServiceProvider services)
{
    // Keyed by the delegate (its method and target): built once per handler, as minimal APIs build once per route.
    private readonly ConcurrentDictionary<Delegate, RequestDelegate> _delegates = new();

    /// <summary>The result a function returns: the handler, run when the worker executes the result.</summary>
    /// <param name="handler">A static handler of a feature's <c>{Feature}Api</c>.</param>
    /// <param name="guard">A check that may refuse the request first (the dashboard's sign-in); <c>null</c> to proceed.</param>
    public IResult Invoke(Delegate handler, Func<HttpContext, IResult?>? guard = null) => new HandlerResult(this, handler, guard);

    private async Task ExecuteAsync(HttpContext context, Delegate handler, Func<HttpContext, IResult?>? guard)
    {
        if (guard?.Invoke(context) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        var run = _delegates.GetOrAdd(handler, _ => Create(handler, context));
        try
        {
            await run(context);
            await WriteStatusCodeProblemAsync(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !(ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            foreach (var exceptionHandler in context.RequestServices.GetServices<IExceptionHandler>())
            {
                if (await exceptionHandler.TryHandleAsync(context, ex, context.RequestAborted))
                {
                    return;
                }
            }

            throw;
        }
    }

    /// <summary>
    /// What standalone's <c>UseStatusCodePages</c> does: an error status without a body (the 400 that parameter
    /// binding answers for a body that is not JSON) gets the ProblemDetails body, so both hosts answer alike.
    /// </summary>
    private static async Task WriteStatusCodeProblemAsync(HttpContext context)
    {
        var response = context.Response;
        if (response.HasStarted || response.StatusCode is < 400 or >= 600 || response.ContentLength.HasValue || !string.IsNullOrEmpty(response.ContentType))
        {
            return;
        }

        if (context.RequestServices.GetService<IProblemDetailsService>() is { } problems)
        {
            await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = { Status = response.StatusCode } });
        }
    }

    private RequestDelegate Create(Delegate handler, HttpContext context)
    {
        // Only the route's own parameters bind from the route; without the list a string parameter not in the route
        // would be inferred from the route as well, as minimal APIs do when mapping a route they know.
        var routeParameters = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.Parameters.Select(p => p.Name).ToArray() ?? [];
        return RequestDelegateFactory.Create(handler, new RequestDelegateFactoryOptions
        {
            ServiceProvider = services,
            RouteParameterNames = routeParameters,
        }).RequestDelegate;
    }

    private sealed class HandlerResult(HandlerInvoker invoker, Delegate handler, Func<HttpContext, IResult?>? guard) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => invoker.ExecuteAsync(httpContext, handler, guard);
    }
}
