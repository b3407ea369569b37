using FunctionsApp.Query;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsApp.Worker.Functions;

/// <summary>What happened, when, where and why (<see cref="QueryApi"/>).</summary>
internal sealed class QueryFunctions(HandlerInvoker handlers)
{
    [Function("incidents")]
    public IResult Incidents([HttpTrigger(AuthorizationLevel.Function, "get", Route = "incidents")] HttpRequest request) =>
        handlers.Invoke(QueryApi.ListIncidentsAsync);

    [Function("incident")]
    public IResult Incident([HttpTrigger(AuthorizationLevel.Function, "get", Route = "incidents/{id}")] HttpRequest request) =>
        handlers.Invoke(QueryApi.GetIncidentAsync);

    [Function("upstreams")]
    public IResult Upstreams([HttpTrigger(AuthorizationLevel.Function, "get", Route = "upstreams")] HttpRequest request) =>
        handlers.Invoke(QueryApi.ListUpstreamsAsync);

    [Function("timeline")]
    public IResult Timeline([HttpTrigger(AuthorizationLevel.Function, "get", Route = "timeline")] HttpRequest request) =>
        handlers.Invoke(QueryApi.GetTimelineAsync);

    [Function("analyze-logs")]
    public IResult AnalyzeLogs([HttpTrigger(AuthorizationLevel.Function, "post", Route = "analyze")] HttpRequest request) =>
        handlers.Invoke(QueryApi.AnalyzeAsync);
}
