using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Ingestion.Loki;

/// <summary>
/// <c>POST /api/ingest/{source}/loki/api/v1/push</c>: the Loki push API. <c>application/x-protobuf</c> bodies are
/// snappy-compressed protobuf (as Loki reads them, whatever <c>Content-Encoding</c> says); <c>application/json</c>
/// may be gzip'd. Success is <c>204 No Content</c> as from Loki; errors are plain text with 400/413/415 (clients do not
/// retry 4xx), storage outages 503 (retried).
/// </summary>
internal static class LokiPushEndpoint
{
    public static async Task<IResult> PushAsync(
        string source,
        [FromHeader(Name = IngestionApi.IdempotencyKeyHeader)] string? idempotencyKey,
        HttpRequest request,
        BatchIngestor ingestor,
        IOptions<IngestionOptions> options,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (ShipperRequests.Resolve(source, request, settings, out var problem) is not { } resolved)
        {
            return problem!;
        }

        var json = ShipperRequests.IsMediaType(request.ContentType, "application/json");
        if (!json && !ShipperRequests.IsMediaType(request.ContentType, "application/x-protobuf"))
        {
            return TypedResults.Text("Loki pushes are 'application/x-protobuf' (snappy) or 'application/json'.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        if (!ShipperRequests.AllowBody(request, settings, compressedByProtocol: !json))
        {
            return TypedResults.Text(ShipperRequests.TooLargeReason(settings), statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        // Snappy is the protobuf body's own framing, not a Content-Encoding to undo first.
        var encoding = string.Join(',', request.Headers.ContentEncoding.ToString()
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(e => !e.Equals("snappy", StringComparison.OrdinalIgnoreCase)));
        var reader = new LokiPushReader(settings.MaxDecodedBytes);
        var result = await ingestor.IngestPartsAsync(
            resolved, request.Body, encoding, IngestionApi.NullIfEmpty(idempotencyKey),
            json ? LokiPushReader.ReadJsonAsync : reader.ReadProtobufAsync, cancellationToken, sniffCompression: json);
        return ShipperRequests.IsSuccess(result.Outcome)
            ? TypedResults.NoContent()
            : TypedResults.Text(ShipperRequests.ReasonOf(result), statusCode: ShipperRequests.StatusOf(result.Outcome));
    }
}
