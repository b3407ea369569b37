using FunctionsApp.Ingestion;
using FunctionsApp.Ingestion.Elasticsearch;
using FunctionsApp.Ingestion.Loki;
using FunctionsApp.Ingestion.Otlp;
using FunctionsApp.Ingestion.Splunk;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsApp.Worker.Functions;

/// <summary>Ingest: plain lines and every shipper protocol (<see cref="IngestionApi"/>, <see cref="ShipperApi"/>).</summary>
internal sealed class IngestionFunctions(HandlerInvoker handlers)
{
    [Function("ingest")]
    public IResult Ingest([HttpTrigger(AuthorizationLevel.Function, "post", "get", "head", Route = "ingest/{source}")] HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
            ? handlers.Invoke(IngestionApi.IngestAsync)
            : handlers.Invoke(ElasticsearchEndpoint.Info); // GET and HEAD: the Elasticsearch clients' version handshake

    [Function("ingest-otlp")]
    public IResult Otlp([HttpTrigger(AuthorizationLevel.Function, "post", Route = "ingest/{source}/v1/logs")] HttpRequest request) =>
        handlers.Invoke(OtlpLogsEndpoint.ExportAsync);

    [Function("ingest-loki")]
    public IResult Loki([HttpTrigger(AuthorizationLevel.Function, "post", Route = "ingest/{source}/loki/api/v1/push")] HttpRequest request) =>
        handlers.Invoke(LokiPushEndpoint.PushAsync);

    [Function("ingest-bulk")]
    public IResult Bulk([HttpTrigger(AuthorizationLevel.Function, "post", Route = "ingest/{source}/_bulk")] HttpRequest request) =>
        handlers.Invoke(ElasticsearchEndpoint.BulkAsync);

    [Function("ingest-hec")]
    public IResult Hec([HttpTrigger(AuthorizationLevel.Function, "post", "get", Route = "ingest/{source}/services/collector/{*endpoint}")] HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
            ? handlers.Invoke(HecEndpoint.CollectAsync)
            : handlers.Invoke(HecEndpoint.Health);
}
