using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace FunctionsApp.Storage;

/// <summary>A container created before its first use, and again whenever a call meets <c>ContainerNotFound</c>.</summary>
internal sealed class ContainerGuard(BlobContainerClient container)
{
    private readonly StorageResourceGuard _guard = new(ct => container.CreateIfNotExistsAsync(cancellationToken: ct), IsContainerNotFound);

    public BlobContainerClient Container => container;

    /// <summary>Runs <paramref name="call"/>; when it meets <c>ContainerNotFound</c>, creates the container and runs it once more.</summary>
    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) => _guard.RunAsync(call, cancellationToken);

    public Task RunAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken) => _guard.RunAsync(call, cancellationToken);

    /// <summary>A listing that ends, empty, when the container is gone (storage came back empty).</summary>
    public static IAsyncEnumerable<T> ListOrEmpty<T>(IAsyncEnumerable<T> listing, CancellationToken cancellationToken) =>
        StorageResourceGuard.ListUntilGone(listing, IsContainerNotFound, cancellationToken);

    public static bool IsContainerNotFound(RequestFailedException exception) => exception.ErrorCode == BlobErrorCode.ContainerNotFound;
}
