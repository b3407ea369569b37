using System.Reflection;
using FunctionsApp.Analysis;
using FunctionsApp.Dashboard;
using FunctionsApp.Health;
using FunctionsApp.Incidents;
using FunctionsApp.Ingestion;
using FunctionsApp.Metrics;
using FunctionsApp.Notifications;
using FunctionsApp.Probes;
using FunctionsApp.Query;
using FunctionsApp.Security;
using FunctionsApp.SiteConfig;
using FunctionsApp.Storage;

namespace FunctionsApp.Hosting;

/// <summary>
/// Composition of the web app, shared by <c>Program</c> and the integration tests (which start the same app on
/// loopback). Under the Functions host (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c> set) the app listens on that port and the
/// host checks keys and fires timers; standalone it listens on <c>Hosting:Urls</c>, checks keys and runs its timers.
/// </summary>
internal static class AppHost
{
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static WebApplicationBuilder CreateBuilder(string[] args, Action<ConfigurationManager>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder.Configuration);

        var port = builder.Configuration[CustomHandlerPortVariable];
        var mode = string.IsNullOrEmpty(port) ? HostingMode.Standalone : HostingMode.CustomHandler;
        var hostingSection = builder.Configuration.GetSection(HostingOptions.SectionName);
        var urls = mode == HostingMode.CustomHandler
            ? $"http://127.0.0.1:{port}"
            : hostingSection[nameof(HostingOptions.Urls)] ?? new HostingOptions().Urls;
        builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        // The Azure SDK logs every request at Information: far too chatty for one line of value.
        builder.Logging.AddFilter("Azure", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(new HostingContext(mode, Version));
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<HostingOptions>().Bind(hostingSection);
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, HostingJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, HealthJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, IngestionJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, Ingestion.Otlp.OtlpJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, Ingestion.Elasticsearch.ElasticsearchJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, Ingestion.Splunk.HecJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, QueryJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, IncidentJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, NotificationsApiJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, SiteConfigJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ProbesJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, DashboardJsonContext.Default);
        });
        services.AddProblemDetails();
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "nginx 502 diagnostics";
            document.Info.Version = Version;
            return Task.CompletedTask;
        }));
        services.AddExceptionHandler<StorageExceptionHandler>();

        services.AddStorage(builder.Configuration);
        services.AddIngestion(builder.Configuration);
        services.AddAnalysis(builder.Configuration);
        services.AddSiteDiagnostics(builder.Configuration);
        // One credential for Azure Monitor, built by Microsoft.Extensions.Azure's factory (DefaultAzureCredential,
        // configurable under "Azure"), so no code here names a type that Azure.Core and Azure.Identity both carry.
        services.AddSingleton(provider => provider.GetRequiredService<Microsoft.Extensions.Azure.AzureComponentFactory>()
            .CreateTokenCredential(builder.Configuration.GetSection("Azure")));
        services.AddMetricsCorrelation(builder.Configuration);
        services.AddNotifications(builder.Configuration);
        services.AddSingleton<ITimerFunction, NotifyFunction>();
        services.AddSingleton<ITimerFunction, DigestFunction>();

        services.AddDashboard();
        services.AddFunctionKeys(builder.Configuration);
        services.AddSingleton<TimerFunctionInvoker>();
        if (mode == HostingMode.Standalone && hostingSection.GetValue(nameof(HostingOptions.RunTimers), defaultValue: true))
        {
            services.AddHostedService<TimerScheduler>();
        }

        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        var hosting = app.Services.GetRequiredService<HostingContext>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        if (hosting.Mode == HostingMode.Standalone)
        {
            app.UseMiddleware<FunctionKeyMiddleware>();
        }

        app.MapHealthApi();
        app.MapIngestionApi();
        app.MapShipperApi();
        app.MapQueryApi();
        app.MapNotificationsApi();
        app.MapNginxConfigApi();
        app.MapProbeApi();
        app.MapDashboardApi();
        app.MapOpenApi("/api/openapi.json").AllowAnonymous();
        app.MapTimerFunctionsApi();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AppHost).FullName!);
        app.Lifetime.ApplicationStarted.Register(() => Log.Starting(logger, hosting.Mode, hosting.Version, string.Join(';', app.Urls)));
        return app;
    }

    /// <summary>The informational version (from <c>Version</c> in the project), without the source-revision suffix.</summary>
    public static string Version { get; } =
        (typeof(AppHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
            .Split('+')[0];
}
