using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace FunctionsApp.Storage;

/// <summary>
/// Creates a container before its first use, and again whenever a call finds it gone: storage that comes back empty
/// (a restored or replaced account, a wiped Azurite) or a deleted container must not fail the timers until a restart.
/// </summary>
internal sealed class ContainerGuard(BlobContainerClient container)
{
    private int _ready;

    public BlobContainerClient Container => container;

    /// <summary>Runs <paramref name="call"/>; when it meets <c>ContainerNotFound</c>, creates the container and runs it once more.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (IsContainerNotFound(ex))
        {
            Volatile.Write(ref _ready, 0);
            await EnsureAsync(cancellationToken).ConfigureAwait(false);
            return await call(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(
            async ct =>
            {
                await call(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    /// <summary>A listing that ends, empty, when the container is gone (storage came back empty).</summary>
    public static IAsyncEnumerable<T> ListOrEmpty<T>(IAsyncEnumerable<T> listing, CancellationToken cancellationToken) =>
        ListUntilGone(listing, IsContainerNotFound, cancellationToken);

    /// <summary>
    /// A listing that ends, empty, when what it reads is gone (<paramref name="isGone"/>: the container or table was
    /// deleted, storage came back empty); any other failure is thrown. Shared by containers and tables.
    /// </summary>
    public static async IAsyncEnumerable<T> ListUntilGone<T>(
        IAsyncEnumerable<T> listing, Func<RequestFailedException, bool> isGone, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var items = listing.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await items.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (RequestFailedException ex) when (isGone(ex))
            {
                yield break;
            }

            yield return items.Current;
        }
    }

    public static bool IsContainerNotFound(RequestFailedException exception) => exception.ErrorCode == BlobErrorCode.ContainerNotFound;

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _ready) == 0)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _ready, 1);
        }
    }
}
