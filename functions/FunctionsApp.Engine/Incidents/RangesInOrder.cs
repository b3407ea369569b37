using FunctionsApp.IO;

namespace FunctionsApp.Incidents;

/// <summary>
/// Byte ranges of a seekable stream read one after another in the order given (<see cref="InputOrder"/>: runs of a
/// file in time order). Each range holds whole lines; one that does not end in a newline (the file's last) gets one,
/// so that the next range's first line starts a line.
/// </summary>
internal sealed class RangesInOrder(Stream inner, IReadOnlyList<(long Start, long End)> ranges) : OwningReadOnlyStream(inner)
{
    private int _range = -1;
    private long _position;
    private long _end;
    private bool _newlineOwed;

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (_position < _end)
            {
                Inner.Position = _position;
                var read = Inner.Read(buffer[..(int)Math.Min(buffer.Length, _end - _position)]);
                if (read == 0)
                {
                    _position = _end;
                    continue;
                }

                _position += read;
                _newlineOwed = buffer[read - 1] != (byte)'\n';
                return read;
            }

            if (_newlineOwed)
            {
                _newlineOwed = false;
                buffer[0] = (byte)'\n';
                return 1;
            }

            if (++_range >= ranges.Count)
            {
                return 0;
            }

            (_position, _end) = ranges[_range];
        }
    }
}
