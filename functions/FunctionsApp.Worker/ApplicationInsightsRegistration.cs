using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.ApplicationInsights;

namespace FunctionsApp.Worker;

/// <summary>
/// Application Insights for the worker, the way the isolated worker documents it: the Worker Service SDK plus the
/// Functions package that correlates the worker's telemetry with the host's (the host records each invocation as a
/// request; the worker adds its logs and dependencies under the same operation). On only when the app has a
/// connection string, as it does on Azure (infra/main.bicep sets <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>, and
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> when the component accepts only Entra-authenticated senders,
/// which the Functions package reads itself).
/// </summary>
internal static class ApplicationInsightsRegistration
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Adds Application Insights when <see cref="ConnectionStringSetting"/> is set; returns whether it did.</summary>
    public static bool AddApplicationInsightsWhenConfigured(this FunctionsApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[ConnectionStringSetting]))
        {
            return false;
        }

        builder.Services
            .AddApplicationInsightsTelemetryWorkerService()
            .ConfigureFunctionsApplicationInsights();

        // The SDK adds a rule that sends only warnings and above to Application Insights. Without it the worker's
        // log levels (Logging:LogLevel, Logging:ApplicationInsights:LogLevel) decide, as Microsoft documents for
        // the isolated worker; host.json's levels govern the host's own logs only.
        builder.Logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            var sdkDefault = options.Rules.FirstOrDefault(rule => rule.ProviderName == typeof(ApplicationInsightsLoggerProvider).FullName && rule.CategoryName is null);
            if (sdkDefault is not null)
            {
                options.Rules.Remove(sdkDefault);
            }
        });
        // The host records each invocation as a request; ASP.NET Core's lines per forwarded request would repeat it.
        builder.Logging.AddFilter<ApplicationInsightsLoggerProvider>("Microsoft.AspNetCore", LogLevel.Warning);
        return true;
    }
}
