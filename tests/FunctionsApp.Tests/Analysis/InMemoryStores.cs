using System.Collections.Concurrent;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using FunctionsApp.Analysis;
using FunctionsApp.Incidents;
using FunctionsApp.Ingestion;
using FunctionsApp.Metrics;
using FunctionsApp.Notifications.Outbox;
using FunctionsApp.Notifications.Routing;
using FunctionsApp.Probes;
using FunctionsApp.Query;
using FunctionsApp.SiteConfig;
using FunctionsApp.Storage;

namespace FunctionsApp.Tests.Analysis;

// In-memory stand-ins for the stores behind the analyzer's interfaces: the Blob implementations are tested on
// Azurite (FunctionsApp.IntegrationTests); these let the analysis flow run in a unit test and be observed.

/// <summary>Batches as the archive lists them: by blob name (which sorts by arrival), gzip content as stored.</summary>
internal sealed class InMemoryLogArchive : ILogArchive
{
    private readonly SortedDictionary<string, (ArchivedBatch Batch, byte[] Gzip)> _batches = new(StringComparer.Ordinal);

    /// <summary>Adds one batch of <paramref name="lines"/> received at <paramref name="receivedAt"/>.</summary>
    public ArchivedBatch Add(string source, LogKind kind, IEnumerable<string> lines, DateTimeOffset receivedAt, string? format = null)
    {
        var text = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        using var gzip = new MemoryStream();
        using (var writer = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            writer.Write(text);
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(text));
        var batch = new ArchivedBatch(BlobNames.Batch(source, receivedAt, hash), source, kind, format, null, text.Count(b => b == '\n'), 0, receivedAt, gzip.Length);
        _batches[batch.BlobName] = (batch, gzip.ToArray());
        return batch;
    }

    public int Opened { get; private set; }

    public Task<StoreBatchResult> StoreBatchAsync(NewBatch batch, Stream gzipContent, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the analyzer only reads the archive");

    public async IAsyncEnumerable<ArchivedBatch> ListBatchesAsync(string? source, string? afterBlobName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var (name, entry) in _batches)
        {
            if ((source is null || entry.Batch.Source == source) && (afterBlobName is null || string.CompareOrdinal(name, afterBlobName) > 0))
            {
                yield return entry.Batch;
            }
        }
    }

    public async IAsyncEnumerable<string> ListSourcesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var source in _batches.Values.Select(b => b.Batch.Source).Distinct(StringComparer.Ordinal))
        {
            yield return source;
        }
    }

    public Task<Stream> OpenBatchAsync(string blobName, CancellationToken cancellationToken)
    {
        Opened++;
        return Task.FromResult<Stream>(new GZipStream(new MemoryStream(_batches[blobName].Gzip, writable: false), CompressionMode.Decompress));
    }

    public async IAsyncEnumerable<string> ReadLinesAsync(string blobName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await OpenBatchAsync(blobName, cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            yield return line;
        }
    }
}

/// <summary>Site states kept as their serialized JSON (so a save is a snapshot), versioned, with a run lease.</summary>
internal sealed class InMemoryAnalyzerStateStore : IAnalyzerStateStore
{
    private readonly ConcurrentDictionary<string, (string Json, string Version)> _states = new(StringComparer.Ordinal);
    private long _fence;

    /// <summary>Set to make the lease look held by another run.</summary>
    public bool LeaseHeldElsewhere { get; set; }

    public int Saves { get; private set; }

    public SiteState? Saved(string site) =>
        _states.TryGetValue(site, out var entry) ? System.Text.Json.JsonSerializer.Deserialize(entry.Json, SiteStateJsonContext.Default.SiteState) : null;

    public Task<VersionedSiteState> LoadAsync(string site, CancellationToken cancellationToken) =>
        Task.FromResult(_states.TryGetValue(site, out var entry)
            ? new VersionedSiteState(System.Text.Json.JsonSerializer.Deserialize(entry.Json, SiteStateJsonContext.Default.SiteState)!, entry.Version)
            : new VersionedSiteState(new SiteState { Site = site }, null));

