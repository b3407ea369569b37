using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Storage;

/// <summary>
/// The app's three containers, from one <see cref="BlobServiceClient"/>. The analyzer (issue 4) uses
/// <see cref="State"/> and <see cref="Incidents"/>; raw batches go through <see cref="ILogArchive"/>.
/// </summary>
internal sealed class BlobContainers(BlobServiceClient service, IOptions<StorageOptions> options)
{
    public BlobContainerClient Logs { get; } = service.GetBlobContainerClient(options.Value.LogsContainer);

    public BlobContainerClient State { get; } = service.GetBlobContainerClient(options.Value.StateContainer);

    public BlobContainerClient Incidents { get; } = service.GetBlobContainerClient(options.Value.IncidentsContainer);

    public IEnumerable<BlobContainerClient> All => [Logs, State, Incidents];

    public BlobServiceClient Service => service;

    /// <summary>Creates the containers that are missing (private access).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var container in All)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }
}
