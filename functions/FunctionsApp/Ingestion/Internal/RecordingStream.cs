using FunctionsApp.IO;

namespace FunctionsApp.Ingestion.Internal;

/// <summary>Reads a stream and keeps a copy of every byte read in <paramref name="record"/> (the body as it came).</summary>
internal sealed class RecordingStream(Stream source, Stream record) : ReadOnlyStream
{
    public override int Read(Span<byte> buffer)
    {
        var read = source.Read(buffer);
        record.Write(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken);
        record.Write(buffer.Span[..read]);
        return read;
    }

    /// <summary>Reads (and records) whatever the consumer left unread, so the record is the whole body.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (await ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }
}
