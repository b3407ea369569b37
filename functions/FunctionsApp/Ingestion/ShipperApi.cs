using FunctionsApp.Ingestion.Elasticsearch;
using FunctionsApp.Ingestion.Loki;
using FunctionsApp.Ingestion.Otlp;
using FunctionsApp.Ingestion.Splunk;
using FunctionsApp.Security;

namespace FunctionsApp.Ingestion;

/// <summary>
/// The shippers' own protocols under a source, so a shipper is pointed here by changing its URL: OTLP/HTTP logs,
/// the Loki push API, the Elasticsearch <c>_bulk</c> API and the Splunk HTTP Event Collector. Each answers in its
/// protocol's shapes and takes the function key the way its clients send credentials (see <see cref="ShipperCredentials"/>).
/// </summary>
internal static class ShipperApi
{
    public static IEndpointRouteBuilder MapShipperApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/ingest/{source}/v1/logs", OtlpLogsEndpoint.ExportAsync)
            .WithName("IngestOtlpLogs")
            .WithSummary("OTLP/HTTP logs export (protobuf or JSON): each log record's body is stored as a line.")
            .WithMetadata(ShipperCredentials.Instance);
        endpoints.MapPost("/api/ingest/{source}/loki/api/v1/push", LokiPushEndpoint.PushAsync)
            .WithName("IngestLokiPush")
            .WithSummary("Loki push (snappy-compressed protobuf or JSON): each entry is stored as a line; 204 when stored.")
            .WithMetadata(ShipperCredentials.Instance);
        endpoints.MapMethods("/api/ingest/{source}", [HttpMethods.Get, HttpMethods.Head], ElasticsearchEndpoint.Info)
            .WithName("IngestElasticsearchInfo")
            .WithSummary("The Elasticsearch version handshake that Beats, Logstash, Vector and the official clients make first.")
            .WithMetadata(ShipperCredentials.Instance);
        endpoints.MapPost("/api/ingest/{source}/_bulk", ElasticsearchEndpoint.BulkAsync)
            .WithName("IngestElasticsearchBulk")
            .WithSummary("Elasticsearch _bulk: each document's message is stored as a line; one 201 item per action.")
            .WithMetadata(ShipperCredentials.Instance);
        endpoints.MapPost("/api/ingest/{source}/services/collector/{*endpoint}", HecEndpoint.CollectAsync)
            .WithName("IngestSplunkHec")
            .WithSummary("Splunk HEC event and raw endpoints: each event (or raw line) is stored as a line.")
            .WithMetadata(ShipperCredentials.Instance);
        endpoints.MapGet("/api/ingest/{source}/services/collector/{*endpoint}", HecEndpoint.Health)
            .WithName("IngestSplunkHecHealth")
            .WithSummary("Splunk HEC health check.")
            .WithMetadata(ShipperCredentials.Instance);
        return endpoints;
    }
}
