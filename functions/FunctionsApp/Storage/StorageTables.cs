using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Storage;

/// <summary>
/// The app's tables, from one <see cref="TableServiceClient"/>: the incident index (a table per kind of listing it
/// serves) and the per-minute timeline. Each is created before its first use and again when a call finds it gone
/// (storage that came back empty), as containers are.
/// </summary>
internal sealed class StorageTables(TableServiceClient service, IOptions<StorageOptions> options)
{
    /// <summary>The index's tables are named after <see cref="StorageOptions.IncidentIndexTable"/>, with these suffixes.</summary>
    public static readonly string[] IncidentIndexSuffixes = ["", "site", "upstream", "host", "cause", "open"];

    /// <summary>The index of every incident; it also held the other kinds of rows before they had tables of their own.</summary>
    public TableGuard IncidentIndex { get; } = new(service.GetTableClient(options.Value.IncidentIndexTable));

    public TableGuard IncidentIndexBySite { get; } = new(service.GetTableClient(options.Value.IncidentIndexTable + "site"));

    public TableGuard IncidentIndexByUpstream { get; } = new(service.GetTableClient(options.Value.IncidentIndexTable + "upstream"));

    public TableGuard IncidentIndexByHost { get; } = new(service.GetTableClient(options.Value.IncidentIndexTable + "host"));

    public TableGuard IncidentIndexByCause { get; } = new(service.GetTableClient(options.Value.IncidentIndexTable + "cause"));

    public TableGuard IncidentIndexOpen { get; } = new(service.GetTableClient(options.Value.IncidentIndexTable + "open"));

    public TableGuard Timeline { get; } = new(service.GetTableClient(options.Value.TimelineTable));

    public IEnumerable<TableGuard> IncidentIndexTables => [IncidentIndex, IncidentIndexBySite, IncidentIndexByUpstream, IncidentIndexByHost, IncidentIndexByCause, IncidentIndexOpen];

    public IEnumerable<TableGuard> All => [.. IncidentIndexTables, Timeline];

    /// <summary>Creates the tables that are missing.</summary>
    /// <remarks>
    /// The dependency keeps <see cref="TableEntity"/>'s constructor in the Native AOT binary: every entity the app reads
    /// (queries, <c>GetEntityIfExistsAsync</c>) is made by the SDK with <c>Activator.CreateInstance&lt;T&gt;()</c>, which
    /// the trimmer cannot see, and without it a read throws <c>MissingMethodException</c> at run time.
    /// </remarks>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var table in All)
        {
            await TableGuard.CreateIfMissingAsync(table.Table, cancellationToken);
        }
    }
}

/// <summary>A table created before its first use, and again whenever a call meets <c>TableNotFound</c>.</summary>
internal sealed class TableGuard
{
    private readonly TableClient _table;
    private readonly StorageResourceGuard _guard;

    public TableGuard(TableClient table)
    {
        _table = table;
        _guard = new StorageResourceGuard(ct => CreateIfMissingAsync(table, ct), IsTableNotFound);
    }

    public TableClient Table => _table;

    /// <summary>Runs <paramref name="call"/>; when it meets <c>TableNotFound</c>, creates the table and runs it once more.</summary>
    public Task<T> RunAsync<T>(Func<TableClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        _guard.RunAsync(ct => call(_table, ct), cancellationToken);

    /// <summary>A query that ends, empty, when the table is gone (storage came back empty).</summary>
    public static IAsyncEnumerable<T> ListOrEmpty<T>(IAsyncEnumerable<T> listing, CancellationToken cancellationToken) =>
        StorageResourceGuard.ListUntilGone(listing, IsTableNotFound, cancellationToken);

    public static bool IsTableNotFound(RequestFailedException exception) => exception.ErrorCode == TableErrorCode.TableNotFound;

    /// <summary>
    /// Creates the table unless it exists. Not the SDK's <c>CreateIfNotExistsAsync</c>: Azure.Data.Tables 12.13.0 builds
    /// that request body with reflection-based System.Text.Json (an anonymous type), which this app disables (Native AOT,
    /// <c>JsonSerializerIsReflectionEnabledByDefault=false</c> in the JIT build too), so it throws before sending.
    /// <c>CreateAsync</c> writes its body through the SDK's generated serializer; "already exists" is the answer wanted.
    /// </summary>
    public static async Task CreateIfMissingAsync(TableClient table, CancellationToken cancellationToken)
    {
        try
        {
            await table.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == TableErrorCode.TableAlreadyExists)
        {
            // Created earlier, by this instance or another.
        }
    }
}
