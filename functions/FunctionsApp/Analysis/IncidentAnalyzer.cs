using FunctionsApp.Incidents;
using FunctionsApp.Ingestion;
using FunctionsApp.Metrics;
using FunctionsApp.Notifications;
using FunctionsApp.NginxLogs;
using FunctionsApp.Storage;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Analysis;

/// <summary>
/// One run of the analyzer: for each site (one nginx's access and error sources) whose lease it can take (runs on
/// other instances take the others), read the batches stored since the site's checkpoint, feed them to the engine resumed from the saved state, advance it to
/// what both logs have reached (less a grace period), write new and updated incidents, then save state and
/// checkpoint together. Incident ids are stable, so a run that crashes before saving repeats, not duplicates.
/// </summary>
internal sealed class IncidentAnalyzer(
    ILogArchive archive,
    IAnalyzerStateStore states,
    IIncidentStore incidents,
    FunctionsApp.Query.ITimelineStore timeline,
    IMetricsCorrelator metrics,
    NotificationCycle notifications,
    IOptions<NotificationsOptions> notificationOptions,
    IOptions<MetricsOptions> metricsOptions,
    IOptions<IngestionOptions> ingestion,
    IOptions<AnalysisOptions> options,
    IOptions<DiagnosisOptions> diagnosis,
    FunctionsApp.Probes.SiteDiagnostics siteDiagnostics,
    TimeProvider time,
    ILogger<IncidentAnalyzer> logger)
{
    /// <summary>How often a site's run rewrites the engine's whole window to the stored timeline, not only what it changed.</summary>
    internal static readonly TimeSpan TimelineRewriteEvery = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, AccessLogFormat?> _formats = new(StringComparer.Ordinal);

    public async Task<AnalysisRunResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var sites = (await SitesAsync(cancellationToken)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();

        // Runs on several instances start at different sites, so they spread over the sites at once instead of all
        // queueing for the first one's lease.
        var start = sites.Count == 0 ? 0 : Random.Shared.Next(sites.Count);
        var result = new AnalysisRunResult(Proceeded: sites.Count == 0, 0, 0, 0);
        for (var i = 0; i < sites.Count; i++)
        {
            var (site, sources) = sites[(start + i) % sites.Count];
            result = await TrySiteAsync(site, sources, result, cancellationToken);
        }

        return await FinishAsync(result, cancellationToken);
    }

    /// <summary>
    /// One site's run, as the <c>analyze-site</c> queue function runs it when the analyze timer fans out
    /// (<see cref="AnalysisOptions.FanOut"/>): the same lease, reading and writing as a site's turn in
    /// <see cref="RunOnceAsync"/>. A site that is no longer configured (the message outlived a configuration change)
    /// is skipped, not retried.
    /// </summary>
    public async Task<AnalysisRunResult> RunSiteOnceAsync(string site, CancellationToken cancellationToken)
    {
        if (!(await SitesAsync(cancellationToken)).TryGetValue(site, out var sources))
        {
            Log.UnknownSite(logger, site);
            return new AnalysisRunResult(Proceeded: true, 0, 0, 0);
        }

        var result = await TrySiteAsync(site, sources, new AnalysisRunResult(Proceeded: false, 0, 0, 0), cancellationToken);
        if (!result.Proceeded)
        {
            Log.SiteSkipped(logger, site);
            return result;
        }

        // Nothing new to announce: what falls due with time is the notify timer's, and a thousand sites' runs a minute
        // would otherwise each walk the outbox.
        return result.IncidentsWritten == 0 ? result : await FinishAsync(result, cancellationToken);
    }

    /// <summary>The sites a run would analyze (configured, and those a shared source has seen), in name order.</summary>
    public async Task<IReadOnlyList<string>> SiteNamesAsync(CancellationToken cancellationToken) =>
        [.. (await SitesAsync(cancellationToken)).Keys.Order(StringComparer.Ordinal)];

    /// <summary>Takes the site's lease if no run elsewhere holds it, analyzes the site and adds what it did to
    /// <paramref name="result"/>.</summary>
    private async Task<AnalysisRunResult> TrySiteAsync(
        string site, List<(string Name, IngestSourceOptions Source)> sources, AnalysisRunResult result, CancellationToken cancellationToken)
    {
        await using var lease = await states.TryAcquireSiteLeaseAsync(site, options.Value.LeaseDuration, cancellationToken);
        if (lease is null)
        {
            return result with { SitesSkipped = result.SitesSkipped + 1 };
        }

        try
        {
            var siteResult = await RunSiteAsync(site, sources, lease, cancellationToken);
            return result with
            {
                Proceeded = true,
                Batches = result.Batches + siteResult.Batches,
                IncidentsWritten = result.IncidentsWritten + siteResult.IncidentsWritten,
                Lines = result.Lines + siteResult.Lines,
                SitesAnalyzed = [.. result.SitesAnalyzed, site],
            };
        }
        catch (StaleWriterException ex)
        {
            // Slow storage outlasted the site's lease and another run took it: stop writing for this site. That run
            // (or the next) starts from the last saved state, so it derives and rewrites whatever this one left
            // half-done. The other sites have leases of their own.
            Log.LeaseLost(logger, ex, site, lease.Fence);
            return result with { Proceeded = true, LostLease = true };
        }
    }

    private async Task<AnalysisRunResult> FinishAsync(AnalysisRunResult result, CancellationToken cancellationToken)
    {
        if (!result.Proceeded)
        {
            Log.RunSkipped(logger, result.SitesSkipped);
            return result;
        }

        // Messages that fell due with time (group waits, resolutions, reminders), then delivery; the notify timer
        // does the same every 30 s, so a first message does not wait for the next analyzer run.
        await notifications.RunAsync([], cancellationToken);
        return result;
    }

    /// <summary>
    /// Configured sources grouped by site; a source without a site is a site of its own. A source shared by several
    /// nginx (<see cref="IngestSourceOptions.SiteFromAttributes"/>) also has a stored source <c>{name}.{site}</c> per
    /// instance ingest has seen, which joins that site.
    /// </summary>
    private async Task<Dictionary<string, List<(string Name, IngestSourceOptions Source)>>> SitesAsync(CancellationToken cancellationToken)
    {
        var configured = ingestion.Value.Sources.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        var sources = new List<(string Name, IngestSourceOptions Source, string Site)>();
        foreach (var (name, source) in configured)
        {
            sources.Add((name, source, string.IsNullOrWhiteSpace(source.Site) ? name : source.Site));
        }

        if (configured.Exists(s => s.Value.SiteFromAttributes))
        {
            await foreach (var stored in archive.ListSourcesAsync(cancellationToken))
            {
                var dot = stored.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && configured.Find(s => s.Value.SiteFromAttributes && BlobNames.Segment(s.Key) == stored[..dot]) is { Value: { } shared })
                {
                    var site = stored[(dot + 1)..];
                    sources.Add((stored, new IngestSourceOptions { Kind = shared.Kind, Format = shared.Format, Site = site }, site));
                }
            }
        }

        var sites = new Dictionary<string, List<(string, IngestSourceOptions)>>(StringComparer.Ordinal);
        foreach (var (name, source, site) in sources)
        {
            if (!sites.TryGetValue(site, out var list))
            {
                sites[site] = list = [];
            }

            list.Add((name, source));
        }

        return sites;
    }

    private async Task<AnalysisRunResult> RunSiteAsync(
        string site, List<(string Name, IngestSourceOptions Source)> sources, IRunLease lease, CancellationToken cancellationToken)
    {
        var versioned = await states.LoadAsync(site, cancellationToken);
        var state = versioned.State;
        var engine = new DiagnosisEngine(diagnosis.Value, state.Engine);
        var linesBefore = engine.Stats.AccessLines + engine.Stats.ErrorLines + engine.Stats.MalformedLines;
        var batches = 0;
        DateTimeOffset? earliestRead = null; // the earliest line this run read: the timeline changes from its minute on

        // Access logs first: they carry the time zone the error log's local times are read in.
        var now = time.GetUtcNow();
        var accessRead = new List<(ArchivedBatch Batch, IngestSourceOptions Source)>();
        foreach (var (name, source) in sources.OrderBy(s => s.Source.Kind))
        {
            if (!state.Sources.TryGetValue(name, out var checkpoint))
            {
                state.Sources[name] = checkpoint = new SourceCheckpoint();
            }

            var pending = await NewBatchesAsync(name, checkpoint, cancellationToken);
            // An auto source carries both logs: its access batches first too, as with separate sources.
            var access = pending.Where(b => (b.Kind ?? source.Kind) != LogKind.Error).ToList();
            var errors = pending.Where(b => (b.Kind ?? source.Kind) == LogKind.Error).ToList();
            foreach (var batch in access)
            {
                await FeedAsync(engine, batch, source, cancellationToken);
                earliestRead = Min(earliestRead, engine.EarliestLine);
                NoteShippingLag(state, LagKey(name, source, LogKind.Access), batch, engine.State.AccessWatermark);
                NoteArrival(state, batch.Kind ?? source.Kind, batch, engine.EarliestLine);
                accessRead.Add((batch, source));
                checkpoint.Read.Add(batch.BlobName);
                batches++;
                await lease.RenewAsync(cancellationToken);
            }

            // Error-log times are local and say no zone: wait for the access log to tell it (up to the grace period).
            if (errors.Count > 0 && !await ErrorTimesReadableAsync(engine, sources, accessRead, errors, now, cancellationToken))
            {
                continue; // not compacted either: the waiting batches stay above the checkpoint
            }

            foreach (var batch in errors)
            {
                await FeedAsync(engine, batch, source, cancellationToken);
                earliestRead = Min(earliestRead, engine.EarliestLine);
                NoteShippingLag(state, LagKey(name, source, LogKind.Error), batch, engine.State.ErrorWatermark);
                NoteArrival(state, LogKind.Error, batch, engine.EarliestLine);
                checkpoint.Read.Add(batch.BlobName);
                batches++;
                await lease.RenewAsync(cancellationToken);
            }

            Compact(checkpoint);
        }

        // Failed requests count in their minute when they are settled (joined with their error lines), which may be
        // this run for lines an earlier run read: the timeline changes from the earliest of those too.
        var timelineFrom = Min(earliestRead, Min(
            engine.State.PendingRequests.Count > 0 ? engine.State.PendingRequests.Min(r => r.Time) : null,
            engine.State.PendingErrors.Count > 0 ? engine.State.PendingErrors.Min(e => e.Time) : null));
        if (state.TimelineRewritten is not { } rewritten || now - rewritten >= TimelineRewriteEvery)
        {
            // Now and then the whole window, which repairs a minute a run that lost its lease wrote late (timeline rows
            // are not fenced).
            timelineFrom = DateTimeOffset.MinValue;
            state.TimelineRewritten = now;
        }

        state.Arrivals.RemoveAll(a => a.ReceivedAt <= now - options.Value.GracePeriod);
        engine.AdvanceTo(Watermark(engine.State, state, sources, now));
        var changed = engine.DrainResolved().Concat(engine.OpenIncidents()).ToList();
        var observed = new List<NotificationIncident>(changed.Count);
        foreach (var found in changed)
        {
            var incident = WithContext(await WithMetricsAsync(found, engine.State, cancellationToken), site, engine, state, now);
            incident = await siteDiagnostics.EnrichAsync(site, incident, cancellationToken);

            // Fenced: the lease is still ours when the write starts, and the write itself is refused where a later run
            // wrote (its fencing token is higher) or anything changed since it was read.
            await lease.RenewAsync(cancellationToken);
            await incidents.UpsertFencedAsync(incident, lease.Fence, cancellationToken);
            observed.Add(new NotificationIncident(incident, incident.Metrics, notificationOptions.Value.IncidentLink(incident.Id)));
        }

        await WriteTimelineAsync(site, engine.State, timelineFrom, cancellationToken);

        // Decided before the site's state is saved: when deciding or queueing fails, the state stays as it was and the
        // next run derives the same incidents (same ids) and decides again, so no change goes unannounced.
        if (observed.Count > 0)
        {
            await lease.RenewAsync(cancellationToken);
            await notifications.ObserveAsync(observed, cancellationToken);
        }

        state.LastRun = now;
        await lease.RenewAsync(cancellationToken);
        await states.SaveAsync(versioned, cancellationToken);
        var lines = engine.Stats.AccessLines + engine.Stats.ErrorLines + engine.Stats.MalformedLines - linesBefore;
        Log.SiteAnalyzed(logger, site, batches, lines, changed.Count, engine.State.Trackers.Count(t => t.Value.IsOpen));
        return new AnalysisRunResult(true, batches, lines, changed.Count);
    }

    /// <summary>
    /// Copies to the stored timeline (kept for the retention period) the per-minute counts this run may have changed:
    /// those of the minutes from <paramref name="changedFrom"/> on (the earliest line it read, or request or error line
    /// it settled), within the engine's window (the two hours up to each upstream's last line, where late lines still
    /// land). Upstreams without a line since then, and runs with nothing to read or settle, write nothing: a site's
    /// timeline costs a few rows per upstream and run, not two hours of them, but every
    /// <see cref="TimelineRewriteEvery"/> the whole window. Before the state is saved: a run that fails here repeats the
    /// same reads and settlements and rewrites the same minutes (idempotent).
    /// </summary>
    private async Task WriteTimelineAsync(string site, EngineState engine, DateTimeOffset? changedFrom, CancellationToken cancellationToken)
    {
        if (changedFrom is not { } from)
        {
            return;
        }

        foreach (var (upstream, history) in engine.Upstreams())
        {
            // Logs shipped late (a backfill, a shipper that was down) lie before now: the window ends at the
            // upstream's last line, not at the run's clock. The history floors `from` to its minute and keeps to its
            // ring, and yields nothing for an upstream without a line since.
            if (Max(history.LastServed, history.LastFailure) is not { } last)
            {
                continue;
            }

            var minutes = history.Minutes(from, last)
                .Where(m => m.Requests > 0 || m.Upstream5xx > 0)
                .Select(m => new FunctionsApp.Query.TimelineMinute(m.Minute, m.Requests, m.Upstream5xx, m.Status502, m.Status503, m.Status504))
                .ToList();
            if (minutes.Count > 0)
            {
                await timeline.WriteAsync(site, upstream, minutes, cancellationToken);
            }
        }
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>
    /// Asks Azure Monitor about the upstream's resources from the baseline through the incident, correlates their
    /// CPU and memory with the gateway errors per minute, and lets the result strengthen, weaken or propose overload.
    /// </summary>
    private async Task<Incident> WithMetricsAsync(Incident incident, EngineState engine, CancellationToken cancellationToken)
    {
        var from = incident.Start - metricsOptions.Value.BaselinePeriod;
        var errors = engine.Minutes(incident.Upstream, from, incident.End)
            .Select(m => new MinuteCount(m.Minute, m.Status502 + m.Status503 + m.Status504))
            .ToList();

        var correlation = await metrics.CorrelateAsync(incident.Upstream, incident.Start, incident.End, errors, cancellationToken);
        return IncidentVerdict.Reconsider(incident, correlation);
    }

    /// <summary>
    /// Whether the site's error-log batches can be read now: their local times need the zone, which the access log's
    /// times tell, or, when those say only UTC or epoch seconds, aligning this run's failed requests with the error
    /// lines does (the same inference `analyze` makes over whole files). Without either, the batches wait for the
    /// grace period and are then read as UTC.
    /// </summary>
    private async Task<bool> ErrorTimesReadableAsync(
        DiagnosisEngine engine, List<(string Name, IngestSourceOptions Source)> sources, List<(ArchivedBatch Batch, IngestSourceOptions Source)> accessRead,
        List<ArchivedBatch> errorBatches, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var decided = engine.ErrorLogOffsetConfigured || engine.Stats.ErrorLogOffsetSource.Length > 0
            || (engine.State.ErrorLogOffset is { } known && known != TimeSpan.Zero);
        if (decided || !sources.Exists(s => s.Source.Kind is LogKind.Access or LogKind.Auto))
        {
            return true;
        }

        if (accessRead.Count > 0 && FormatOf(accessRead[0].Batch.Format ?? accessRead[0].Source.Format, accessRead[0].Batch.Source) is { } format)
        {
            var estimate = await Task.Run(
                () => ErrorLogOffsetInference.Infer(
                    [.. errorBatches.Select(b => new LogInput(b.BlobName, () => archive.OpenBatchAsync(b.BlobName, cancellationToken).GetAwaiter().GetResult()))],
                    [.. accessRead.Select(a => new LogInput(a.Batch.BlobName, () => archive.OpenBatchAsync(a.Batch.BlobName, cancellationToken).GetAwaiter().GetResult()))],
                    format,
                    cancellationToken),
                cancellationToken);
            if (estimate is not null)
            {
                engine.UseErrorLogOffset(estimate.Offset, $"inferred from {estimate.Matches} failed requests");
                return true;
            }
        }

        // The access log said UTC and nothing contradicts it; or nothing tells, and the batches have waited long enough.
        return engine.State.ErrorLogOffset is not null
            || errorBatches.Exists(b => b.ReceivedAt is { } received && now - received >= options.Value.GracePeriod);
    }

    /// <summary>
    /// What both logs of the site have reached, less a wait for the one that lags. A log that has gone quiet stops
    /// holding the site back once it has been quiet for longer than its batches have recently been late (twice its
    /// worst recent shipping lag, plus 5 s), and never longer than the grace period: a quiet error log must not delay
    /// the first alert by the full grace period when its shipper delivers within seconds.
    /// </summary>
    private DateTimeOffset Watermark(EngineState engine, SiteState site, List<(string Name, IngestSourceOptions Source)> sources, DateTimeOffset now)
    {
        var grace = options.Value.GracePeriod;
        var watermark = DateTimeOffset.MaxValue;
        foreach (var kind in new[] { LogKind.Access, LogKind.Error })
        {
            // An auto source carries both logs.
            var names = sources.Where(s => s.Source.Kind == kind || s.Source.Kind == LogKind.Auto).Select(s => LagKey(s.Name, s.Source, kind)).ToList();
            if (names.Count == 0)
            {
                continue;
            }

            var lags = names.Select(n => site.ShippingLag.TryGetValue(n, out var lag) ? lag : (TimeSpan?)null).ToList();
            var wait = lags.Any(l => l is null) ? grace : Min(grace, (2 * lags.Max(l => l!.Value)) + TimeSpan.FromSeconds(5));

            // The wait is in receipt time, not log time: lines of the other log received less than the wait ago are
            // held even when they are old (a backfill, a shipper catching up), until this log has shipped since: its
            // lines of the same minutes may be the next batch, and settled without them, those requests would never
            // be joined again.
            var lagging = now - wait;
            var shipped = site.Arrivals.Where(a => a.Kind == kind).Select(a => (DateTimeOffset?)a.ReceivedAt).Max();
            foreach (var arrival in site.Arrivals)
            {
                if (arrival.Kind != kind && arrival.ReceivedAt > now - wait && !(shipped >= arrival.ReceivedAt - TimeSpan.FromSeconds(1)))
                {
                    lagging = Min(lagging, arrival.EarliestLine);
                }
            }

            watermark = Min(watermark, Max(kind == LogKind.Access ? engine.AccessWatermark : engine.ErrorWatermark, lagging));
        }

        return watermark == DateTimeOffset.MaxValue ? now - grace : watermark;
    }

    /// <summary>Remembers, for the grace period, when a batch of one log arrived and the earliest line it carried (a
    /// batch of an auto source carries both logs, and counts as both having shipped).</summary>
    private static void NoteArrival(SiteState site, LogKind kind, ArchivedBatch batch, DateTimeOffset? earliestLine)
    {
        if (batch.ReceivedAt is not { } received || earliestLine is not { } earliest)
        {
            return;
        }

        if (kind == LogKind.Auto)
        {
            NoteArrival(site, LogKind.Access, batch, earliestLine);
            kind = LogKind.Error;
        }

        // A shipper posting every few hundred milliseconds: one entry per log and second is enough.
        var last = site.Arrivals.FindLast(a => a.Kind == kind);
        if (last is not null && (received - last.ReceivedAt).Duration() < TimeSpan.FromSeconds(1))
        {
            last.ReceivedAt = Max(last.ReceivedAt, received);
            last.EarliestLine = Min(last.EarliestLine, earliest);
            return;
        }

        site.Arrivals.Add(new Arrival { Kind = kind, ReceivedAt = received, EarliestLine = earliest });
    }

    /// <summary>How late a source's lines arrive: receipt time less the newest line time read so far, a maximum that decays by
    /// a tenth per batch so one slow batch is forgotten.</summary>
    private static void NoteShippingLag(SiteState site, string source, ArchivedBatch batch, DateTimeOffset? newestLine)
    {
        if (batch.ReceivedAt is not { } received || newestLine is not { } newest)
        {
            return;
        }

        var sample = received - newest < TimeSpan.Zero ? TimeSpan.Zero : received - newest;
        site.ShippingLag[source] = site.ShippingLag.TryGetValue(source, out var previous) && previous * 0.9 > sample ? previous * 0.9 : sample;
    }

    /// <summary>The shipping-lag entry of one log of a source: an auto source's two logs lag apart.</summary>
    private static string LagKey(string name, IngestSourceOptions source, LogKind kind) =>
        source.Kind == LogKind.Auto ? $"{name}:{kind}" : name;

    /// <summary>
    /// The site's view of an incident: an id unique per site (two nginx instances can fail on the same upstream and host
    /// in the same second), when the service first found it, the site's UTC offset, and the upstream's traffic around it.
    /// </summary>
    private Incident WithContext(Incident incident, string site, DiagnosisEngine engine, SiteState state, DateTimeOffset now)
    {
        var id = DiagnosisEngine.SiteIncidentId(incident.Id, site);
        if (!state.Detected.TryGetValue(id, out var detected))
        {
            state.Detected[id] = detected = now;
        }

        if (incident.State == IncidentState.Resolved)
        {
            state.Detected.Remove(id);
        }

        var offset = diagnosis.Value.ErrorLogUtcOffset ?? engine.State.ErrorLogOffset;
        return IncidentContext.Add(incident, engine.State) with
        {
            Id = id,
            Site = site,
            UpdatedAt = now,
            DetectedAt = detected,
            SiteUtcOffset = offset is { } o ? IncidentContext.FormatOffset(o) : null,
        };
    }

    private async Task<List<ArchivedBatch>> NewBatchesAsync(string source, SourceCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var read = checkpoint.Read.ToHashSet(StringComparer.Ordinal);
        var batches = new List<ArchivedBatch>();
        await foreach (var batch in archive.ListBatchesAsync(source, checkpoint.Below, cancellationToken))
        {
            if (!read.Contains(batch.BlobName))
            {
                batches.Add(batch);
                if (batches.Count >= options.Value.MaxBatchesPerRun)
                {
                    break;
                }
            }
        }

        return batches;
    }

    private async Task FeedAsync(DiagnosisEngine engine, ArchivedBatch batch, IngestSourceOptions source, CancellationToken cancellationToken)
    {
        var kind = batch.Kind ?? source.Kind;
        var format = kind == LogKind.Access ? FormatOf(batch.Format ?? source.Format, batch.Source) : null;

        engine.ResetEarliestLine();
        await using var content = await archive.OpenBatchAsync(batch.BlobName, cancellationToken);
        var input = new LogInput(batch.BlobName, () => content);

        // The engine reads synchronously through its pooled line reader; keep that off the caller's thread.
        await Task.Run(
            () => new LogFeed(engine, advance: false).Run(kind == LogKind.Access ? [input] : [], kind == LogKind.Error ? [input] : [], format, cancellationToken),
            cancellationToken);
    }

    /// <summary>The compiled access-log format of a source, compiled once per format string; null means detect it.</summary>
    private AccessLogFormat? FormatOf(string? spec, string source)
    {
        if (spec is not { Length: > 0 } || spec == "auto")
        {
            return null;
        }

        if (!_formats.TryGetValue(spec, out var format))
        {
            if (!AccessLogFormat.TryCompile(spec, out var compiled, out var error))
            {
                Log.BadFormat(logger, source, error);
                compiled = null;
            }

            // Runs are serialised by the lease, so even the JSON preset (which learns key names as it reads) is used
            // by one batch at a time.
            _formats[spec] = format = compiled;
        }

        return format;
    }

    /// <summary>Moves names older than the reorder window below the bound, keeping the read list short.</summary>
    private void Compact(SourceCheckpoint checkpoint)
    {
        if (checkpoint.Read.Count == 0)
        {
            return;
        }

        checkpoint.Read.Sort(StringComparer.Ordinal);
        var newest = BlobNames.BatchTime(checkpoint.Read[^1]);
        if (newest is null)
        {
            return;
        }

        var bound = newest.Value - options.Value.ReorderWindow;
        var old = checkpoint.Read.TakeWhile(name => BlobNames.BatchTime(name) is { } t && t < bound).ToList();
        if (old.Count > 0)
        {
            checkpoint.Below = old[^1];
            checkpoint.Read.RemoveRange(0, old.Count);
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset b) => a is { } value && value > b ? value : b;
}

/// <summary>What one run did; <see cref="Proceeded"/> is false when runs elsewhere held every site's lease.</summary>
internal sealed record AnalysisRunResult(bool Proceeded, int Batches, long Lines, int IncidentsWritten)
{
    /// <summary>A site's run lost its lease to another (slow storage outlasted it) and stopped without saving.</summary>
    public bool LostLease { get; init; }

    /// <summary>The sites this run analyzed (held their lease through the save), in the order it did.</summary>
    public IReadOnlyList<string> SitesAnalyzed { get; init; } = [];

    /// <summary>Sites skipped because a run elsewhere held their lease.</summary>
    public int SitesSkipped { get; init; }
}
