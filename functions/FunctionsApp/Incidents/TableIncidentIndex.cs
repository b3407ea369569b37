using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using FunctionsApp.Storage;

namespace FunctionsApp.Incidents;

/// <summary>
/// The incident index in Table Storage: for each incident a row in each partition a listing may start from (every
/// incident; its site; its upstream; its host; its cause; open incidents), keyed newest first and holding the
/// incident's summary, so a filtered page is one range read of one partition: no listing of every document, and no
/// document read per incident listed. Each kind of partition has a table of its own (<see cref="StorageTables.IncidentIndexTables"/>), so
/// a store that scans a table per query (Azurite) reads one kind of row, not six. The documents stay the truth for the
/// incident itself; every row is written after the document, conditioned on its fencing token as the document is.
/// </summary>
/// <remarks>
/// Row key: <c>{long.MaxValue - start:D19}~{id}</c>, so ascending keys are newest first, then by id, the API's order.
/// Partition keys are stable for an incident (its id derives from site, upstream, host and start), except the open
/// partition, whose row is deleted when the incident resolves, and the cause's. A run that dies between the document
/// and the index (or whose writes are refused half-way) saved no state, so the next run derives the same incidents and
/// writes them again: until then a listing shows the incident as the last complete write left it, one run behind. Rows
/// of different partitions cannot change in one transaction, and a fenced write refuses a later run's row, so the rows
/// of the stable partitions end at the latest run's version; but a stale run that passed the row of every incident
/// (written first) just before a later run wrote can still add a row to a partition the later run has left, after it
/// did. So a listing of the open partition takes each incident from its row in the every-incident partition (point
/// reads, a page's worth), and drops it when that row says resolved.
/// <para>
/// A cause's partition needs no such check. When a run classifies an incident otherwise, its row under each earlier
/// cause is not deleted but replaced, under the run's fence, by a tombstone: the incident's summary, whose
/// <c>Cause</c> is the new one, so a listing by the earlier cause (which filters on <c>Cause</c>) never shows it, and a
/// stale run's late row there is refused by the fence instead of landing where a deleted row was. The every-incident
/// row keeps each cause the incident has had (<c>Causes</c>; a row written before it: its <c>Cause</c>), and every
/// write rewrites the row of each of them but the current one as a tombstone, not only the last one's: a run that died
/// after the every-incident row and before its tombstone leaves it to the next run (the listing is one run behind
/// until then, as for any crash). Why that is exact: any run writes the every-incident row before its cause's row, and
/// a run refused there writes none; so every cause partition a run writes or may still write is in <c>Causes</c>
/// before it does. The latest run reads <c>Causes</c> after every earlier run's write of that row (the writes are
/// conditioned on the ETag read) and writes each of those partitions under its fence, so each ends at its version:
/// the row of the current cause, and tombstones.
/// </para>
/// <para>
/// Earlier versions deleted the row instead, and <see cref="BackfillCauseRowsAsync"/> may copy a row after such a
/// delete, so rows they left may list an incident under a cause it no longer has. Until
/// <see cref="TombstoneStaleCauseRowsAsync"/> has made those rows tombstones and marked the cause table exact, a
/// listing by cause confirms each row of its page against the every-incident row, as the open listing does; once
/// marked, the page is the range read alone. An instance of an earlier version that writes after that pass began (two
/// versions running side by side during a deploy) still deletes, and its every-incident row drops <c>Causes</c>, so the
/// race above can again leave a stale row there; deleting the marker row once the earlier version has stopped makes the
/// next start run the pass again.
/// </para>
/// Rows written before rows held the summary are read from their document.
/// </remarks>
internal sealed class TableIncidentIndex(StorageTables tables)
{
    private const string AllPartition = "all";
    private const string OpenPartition = "open";
    private const string SitePrefix = "site~";
    private const string UpstreamPrefix = "upstream~";
    private const string HostPrefix = "host~";
    private const string CausePrefix = "cause~";

    // The row in the cause table saying every incident written before that table existed has its row there.
    internal const string MarkerPartition = "layout";
    internal const string CauseRowsMarker = "cause-rows-complete";

