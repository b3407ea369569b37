using FunctionsApp.Health;
using FunctionsApp.Probes;
using FunctionsApp.SiteConfig;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsApp.Worker.Functions;

/// <summary>Health, a site's nginx configuration and probes (<see cref="HealthApi"/>, <see cref="NginxConfigApi"/>, <see cref="ProbeApi"/>).</summary>
internal sealed class SiteFunctions(HandlerInvoker handlers)
{
    [Function("health")]
    public IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        handlers.Invoke(HealthApi.GetHealthAsync);

    [Function("nginx-config")]
    public IResult NginxConfig([HttpTrigger(AuthorizationLevel.Function, "get", "put", Route = "sites/{site}/nginx-config")] HttpRequest request) =>
        HttpMethods.IsPut(request.Method)
            ? handlers.Invoke(NginxConfigApi.PutAsync)
            : handlers.Invoke(NginxConfigApi.GetAsync);

    [Function("probe")]
    public IResult Probe([HttpTrigger(AuthorizationLevel.Function, "post", Route = "sites/{site}/probe")] HttpRequest request) =>
        handlers.Invoke(ProbeApi.ProbeAsync);
}
