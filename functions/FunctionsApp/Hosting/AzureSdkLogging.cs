using Microsoft.Extensions.Options;

namespace FunctionsApp.Hosting;

/// <summary>
/// Default levels for the Azure SDK's log categories, which configuration (<c>Logging:LogLevel:Azure</c>,
/// <c>Logging:LogLevel:Azure.Core</c>) overrides. The SDK logs every request at Information, and every 4xx answer at
/// Warning, including those the app expects and handles (409 on creating a container that exists, 404 on reading a
/// marker that is not there yet): Azure at Warning, Azure.Core at Error. Storage failures the app does not expect are
/// logged by the app itself (<see cref="StorageExceptionHandler"/>, the timers' failures).
/// </summary>
internal static class AzureSdkLogging
{
    public static void AddDefaultFilters(ILoggingBuilder logging) =>
        logging.Services.AddSingleton<IConfigureOptions<LoggerFilterOptions>>(new ConfigureOptions<LoggerFilterOptions>(options =>
        {
            // First in the list: among rules for the same category, the last one wins, so a configured level overrides
            // these whichever order the host registered its configuration in.
            options.Rules.Insert(0, new LoggerFilterRule(null, "Azure", LogLevel.Warning, null));
            options.Rules.Insert(1, new LoggerFilterRule(null, "Azure.Core", LogLevel.Error, null));
        }));
}
