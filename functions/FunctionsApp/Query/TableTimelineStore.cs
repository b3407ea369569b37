using System.Collections.Concurrent;
using System.Globalization;
using Azure.Data.Tables;
using FunctionsApp.Storage;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Query;

/// <summary>
/// The timeline in Table Storage: a partition per upstream, a row per (minute, site), so a window of one upstream is one
/// range read, and a site's minutes are written in batch transactions of up to 100 rows. Rows older than the retention
/// are deleted by the writer, at most once an hour per upstream.
/// </summary>
internal sealed class TableTimelineStore(StorageTables tables, IOptions<StorageOptions> options, TimeProvider time) : ITimelineStore
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pruned = new(StringComparer.Ordinal);

    public Task WriteAsync(string site, string upstream, IReadOnlyList<TimelineMinute> minutes, CancellationToken cancellationToken) =>
        tables.Timeline.RunAsync(
            async (table, ct) =>
            {
                var partition = SafeText.Encode(upstream);
                foreach (var chunk in minutes.Chunk(100))
                {
                    await table.SubmitTransactionAsync(
                        [.. chunk.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Row(partition, site, m)))], ct);
                }

                await PruneAsync(table, partition, ct);
                return true;
            },
            cancellationToken);

    public async Task<IReadOnlyList<(string Site, TimelineMinute Minute)>> ReadAsync(
        string upstream, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var oldest = time.GetUtcNow() - options.Value.TimelineRetention;
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {SafeText.Encode(upstream)} and RowKey ge {MinuteKey(from < oldest ? oldest : from)} and RowKey lt {MinuteKey(to.AddMinutes(1))}");
        var result = new List<(string, TimelineMinute)>();
        await foreach (var row in TableGuard.ListOrEmpty(tables.Timeline.Table.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken), cancellationToken))
        {
            if (row.GetString("Site") is { } site && row.GetInt64("Minute") is { } minute)
            {
                result.Add((site, new TimelineMinute(
                    DateTimeOffset.FromUnixTimeSeconds(minute * 60), row.GetInt64("Requests") ?? 0, row.GetInt64("Upstream5xx") ?? 0,
                    row.GetInt64("Status502") ?? 0, row.GetInt64("Status503") ?? 0, row.GetInt64("Status504") ?? 0)));
            }
        }

        return result;
    }

    private async Task PruneAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_pruned.TryGetValue(partition, out var last) && now - last < PruneEvery)
        {
            return;
        }

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {MinuteKey(now - options.Value.TimelineRetention)}");
        var old = new List<TableTransactionAction>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, 1000, ["PartitionKey", "RowKey"], cancellationToken))
        {
            old.Add(new TableTransactionAction(TableTransactionActionType.Delete, row));
            if (old.Count == 100)
            {
                await table.SubmitTransactionAsync(old, cancellationToken);
                old.Clear();
            }
        }

        if (old.Count > 0)
        {
            await table.SubmitTransactionAsync(old, cancellationToken);
        }

        _pruned[partition] = now;
    }

    private static TableEntity Row(string partition, string site, TimelineMinute minute)
    {
        var unixMinute = minute.Minute.ToUnixTimeSeconds() / 60;
        return new TableEntity(partition, MinuteKey(minute.Minute) + "~" + SafeText.Encode(site))
        {
            ["Site"] = site,
            ["Minute"] = unixMinute,
            ["Requests"] = minute.Requests,
            ["Upstream5xx"] = minute.Upstream5xx,
            ["Status502"] = minute.Status502,
            ["Status503"] = minute.Status503,
            ["Status504"] = minute.Status504,
        };
    }

    private static string MinuteKey(DateTimeOffset time) =>
        Math.Clamp(time.ToUnixTimeSeconds() / 60, 0, 999_999_999_999).ToString("D12", CultureInfo.InvariantCulture);
}
