using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Storage;

/// <summary>
/// The app's tables, from one <see cref="TableServiceClient"/>: the incident index and the per-minute timeline. Each
/// is created before its first use and again when a call finds it gone (storage that came back empty), as containers are.
/// </summary>
internal sealed class StorageTables(TableServiceClient service, IOptions<StorageOptions> options)
{
    public TableGuard IncidentIndex { get; } = new(service.GetTableClient(options.Value.IncidentIndexTable));

    public TableGuard Timeline { get; } = new(service.GetTableClient(options.Value.TimelineTable));

    public IEnumerable<TableGuard> All => [IncidentIndex, Timeline];

    /// <summary>Creates the tables that are missing.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var table in All)
        {
            await table.Table.CreateIfNotExistsAsync(cancellationToken);
        }
    }
}

/// <summary>A table created before its first use, and again whenever a call meets <c>TableNotFound</c>.</summary>
internal sealed class TableGuard(TableClient table)
{
    private int _ready;

    public TableClient Table => table;

    /// <summary>Runs <paramref name="call"/>; when it meets <c>TableNotFound</c>, creates the table and runs it once more.</summary>
    public async Task<T> RunAsync<T>(Func<TableClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(table, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (IsTableNotFound(ex))
        {
            Volatile.Write(ref _ready, 0);
            await EnsureAsync(cancellationToken).ConfigureAwait(false);
            return await call(table, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A query that ends, empty, when the table is gone (storage came back empty).</summary>
    public static async IAsyncEnumerable<T> ListOrEmpty<T>(IAsyncEnumerable<T> listing, [EnumeratorCancellation] CancellationToken cancellationToken)
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
            catch (RequestFailedException ex) when (IsTableNotFound(ex))
            {
                yield break;
            }

            yield return items.Current;
        }
    }

    public static bool IsTableNotFound(RequestFailedException exception) => exception.ErrorCode == TableErrorCode.TableNotFound;

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _ready) == 0)
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _ready, 1);
        }
    }
}
