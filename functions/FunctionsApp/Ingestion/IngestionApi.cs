using FunctionsApp.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Ingestion;

/// <summary><c>POST /api/ingest/{source}?kind=access|error[&amp;format=...]</c>: where log shippers send batches.</summary>
internal static class IngestionApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/ingest/{source}", IngestAsync)
            .WithName("Ingest")
            .WithSummary("Stores a batch of nginx log lines (text, NDJSON, JSON arrays, Loki push; gzip, deflate or zstd) exactly once.");
        return endpoints;
    }

    internal static async Task<Results<Accepted<IngestResponse>, Ok<IngestResponse>, ProblemHttpResult>> IngestAsync(
        string source,
        string? kind,
        string? format,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        HttpRequest request,
        BatchIngestor ingestor,
        IOptions<IngestionOptions> options,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (Resolve(source, kind, format, settings) is not { } resolved)
        {
            return ResolveProblem(source, kind, settings);
        }

        var contentEncoding = request.Headers.ContentEncoding.ToString();
        if (string.IsNullOrEmpty(contentEncoding) && request.ContentLength > settings.MaxDecodedBytes)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Batch too large",
                $"The body exceeds the limit of {settings.MaxDecodedBytes} bytes; send smaller batches.");
        }

        // The decoded-size limit is ours; the transport limit only has to let a compressed batch of that size through.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = settings.MaxDecodedBytes + (1024 * 1024);
        }

        var result = await ingestor.IngestAsync(resolved, request.Body, contentEncoding, NullIfEmpty(idempotencyKey), cancellationToken);
        return result.Outcome switch
        {
            IngestOutcome.Stored or IngestOutcome.Empty => TypedResults.Accepted((string?)null, ToResponse(resolved, result, duplicate: false)),
            IngestOutcome.Duplicate => TypedResults.Ok(ToResponse(resolved, result, duplicate: true)),
            IngestOutcome.PayloadTooLarge => Problems.Create(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Batch too large", result.Reason),
            IngestOutcome.CorruptCompression => Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.CorruptCompression, "Corrupt compressed body", result.Reason),
            IngestOutcome.UnsupportedEncoding => Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedEncoding, "Unsupported Content-Encoding", result.Reason),
            IngestOutcome.UnsupportedBody => Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedBody, "Unsupported body", result.Reason),
            IngestOutcome.MalformedJson => Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.MalformedJson, "Malformed JSON body", result.Reason),
            IngestOutcome.MalformedBody => Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.MalformedBody, "Malformed body", result.Reason),
            IngestOutcome.IdempotencyKeyReused => Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused, "Idempotency key reused",
                $"The {IdempotencyKeyHeader} was used before for a different batch ({result.BlobName}); nothing was stored."),
            _ => throw new InvalidOperationException($"Unknown ingest outcome {result.Outcome}."),
        };
    }

    /// <summary>Configuration first; <c>?kind=</c> must agree with a configured source, <c>?format=</c> overrides its format.</summary>
    internal static IngestSource? Resolve(string source, string? kind, string? format, IngestionOptions settings)
    {
        LogKind? requested = null;
        if (!string.IsNullOrEmpty(kind))
        {
            if (!TryParseKind(kind, out var parsed))
            {
                return null;
            }

            requested = parsed;
        }

        if (settings.Sources.TryGetValue(source, out var configured))
        {
            if (requested is { } k && k != configured.Kind)
            {
                return null;
            }

            return new IngestSource(
                source, configured.Kind, NullIfEmpty(format) ?? configured.Format ?? DefaultFormat(configured.Kind), configured.Site, configured.SiteFromAttributes);
        }

        if (!settings.AllowUnknownSources || requested is not { } unknownKind)
        {
            return null;
        }

        return new IngestSource(source, unknownKind, NullIfEmpty(format) ?? DefaultFormat(unknownKind), null);
    }

    internal static ProblemHttpResult ResolveProblem(string source, string? kind, IngestionOptions settings)
    {
        if (!string.IsNullOrEmpty(kind) && !TryParseKind(kind, out _))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidKind, "Invalid kind", "The 'kind' query parameter must be 'access', 'error' or 'auto'.");
        }

        if (settings.Sources.TryGetValue(source, out var configured))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidKind, "Kind does not match the source",
                $"Source '{source}' is configured as kind '{configured.Kind.ToString().ToLowerInvariant()}'.");
        }

        return settings.AllowUnknownSources
            ? Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidKind, "Missing kind",
                "Unconfigured sources need the 'kind' query parameter ('access', 'error' or 'auto').")
            : Problems.Create(StatusCodes.Status404NotFound, ProblemTypes.UnknownSource, "Unknown source",
                "No source of this name is configured (Ingestion:Sources).");
    }

    internal static bool TryParseKind(string value, out LogKind kind)
    {
        if (value.Equals("access", StringComparison.OrdinalIgnoreCase))
        {
            kind = LogKind.Access;
            return true;
        }

        if (value.Equals("error", StringComparison.OrdinalIgnoreCase))
        {
            kind = LogKind.Error;
            return true;
        }

        if (value.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            kind = LogKind.Auto;
            return true;
        }

        kind = default;
        return false;
    }

    private static string DefaultFormat(LogKind kind) => kind == LogKind.Error ? "error" : "auto";

    internal static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static IngestResponse ToResponse(IngestSource source, IngestResult result, bool duplicate) =>
        new(source.Name, result.Lines, result.Lines - result.Malformed, result.Malformed, duplicate, result.BlobName)
        {
            Blobs = result.Blobs.Count > 1 ? result.Blobs : null,
        };
}
