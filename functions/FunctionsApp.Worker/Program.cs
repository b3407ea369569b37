using FunctionsApp.Hosting;
using FunctionsApp.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The isolated worker: the Functions host starts it, checks keys, fires timers and forwards HTTP requests to its
// ASP.NET Core integration. The features are the ones the standalone app serves, registered the same way.
// Application Insights when the app has a connection string (on Azure it does).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddApplicationInsightsWhenConfigured();
AppHost.AddApp(builder.Services, builder.Configuration, HostingMode.FunctionsHost);
builder.Services.AddSingleton<HandlerInvoker>();
builder.Services.AddSingleton<FunctionsApp.Analysis.ISiteRunQueue, StorageSiteRunQueue>();
await builder.Build().RunUntilStoppedAsync();
