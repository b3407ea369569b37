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
/// Composition shared by the two hosts. <see cref="AddApp"/> registers the features for both: the standalone web app
/// (<c>Program</c>, and the integration tests, which start it on loopback; it listens on <c>Hosting:Urls</c>, checks
/// keys and runs its timers) and the isolated worker (<c>FunctionsApp.Worker</c>, where the Functions host checks keys
/// and fires the timers, and each <c>[Function]</c> calls the same handlers).
/// </summary>
internal static class AppHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<ConfigurationManager>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder.Configuration);

        var hostingSection = builder.Configuration.GetSection(HostingOptions.SectionName);
        var urls = hostingSection[nameof(HostingOptions.Urls)] ?? new HostingOptions().Urls;
        builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.Services.AddOptions<HostingOptions>().Bind(hostingSection);
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "nginx 502 diagnostics";
            document.Info.Version = Version;
            return Task.CompletedTask;
        }));
        AddApp(builder.Services, builder.Configuration, HostingMode.Standalone);
        if (hostingSection.GetValue(nameof(HostingOptions.RunTimers), defaultValue: true))
        {
            builder.Services.AddHostedService<TimerScheduler>();
        }

        return builder;
    }

    /// <summary>Everything but the host: options, storage, features, handlers' dependencies, timers.</summary>
    public static IServiceCollection AddApp(IServiceCollection services, IConfiguration configuration, HostingMode mode)
    {
        services.AddLogging(AzureSdkLogging.AddDefaultFilters);

        services.AddSingleton(new HostingContext(mode, Version));
        services.AddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(json =>
        {
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
        services.AddExceptionHandler<StorageExceptionHandler>();

        services.AddStorage(configuration);
        services.AddIngestion(configuration);
        services.AddAnalysis(configuration);
        services.AddSiteDiagnostics(configuration);
        // One credential for Azure Monitor, built by Microsoft.Extensions.Azure's factory (DefaultAzureCredential,
        // configurable under "Azure"), so no code here names a type that Azure.Core and Azure.Identity both carry.
        services.AddSingleton(provider => provider.GetRequiredService<Microsoft.Extensions.Azure.AzureComponentFactory>()
            .CreateTokenCredential(configuration.GetSection("Azure")));
        services.AddMetricsCorrelation(configuration);
        services.AddNotifications(configuration);
        services.AddSingleton<ITimerFunction, NotifyFunction>();
        services.AddSingleton<ITimerFunction, DigestFunction>();

        services.AddDashboard();
        services.AddFunctionKeys(configuration);
        services.AddSingleton<TimerFunctionInvoker>();
        services.AddSingleton(provider => TimerSchedules.Resolve(provider.GetServices<ITimerFunction>(), configuration));
        return services;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        var hosting = app.Services.GetRequiredService<HostingContext>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<FunctionKeyMiddleware>();

        app.MapHealthApi();
        app.MapIngestionApi();
        app.MapShipperApi();
        app.MapQueryApi();
        app.MapNotificationsApi();
        app.MapNginxConfigApi();
        app.MapProbeApi();
        app.MapDashboardApi();
        app.MapOpenApi("/api/openapi.json").AllowAnonymous();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AppHost).FullName!);
        app.Lifetime.ApplicationStarted.Register(() => Log.Starting(logger, hosting.Mode, hosting.Version, string.Join(';', app.Urls)));
        return app;
    }

    /// <summary>The informational version (from <c>Version</c> in the project), without the source-revision suffix.</summary>
    public static string Version { get; } =
        (typeof(AppHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
            .Split('+')[0];
}
