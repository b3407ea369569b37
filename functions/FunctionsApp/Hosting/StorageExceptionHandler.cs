using System.Globalization;
using Azure;
using FunctionsApp.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Hosting;

/// <summary>
/// The one place that maps Azure storage failures to HTTP. Unreachable or throttled storage is 503 with
/// <c>Retry-After</c> (shippers retry the batch; nothing was acknowledged); other refusals are 500. Exception
/// messages stay in the logs.
/// </summary>
internal sealed class StorageExceptionHandler(
    IProblemDetailsService problemDetails,
    IOptions<StorageOptions> options,
    ILogger<StorageExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Unwrap(exception, httpContext.RequestAborted.IsCancellationRequested) is not { } failure || httpContext.Response.HasStarted)
        {
            return false;
        }

        ProblemDetails problem;
        if (IsTransient(failure))
        {
            var retryAfter = (int)Math.Ceiling(options.Value.RetryAfter.TotalSeconds);
            Log.StorageUnavailable(logger, exception, retryAfter);
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = ProblemTypes.StorageUnavailable,
                Title = "Storage is unavailable",
                Detail = "Blob Storage could not be reached; nothing was stored. Retry later.",
            };
        }
        else
        {
            Log.StorageError(logger, exception, failure.Status, failure.ErrorCode);
            httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Type = ProblemTypes.StorageError,
                Title = "Storage refused the request",
                Detail = "Blob Storage refused a call; nothing was stored. See the app logs.",
            };
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static RequestFailedException? Unwrap(Exception exception, bool clientAborted) => exception switch
    {
        RequestFailedException failure => failure,
        // A cancellation the client did not cause is Azure.Core's network timeout (Storage:NetworkTimeout), the
        // only outbound call whose timeout surfaces here.
        OperationCanceledException when !clientAborted => new RequestFailedException(0, "Storage did not answer in time.", exception),
        // Azure.Core wraps the attempts of an exhausted retry loop.
        AggregateException aggregate => aggregate.InnerExceptions.Select(e => Unwrap(e, clientAborted)).LastOrDefault(f => f is not null),
        _ => null,
    };

    // Status 0: no response at all (connection refused, DNS, timeout).
    private static bool IsTransient(RequestFailedException failure) =>
        failure.Status is 0 or 408 or 429 or 500 or 502 or 503 or 504;
}
