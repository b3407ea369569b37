using System.Text.Json;
using FunctionsApp.Ingestion.Internal;
using FunctionsApp.Storage;
using Microsoft.Extensions.Options;
using ZstdSharp;

namespace FunctionsApp.Ingestion;

/// <summary>
/// One batch, from request body to committed blob: decode, sniff, parse into lines, validate and count, gzip into
/// a spill buffer, then store exactly once. The body is streamed; only the compressed batch is held (spilling to a
/// temp file past <see cref="MemoryThreshold"/>). A gzip body of plain lines is usually stored as it came: its
/// decoded text is already the stored form (one line per LF), so it is recorded while it is read instead of being
/// compressed again. A byte order mark or JSON shows before the first line and switches to compressing; a line
/// rewritten later (a CR before LF, invalid UTF-8, no final LF) has the recording read a second time and compressed.
/// </summary>
internal sealed class BatchIngestor(
    ILogArchive archive,
    ILogLineValidator validator,
    IOptions<IngestionOptions> options,
    TimeProvider timeProvider,
    ILogger<BatchIngestor> logger)
{
    private const int MemoryThreshold = 8 * 1024 * 1024;

    public async Task<IngestResult> IngestAsync(
        IngestSource source,
        Stream body,
        string? contentEncoding,
        string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        if (source.Kind == LogKind.Auto)
        {
            // Both logs in one body: lines are told apart and stored per kind.
            var lineKeys = options.Value.LineKeys;
            return await IngestPartsAsync(
                source, body, contentEncoding, idempotencyKey,
                (decoded, sink, ct) => BodyReader.ReadAsync(decoded, sink, lineKeys, ct),
                cancellationToken);
        }

        var receivedAt = timeProvider.GetUtcNow();
        var context = new LogLineContext(source.Name, source.Kind, source.Format);
        await using var batch = new SpillStream(MemoryThreshold);
        await using var received = IsGzip(contentEncoding) ? new SpillStream(MemoryThreshold) : null;
        long lines;
        long malformed;
        string contentHash;
        var storeAsReceived = false;
        var compressed = false;
        try
        {
            var recording = received is null ? null : new RecordingStream(body, received);
            using (var sink = new LineSink(batch, validator, context, deferCompression: received is not null))
            {
                await ReadLinesAsync(recording ?? body, contentEncoding, sink, cancellationToken);
                contentHash = sink.Complete();
                lines = sink.Lines;
                malformed = sink.Malformed;
                storeAsReceived = received is not null && sink.IsVerbatim;
                compressed = sink.IsCompressed;
            }

            if (storeAsReceived)
            {
                // The decoder may stop at the end of the gzip data: keep any bytes after it too, the body whole.
                await recording!.DrainAsync(cancellationToken);
            }
            else if (received is not null && !compressed)
            {
                // A line was rewritten after compression was deferred: compress the lines from the recording (it
                // decoded and parsed once, so it does again).
                received.Position = 0;
                using var sink = new LineSink(batch, validator, context);
                await ReadLinesAsync(received, contentEncoding, sink, cancellationToken);
                sink.Complete();
            }
        }
        catch (Exception ex) when (Classify(ex) is { } rejection)
        {
            Log.BatchRejected(logger, source.Name, rejection.Outcome);
            return rejection;
        }

        if (lines == 0)
        {
            Log.BatchIngested(logger, source.Name, source.Kind, 0, 0, IngestOutcome.Empty, null);
            return new IngestResult(IngestOutcome.Empty, 0, 0, null, null);
        }

        using var deadline = StorageDeadline(cancellationToken);
        var stored = await archive.StoreBatchAsync(
            new NewBatch(BlobNames.Segment(source.Name), source.Kind, source.Format, source.Site, contentHash, idempotencyKey, lines, malformed, receivedAt),
            storeAsReceived ? received! : batch,
            deadline.Token);
        var outcome = ToOutcome(stored.Outcome);
        Log.BatchIngested(logger, source.Name, source.Kind, lines, malformed, outcome, stored.BlobName);
        return new IngestResult(outcome, lines, malformed, stored.BlobName, null) { Blobs = [stored.BlobName] };
    }

    /// <summary>
    /// A body split into parts, one per site and log (see <see cref="PartitionedSink"/>): Content-Encoding undone
    /// within the decoded-size limit, <paramref name="read"/> writes its lines or records, then every part is stored
    /// exactly once and the request is acknowledged only when all are. A retry splits the same body the same way, so
    /// parts stored by an earlier attempt are found, the rest stored. With an <c>Idempotency-Key</c>, each part of an
    /// <see cref="LogKind.Auto"/> source is keyed <c>{key}#access</c> or <c>{key}#error</c> (a site's parts are keyed
    /// within their own stored source already).
    /// </summary>
    public async Task<IngestResult> IngestPartsAsync(
        IngestSource source,
        Stream body,
        string? contentEncoding,
        string? idempotencyKey,
        Func<Stream, PartitionedSink, CancellationToken, Task> read,
        CancellationToken cancellationToken,
        bool sniffCompression = true)
    {
        var receivedAt = timeProvider.GetUtcNow();
        using var sink = new PartitionedSink(source, validator, MemoryThreshold);
        IReadOnlyList<BatchPart> parts;
        try
        {
            await using (var decoded = new SizeLimitedStream(
                await BodyDecoder.OpenAsync(body, contentEncoding, cancellationToken, sniffCompression), options.Value.MaxDecodedBytes))
            {
                await read(decoded, sink, cancellationToken);
            }

            parts = sink.Complete();
        }
        catch (Exception ex) when (Classify(ex) is { } rejection)
        {
            Log.BatchRejected(logger, source.Name, rejection.Outcome);
            return rejection;
        }

        if (parts.Count == 0)
        {
            Log.BatchIngested(logger, source.Name, source.Kind, 0, 0, IngestOutcome.Empty, null);
            return new IngestResult(IngestOutcome.Empty, 0, 0, null, null);
        }

        long lines = 0;
        long malformed = 0;
        var blobs = new List<string>(parts.Count);
        var stored = 0;
        var duplicates = 0;
        string? reusedBlob = null;
        using var deadline = StorageDeadline(cancellationToken);
        foreach (var part in parts)
        {
            var key = idempotencyKey is null || source.Kind != LogKind.Auto ? idempotencyKey : $"{idempotencyKey}#{KindName(part.Kind)}";
            var format = part.Kind == LogKind.Error ? "error" : source.Format;
            var result = await archive.StoreBatchAsync(
                new NewBatch(part.StoredSource, part.Kind, format, part.Site, part.ContentHash, key, part.Lines, part.Malformed, receivedAt),
                part.Content,
                deadline.Token);
            lines += part.Lines;
            malformed += part.Malformed;
            blobs.Add(result.BlobName);
            switch (result.Outcome)
            {
                case StoreOutcome.Stored:
                    stored++;
                    break;
                case StoreOutcome.Duplicate:
                    duplicates++;
                    break;
                case StoreOutcome.KeyReusedWithDifferentContent:
                    reusedBlob ??= result.BlobName;
                    break;
                default:
                    throw new InvalidOperationException($"Unknown store outcome {result.Outcome}.");
            }
        }

        // A reused key refuses the request even if another part was new: the client must not take it as accepted.
        var outcome = reusedBlob is not null ? IngestOutcome.IdempotencyKeyReused
            : stored == 0 && duplicates > 0 ? IngestOutcome.Duplicate
            : IngestOutcome.Stored;
        Log.BatchIngested(logger, source.Name, source.Kind, lines, malformed, outcome, blobs.Count == 1 ? blobs[0] : $"{blobs.Count} batches");
        return new IngestResult(outcome, lines, malformed, reusedBlob ?? blobs[0], null) { Blobs = blobs };
    }

    /// <summary>
    /// One deadline for all of a request's storage calls, every try of every part (<see cref="IngestionOptions.StorageDeadline"/>):
    /// storage that hangs becomes 503 + Retry-After in bounded time, not per-try timeouts times retries. The deadline's
    /// cancellation is not the client's, so the storage exception handler answers it as unavailable storage.
    /// </summary>
    private CancellationTokenSource StorageDeadline(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linked.CancelAfter(options.Value.StorageDeadline);
        return linked;
    }

    private static string KindName(LogKind kind) => kind == LogKind.Error ? "error" : "access";

    private static IngestOutcome ToOutcome(StoreOutcome outcome) => outcome switch
    {
        StoreOutcome.Stored => IngestOutcome.Stored,
        StoreOutcome.Duplicate => IngestOutcome.Duplicate,
        StoreOutcome.KeyReusedWithDifferentContent => IngestOutcome.IdempotencyKeyReused,
        _ => throw new InvalidOperationException($"Unknown store outcome {outcome}."),
    };

    /// <summary>Undoes the Content-Encoding (within the decoded-size limit) and writes the body's lines to the sink.</summary>
    private async Task ReadLinesAsync(Stream body, string? contentEncoding, ILineWriter sink, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var decoded = new SizeLimitedStream(
            await BodyDecoder.OpenAsync(body, contentEncoding, cancellationToken), settings.MaxDecodedBytes);
        await BodyReader.ReadAsync(decoded, sink, settings.LineKeys, cancellationToken);
    }

    /// <summary>Exactly one encoding, gzip: the only one the stored form (gzip'd lines) shares with a request body.</summary>
    private static bool IsGzip(string? contentEncoding) =>
        contentEncoding?.Trim() is { } encoding
        && (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase));

    // Only the body's own faults are classified; storage and I/O failures propagate to the exception handler.
    private IngestResult? Classify(Exception exception) => exception switch
    {
        PayloadTooLargeException tooLarge => IngestResult.Rejected(
            IngestOutcome.PayloadTooLarge, $"The decoded body exceeds the limit of {tooLarge.Limit} bytes; send smaller batches."),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => IngestResult.Rejected(
            IngestOutcome.PayloadTooLarge, $"The body exceeds the limit of {options.Value.MaxDecodedBytes} bytes; send smaller batches."),
        UnsupportedEncodingException encoding => IngestResult.Rejected(
            IngestOutcome.UnsupportedEncoding, $"Content-Encoding '{encoding.Encoding}' is not supported; use gzip, deflate or zstd."),
        // EndOfStreamException: ZstdSharp's report of a truncated frame.
        InvalidDataException or ZstdException or EndOfStreamException => IngestResult.Rejected(
            IngestOutcome.CorruptCompression, "The body could not be decompressed with its Content-Encoding (corrupt or truncated data)."),
        UnsupportedBodyException unsupported => IngestResult.Rejected(IngestOutcome.UnsupportedBody, unsupported.Message),
        FormatException => IngestResult.Rejected(IngestOutcome.MalformedBody, "The body holds a value that is not in its protocol's format."),
        MalformedBodyException malformed => IngestResult.Rejected(IngestOutcome.MalformedBody, malformed.Message),
        Google.Protobuf.InvalidProtocolBufferException => IngestResult.Rejected(
            IngestOutcome.MalformedBody, "The body is not a valid protobuf message of the protocol (truncated or corrupt)."),
        TooManyPartsException tooMany => IngestResult.Rejected(
            IngestOutcome.PayloadTooLarge, $"The batch names more than {tooMany.Limit} nginx instances; send smaller batches."),
        JsonException => IngestResult.Rejected(
            IngestOutcome.MalformedJson, "The body starts like JSON but is not valid JSON (truncated or corrupt)."),
        _ => null,
    };
}
