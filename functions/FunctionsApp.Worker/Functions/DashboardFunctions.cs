using FunctionsApp.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsApp.Worker.Functions;

/// <summary>
/// The dashboard (<see cref="DashboardApi"/>). Anonymous to the host: the page and bundle hold no data, and the data
/// functions check the platform sign-in themselves (<see cref="DashboardApi.Refusal"/>), as standalone.
/// </summary>
internal sealed class DashboardFunctions(HandlerInvoker handlers)
{
    [Function("dashboard")]
    public IResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/{*path}")] HttpRequest request) =>
        handlers.Invoke(DashboardApi.Page);

    [Function("dashboard-session")]
    public IResult Session([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "dashboard-session")] HttpRequest request) =>
        handlers.Invoke(DashboardApi.SignIn);

    [Function("dashboard-overview")]
    public IResult Overview([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard-data/overview")] HttpRequest request) =>
        handlers.Invoke(DashboardApi.OverviewAsync, DashboardApi.Refusal);

    [Function("dashboard-incident")]
    public IResult Incident([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard-data/incidents/{id}")] HttpRequest request) =>
        handlers.Invoke(DashboardApi.IncidentAsync, DashboardApi.Refusal);

    [Function("dashboard-ack")]
    public IResult Acknowledge([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "dashboard-data/incidents/{id}/ack")] HttpRequest request) =>
        handlers.Invoke(DashboardApi.AcknowledgeAsync, DashboardApi.Refusal);

    [Function("dashboard-silence")]
    public IResult Silence([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "dashboard-data/incidents/{id}/silence")] HttpRequest request) =>
        handlers.Invoke(DashboardApi.SilenceAsync, DashboardApi.Refusal);
}
