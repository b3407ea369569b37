namespace FunctionsApp.IO;

/// <summary>
/// A read-only stream that transforms another one it owns (disposes) and reads it synchronously: a file or a
/// decompressor on the analysing machine, so an asynchronous read completes at once.
/// </summary>
internal abstract class OwningReadOnlyStream(Stream inner) : ReadOnlyStream
{
    protected Stream Inner { get; } = inner;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
