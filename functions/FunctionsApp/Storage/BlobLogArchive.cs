using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FunctionsApp.Ingestion;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Storage;

/// <summary>
/// <see cref="ILogArchive"/> on Blob Storage. Exactly-once without transactions: a conditional-create marker
/// <c>dedup/{source}/{key}</c> fixes the batch blob's name before anything is uploaded, and the batch itself is a
/// conditional create of that name. A retry after a crash between the two finds the marker and completes the
/// upload; a concurrent duplicate loses the conditional create. Nothing is acknowledged before the batch exists.
/// </summary>
internal sealed partial class BlobLogArchive(
    BlobContainers containers, IOptions<IngestionOptions> ingestion, ILogger<BlobLogArchive> logger) : ILogArchive
{
    private const string MetaSource = "source";
    private const string MetaKind = "kind";
    private const string MetaFormat = "format";
    private const string MetaSite = "site";
    private const string MetaLineCount = "lineCount";
    private const string MetaMalformedCount = "malformedCount";
    private const string MetaReceivedAt = "receivedAt";
    private const string MetaBatch = "batch";
    private const string MetaContentHash = "contentHash";
    private const string Base64Marker = "base64:";

    public async Task<StoreBatchResult> StoreBatchAsync(NewBatch batch, Stream gzipContent, CancellationToken cancellationToken)
    {
        try
        {
            return await StoreOnceAsync(batch, gzipContent, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // Deleted, or storage came back without it: recreate and try again (the protocol is safe to repeat).
            await containers.Logs.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            return await StoreOnceAsync(batch, gzipContent, cancellationToken);
        }
    }

    /// <summary>
    /// The store protocol. The marker names the batch; the name carries the time it was chosen, and the analyzer reads
    /// names in that order, so a batch must be committed soon after its name is chosen. A retry that finds the marker's
    /// batch missing and the name older than <see cref="IngestionOptions.TakeoverAge"/> (the first attempt is past its
    /// <see cref="IngestionOptions.StorageDeadline"/>, so it can no longer commit) re-points the marker at a name of
    /// its own arrival time, with an ETag condition so that one attempt wins; without that, a retry minutes later would
    /// commit a name below the analyzer's checkpoint. A content marker (no key) older than
    /// <see cref="IngestionOptions.ContentDedupWindow"/> whose batch exists is re-pointed the same way: the same lines
    /// sent again after the window are new lines.
    /// </summary>
    private async Task<StoreBatchResult> StoreOnceAsync(NewBatch batch, Stream gzipContent, CancellationToken cancellationToken)
    {
        var source = BlobNames.SourceSegment(batch.Source);
        var markerName = BlobNames.DedupMarker(source, batch.IdempotencyKey, batch.ContentHash);
        var marker = containers.Logs.GetBlobClient(markerName);
        // A keyed batch's name tells it from the same lines under another key posted in the same instant.
        var ownName = BlobNames.Batch(source, batch.ReceivedAt, BlobNames.NameHash(batch.IdempotencyKey, batch.ContentHash));
        var settings = ingestion.Value;

        // Each pass either finishes or lost an ETag race to another attempt that moved the marker; a few passes suffice.
        for (var pass = 0; ; pass++)
        {
            if (await TryCreateMarkerAsync(marker, ownName, batch.ContentHash, cancellationToken))
            {
                return await CommitAsync(ownName, batch, gzipContent, source, cancellationToken);
            }

            var existing = await marker.GetPropertiesAsync(cancellationToken: cancellationToken);
            var metadata = existing.Value.Metadata;
            if (!TryGet(metadata, MetaBatch, out var recordedName) || BlobNames.SourceOf(recordedName) != source)
            {
                // A marker we did not write: never follow it outside this source's prefix.
                throw new InvalidOperationException($"Idempotency marker '{markerName}' does not name a batch of source '{source}'.");
            }

            if (batch.IdempotencyKey is not null && TryGet(metadata, MetaContentHash, out var recordedHash)
                && !string.Equals(recordedHash, batch.ContentHash, StringComparison.Ordinal))
            {
                Log.KeyReused(logger, source, recordedName);
                return new StoreBatchResult(recordedName, StoreOutcome.KeyReusedWithDifferentContent);
            }

            var age = BlobNames.BatchTime(recordedName) is { } named ? batch.ReceivedAt - named : TimeSpan.Zero;
            var committed = await containers.Logs.GetBlobClient(recordedName).ExistsAsync(cancellationToken);
            var repoint = committed
                ? batch.IdempotencyKey is null && age >= settings.ContentDedupWindow
                : age >= settings.TakeoverAge;
            if (!repoint || ownName == recordedName)
            {
                if (committed)
                {
                    Log.Duplicate(logger, source, recordedName);
                    return new StoreBatchResult(recordedName, StoreOutcome.Duplicate);
                }

                // The marker exists but its batch does not: an earlier attempt failed (or is still running) between the
                // two writes. Complete it; the conditional create lets exactly one attempt win.
                Log.CompletingEarlierAttempt(logger, source, recordedName);
                return await CommitAsync(recordedName, batch, gzipContent, source, cancellationToken);
            }

            if (pass >= 4)
            {
                throw new InvalidOperationException($"Idempotency marker '{markerName}' could not be moved to a new batch name.");
            }

            if (await TryRepointMarkerAsync(marker, existing.Value.ETag, ownName, batch.ContentHash, cancellationToken))
            {
                Log.MarkerRepointed(logger, source, recordedName, ownName, committed);
                return await CommitAsync(ownName, batch, gzipContent, source, cancellationToken);
            }
        }
    }

    private async Task<StoreBatchResult> CommitAsync(string batchName, NewBatch batch, Stream gzipContent, string source, CancellationToken cancellationToken)
    {
        if (await TryCreateBatchAsync(batchName, batch, gzipContent, cancellationToken))
        {
            Log.Stored(logger, source, batchName, batch.LineCount, batch.MalformedCount);
            return new StoreBatchResult(batchName, StoreOutcome.Stored);
        }

        Log.Duplicate(logger, source, batchName);
        return new StoreBatchResult(batchName, StoreOutcome.Duplicate);
    }

    public async IAsyncEnumerable<ArchivedBatch> ListBatchesAsync(
        string? source,
        string? afterBlobName,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = ListOptions(source, afterBlobName);
        await foreach (var item in ContainerGuard.ListOrEmpty(containers.Logs.GetBlobsAsync(options, cancellationToken), cancellationToken))
        {
            if (afterBlobName is not null && string.CompareOrdinal(item.Name, afterBlobName) <= 0)
            {
                continue;
            }

            if (!item.Name.EndsWith(".log.gz", StringComparison.Ordinal))
            {
                continue;
            }

            yield return ToArchivedBatch(item);
        }
    }

    public async IAsyncEnumerable<string> ListSourcesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in ContainerGuard.ListOrEmpty(containers.Logs.GetBlobsByHierarchyAsync(
            new GetBlobsByHierarchyOptions { Prefix = BlobNames.RawPrefix, Delimiter = "/" }, cancellationToken), cancellationToken))
        {
            if (item.IsPrefix)
            {
                yield return item.Prefix[BlobNames.RawPrefix.Length..].TrimEnd('/');
            }
        }
    }

    /// <summary>
    /// The listing of one source's batches (all sources' when null), starting server-side at the checkpoint
    /// (<c>startFrom</c> is inclusive; the caller skips the checkpoint itself), so a run lists what is new rather
    /// than the source's whole history.
    /// </summary>
    internal static GetBlobsOptions ListOptions(string? source, string? afterBlobName)
    {
        var prefix = source is null ? BlobNames.RawPrefix : BlobNames.SourcePrefix(source);
        return new GetBlobsOptions
        {
            Prefix = prefix,
            Traits = BlobTraits.Metadata,
            StartFrom = afterBlobName is not null && afterBlobName.StartsWith(prefix, StringComparison.Ordinal) ? afterBlobName : null,
        };
    }

    public async Task<Stream> OpenBatchAsync(string blobName, CancellationToken cancellationToken)
    {
        if (BlobNames.SourceOf(blobName) is null)
        {
            throw new ArgumentException($"'{blobName}' is not a batch blob name.", nameof(blobName));
        }

        // One GET whose body is read as it arrives (batches are written once, so there is no version to pin): where
        // OpenRead first asks for the blob's properties, a round trip per batch before its first byte.
        var download = await containers.Logs.GetBlobClient(blobName).DownloadStreamingAsync(cancellationToken: cancellationToken);
        return new GZipStream(download.Value.Content, CompressionMode.Decompress, leaveOpen: false);
    }

    public async IAsyncEnumerable<string> ReadLinesAsync(string blobName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var text = await OpenBatchAsync(blobName, cancellationToken);
        using var reader = new StreamReader(text, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            yield return line;
        }
    }

    /// <summary>Encodes a <c>log_format</c> for metadata (ASCII header values): presets as-is, others as base64.</summary>
    public static string EncodeFormat(string format)
    {
        foreach (var c in format)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return Base64Marker + Convert.ToBase64String(Encoding.UTF8.GetBytes(format));
            }
        }

        return format;
    }

    /// <summary>The inverse of <see cref="EncodeFormat"/>.</summary>
    public static string DecodeFormat(string value)
    {
        if (!value.StartsWith(Base64Marker, StringComparison.Ordinal))
        {
            return value;
        }

        var encoded = value.AsSpan(Base64Marker.Length);
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        return Convert.TryFromBase64Chars(encoded, bytes, out var written) ? Encoding.UTF8.GetString(bytes, 0, written) : value;
    }

    private static Task<bool> TryCreateMarkerAsync(BlobClient marker, string batchName, string contentHash, CancellationToken cancellationToken) =>
        TryWriteMarkerAsync(marker, new BlobRequestConditions { IfNoneMatch = ETag.All }, batchName, contentHash, cancellationToken);

    /// <summary>Moves the marker to another batch name if nobody changed it since it was read.</summary>
    private static Task<bool> TryRepointMarkerAsync(BlobClient marker, ETag readAt, string batchName, string contentHash, CancellationToken cancellationToken) =>
        TryWriteMarkerAsync(marker, new BlobRequestConditions { IfMatch = readAt }, batchName, contentHash, cancellationToken);

    private static async Task<bool> TryWriteMarkerAsync(
        BlobClient marker, BlobRequestConditions conditions, string batchName, string contentHash, CancellationToken cancellationToken)
    {
        try
        {
            var options = new BlobUploadOptions
            {
                Conditions = conditions,
                Metadata = new Dictionary<string, string>
                {
                    [MetaBatch] = batchName,
                    [MetaContentHash] = contentHash,
                },
                HttpHeaders = new BlobHttpHeaders { ContentType = "text/plain; charset=utf-8" },
            };
            await marker.UploadAsync(BinaryData.FromString(batchName), options, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (IsAlreadyExists(ex))
        {
            return false;
        }
    }

    private async Task<bool> TryCreateBatchAsync(string batchName, NewBatch batch, Stream gzipContent, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>
        {
            [MetaSource] = BlobNames.SourceSegment(batch.Source),
            [MetaKind] = batch.Kind switch
            {
                LogKind.Access => "access",
                LogKind.Error => "error",
                _ => throw new ArgumentException("A stored batch is one log: access or error.", nameof(batch)),
            },
            [MetaFormat] = EncodeFormat(batch.Format),
            [MetaLineCount] = batch.LineCount.ToString(CultureInfo.InvariantCulture),
            [MetaMalformedCount] = batch.MalformedCount.ToString(CultureInfo.InvariantCulture),
            [MetaReceivedAt] = batch.ReceivedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            [MetaContentHash] = batch.ContentHash,
        };
        if (!string.IsNullOrEmpty(batch.Site))
        {
            metadata[MetaSite] = batch.Site;
        }

        try
        {
            gzipContent.Position = 0;
            var options = new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                Metadata = metadata,
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/gzip" },
                // One request per batch up to 64 MiB compressed: a batch is either there whole or not at all.
                TransferOptions = new Azure.Storage.StorageTransferOptions
                {
                    InitialTransferSize = 64 * 1024 * 1024,
                    MaximumTransferSize = 8 * 1024 * 1024,
                },
            };
            await containers.Logs.GetBlobClient(batchName).UploadAsync(gzipContent, options, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (IsAlreadyExists(ex))
        {
            return false;
        }
    }

    private static bool IsAlreadyExists(RequestFailedException ex) =>
        ex.Status == 409 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists || (ex.Status == 412 && ex.ErrorCode == BlobErrorCode.ConditionNotMet);

    private static bool TryGet(IDictionary<string, string> metadata, string key, out string value)
    {
        foreach (var pair in metadata)
        {
            if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                value = pair.Value;
                return true;
            }
        }

        value = string.Empty;
        return false;
    }

    private static ArchivedBatch ToArchivedBatch(BlobItem item)
    {
        var metadata = item.Metadata ?? new Dictionary<string, string>();
        LogKind? kind = TryGet(metadata, MetaKind, out var k) ? k switch { "access" => LogKind.Access, "error" => LogKind.Error, _ => null } : null;
        return new ArchivedBatch(
            item.Name,
            BlobNames.SourceOf(item.Name) ?? string.Empty,
            kind,
            TryGet(metadata, MetaFormat, out var format) ? DecodeFormat(format) : null,
            TryGet(metadata, MetaSite, out var site) ? site : null,
            TryGet(metadata, MetaLineCount, out var lines) && long.TryParse(lines, CultureInfo.InvariantCulture, out var l) ? l : 0,
            TryGet(metadata, MetaMalformedCount, out var bad) && long.TryParse(bad, CultureInfo.InvariantCulture, out var b) ? b : 0,
            TryGet(metadata, MetaReceivedAt, out var at) && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : null,
            item.Properties.ContentLength ?? 0);
    }
}
