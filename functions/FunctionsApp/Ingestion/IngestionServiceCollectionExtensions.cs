using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Ingestion;

/// <summary>Registers the ingest path.</summary>
internal static class IngestionServiceCollectionExtensions
{
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestionOptions>()
            .Bind(configuration.GetSection(IngestionOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngestionOptions>, IngestionOptionsAnnotationsValidator>();
        services.AddSingleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidator>();

        // The nginx parsers replace this default by registering their own ILogLineValidator first.
        services.TryAddSingleton<ILogLineValidator, Utf8LogLineValidator>();
        services.AddSingleton<BatchIngestor>();
        return services;
    }
}
