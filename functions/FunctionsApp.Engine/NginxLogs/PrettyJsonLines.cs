using FunctionsApp.IO;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// A log exported as indented JSON: an array of records (<c>gcloud logging read --format=json</c>, <c>az monitor
/// log-analytics query</c>, a log UI's JSON download) or records one after another (<c>jq .</c>), each spread over
/// lines. Read as one record a line, as a shipper writes them, so <see cref="RecordBatch"/> and
/// <see cref="LineEnvelope"/> find nginx's line inside. JSON allows a line break only between tokens, never inside a
/// string, so inside a record each one is a space; the array's brackets and the commas between records go. Decided
/// from the head: only input that opens a record and breaks the line before closing it is changed (newline-delimited
/// JSON, nginx's own JSON access log and a one-line array pass as they are). Logstash's <c>rubydebug</c> codec (what
/// <c>stdout {}</c> prints) writes its events the same way in Ruby's notation, <c>"message" =&gt; "…"</c> with bare
/// times (<c>"@timestamp" =&gt; 2026-12-04T21:12:45.593Z</c>): read as JSON, its arrows as colons and its bare values
/// as strings (its strings escape as JSON's do).
/// </summary>
internal sealed class PrettyJsonLines : OwningReadOnlyStream
{
    /// <summary>How much of the head decides; a first record longer than this is not recognised.</summary>
    private const int HeadBytes = 64 * 1024;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    private int _depth;
    private bool _inString;
    private bool _escaped;
    private bool _array;
    private bool _begun;

    private byte[]? _pending;
    private readonly int _pendingLength;
    private int _pendingAt;

    /// <summary>The records are Ruby's (<see cref="IsRuby"/>); then the state of an arrow and a bare value.</summary>
    private readonly bool _ruby;
    private bool _arrow;
    private bool _valueNext;
    private bool _bare;
    private byte? _owed;

    private PrettyJsonLines(Stream inner, byte[] head, int headLength, int headStart, bool ruby)
        : base(inner)
    {
        _pending = head;
        _pendingLength = headLength;
        _pendingAt = headStart;
        _ruby = ruby;
    }

    /// <summary><paramref name="stream"/> as it is, or its indented JSON records one a line; takes ownership of it.</summary>
    public static Stream Wrap(Stream stream)
    {
        var (head, length, bom) = ReadHead(stream);
        var text = head.AsSpan(bom, length - bom);
        return IsIndentedJson(text)
            ? new PrettyJsonLines(stream, head, length, bom, IsRuby(text))
            : new PrefixedStream(head.AsMemory(0, length), stream);
    }

    /// <summary>The first key of the first record is followed by Ruby's <c> =&gt; </c>, not JSON's colon.</summary>
    internal static bool IsRuby(ReadOnlySpan<byte> head)
    {
        var key = head.IndexOf((byte)'"');
        var end = key < 0 ? -1 : head[(key + 1)..].IndexOf((byte)'"');
        return end >= 0 && head[(key + end + 2)..].TrimStart((byte)' ').StartsWith("=>"u8);
    }

    /// <summary>Whether <paramref name="stream"/>, read from its start, holds indented JSON records.</summary>
    public static bool IsIndentedJson(Stream stream)
    {
        var (head, length, bom) = ReadHead(stream);
        return IsIndentedJson(head.AsSpan(bom, length - bom));
    }

    /// <summary>The head that decides, and the length of a UTF-8 byte order mark it starts with (0 or 3).</summary>
    private static (byte[] Head, int Length, int Bom) ReadHead(Stream stream)
    {
        var head = new byte[HeadBytes];
        var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return (head, length, head.AsSpan(0, length).StartsWith(Utf8Bom) ? 3 : 0);
    }

