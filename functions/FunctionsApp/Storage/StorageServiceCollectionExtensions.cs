using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Storage;

/// <summary>Registers Blob and Table Storage once: the clients, the containers and tables, the archive, the probe.</summary>
internal static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsAnnotationsValidator>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddAzureClients(clients =>
        {
            // The credential passed in is Microsoft.Extensions.Azure's default, DefaultAzureCredential (managed
            // identity in Azure); it is unused when a connection string (Azurite) is configured.
            clients.AddClient<BlobServiceClient, BlobClientOptions>((clientOptions, credential, provider) =>
            {
                var storage = Configure(clientOptions, provider);
                return string.IsNullOrWhiteSpace(storage.ConnectionString)
                    ? new BlobServiceClient(storage.ServiceUri, credential, clientOptions)
                    : new BlobServiceClient(storage.ConnectionString, clientOptions);
            });

            // The incident index and the timeline: Table Storage of the same account (Azurite's table service locally).
            clients.AddClient<TableServiceClient, TableClientOptions>((clientOptions, credential, provider) =>
            {
                var storage = Configure(clientOptions, provider);
                return string.IsNullOrWhiteSpace(storage.ConnectionString)
                    ? new TableServiceClient(storage.TableServiceUri ?? TableUriOf(storage.ServiceUri!), credential, clientOptions)
                    : new TableServiceClient(storage.ConnectionString, clientOptions);
            });
        });

        services.AddSingleton<BlobContainers>();
        services.AddSingleton<StorageTables>();
        services.AddSingleton<ILogArchive, BlobLogArchive>();
        services.AddSingleton<IStorageProbe, BlobStorageProbe>();
        services.AddHostedService<StorageInitializer>();
        return services;
    }

    /// <summary>
    /// The retries and pipeline both storage clients share: <see cref="StorageOptions.MaxRetries"/> exponential tries of
    /// <see cref="StorageOptions.NetworkTimeout"/> each, and the extra pipeline policies registered in DI (telemetry, or
    /// fault injection in tests). Returns the storage options the client is built from.
    /// </summary>
    private static StorageOptions Configure(ClientOptions clientOptions, IServiceProvider provider)
    {
        var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        clientOptions.Retry.MaxRetries = storage.MaxRetries;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        clientOptions.Retry.NetworkTimeout = storage.NetworkTimeout;
        foreach (var policy in provider.GetServices<HttpPipelinePolicy>())
        {
            clientOptions.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        return storage;
    }

    /// <summary>The account's table endpoint from its blob endpoint (https://{account}.blob.core.windows.net/).</summary>
    private static Uri TableUriOf(Uri blobServiceUri) =>
        new UriBuilder(blobServiceUri) { Host = blobServiceUri.Host.Replace(".blob.", ".table.", StringComparison.OrdinalIgnoreCase) }.Uri;
}
