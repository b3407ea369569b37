using System.Buffers;

namespace FunctionsApp.Ingestion.Internal;

/// <summary>
/// A pooled, growable window over a stream: parsers consume from the front, <see cref="FillAsync"/> appends. It grows
/// only to hold the largest unit a parser needs whole (a line, a JSON record), never the whole body.
/// </summary>
internal sealed class ByteBuffer(int initialSize = 128 * 1024) : IDisposable
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(initialSize);
    private int _start;
    private int _end;

    public ReadOnlySpan<byte> Data => _array.AsSpan(_start, _end - _start);

    public bool IsEndOfStream { get; private set; }

    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>Reads more bytes (compacting or growing first); false at the end of the stream.</summary>
    public async ValueTask<bool> FillAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (IsEndOfStream)
        {
            return false;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_array, _start, _array, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _array.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_array.Length * 2);
            Buffer.BlockCopy(_array, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_array);
            _array = larger;
        }

        var read = await stream.ReadAsync(_array.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            IsEndOfStream = true;
            return false;
        }

        _end += read;
        return true;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
    }
}
