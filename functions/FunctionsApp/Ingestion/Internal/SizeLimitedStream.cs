using FunctionsApp.IO;

namespace FunctionsApp.Ingestion.Internal;

/// <summary>Counts what is read through it and fails with <see cref="PayloadTooLargeException"/> past the limit.</summary>
internal sealed class SizeLimitedStream(Stream inner, long limit) : ReadOnlyStream
{
    private long _total;

    public override long Position { get => _total; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    private int Count(int read)
    {
        _total += read;
        return _total > limit ? throw new PayloadTooLargeException(limit) : read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
