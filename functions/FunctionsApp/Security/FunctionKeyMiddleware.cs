using System.Security.Cryptography;
using System.Text;
using FunctionsApp.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Security;

/// <summary>
/// Standalone mode's version of <c>authLevel: function</c>: every endpoint without <c>AllowAnonymous</c> needs a
/// configured key in <c>x-functions-key</c> or <c>?code=</c>. Keys are compared as SHA-256 digests with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, against every key, so timing reveals neither a key's
/// content nor its length nor which key matched.
/// </summary>
internal sealed class FunctionKeyMiddleware(RequestDelegate next, IOptions<AuthOptions> options, ILogger<FunctionKeyMiddleware> logger)
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    private readonly byte[][] _keyDigests = options.Value.FunctionKeys.Values
        .Where(k => !string.IsNullOrEmpty(k))
        .Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))
        .ToArray();

    private bool _warnedNoKeys;

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problemDetails)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
            || IsAuthorized(context.Request, endpoint.Metadata.GetMetadata<ShipperCredentials>() is not null))
        {
            await next(context);
            return;
        }

        if (_keyDigests.Length == 0 && !_warnedNoKeys)
        {
            _warnedNoKeys = true;
            Log.NoKeys(logger);
        }

        Log.Rejected(logger, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Type = ProblemTypes.Unauthorized,
                Title = "Missing or wrong function key",
                Detail = $"Send a function key in the '{HeaderName}' header or the '{QueryName}' query parameter"
                    + (endpoint.Metadata.GetMetadata<ShipperCredentials>() is null ? "." : ", or as the shipper's token or password (Authorization: Splunk, Bearer, Basic or ApiKey)."),
            },
        });
    }

    private bool IsAuthorized(HttpRequest request, bool shipperCredentials)
    {
        string? presented = request.Headers[HeaderName];
        if (string.IsNullOrEmpty(presented))
        {
            presented = request.Query[QueryName];
        }

        if (string.IsNullOrEmpty(presented) && shipperCredentials)
        {
            presented = ShipperCredentials.KeyFrom(request.Headers.Authorization);
        }

        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        var match = false;
        foreach (var key in _keyDigests)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, key);
        }

        return match;
    }
}
