using System.Runtime.CompilerServices;
using Azure;

namespace FunctionsApp.Storage;

/// <summary>
/// A storage resource (a container, a table, a queue) created before its first use, and again whenever a call finds
/// it gone: storage that comes back empty (a restored or replaced account, a wiped Azurite) or a deleted resource must
/// not fail the timers until a restart. One instance per resource (a singleton): concurrent first uses wait for one
/// create request, and a creator that is cancelled or fails leaves the next waiter to try with its own token.
/// </summary>
/// <param name="create">Creates the resource unless it exists.</param>
/// <param name="isGone">Whether a failure says the resource does not exist (<c>ContainerNotFound</c>, ...).</param>
/// <param name="recreating">Called before the resource is created again after a call found it gone.</param>
internal sealed class StorageResourceGuard(
    Func<CancellationToken, Task> create, Func<RequestFailedException, bool> isGone, Action? recreating = null)
{
    private readonly SemaphoreSlim _creating = new(1, 1);
    private int _ready;

    /// <summary>Runs <paramref name="call"/>; when it finds the resource gone, creates it and runs the call once more.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (isGone(ex))
        {
            recreating?.Invoke();
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

    /// <summary>
    /// A listing that ends, empty, when what it reads is gone (<paramref name="isGone"/>: the container or table was
    /// deleted, storage came back empty); any other failure is thrown.
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

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _ready) == 1)
        {
            return;
        }

        await _creating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _ready) == 0)
            {
                await create(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _ready, 1);
            }
        }
        finally
        {
            _creating.Release();
        }
    }
}
