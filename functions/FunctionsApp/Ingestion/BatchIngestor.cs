using System.Text.Json;
using FunctionsApp.Ingestion.Internal;
using FunctionsApp.Storage;
using Microsoft.Extensions.Options;
using ZstdSharp;

namespace FunctionsApp.Ingestion;

/// <summary>
/// One batch, from request body to committed blob: decode, sniff, parse into lines, validate and count, gzip into
/// a spill buffer, then store exactly once. The body is streamed; only the compressed batch is held (spilling to a
/// temp file past <see cref="MemoryThreshold"/>).
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
        var receivedAt = timeProvider.GetUtcNow();
        var settings = options.Value;
        await using var batch = new SpillStream(MemoryThreshold);
        long lines;
        long malformed;
        string contentHash;
        try
        {
            await using var decoded = new SizeLimitedStream(
                await BodyDecoder.OpenAsync(body, contentEncoding, cancellationToken), settings.MaxDecodedBytes);
            using var sink = new LineSink(batch, validator, new LogLineContext(source.Name, source.Kind, source.Format));
            await BodyReader.ReadAsync(decoded, sink, settings.LineKeys, cancellationToken);
            contentHash = sink.Complete();
            lines = sink.Lines;
            malformed = sink.Malformed;
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

        var stored = await archive.StoreBatchAsync(
            new NewBatch(source.Name, source.Kind, source.Format, source.Site, contentHash, idempotencyKey, lines, malformed, receivedAt),
            batch,
            cancellationToken);
        var outcome = stored.Outcome switch
        {
            StoreOutcome.Stored => IngestOutcome.Stored,
            StoreOutcome.Duplicate => IngestOutcome.Duplicate,
            StoreOutcome.KeyReusedWithDifferentContent => IngestOutcome.IdempotencyKeyReused,
            _ => throw new InvalidOperationException($"Unknown store outcome {stored.Outcome}."),
        };
        Log.BatchIngested(logger, source.Name, source.Kind, lines, malformed, outcome, stored.BlobName);
        return new IngestResult(outcome, lines, malformed, stored.BlobName, null);
    }

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
        JsonException => IngestResult.Rejected(
            IngestOutcome.MalformedJson, "The body starts like JSON but is not valid JSON (truncated or corrupt)."),
        _ => null,
    };
}