    public Task SaveAsync(VersionedSiteState state, CancellationToken cancellationToken)
    {
        var current = _states.TryGetValue(state.State.Site, out var entry) ? entry.Version : null;
        if (current != state.Version)
        {
            throw new StaleWriterException($"site {state.State.Site} was saved since it was read");
        }

        _states[state.State.Site] = (System.Text.Json.JsonSerializer.Serialize(state.State, SiteStateJsonContext.Default.SiteState), Guid.NewGuid().ToString("N"));
        Saves++;
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<SiteState> LoadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var site in _states.Keys)
        {
            yield return (await LoadAsync(site, cancellationToken)).State;
        }
    }

    public Task<IRunLease?> TryAcquireSiteLeaseAsync(string site, TimeSpan duration, CancellationToken cancellationToken) =>
        Task.FromResult<IRunLease?>(LeaseHeldElsewhere ? null : new Lease(Interlocked.Increment(ref _fence)));

    private sealed class Lease(long fence) : IRunLease
    {
        public long Fence { get; } = fence;

        public Task RenewAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Incidents by id; counts the writes.</summary>
internal sealed class InMemoryIncidentStore : IIncidentStore
{
    private readonly ConcurrentDictionary<string, Incident> _incidents = new(StringComparer.Ordinal);

    public int Writes { get; private set; }

    public IReadOnlyDictionary<string, Incident> All => _incidents;

    public Task UpsertAsync(Incident incident, CancellationToken cancellationToken)
    {
        _incidents[incident.Id] = incident;
        Writes++;
        return Task.CompletedTask;
    }

    public Task UpsertFencedAsync(Incident incident, long fence, CancellationToken cancellationToken) => UpsertAsync(incident, cancellationToken);

    public Task<Incident?> GetAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_incidents.TryGetValue(id, out var incident) ? incident : null);

    public Task<Incident?> UpdateAsync(string id, Func<Incident, Incident> change, CancellationToken cancellationToken) =>
        Task.FromResult(_incidents.TryGetValue(id, out var incident) ? _incidents[id] = change(incident) : null);

    public async IAsyncEnumerable<IncidentSummary> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var incident in _incidents.Values)
        {
            yield return IncidentSummary.Of(incident);
        }
    }

    /// <summary>As the index lists them: newest first, then by id, after the cursor.</summary>
    public Task<IReadOnlyList<IncidentSummary>> QueryAsync(IncidentQuery query, IncidentCursor? after, int count, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IncidentSummary>>([.. _incidents.Values.Select(IncidentSummary.Of).Where(query.Matches)
            .OrderByDescending(i => i.Start.ToUnixTimeSeconds()).ThenBy(i => i.Id, StringComparer.Ordinal)
            .Where(i => after is not { } a || i.Start.ToUnixTimeSeconds() < a.Start
                || (i.Start.ToUnixTimeSeconds() == a.Start && string.CompareOrdinal(i.Id, a.Id) > 0))
            .Take(count)]);
}

/// <summary>Per-minute counts by site and upstream, overwritten per write as the table store does.</summary>
internal sealed class InMemoryTimelineStore : ITimelineStore
{
    private readonly ConcurrentDictionary<(string Site, string Upstream, DateTimeOffset Minute), TimelineMinute> _minutes = new();

    private readonly ConcurrentQueue<(string Site, string Upstream, DateTimeOffset Minute)> _writes = new();

    public IReadOnlyDictionary<(string Site, string Upstream, DateTimeOffset Minute), TimelineMinute> All => _minutes;

    /// <summary>Every minute written, in order, rewrites included.</summary>
    public IReadOnlyCollection<(string Site, string Upstream, DateTimeOffset Minute)> Writes => _writes;

