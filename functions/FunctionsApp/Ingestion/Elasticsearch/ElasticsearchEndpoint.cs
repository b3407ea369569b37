using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Ingestion.Elasticsearch;

/// <summary>
/// The Elasticsearch API that log shippers use: <c>GET /api/ingest/{source}</c> (and <c>HEAD</c>), the version
/// handshake Beats, Logstash, Vector and the official clients make first, and <c>POST /api/ingest/{source}/_bulk</c>.
/// The bulk answer has one item per action in order (<c>201 created</c>), <c>errors: false</c>; a body that is not a
/// bulk request gets Elasticsearch's error shape with 400/413/415. Every answer carries <c>X-Elastic-Product</c>,
/// which the official clients require.
/// </summary>
internal static class ElasticsearchEndpoint
{
    private const string ProductHeader = "X-Elastic-Product";

    public static IResult Info(string source, HttpResponse response, IOptions<IngestionOptions> options)
    {
        response.Headers[ProductHeader] = "Elasticsearch";
        var version = options.Value.ElasticsearchVersion;
        return TypedResults.Json(
            new ElasticsearchInfo(
                "nginx-502-diagnostics",
                "nginx-502-diagnostics",
                "nginx-502-diagnostics-" + source,
                new ElasticsearchVersion(version, "default", "docker", "0000000", "2026-01-01T00:00:00.000Z", false, "9.12.0", "7.17.0", "7.0.0"),
                "You Know, for Search"),
            ElasticsearchJsonContext.Default.ElasticsearchInfo);
    }

    public static async Task<IResult> BulkAsync(
        string source,
        [FromHeader(Name = IngestionApi.IdempotencyKeyHeader)] string? idempotencyKey,
        HttpRequest request,
        BatchIngestor ingestor,
        IOptions<IngestionOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        request.HttpContext.Response.Headers[ProductHeader] = "Elasticsearch";
        var settings = options.Value;
        if (ShipperRequests.Resolve(source, request, settings, out var problem) is not { } resolved)
        {
            return problem!;
        }

        if (!ShipperRequests.AllowBody(request, settings))
        {
            return Error(StatusCodes.Status413PayloadTooLarge, "content_too_long_exception", ShipperRequests.TooLargeReason(settings));
        }

        var started = time.GetTimestamp();
        var reader = new BulkReader(settings.LineKeys);
        var result = await ingestor.IngestPartsAsync(
            resolved, request.Body, request.Headers.ContentEncoding, IngestionApi.NullIfEmpty(idempotencyKey), reader.ReadAsync, cancellationToken);
        if (!ShipperRequests.IsSuccess(result.Outcome))
        {
            var status = ShipperRequests.StatusOf(result.Outcome);
            return Error(status, status == StatusCodes.Status413PayloadTooLarge ? "content_too_long_exception" : "parse_exception", ShipperRequests.ReasonOf(result));
        }

        var batchId = result.Blobs.Count > 0 ? BatchId(result.Blobs[0]) : "empty";
        return new BulkResult(reader.Items, batchId, (long)time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Elasticsearch's error body: <c>{"error":{"root_cause":[…],"type","reason"},"status"}</c>.</summary>
    private static IResult Error(int status, string type, string reason) =>
        TypedResults.Json(
            new ElasticsearchErrorResponse(new ElasticsearchError([new ElasticsearchErrorCause(type, reason)], type, reason), status),
            ElasticsearchJsonContext.Default.ElasticsearchErrorResponse,
            statusCode: status);

    // Document ids derive from the batch blob (its content hash), so a retried request answers the same ids.
    private static string BatchId(string blobName)
    {
        var file = blobName[(blobName.LastIndexOf('/') + 1)..];
        var dash = file.LastIndexOf('-');
        var dot = file.IndexOf('.', StringComparison.Ordinal);
        return dash >= 0 && dot > dash ? file[(dash + 1)..dot] : file;
    }

    /// <summary>The bulk answer, written as it is serialized (one small object per action).</summary>
    private sealed class BulkResult(List<BulkItem> items, string batchId, long took) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "application/json";
            await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
            writer.WriteStartObject();
            writer.WriteNumber("took", took);
            writer.WriteBoolean("errors", false);
            writer.WriteStartArray("items");
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                var deleted = item.Action == "delete";
                writer.WriteStartObject();
                writer.WriteStartObject(item.Action);
                writer.WriteString("_index", item.Index);
                writer.WriteString("_id", $"{batchId}-{i}");
                writer.WriteNumber("_version", 1);
                writer.WriteString("result", deleted ? "not_found" : "created");
                writer.WriteStartObject("_shards");
                writer.WriteNumber("total", 1);
                writer.WriteNumber("successful", deleted ? 0 : 1);
                writer.WriteNumber("failed", 0);
                writer.WriteEndObject();
                writer.WriteNumber("_seq_no", i);
                writer.WriteNumber("_primary_term", 1);
                writer.WriteNumber("status", deleted ? StatusCodes.Status404NotFound : StatusCodes.Status201Created);
                writer.WriteEndObject();
                writer.WriteEndObject();
                if (writer.BytesPending > 16 * 1024)
                {
                    await writer.FlushAsync(httpContext.RequestAborted);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            await writer.FlushAsync(httpContext.RequestAborted);
            Debug.Assert(writer.CurrentDepth == 0);
        }
    }
}
