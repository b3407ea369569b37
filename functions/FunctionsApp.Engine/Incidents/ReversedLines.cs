using FunctionsApp.IO;

namespace FunctionsApp.Incidents;

/// <summary>
/// A seekable log read last line first: what a search export listed newest first (Loki's <c>logcli query</c>, the
/// exports of most log searches) holds, in the order nginx wrote it. The first <c>head</c> bytes (an export's header
/// row, lines before the first timed one) stay first. Reads blocks backwards, so memory is one block and the longest
/// line; every line comes out ending in a newline.
/// </summary>
internal sealed class ReversedLines : OwningReadOnlyStream
{
    private const int BlockSize = 64 * 1024;

    private readonly long _head;
    private byte[] _window = [];
    private int _windowLength;
    private long _windowStart;
    private byte[] _line = new byte[1024];
    private int _lineOffset;
    private int _lineLength;
    private bool _headRead;

    public ReversedLines(Stream inner, long head)
        : base(inner)
    {
        _head = Math.Min(head, inner.Length);
        _windowStart = inner.Length;
    }

    public override int Read(Span<byte> buffer)
    {
        while (_lineOffset == _lineLength)
        {
            if (!NextLine())
            {
                return 0;
            }
        }

        var n = Math.Min(buffer.Length, _lineLength - _lineOffset);
        _line.AsSpan(_lineOffset, n).CopyTo(buffer);
        _lineOffset += n;
        return n;
    }

    /// <summary>Loads the head first, then each line from the end; false when all were given.</summary>
    private bool NextLine()
    {
        (_lineOffset, _lineLength) = (0, 0);
        if (!_headRead)
        {
            _headRead = true;
            if (_head > 0)
            {
                Ensure((int)_head);
                Inner.Position = 0;
                Inner.ReadExactly(_line, 0, (int)_head);
                _lineLength = (int)_head;
                return true;
            }
        }

        if (_windowStart + _windowLength <= _head)
        {
            return false;
        }

        // The line ends at the window's end; its newline (if any) is the window's last byte.
        while (true)
        {
            var content = _windowLength > 0 && _window[_windowLength - 1] == '\n' ? _windowLength - 1 : _windowLength;
            var newline = _window.AsSpan(0, content).LastIndexOf((byte)'\n');
            if (newline >= 0 || _windowStart <= _head)
            {
                var start = newline + 1;
                var length = _windowLength - start;
                Ensure(length + 1);
                _window.AsSpan(start, length).CopyTo(_line);
                _lineLength = length;
                if (length == 0 || _line[length - 1] != '\n')
                {
                    _line[_lineLength++] = (byte)'\n';
                }

                _windowLength = start;
                return true;
            }

            LoadEarlierBlock();
        }
    }

    /// <summary>Puts the block before the window in front of it.</summary>
    private void LoadEarlierBlock()
    {
        var from = Math.Max(_head, _windowStart - BlockSize);
        var size = (int)(_windowStart - from);
        var grown = new byte[size + _windowLength];
        _window.AsSpan(0, _windowLength).CopyTo(grown.AsSpan(size));
        Inner.Position = from;
        Inner.ReadExactly(grown, 0, size);
        (_window, _windowStart, _windowLength) = (grown, from, size + _windowLength);
    }

    private void Ensure(int size)
    {
        if (_line.Length < size)
        {
            _line = new byte[Math.Max(size, _line.Length * 2)];
        }
    }
}