    public Task WriteAsync(string site, string upstream, IReadOnlyList<TimelineMinute> minutes, CancellationToken cancellationToken)
    {
        foreach (var minute in minutes)
        {
            _minutes[(site, upstream, minute.Minute)] = minute;
            _writes.Enqueue((site, upstream, minute.Minute));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<(string Site, TimelineMinute Minute)>> ReadAsync(
        string upstream, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(string, TimelineMinute)>>([.. _minutes
            .Where(m => m.Key.Upstream == upstream && m.Key.Minute >= from && m.Key.Minute <= to)
            .OrderBy(m => m.Key.Minute).Select(m => (m.Key.Site, m.Value))]);
}

/// <summary>The grouper's snapshot; <see cref="Failing"/> makes loading it fail, as unavailable storage does.</summary>
internal sealed class InMemoryGrouperStateStore : IGrouperStateStore
{
    private (GrouperSnapshot Snapshot, string ETag)? _saved;

    public bool Failing { get; set; }

    public GrouperSnapshot? Saved => _saved?.Snapshot;

    public Task<(GrouperSnapshot Snapshot, string? ETag)> LoadAsync(CancellationToken cancellationToken) =>
        Failing
            ? throw new IOException("grouper state unavailable")
            : Task.FromResult<(GrouperSnapshot, string?)>(_saved is { } saved ? (saved.Snapshot, saved.ETag) : (GrouperSnapshot.Empty, null));

    public Task<bool> TrySaveAsync(GrouperSnapshot snapshot, string? etag, CancellationToken cancellationToken)
    {
        if (Failing || etag != _saved?.ETag)
        {
            return Task.FromResult(false);
        }

        _saved = (snapshot, Guid.NewGuid().ToString("N"));
        return Task.FromResult(true);
    }
}

/// <summary>Outbox items by idempotency key, with ETags.</summary>
internal sealed class InMemoryOutbox : INotificationOutbox
{
    private readonly ConcurrentDictionary<string, StoredOutboxItem> _items = new(StringComparer.Ordinal);

    public Task<bool> AddAsync(OutboxItem item, CancellationToken cancellationToken) =>
        Task.FromResult(_items.TryAdd(item.IdempotencyKey, new StoredOutboxItem(item, Guid.NewGuid().ToString("N"))));

    public Task<IReadOnlyList<StoredOutboxItem>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredOutboxItem>>([.. _items.Values]);

    public Task<StoredOutboxItem?> GetAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        Task.FromResult(_items.TryGetValue(idempotencyKey, out var item) ? item : null);

    public Task<StoredOutboxItem?> TryReplaceAsync(StoredOutboxItem current, OutboxItem next, CancellationToken cancellationToken)
    {
        var replacement = new StoredOutboxItem(next, Guid.NewGuid().ToString("N"));
        return Task.FromResult(_items.TryUpdate(current.Item.IdempotencyKey, replacement, current) ? replacement : null);
    }

    public Task<bool> TryDeleteAsync(StoredOutboxItem current, CancellationToken cancellationToken) =>
        Task.FromResult(((ICollection<KeyValuePair<string, StoredOutboxItem>>)_items).Remove(new(current.Item.IdempotencyKey, current)));
}

internal sealed class InMemoryProbeStore : IProbeStore
{
    public Task SaveAsync(string site, string? incidentId, ProbeResult result, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<ProbeResult>> ListAsync(string site, string incidentId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ProbeResult>>([]);
}

internal sealed class InMemoryNginxConfigStore : INginxConfigStore
{
    public Task SaveAsync(StoredNginxConfig config, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<StoredNginxConfig?> GetAsync(string site, CancellationToken cancellationToken) => Task.FromResult<StoredNginxConfig?>(null);
}

/// <summary>Azure Monitor out of reach: every incident's metrics say "not configured", as with no resources mapped.</summary>
internal sealed class NoMetricsCorrelator : IMetricsCorrelator
{
    public int Calls { get; private set; }

    public Task<IncidentMetrics> CorrelateAsync(string upstream, DateTimeOffset incidentStart, DateTimeOffset incidentEnd, IReadOnlyList<MinuteCount> errorsPerMinute, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(new IncidentMetrics
        {
            Verdict = MetricsVerdict.NoData,
            Summary = "No Azure resource is mapped to this upstream.",
            BaselineStart = incidentStart,
            IncidentStart = incidentStart,
            IncidentEnd = incidentEnd,
        });
    }
}
