using Microsoft.AspNetCore.Http.HttpResults;

namespace FunctionsApp.Hosting;

/// <summary>The Functions host's invocation endpoint for non-HTTP triggers: <c>POST /&lt;FunctionName&gt;</c>.</summary>
internal static class TimerFunctionsApi
{
    public static IEndpointRouteBuilder MapTimerFunctionsApi(this IEndpointRouteBuilder endpoints)
    {
        // One explicit route per registered timer, so nothing else answers POST /<anything>.
        var invoker = endpoints.ServiceProvider.GetRequiredService<TimerFunctionInvoker>();
        foreach (var name in invoker.Names)
        {
            endpoints.MapPost(
                    "/" + name,
                    (TimerInvocationRequest? request, TimerFunctionInvoker functions, CancellationToken cancellationToken) =>
                        InvokeAsync(name, request, functions, cancellationToken))
                .WithName("Invoke-" + name)
                .WithSummary("Invokes a timer function the way the Functions host does (custom handler invocation payload).");
        }

        return endpoints;
    }

    internal static async Task<Results<Ok<InvocationResponse>, JsonHttpResult<InvocationResponse>, ProblemHttpResult>> InvokeAsync(
        string functionName,
        TimerInvocationRequest? request,
        TimerFunctionInvoker invoker,
        CancellationToken cancellationToken)
    {
        if (!invoker.Contains(functionName))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                type: ProblemTypes.UnknownFunction,
                title: "Unknown function",
                detail: $"No timer function is named '{functionName}'.");
        }

        if (request?.Data?.Timer is not { } timer)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                type: ProblemTypes.InvalidInvocation,
                title: "Invalid invocation request",
                detail: "Expected {\"Data\":{\"timer\":{...}},\"Metadata\":{...}}.");
        }

        try
        {
            await invoker.InvokeAsync(functionName, timer, "host", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The host records a non-2xx reply as a failed invocation; the details stay in our logs.
            return TypedResults.Json(
                new InvocationResponse(EmptyOutputs, [$"{functionName} failed; see the app logs."], null),
                HostingJsonContext.Default.InvocationResponse,
                statusCode: StatusCodes.Status500InternalServerError);
        }

        return TypedResults.Ok(new InvocationResponse(EmptyOutputs, [$"{functionName} completed"], null));
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyOutputs = new Dictionary<string, string>();
}
