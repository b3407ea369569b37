using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FunctionsApp.Storage;

namespace FunctionsApp.Incidents;

/// <summary>
/// Incidents as JSON blobs <c>{id}.json</c> in the incidents container, the source of truth, and an index in Table
/// Storage (<see cref="TableIncidentIndex"/>) written after each document, that filtered listings page through. The
/// fields lists filter on are also copied into blob metadata (text fields base64url-encoded: metadata is ASCII), so a
/// full listing needs no downloads.
/// </summary>
internal sealed class BlobIncidentStore(BlobContainers containers, TableIncidentIndex index) : IIncidentStore
{
    private readonly ContainerGuard _guard = new(containers.Incidents);
    private volatile bool _containerReady;

    private const string FenceKey = "fence";

    public async Task UpsertAsync(Incident incident, CancellationToken cancellationToken)
    {
        await _guard.RunAsync(ct => containers.Incidents.GetBlobClient(BlobName(incident.Id)).UploadAsync(Body(incident), UploadOptions(incident), ct), cancellationToken);
        await index.WriteAsync(incident, fence: null, cancellationToken);
    }

    /// <summary>The document, then its index rows under the same fence: a run refused on the document writes no rows.</summary>
    public async Task UpsertFencedAsync(Incident incident, long fence, CancellationToken cancellationToken)
    {
        await _guard.RunAsync(ct => WriteFencedAsync(incident, fence, ct), cancellationToken);
        await index.WriteAsync(incident, fence, cancellationToken);
    }

