using FunctionsApp.Ingestion.Otlp.Proto;
using Google.Protobuf;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Ingestion.Otlp;

/// <summary>
/// <c>POST /api/ingest/{source}/v1/logs</c>: OTLP/HTTP logs (<see href="https://opentelemetry.io/docs/specs/otlp/#otlphttp"/>),
/// protobuf (<c>application/x-protobuf</c>) or JSON (<c>application/json</c>), gzip or not. Answers in the request's
/// encoding: an <c>ExportLogsServiceResponse</c> (with a partial success when records had no body), or a
/// <c>google.rpc.Status</c> with 400/413/415 (not retried by exporters); 503 from storage is retried.
/// </summary>
internal static class OtlpLogsEndpoint
{
    public const string ProtobufMediaType = "application/x-protobuf";
    public const string JsonMediaType = "application/json";

    // google.rpc.Code
    private const int InvalidArgument = 3;
    private const int ResourceExhausted = 8;

    public static async Task<IResult> ExportAsync(
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

        var json = ShipperRequests.IsMediaType(request.ContentType, JsonMediaType);
        if (!json && !ShipperRequests.IsMediaType(request.ContentType, ProtobufMediaType))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, InvalidArgument,
                $"OTLP/HTTP bodies are '{ProtobufMediaType}' or '{JsonMediaType}'.", json: false);
        }

        if (!ShipperRequests.AllowBody(request, settings))
        {
            return Error(StatusCodes.Status413PayloadTooLarge, ResourceExhausted, ShipperRequests.TooLargeReason(settings), json);
        }

        var reader = new OtlpLogsReader(settings.LineKeys);
        var result = await ingestor.IngestPartsAsync(
            resolved, request.Body, request.Headers.ContentEncoding, IngestionApi.NullIfEmpty(idempotencyKey),
            json ? reader.ReadJsonAsync : reader.ReadProtobufAsync, cancellationToken);
        if (!ShipperRequests.IsSuccess(result.Outcome))
        {
            var status = ShipperRequests.StatusOf(result.Outcome);
            return Error(status, status == StatusCodes.Status413PayloadTooLarge ? ResourceExhausted : InvalidArgument, ShipperRequests.ReasonOf(result), json);
        }

        var rejected = reader.Rejected;
        var message = rejected > 0 ? $"{rejected} log record(s) had no body to store." : null;
        if (json)
        {
            var partial = message is null ? null : new OtlpJsonPartialSuccess(rejected, message);
            return TypedResults.Json(new OtlpJsonResponse(partial), OtlpJsonContext.Default.OtlpJsonResponse);
        }

        var response = new ExportLogsServiceResponse();
        if (message is not null)
        {
            response.PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = rejected, ErrorMessage = message };
        }

        return new ProtobufResult(StatusCodes.Status200OK, response);
    }

    private static IResult Error(int status, int code, string message, bool json) =>
        json
            ? TypedResults.Json(new OtlpJsonStatus(code, message), OtlpJsonContext.Default.OtlpJsonStatus, statusCode: status)
            : new ProtobufResult(status, new Status { Code = code, Message = message });

    /// <summary>A protobuf message as the response body.</summary>
    private sealed class ProtobufResult(int status, IMessage message) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var bytes = message.ToByteArray();
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = ProtobufMediaType;
            httpContext.Response.ContentLength = bytes.Length;
            await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }
}
