using System.Buffers;
using System.Runtime.CompilerServices;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// Reads <c>\n</c>-terminated lines from a stream into one pooled buffer, so memory stays flat
/// however large the input is. A line longer than <see cref="MaxLineLength"/> is reported as
/// oversized (its bytes are skipped, never buffered). A trailing <c>\r</c> is removed, and so is a UTF-8 byte order mark
/// at the start (a log saved by a Windows editor).
/// </summary>
internal sealed class LineReader : IDisposable
{
    public const int DefaultMaxLineLength = 64 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;

    public LineReader(Stream stream, int maxLineLength = DefaultMaxLineLength, int bufferSize = 256 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 16);
        _stream = stream;
        MaxLineLength = maxLineLength;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, maxLineLength + 1));
    }

    public int MaxLineLength { get; }

    /// <summary>Bytes consumed so far, line terminators included.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Reads the next line. Returns false at the end of the stream.</summary>
    /// <param name="line">The line without its terminator; empty when <paramref name="oversized"/>.</param>
    /// <param name="oversized">True when the line exceeded <see cref="MaxLineLength"/> and was skipped.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadLine(out ReadOnlySpan<byte> line, out bool oversized)
    {
        oversized = false;
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var newline = pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                if (newline > MaxLineLength)
                {
                    oversized = true;
                    line = default;
                }
                else
                {
                    line = Trim(pending[..newline]);
                }

                _start += newline + 1;
                BytesRead += newline + 1;
                return true;
            }

            if (pending.Length > MaxLineLength)
            {
                // Too long: drop what we have and skip to the next newline without buffering it.
                BytesRead += pending.Length;
                _start = _end = 0;
                SkipToNewline();
                oversized = true;
                line = default;
                return true;
            }

            if (_eof)
            {
                if (pending.IsEmpty)
                {
                    line = default;
                    return false;
                }

                line = Trim(pending);
                BytesRead += pending.Length;
                _start = _end;
                return true;
            }

            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    private void SkipToNewline()
    {
        while (true)
        {
            var read = _stream.Read(_buffer, 0, _buffer.Length);
            if (read == 0)
            {
                _eof = true;
                return;
            }

            var newline = _buffer.AsSpan(0, read).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                BytesRead += newline + 1;
                _start = newline + 1;
                _end = read;
                return;
            }

            BytesRead += read;
        }
    }

    private ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        return BytesRead == 0 && line.StartsWith("\uFEFF"u8) ? line[3..] : line;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