    /// <summary>
    /// Read, change, write conditioned on the ETag read (read again on a conflict). The document keeps the fencing token
    /// of the run that wrote it, and the index rows are written under that token: rows a later run wrote stand.
    /// </summary>
    public async Task<Incident?> UpdateAsync(string id, Func<Incident, Incident> change, CancellationToken cancellationToken)
    {
        var blob = containers.Incidents.GetBlobClient(BlobName(id));
        for (var attempt = 1; ; attempt++)
        {
            BlobDownloadResult current;
            try
            {
                current = (await blob.DownloadContentAsync(cancellationToken)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return null;
            }

            var incident = Parse(current.Content)!;
            var changed = change(incident);
            if (ReferenceEquals(changed, incident))
            {
                return incident;
            }

            var options = UploadOptions(changed);
            options.Conditions = new BlobRequestConditions { IfMatch = current.Details.ETag };
            var fence = FenceOf(current.Details.Metadata);
            if (fence is { } kept)
            {
                options.Metadata[FenceKey] = kept.ToString(CultureInfo.InvariantCulture);
            }

            ETag written;
            try
            {
                written = (await blob.UploadAsync(Body(changed), options, cancellationToken)).Value.ETag;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 5)
            {
                continue;
            }

            await WriteRowsOfLatestAsync(blob, changed, fence, written, cancellationToken);
            return changed;
        }
    }

    /// <summary>
    /// Writes the rows of the document an update wrote, then checks they describe the document still there. A run that
    /// holds the same fencing token (the one that wrote the incident, still running) may replace the document and
    /// write its rows before these land, and a write under the same token is not refused; so while the document is not
    /// the one whose rows were written last, the current document's rows are written (under its token). Whoever writes
    /// last, the rows end at the latest document.
    /// </summary>
    private async Task WriteRowsOfLatestAsync(BlobClient blob, Incident incident, long? fence, ETag etag, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            try
            {
                await index.WriteAsync(incident, fence, cancellationToken);
            }
            catch (StaleWriterException)
            {
                // A later run wrote the incident after this document: its document and rows stand.
                return;
            }

            try
            {
                if ((await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ETag == etag)
                {
                    return;
                }

                var current = (await blob.DownloadContentAsync(cancellationToken)).Value;
                (incident, fence, etag) = (Parse(current.Content)!, FenceOf(current.Details.Metadata), current.Details.ETag);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> incidents matching <paramref name="query"/>, newest first, after
    /// <paramref name="after"/>, from the index rows alone; a row written before rows held the summary is checked against
    /// its document (read for those rows only), so an old row never lists an incident its document does not match.
    /// </summary>
    public async Task<IReadOnlyList<IncidentSummary>> QueryAsync(IncidentQuery query, IncidentCursor? after, int count, CancellationToken cancellationToken)
    {
        var found = new List<IncidentSummary>(count);
        var legacy = new List<IncidentCursor>();
        await foreach (var row in index.ListAsync(query, after, count, cancellationToken))
        {
            if (row.Summary is { } summary)
            {
                // Rows are listed in order: the rows kept for their documents go first.
                await CheckDocumentsAsync();
                if (found.Count < count && query.Matches(summary))
                {
                    found.Add(summary);
                }
            }
            else
            {
                legacy.Add(row.Cursor);
            }

            if (found.Count + legacy.Count >= count)
            {
                await CheckDocumentsAsync();
                if (found.Count >= count)
                {
                    break;
                }
            }
        }

        await CheckDocumentsAsync();
        return found;

        async Task CheckDocumentsAsync()
        {
            if (legacy.Count == 0)
            {
                return;
            }

            var documents = await Task.WhenAll(legacy.Select(r => GetAsync(r.Id, cancellationToken)));
            for (var i = 0; i < legacy.Count && found.Count < count; i++)
            {
                if (documents[i] is { } incident && incident.Start.ToUnixTimeSeconds() == legacy[i].Start && IncidentSummary.Of(incident) is var summary && query.Matches(summary))
                {
                    found.Add(summary);
                }
            }

            legacy.Clear();
        }
    }

    /// <summary>
    /// Read, refuse a later run's document, write conditioned on what was read. A conflict is read again: a write by an
    /// earlier run (a lower token, landing late) is overwritten, so a run that lost its lease cannot stop the one that
    /// took it over; only a later run's write refuses this one.
    /// </summary>
    private async Task WriteFencedAsync(Incident incident, long fence, CancellationToken cancellationToken)
    {
        var blob = containers.Incidents.GetBlobClient(BlobName(incident.Id));
        var options = UploadOptions(incident);
        options.Metadata[FenceKey] = fence.ToString(CultureInfo.InvariantCulture);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var current = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
                if (FenceOf(current.Value.Metadata) is { } writtenFence && writtenFence > fence)
                {
                    throw new StaleWriterException($"Incident {incident.Id} was written by a later analyzer run (fence {writtenFence} > {fence}).");
                }

                options.Conditions = new BlobRequestConditions { IfMatch = current.Value.ETag };
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && !ContainerGuard.IsContainerNotFound(ex))
            {
                options.Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            }

            try
            {
                await blob.UploadAsync(Body(incident), options, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 3)
            {
                // Written in between: by a later run (the read above refuses) or an earlier one (overwritten).
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                throw new StaleWriterException($"Incident {incident.Id} kept changing while analyzer run {fence} wrote it.", ex);
            }
        }
    }

    /// <summary>The fencing token of the run that wrote the document, from its metadata; null when unfenced.</summary>
    private static long? FenceOf(IDictionary<string, string> metadata) =>
        metadata.TryGetValue(FenceKey, out var written) && long.TryParse(written, NumberStyles.None, CultureInfo.InvariantCulture, out var fence)
            ? fence
            : null;

    private static Incident? Parse(BinaryData content) =>
        JsonSerializer.Deserialize(content.ToMemory().Span, IncidentJsonContext.Default.Incident);

    private static BinaryData Body(Incident incident) =>
        new(JsonSerializer.SerializeToUtf8Bytes(incident, IncidentJsonContext.Default.Incident));

    private static BlobUploadOptions UploadOptions(Incident incident)
    {
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            Metadata = new Dictionary<string, string>
            {
                ["upstream"] = SafeText.Encode(incident.Upstream),
                ["host"] = SafeText.Encode(incident.Host),
                ["site"] = SafeText.Encode(incident.Site ?? ""),
                ["cause"] = IncidentCauses.Name(incident.Cause),
                ["state"] = incident.State == IncidentState.Open ? "open" : "resolved",
                ["status"] = incident.Status.ToString(CultureInfo.InvariantCulture),
                ["confidence"] = incident.Confidence.ToString("0.00", CultureInfo.InvariantCulture),
                ["failed"] = incident.FailedRequests.ToString(CultureInfo.InvariantCulture),
                ["start"] = incident.Start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                ["end"] = incident.End.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            },
        };
        if (incident.DetectedAt is { } detected)
        {
            options.Metadata["detected"] = detected.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        return options;
    }

    public async Task<Incident?> GetAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var content = await containers.Incidents.GetBlobClient(BlobName(id)).DownloadContentAsync(cancellationToken);
            return Parse(content.Value.Content);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<IncidentSummary> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        await foreach (var item in ContainerGuard.ListOrEmpty(containers.Incidents.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken), cancellationToken))
        {
            if (ToSummary(item) is { } summary)
            {
                yield return summary;
            }
        }
    }

    private static IncidentSummary? ToSummary(BlobItem item)
    {
        var m = (IReadOnlyDictionary<string, string>)item.Metadata.AsReadOnly();
        if (!item.Name.EndsWith(".json", StringComparison.Ordinal) || !m.TryGetValue("start", out var start) || !m.TryGetValue("end", out var end))
        {
            return null;
        }

        IncidentCauses.TryParse(m.GetValueOrDefault("cause"), out var cause);
        return new IncidentSummary(
            item.Name[..^5],
            SafeText.Decode(m.GetValueOrDefault("upstream", "")),
            SafeText.Decode(m.GetValueOrDefault("host", "")),
            int.Parse(m.GetValueOrDefault("status", "502"), CultureInfo.InvariantCulture),
            cause,
            double.Parse(m.GetValueOrDefault("confidence", "0"), CultureInfo.InvariantCulture),
            m.GetValueOrDefault("state", "") == "open" ? IncidentState.Open : IncidentState.Resolved,
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(start, CultureInfo.InvariantCulture)),
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(end, CultureInfo.InvariantCulture)),
            int.Parse(m.GetValueOrDefault("failed", "0"), CultureInfo.InvariantCulture),
            SafeText.Decode(m.GetValueOrDefault("site", "")) is { Length: > 0 } site ? site : null)
        {
            DetectedAt = m.TryGetValue("detected", out var detected) ? DateTimeOffset.FromUnixTimeSeconds(long.Parse(detected, CultureInfo.InvariantCulture)) : null,
        };
    }

    /// <summary>The container is created at start-up in the background; a call that comes first creates it itself.</summary>
    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_containerReady)
        {
            await containers.Incidents.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerReady = true;
        }
    }

    // Ids are hex (the engine's); anything else is refused before it reaches a blob name.
    private static string BlobName(string id) => id + ".json";
}