    /// <summary>
    /// Writes the records of <paramref name="indented"/> (which it disposes) one a line to a new temporary file, deleted
    /// when the process exits, and returns its path.
    /// </summary>
    public static string Flatten(Stream indented)
    {
        var path = Path.Combine(Path.GetTempPath(), $"nginx-records-{Guid.NewGuid():N}.jsonl");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        using (var records = Wrap(indented))
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024))
        {
            records.CopyTo(file);
        }

        return path;
    }

    /// <summary>The head opens a JSON array of records (<c>[</c> then <c>{</c>) or a record (<c>{</c> then a key) and
    /// breaks a line before that first record closes.</summary>
    internal static bool IsIndentedJson(ReadOnlySpan<byte> head)
    {
        var at = head.IndexOfAnyExcept(" \t\r\n"u8);
        if (at < 0 || head[at] is not ((byte)'[' or (byte)'{'))
        {
            return false;
        }

        var next = head[(at + 1)..].IndexOfAnyExcept(" \t\r\n"u8);
        if (next < 0 || head[at + 1 + next] != (head[at] == (byte)'[' ? (byte)'{' : (byte)'"'))
        {
            return false;
        }

        var depth = 0;
        var inString = false;
        var escaped = false;
        foreach (var b in head[at..])
        {
            if (inString)
            {
                (escaped, inString) = escaped ? (false, true) : (b == (byte)'\\', b != (byte)'"');
                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'[' or (byte)'{':
                    depth++;
                    break;
                case (byte)']' or (byte)'}':
                    if (--depth <= 0)
                    {
                        return false;
                    }

                    break;
                case (byte)'\n' when depth > 0:
                    return true;
                case (byte)'\n':
                    return false;
            }
        }

        return false;
    }

    public override int Read(Span<byte> destination)
    {
        var written = 0;
        while (written == 0 && destination.Length > 0)
        {
            if (_start == _end && !Fill())
            {
                return 0;
            }

            while (written < destination.Length && (_owed is not null || _start < _end))
            {
                if (_owed is { } owed)
                {
                    destination[written++] = owed;
                    _owed = null;
                    continue;
                }

                var b = _buffer[_start++];
                if ((_ruby ? Ruby(b) : Transform(b)) is { } output)
                {
                    destination[written++] = output;
                }
            }
        }

        return written;
    }

    /// <summary>
    /// <see cref="Transform"/> for Ruby's notation: outside strings an arrow is a colon, and a bare value (a time, a
    /// number, <c>nil</c>) is quoted, ending where a separator or a line break does. A second byte to write, when there
    /// is one, is owed.
    /// </summary>
    private byte? Ruby(byte b)
    {
        if (_inString)
        {
            return Transform(b);
        }

        if (_bare)
        {
            if (b is (byte)',' or (byte)'}' or (byte)']' or (byte)'\n' or (byte)'\r' or (byte)' ' or (byte)'\t')
            {
                _bare = false;
                _owed = Transform(b);
                return (byte)'"';
            }

            return b;
        }

        if (_arrow)
        {
            _arrow = false;
            if (b == (byte)'>')
            {
                _valueNext = true;
                return null;
            }
        }

        if (b == (byte)'=')
        {
            _arrow = true;
            return (byte)':';
        }

        if (_valueNext && b is not ((byte)' ' or (byte)'\t'))
        {
            _valueNext = false;
            if (b is not ((byte)'"' or (byte)'{' or (byte)'['))
            {
                _bare = true;
                _owed = b;
                return (byte)'"';
            }
        }

        return Transform(b);
    }

    private bool Fill()
    {
        if (_pending is not null)
        {
            var take = Math.Min(_buffer.Length, _pendingLength - _pendingAt);
            _pending.AsSpan(_pendingAt, take).CopyTo(_buffer);
            _pendingAt += take;
            if (_pendingAt == _pendingLength)
            {
                _pending = null;
            }

            (_start, _end) = (0, take);
            return take > 0 || Fill();
        }

        (_start, _end) = (0, Inner.Read(_buffer));
        return _end > 0;
    }

    /// <summary>The byte to write for <paramref name="b"/>, or null to drop it.</summary>
    private byte? Transform(byte b)
    {
        if (_inString)
        {
            (_escaped, _inString) = _escaped ? (false, true) : (b == (byte)'\\', b != (byte)'"');
            return b;
        }

        // The depth at which records sit: inside the array, or at the top for records one after another.
        var top = _array ? 1 : 0;
        if (!_begun && b is (byte)'[' or (byte)'{')
        {
            _begun = true;
            _array = b == (byte)'[';
            if (_array)
            {
                _depth = 1;
                return null;
            }
        }

        switch (b)
        {
            case (byte)'"':
                _inString = true;
                return b;
            case (byte)'[' or (byte)'{':
                _depth++;
                return b;
            case (byte)']' or (byte)'}':
                // The array's own bracket ends the last record's line.
                _depth--;
                return _depth < top ? (byte)'\n' : b;
            case (byte)'\n' or (byte)'\r':
                // Inside a record a break between tokens is a space; between records one after another it ends the
                // record's line (in an array, the comma does).
                return _depth > top ? (byte)' ' : !_array && b == (byte)'\n' ? b : null;
            case (byte)',' when _depth == top:
                return (byte)'\n';
            case (byte)' ' or (byte)'\t' when _depth == top:
                return null;
            default:
                return b;
        }
    }
}
