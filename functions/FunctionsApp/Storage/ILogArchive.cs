namespace FunctionsApp.Storage;

/// <summary>
/// The raw-log archive: immutable gzip batches of log lines, written once by ingest and read by the analyzer.
/// Business code depends on this, never on the Blob SDK.
/// </summary>
internal interface ILogArchive
{
    /// <summary>
    /// Stores one batch exactly once. Returns only after the batch blob is committed (or found committed by an
    /// earlier attempt of the same batch); storage failures surface as <see cref="Azure.RequestFailedException"/>.
    /// </summary>
    /// <param name="batch">What the batch is.</param>
    /// <param name="gzipContent">The gzip-compressed lines, seekable (it may be sent more than once).</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    Task<StoreBatchResult> StoreBatchAsync(NewBatch batch, Stream gzipContent, CancellationToken cancellationToken);

    /// <summary>
    /// Lists batches in blob-name order (chronological within one source) whose name is after
    /// <paramref name="afterBlobName"/>; all sources when <paramref name="source"/> is null.
    /// </summary>
    IAsyncEnumerable<ArchivedBatch> ListBatchesAsync(string? source, string? afterBlobName, CancellationToken cancellationToken);

    /// <summary>
    /// The sources that have stored batches (their blob-name segments, e.g. <c>nginx-access</c> or a shared source's
    /// <c>edge.web-1</c>), from one delimited listing of the raw prefix.
    /// </summary>
    IAsyncEnumerable<string> ListSourcesAsync(CancellationToken cancellationToken);

    /// <summary>Opens one batch as its decompressed UTF-8 text (one line per <c>\n</c>).</summary>
    Task<Stream> OpenBatchAsync(string blobName, CancellationToken cancellationToken);

    /// <summary>Reads one batch line by line.</summary>
    IAsyncEnumerable<string> ReadLinesAsync(string blobName, CancellationToken cancellationToken);
}