    // The row in the cause table saying no row there lists an incident under a cause it no longer has (see remarks).
    internal const string CauseRowsExactMarker = "cause-rows-exact";
    private const string FenceProperty = "Fence";

    // On the every-incident row: each cause the incident has had, comma-separated (a row written before it: its Cause).
    private const string CausesProperty = "Causes";

    private static readonly string[] SummaryColumns =
        ["Id", "Start", "End", "Site", "Upstream", "Host", "Cause", "State", "Status", "Confidence", "Failed", "Detected"];

    private volatile bool _causeRowsComplete;
    private volatile bool _causeRowsExact;

    /// <summary>Writes the incident's rows; with a fence, refuses (<see cref="StaleWriterException"/>) rows a later run wrote.</summary>
    public async Task WriteAsync(Incident incident, long? fence, CancellationToken cancellationToken)
    {
        // The row of every incident first: it exists for any incident written before, so a run that a later one
        // overtook is refused there, before it could add an "open" row the later run has deleted, or a cause's row the
        // later run has turned into a tombstone.
        var rowKey = RowKey(incident.Start.ToUnixTimeSeconds(), incident.Id);
        var cause = IncidentCauses.Name(incident.Cause);
        var causes = await WriteRowAsync(tables.IncidentIndex, Row(AllPartition, rowKey, incident, fence), fence, cancellationToken);
        var writes = Partitions(incident).Skip(1)
            .Select(partition => (Task)WriteRowAsync(TableOf(partition), Row(partition, rowKey, incident, fence), fence, cancellationToken))
            .ToList();
        if (incident.State == IncidentState.Resolved)
        {
            writes.Add(DeleteRowAsync(tables.IncidentIndexOpen, OpenPartition, rowKey, fence, cancellationToken));
        }

        // Each cause the incident had before keeps a row that says the current one (a tombstone: a listing by the earlier
        // cause filters on Cause, so never shows it) under this run's fence, so a stale run's late row there is refused.
        // Every cause the incident ever had, not only the last: a run that died before its tombstone leaves it to this one.
        foreach (var earlier in causes.Where(c => c != cause))
        {
            writes.Add(WriteRowAsync(tables.IncidentIndexByCause, Row(Partition(CausePrefix, earlier), rowKey, incident, fence), fence, cancellationToken));
        }

        await Task.WhenAll(writes);
    }

    /// <summary>
    /// The incidents that may match <paramref name="query"/>, newest first, after <paramref name="after"/>, each with its
    /// summary as the rows hold it (null for a row written before rows held it: read its document). The service already
    /// checked the filtered fields on the rows; a listing of open incidents, or by cause until the cause table is marked
    /// exact, is checked against the every-incident rows.
    /// </summary>
    public async IAsyncEnumerable<IndexedIncident> ListAsync(
        IncidentQuery query, IncidentCursor? after, int pageSizeHint, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var causeRows = query.Cause is not null && await CauseRowsCompleteAsync(cancellationToken);
        var filter = Filter(query, after, causeRows, out var partition);
        var rows = TableOf(partition).Table.QueryAsync<TableEntity>(filter, Math.Clamp(pageSizeHint, 1, 1000), SummaryColumns, cancellationToken);
        var confirm = partition == OpenPartition
            || (partition.StartsWith(CausePrefix, StringComparison.Ordinal) && !await CauseRowsExactAsync(cancellationToken));
        if (!confirm)
        {
            await foreach (var row in TableGuard.ListOrEmpty(rows, cancellationToken))
            {
                if (ToIndexed(row) is { } indexed)
                {
                    yield return indexed;
                }
            }

            yield break;
        }

        // An "open" row may outlive its incident's resolution, and, until the upgrade made them exact, a cause's row its
        // incident's new cause (see remarks): each page's incidents come from their rows in the every-incident partition,
        // which every write reaches first.
        await foreach (var page in TableGuard.ListOrEmpty(rows.AsPages(), cancellationToken))
        {
            var current = await Task.WhenAll(page.Values.Select(ToIndexed).OfType<IndexedIncident>().Select(row =>
                tables.IncidentIndex.Table.GetEntityIfExistsAsync<TableEntity>(AllPartition, RowKey(row.Cursor.Start, row.Cursor.Id), SummaryColumns, cancellationToken)));
            foreach (var row in current)
            {
                if (row.HasValue && row.Value is { } everyIncidentRow && ToIndexed(everyIncidentRow) is { } indexed
                    && (indexed.Summary is null || query.Matches(indexed.Summary)))
                {
                    yield return indexed;
                }
            }
        }
    }

