using FunctionsApp.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FunctionsApp.Ingestion;

/// <summary>What every shipper protocol route does alike: resolve the source, bound the body, map outcomes to statuses.</summary>
internal static class ShipperRequests
{
    /// <summary>The source of a protocol route (<c>?kind=</c> and <c>?format=</c> as on the plain route), or a problem to answer.</summary>
    public static IngestSource? Resolve(string source, HttpRequest request, IngestionOptions settings, out ProblemHttpResult? problem)
    {
        string? kind = request.Query["kind"];
        var resolved = IngestionApi.Resolve(source, kind, request.Query["format"], settings);
        problem = resolved is null ? IngestionApi.ResolveProblem(source, kind, settings) : null;
        return resolved;
    }

    /// <summary>
    /// False when an uncompressed body is already over the decoded-size limit; otherwise lets a compressed body of
    /// up to that size through the transport limit (the decoded size is checked while reading).
    /// </summary>
    public static bool AllowBody(HttpRequest request, IngestionOptions settings, bool compressedByProtocol = false)
    {
        if (!compressedByProtocol && string.IsNullOrEmpty(request.Headers.ContentEncoding) && request.ContentLength > settings.MaxDecodedBytes)
        {
            return false;
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = settings.MaxDecodedBytes + (1024 * 1024);
        }

        return true;
    }

    public static string TooLargeReason(IngestionOptions settings) =>
        $"The body exceeds the limit of {settings.MaxDecodedBytes} bytes; send smaller batches.";

    /// <summary>The HTTP status of a rejected batch, the same on every route.</summary>
    public static int StatusOf(IngestOutcome outcome) => outcome switch
    {
        IngestOutcome.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        IngestOutcome.UnsupportedEncoding or IngestOutcome.UnsupportedBody => StatusCodes.Status415UnsupportedMediaType,
        IngestOutcome.IdempotencyKeyReused => StatusCodes.Status422UnprocessableEntity,
        IngestOutcome.CorruptCompression or IngestOutcome.MalformedJson or IngestOutcome.MalformedBody => StatusCodes.Status400BadRequest,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a rejection."),
    };

    /// <summary>True for the outcomes a protocol answers as success (stored, already stored, nothing to store).</summary>
    public static bool IsSuccess(IngestOutcome outcome) => outcome is IngestOutcome.Stored or IngestOutcome.Duplicate or IngestOutcome.Empty;

    /// <summary>A media type's essence (<c>application/json; charset=utf-8</c> is <c>application/json</c>).</summary>
    public static bool IsMediaType(string? contentType, string mediaType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var essence = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return essence.Equals(mediaType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The reason of a rejected result, or a generic one.</summary>
    public static string ReasonOf(IngestResult result) => result.Reason ?? "The batch was rejected.";

    /// <summary>A <see cref="ProblemTypes"/> problem for routes whose protocol has no error body of its own.</summary>
    public static ProblemHttpResult Problem(IngestResult result) => result.Outcome switch
    {
        IngestOutcome.PayloadTooLarge => Problems.Create(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Batch too large", result.Reason),
        IngestOutcome.CorruptCompression => Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.CorruptCompression, "Corrupt compressed body", result.Reason),
        IngestOutcome.UnsupportedEncoding => Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedEncoding, "Unsupported Content-Encoding", result.Reason),
        IngestOutcome.UnsupportedBody => Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedBody, "Unsupported body", result.Reason),
        IngestOutcome.MalformedJson => Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.MalformedJson, "Malformed JSON body", result.Reason),
        IngestOutcome.MalformedBody => Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.MalformedBody, "Malformed body", result.Reason),
        IngestOutcome.IdempotencyKeyReused => Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused, "Idempotency key reused",
            "The Idempotency-Key was used before for a different batch; nothing was stored."),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, "Not a rejection."),
    };
}
