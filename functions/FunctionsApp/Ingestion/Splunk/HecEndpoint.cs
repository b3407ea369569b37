using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Ingestion.Splunk;

/// <summary>
/// Splunk HTTP Event Collector under a source: <c>POST /api/ingest/{source}/services/collector[/event|/raw][/1.0]</c>
/// and <c>GET …/services/collector/health[/1.0]</c>. Answers HEC's bodies: <c>{"text":"Success","code":0}</c>;
/// 400 with code 5 (no data), 6 (invalid data format, with <c>invalid-event-number</c>), 12/13 (event missing or
/// blank); 413 for a batch over the limit. The token (<c>Authorization: Splunk &lt;key&gt;</c>) is the function key.
/// </summary>
internal static class HecEndpoint
{
    public static IResult Health(string source, string? endpoint) =>
        endpoint?.TrimEnd('/') is "health" or "health/1.0"
            ? Hec(StatusCodes.Status200OK, "HEC is healthy", 17)
            : Hec(StatusCodes.Status404NotFound, "The requested URL was not found on this server.", 404);

    public static async Task<IResult> CollectAsync(
        string source,
        string? endpoint,
        string? host,
        [FromQuery(Name = "source")] string? fileSource,
        string? sourcetype,
        [FromHeader(Name = IngestionApi.IdempotencyKeyHeader)] string? idempotencyKey,
        HttpRequest request,
        BatchIngestor ingestor,
        IOptions<IngestionOptions> options,
        CancellationToken cancellationToken)
    {
        var raw = endpoint?.TrimEnd('/') switch
        {
            null or "" or "event" or "event/1.0" => false,
            "raw" or "raw/1.0" => true,
            _ => (bool?)null,
        };
        if (raw is null)
        {
            return Hec(StatusCodes.Status404NotFound, "The requested URL was not found on this server.", 404);
        }

        var settings = options.Value;
        if (ShipperRequests.Resolve(source, request, settings, out var problem) is not { } resolved)
        {
            return problem!;
        }

        if (!ShipperRequests.AllowBody(request, settings))
        {
            return Hec(StatusCodes.Status413PayloadTooLarge, ShipperRequests.TooLargeReason(settings), 6);
        }

        var reader = new HecReader(settings.LineKeys);
        var result = await ingestor.IngestPartsAsync(
            resolved, request.Body, request.Headers.ContentEncoding, IngestionApi.NullIfEmpty(idempotencyKey),
            raw.Value ? (body, sink, ct) => HecReader.ReadRawAsync(body, sink, host, fileSource, sourcetype, ct) : reader.ReadEventsAsync,
            cancellationToken);
        if (!ShipperRequests.IsSuccess(result.Outcome))
        {
            var status = ShipperRequests.StatusOf(result.Outcome);
            return Hec(status, status == StatusCodes.Status413PayloadTooLarge ? ShipperRequests.ReasonOf(result) : "Invalid data format", 6,
                status == StatusCodes.Status400BadRequest && !raw.Value ? reader.Events : null);
        }

        if (reader.InvalidEvent is { } invalid)
        {
            return reader.InvalidEventMissing
                ? Hec(StatusCodes.Status400BadRequest, "Event field is required", 12, invalid)
                : Hec(StatusCodes.Status400BadRequest, "Event field cannot be blank", 13, invalid);
        }

        return result.Outcome == IngestOutcome.Empty && result.Lines == 0
            ? Hec(StatusCodes.Status400BadRequest, "No data", 5)
            : Hec(StatusCodes.Status200OK, "Success", 0);
    }

    private static IResult Hec(int status, string text, int code, int? invalidEvent = null) =>
        TypedResults.Json(new HecResponse(text, code, invalidEvent), HecJsonContext.Default.HecResponse, statusCode: status);
}

/// <summary>HEC's answer body.</summary>
internal sealed record HecResponse(
    string Text,
    int Code,
    [property: JsonPropertyName("invalid-event-number"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? InvalidEventNumber);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HecResponse))]
internal sealed partial class HecJsonContext : JsonSerializerContext;