    /// <summary>
    /// Moves the rows an earlier version kept beside the every-incident rows (partitions by site, upstream and host, and
    /// of open incidents, which key after <c>all</c>) into the tables they now have, and returns how many it moved. A
    /// row is copied unless its table has one of that key already (written since, by a run at least as new) or it is an
    /// open row whose incident has resolved since, then deleted. Run at every start: a move cut short is finished by the
    /// next one, and once done it is one empty range read.
    /// </summary>
    public async Task<int> MoveEarlierLayoutRowsAsync(CancellationToken cancellationToken)
    {
        var moved = 0;
        var earlier = tables.IncidentIndex.Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey gt {AllPartition}"), cancellationToken: cancellationToken);
        await foreach (var row in TableGuard.ListOrEmpty(earlier, cancellationToken))
        {
            if (row.PartitionKey != OpenPartition || await IsOpenAsync(row.RowKey, cancellationToken))
            {
                await AddUnlessPresentAsync(TableOf(row.PartitionKey), CopyOf(row), cancellationToken);
            }

            try
            {
                await tables.IncidentIndex.Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                moved++;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Deleted by another instance's move, or written again by an instance of the earlier version: the next start moves it.
            }
        }

        return moved;
    }

    /// <summary>
    /// Gives every incident whose row in the every-incident table has no row in the cause table yet (written before
    /// that table existed) its row there, then marks the cause table complete, and returns how many rows it wrote. Until
    /// the mark is there, a listing by cause reads the every-incident table as before. Run at every start after
    /// <see cref="MoveEarlierLayoutRowsAsync"/>; once marked, it is one point read. A copy never replaces a row (one
    /// written since is the newer); a copy that lands after a run moved the incident to another cause is left behind
    /// and skipped by listings (see remarks).
    /// </summary>
    public async Task<int> BackfillCauseRowsAsync(CancellationToken cancellationToken)
    {
        if (await CauseRowsCompleteAsync(cancellationToken))
        {
            return 0;
        }

        var rows = tables.IncidentIndex.Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {AllPartition}"), cancellationToken: cancellationToken);
        var written = await CountEachAsync(
            rows,
            row => row.GetString("Cause") is { Length: > 0 },
            (row, ct) =>
            {
                var copy = CopyOf(row);
                copy.PartitionKey = Partition(CausePrefix, row.GetString("Cause"));
                copy.Remove(CausesProperty);
                return AddUnlessPresentAsync(tables.IncidentIndexByCause, copy, ct);
            },
            cancellationToken);

        await MarkAsync(CauseRowsMarker, cancellationToken);
        _causeRowsComplete = true;
        return written;
    }

    /// <summary>
    /// Turns each row of the cause table that lists its incident under a cause the incident no longer has (left by
    /// versions that deleted the row when the cause changed, see remarks) into a tombstone, then marks the cause table
    /// exact, and returns how many rows it changed. Until the mark is there, a listing by cause confirms each row against
    /// the every-incident row. A row is replaced conditioned on the ETag read: one a run rewrote since is the run's
    /// (412, 404) and stays. Run at every start after <see cref="BackfillCauseRowsAsync"/>: until that pass's mark is
    /// there it does nothing, as a copy it makes later may be stale. Once marked, it is one point read.
    /// </summary>
    public async Task<int> TombstoneStaleCauseRowsAsync(CancellationToken cancellationToken)
    {
        if (await CauseRowsExactAsync(cancellationToken) || !await CauseRowsCompleteAsync(cancellationToken))
        {
            return 0;
        }

        var rows = tables.IncidentIndexByCause.Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey ne {MarkerPartition}"), select: ["PartitionKey", "RowKey", "Cause"], cancellationToken: cancellationToken);
        var changed = await CountEachAsync(
            rows,
            row => row.PartitionKey == Partition(CausePrefix, row.GetString("Cause") ?? ""),
            TombstoneIfStaleAsync,
            cancellationToken);

        await MarkAsync(CauseRowsExactMarker, cancellationToken);
        _causeRowsExact = true;
        return changed;
    }

    /// <summary>
    /// Runs <paramref name="action"/> on each row <paramref name="take"/> accepts, sixteen at a time, page by page (an
    /// absent table has none); returns how many it returned true for.
    /// </summary>
    private static async Task<int> CountEachAsync(
        AsyncPageable<TableEntity> rows, Func<TableEntity, bool> take, Func<TableEntity, CancellationToken, Task<bool>> action, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var page in TableGuard.ListOrEmpty(rows.AsPages(), cancellationToken))
        {
            await Parallel.ForEachAsync(
                page.Values.Where(take),
                new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (row, ct) =>
                {
                    if (await action(row, ct))
                    {
                        Interlocked.Increment(ref count);
                    }
                });
        }

        return count;
    }

    /// <summary>Writes the mark row <paramref name="marker"/> in the cause table's <see cref="MarkerPartition"/>.</summary>
    private async Task MarkAsync(string marker, CancellationToken cancellationToken) =>
        await tables.IncidentIndexByCause.RunAsync(
            async (table, ct) => await table.UpsertEntityAsync(new TableEntity(MarkerPartition, marker), TableUpdateMode.Replace, ct),
            cancellationToken);

    /// <summary>
    /// Replaces a cause row whose every-incident row names another cause with that row's copy (a tombstone, with its
    /// fence), and deletes one whose incident has no every-incident row; conditioned on the ETag read.
    /// </summary>
    private async Task<bool> TombstoneIfStaleAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var current = await tables.IncidentIndex.RunAsync(
            (table, ct) => table.GetEntityIfExistsAsync<TableEntity>(AllPartition, row.RowKey, cancellationToken: ct), cancellationToken);
        if (current.HasValue && current.Value is { } everyIncidentRow && Partition(CausePrefix, everyIncidentRow.GetString("Cause") ?? "") == row.PartitionKey)
        {
            return false;
        }

        try
        {
            if (current.HasValue && current.Value is { } moved)
            {
                var tombstone = CopyOf(moved);
                tombstone.PartitionKey = row.PartitionKey;
                tombstone.Remove(CausesProperty);
                await tables.IncidentIndexByCause.Table.UpdateEntityAsync(tombstone, row.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                // No every-incident row (that table was lost since): a confirmed listing dropped the row, so it goes.
                await tables.IncidentIndexByCause.Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Written since by a run, which read the causes kept on the every-incident row: its row stands.
            return false;
        }
    }

    /// <summary>
    /// Whether no row of the cause table lists an incident under a cause it no longer has
    /// (<see cref="TombstoneStaleCauseRowsAsync"/> finished); remembered once true.
    /// </summary>
    private async Task<bool> CauseRowsExactAsync(CancellationToken cancellationToken) =>
        _causeRowsExact = _causeRowsExact || await MarkedAsync(CauseRowsExactMarker, cancellationToken);

    /// <summary>
    /// Whether every incident has its row in the cause table (<see cref="BackfillCauseRowsAsync"/> finished);
    /// remembered once true.
    /// </summary>
    private async Task<bool> CauseRowsCompleteAsync(CancellationToken cancellationToken) =>
        _causeRowsComplete = _causeRowsComplete || await MarkedAsync(CauseRowsMarker, cancellationToken);

    /// <summary>Whether the cause table holds the mark row <paramref name="marker"/> (in the <see cref="MarkerPartition"/>).</summary>
    private Task<bool> MarkedAsync(string marker, CancellationToken cancellationToken) =>
        tables.IncidentIndexByCause.RunAsync(
            async (table, ct) => (await table.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, marker, ["PartitionKey"], ct)).HasValue,
            cancellationToken);

    /// <summary>Adds a copied row unless its table has one of that key (written there since the copy was read: the newer).</summary>
    private static Task<bool> AddUnlessPresentAsync(TableGuard table, TableEntity row, CancellationToken cancellationToken) =>
        table.RunAsync(
            async (client, ct) =>
            {
                try
                {
                    await client.AddEntityAsync(row, ct);
                    return true;
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                    return false;
                }
            },
            cancellationToken);

    /// <summary>A row's keys and properties, without what the service sets (its timestamp and ETag), to write elsewhere.</summary>
    internal static TableEntity CopyOf(TableEntity row)
    {
        var copy = new TableEntity(row.PartitionKey, row.RowKey);
        foreach (var (name, value) in row)
        {
            if (name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
            {
                copy[name] = value;
            }
        }

        return copy;
    }

    private async Task<bool> IsOpenAsync(string rowKey, CancellationToken cancellationToken)
    {
        var row = await tables.IncidentIndex.Table.GetEntityIfExistsAsync<TableEntity>(AllPartition, rowKey, ["State"], cancellationToken);
        return !row.HasValue || row.Value?.GetString("State") != "resolved";
    }

    /// <summary>
    /// The filter of a listing, and the partition it reads: the narrowest the filters name (upstream, host, site, open,
    /// cause when <paramref name="causeRows"/>: every incident has its cause's row), else all.
    /// </summary>
    private static string Filter(IncidentQuery query, IncidentCursor? after, bool causeRows, out string partition)
    {
        var conditions = new List<string>();
        if (query.Upstream is { } upstream)
        {
            partition = Partition(UpstreamPrefix, upstream);
        }
        else if (query.Host is { } host)
        {
            partition = Partition(HostPrefix, host.ToLowerInvariant());
        }
        else if (query.Site is { } site)
        {
            partition = Partition(SitePrefix, site);
        }
        else if (query.State == IncidentState.Open)
        {
            partition = OpenPartition;
        }
        else if (query.Cause is { } listed && causeRows)
        {
            partition = Partition(CausePrefix, IncidentCauses.Name(listed));
        }
        else
        {
            partition = AllPartition;
        }

        conditions.Add(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"));
        if (query.To is { } to)
        {
            conditions.Add(TableClient.CreateQueryFilter($"RowKey ge {Inverted(to.ToUnixTimeSeconds())}"));
        }

        if (after is { } cursor)
        {
            conditions.Add(TableClient.CreateQueryFilter($"RowKey gt {RowKey(cursor.Start, cursor.Id)}"));
        }

        if (query.From is { } from)
        {
            conditions.Add(TableClient.CreateQueryFilter($"End ge {from.ToUnixTimeSeconds()}"));
        }

        // The other filters on the rows' copies; cheap to check at the service, and checked again on the documents.
        if (query.Site is { } s)
        {
            conditions.Add(TableClient.CreateQueryFilter($"Site eq {s}"));
        }

        if (query.Upstream is { } u)
        {
            conditions.Add(TableClient.CreateQueryFilter($"Upstream eq {u}"));
        }

        if (query.Host is { } h)
        {
            conditions.Add(TableClient.CreateQueryFilter($"HostKey eq {h.ToLowerInvariant()}"));
        }

        if (query.Cause is { } cause)
        {
            conditions.Add(TableClient.CreateQueryFilter($"Cause eq {IncidentCauses.Name(cause)}"));
        }

        if (query.State is { } state)
        {
            conditions.Add(TableClient.CreateQueryFilter($"State eq {StateName(state)}"));
        }

        return string.Join(" and ", conditions);
    }

    private static IEnumerable<string> Partitions(Incident incident)
    {
        yield return AllPartition;
        if (incident.Site is { Length: > 0 } site)
        {
            yield return Partition(SitePrefix, site);
        }

        yield return Partition(UpstreamPrefix, incident.Upstream);
        yield return Partition(HostPrefix, incident.Host.ToLowerInvariant());
        yield return Partition(CausePrefix, IncidentCauses.Name(incident.Cause));
        if (incident.State == IncidentState.Open)
        {
            yield return OpenPartition;
        }
    }

    private static TableEntity Row(string partition, string rowKey, Incident incident, long? fence)
    {
        var row = new TableEntity(partition, rowKey)
        {
            ["Id"] = incident.Id,
            ["Start"] = incident.Start.ToUnixTimeSeconds(),
            ["End"] = incident.End.ToUnixTimeSeconds(),
            ["Site"] = incident.Site ?? "",
            ["Upstream"] = incident.Upstream,
            ["HostKey"] = incident.Host.ToLowerInvariant(),
            ["Cause"] = IncidentCauses.Name(incident.Cause),
            ["State"] = StateName(incident.State),
            ["Host"] = incident.Host,
            ["Status"] = incident.Status,
            ["Confidence"] = incident.Confidence,
            ["Failed"] = incident.FailedRequests,
        };
        if (incident.DetectedAt is { } detected)
        {
            row["Detected"] = detected.ToUnixTimeSeconds();
        }

        if (fence is { } f)
        {
            row[FenceProperty] = f;
        }

        return row;
    }

    /// <summary>The row's incident: its cursor, and its summary when the row holds one (rows written since it does).</summary>
    private static IndexedIncident? ToIndexed(TableEntity row)
    {
        if (row.GetString("Id") is not { } id || row.GetInt64("Start") is not { } start)
        {
            return null;
        }

        var cursor = new IncidentCursor(start, id);
        if (row.GetString("Host") is not { } host || row.GetInt32("Status") is not { } status || row.GetInt64("End") is not { } end)
        {
            return new IndexedIncident(cursor, null);
        }

        IncidentCauses.TryParse(row.GetString("Cause"), out var cause);
        var summary = new IncidentSummary(
            id,
            row.GetString("Upstream") ?? "",
            host,
            status,
            cause,
            row.GetDouble("Confidence") ?? 0,
            row.GetString("State") == "open" ? IncidentState.Open : IncidentState.Resolved,
            DateTimeOffset.FromUnixTimeSeconds(start),
            DateTimeOffset.FromUnixTimeSeconds(end),
            row.GetInt32("Failed") ?? 0,
            row.GetString("Site") is { Length: > 0 } site ? site : null)
        {
            DetectedAt = row.GetInt64("Detected") is { } detected ? DateTimeOffset.FromUnixTimeSeconds(detected) : null,
        };
        return new IndexedIncident(cursor, summary);
    }

    /// <summary>
    /// An unfenced write merges (keeping the row's fence); a fenced one reads the row, refuses it when a later run wrote
    /// it, and replaces it conditioned on what it read, as the document write does. An every-incident row gets the
    /// causes the row it replaces had, with the incident's current one; they are returned (empty for other rows).
    /// </summary>
    private static Task<IReadOnlyList<string>> WriteRowAsync(TableGuard table, TableEntity row, long? fence, CancellationToken cancellationToken) =>
        table.RunAsync((client, ct) => WriteRowAsync(client, row, fence, ct), cancellationToken);

    private static async Task<IReadOnlyList<string>> WriteRowAsync(TableClient table, TableEntity row, long? fence, CancellationToken cancellationToken)
    {
        if (fence is not { } mine)
        {
            var before = row.PartitionKey == AllPartition ? await ReadAsync(table, row.PartitionKey, row.RowKey, fence: null, cancellationToken) : null;
            var kept = KeepCauses(row, before);
            await table.UpsertEntityAsync(row, TableUpdateMode.Merge, cancellationToken);
            return kept;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var current = await ReadAsync(table, row.PartitionKey, row.RowKey, mine, cancellationToken);
                var kept = KeepCauses(row, current);
                if (current is { } read)
                {
                    await table.UpdateEntityAsync(row, read.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(row, cancellationToken);
                }

                return kept;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 3)
            {
                // Written in between: by a later run (the read refuses) or an earlier one (overwritten).
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                throw new StaleWriterException($"Index row {row.PartitionKey}/{row.RowKey} kept changing while analyzer run {mine} wrote it.", ex);
            }
        }
    }

    /// <summary>
    /// On an every-incident row, sets the causes the incident has had: those of the row it replaces (<paramref name="before"/>),
    /// and its own. Returns them (empty for a row of another partition).
    /// </summary>
    private static IReadOnlyList<string> KeepCauses(TableEntity row, (ETag ETag, string? Cause, string? Causes)? before)
    {
        if (row.PartitionKey != AllPartition)
        {
            return [];
        }

        var causes = new List<string>();
        if (before is { } read)
        {
            // A row written before rows kept the causes: its cause is the one it was listed under.
            causes.AddRange((read.Causes is { Length: > 0 } kept ? kept : read.Cause ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries));
        }

        if (row.GetString("Cause") is { Length: > 0 } cause && !causes.Contains(cause))
        {
            causes.Add(cause);
        }

        row[CausesProperty] = string.Join(',', causes);
        return causes;
    }

    private static Task DeleteRowAsync(TableGuard table, string partition, string rowKey, long? fence, CancellationToken cancellationToken) =>
        table.RunAsync(
            async (client, ct) =>
            {
                await DeleteRowAsync(client, partition, rowKey, fence, ct);
                return true;
            },
            cancellationToken);

    private static async Task DeleteRowAsync(TableClient table, string partition, string rowKey, long? fence, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var etag = fence is { } mine ? (await ReadAsync(table, partition, rowKey, mine, cancellationToken))?.ETag : ETag.All;
                if (etag is { } match)
                {
                    await table.DeleteEntityAsync(partition, rowKey, match, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < 3)
            {
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                throw new StaleWriterException($"Index row {partition}/{rowKey} kept changing while analyzer run {fence} deleted it.", ex);
            }
        }
    }

    /// <summary>
    /// The row's ETag, cause and the causes it kept (every-incident rows), or null when there is no row; with a
    /// <paramref name="fence"/>, refuses a row written by a later run.
    /// </summary>
    private static async Task<(ETag ETag, string? Cause, string? Causes)?> ReadAsync(TableClient table, string partition, string rowKey, long? fence, CancellationToken cancellationToken)
    {
        var current = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, [FenceProperty, "Cause", CausesProperty], cancellationToken);
        if (!current.HasValue || current.Value is not { } row)
        {
            return null;
        }

        if (row.GetInt64(FenceProperty) is { } written && written > fence)
        {
            throw new StaleWriterException($"Index row {partition}/{rowKey} was written by a later analyzer run (fence {written} > {fence}).");
        }

        return (row.ETag, row.GetString("Cause"), row.GetString(CausesProperty));
    }

    /// <summary>The table holding a partition's rows: each kind of listing has a table of its own.</summary>
    private TableGuard TableOf(string partition) => partition switch
    {
        AllPartition => tables.IncidentIndex,
        OpenPartition => tables.IncidentIndexOpen,
        _ when partition.StartsWith(SitePrefix, StringComparison.Ordinal) => tables.IncidentIndexBySite,
        _ when partition.StartsWith(UpstreamPrefix, StringComparison.Ordinal) => tables.IncidentIndexByUpstream,
        _ when partition.StartsWith(HostPrefix, StringComparison.Ordinal) => tables.IncidentIndexByHost,
        _ when partition.StartsWith(CausePrefix, StringComparison.Ordinal) => tables.IncidentIndexByCause,
        _ => throw new ArgumentOutOfRangeException(nameof(partition), partition, "Not a partition of the incident index."),
    };

    private static string StateName(IncidentState state) => state == IncidentState.Open ? "open" : "resolved";

    private static string Partition(string prefix, string value) => prefix + SafeText.Encode(value);

    internal static string RowKey(long start, string id) => Inverted(start) + "~" + id;

    private static string Inverted(long start) =>
        (long.MaxValue - Math.Clamp(start, 0, 253402300799)).ToString("D19", CultureInfo.InvariantCulture);
}

/// <summary>An incident in the index: where it sorts, and its summary (null when its row predates summaries).</summary>
internal sealed record IndexedIncident(IncidentCursor Cursor, IncidentSummary? Summary);
