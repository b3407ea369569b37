using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace FunctionsApp.NginxLogs;

/// <summary>Where each field's value sits in the line: start and length, packed; 0 means absent.</summary>
[InlineArray(AccessFields.Count)]
internal struct FieldSlots
{
    private long _element;
}

/// <summary>
/// One parsed access-log line: the raw bytes and where each known field's value lies in them.
/// Parsing stores offsets only; values are read (and decoded) on demand, so the hot path allocates nothing.
/// </summary>
internal ref struct AccessLogEntry
{
    private FieldSlots _slots;

    public AccessLogEntry(ReadOnlySpan<byte> line, LogEscape escape)
    {
        Line = line;
        Escape = escape;
    }

    public ReadOnlySpan<byte> Line { get; }

    public LogEscape Escape { get; }

    /// <summary>The zoned time of the prefix a shipper put before the line (<c>docker logs -t</c>, RFC 5424), if any.</summary>
    public DateTimeOffset? PrefixTime { get; set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Set(AccessField field, int start, int length)
    {
        if (field != AccessField.Ignored && _slots[(int)field] == 0)
        {
            _slots[(int)field] = ((long)start << 32) | (uint)(length + 1);
        }
    }

    /// <summary>The raw value, or empty when the field is not in the format or is <c>-</c> (nginx's "absent").</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly ReadOnlySpan<byte> Get(AccessField field)
    {
        var slot = _slots[(int)field];
        if (slot == 0)
        {
            return default;
        }

        var value = Line.Slice((int)(slot >> 32), (int)(uint)slot - 1);
        return value.Length == 1 && value[0] == '-' ? default : value;
    }

    public readonly bool Has(AccessField field) => !Get(field).IsEmpty;

    /// <summary>The field decoded to a string (escapes undone); empty when absent. Off the hot path.</summary>
    public readonly string Text(AccessField field) => LogText.Decode(Get(field), Escape);

    /// <summary>The HTTP status, or 0 when it is missing or not a number.</summary>
    public readonly int Status
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get
        {
            var s = Get(AccessField.Status);
            return s.Length == 3 && char.IsAsciiDigit((char)s[0]) && char.IsAsciiDigit((char)s[1]) && char.IsAsciiDigit((char)s[2])
                ? ((s[0] - '0') * 100) + ((s[1] - '0') * 10) + (s[2] - '0')
                : 0;
        }
    }

    /// <summary>When the request ended, from whichever time variable the format has.</summary>
    public readonly bool TryGetTime(out DateTimeOffset time) => TryParseTime(GetTimeText(out var field), field, out time);

    /// <summary>The raw value of the time variable <see cref="TryGetTime"/> reads (<c>$time_iso8601</c>, else
    /// <c>$time_local</c>, else <c>$msec</c>), and which one it is; empty and <see cref="AccessField.Ignored"/> when none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly ReadOnlySpan<byte> GetTimeText(out AccessField field)
    {
        field = AccessField.TimeIso8601;
        var value = Get(field);
        if (value.IsEmpty)
        {
            field = AccessField.TimeLocal;
            value = Get(field);
        }

        if (value.IsEmpty)
        {
            field = AccessField.Msec;
            value = Get(field);
        }

        if (value.IsEmpty)
        {
            field = AccessField.Ignored;
        }

        return value;
    }

    /// <summary>Parses a value returned by <see cref="GetTimeText"/>.</summary>
    public static bool TryParseTime(ReadOnlySpan<byte> text, AccessField field, out DateTimeOffset time)
    {
        switch (field)
        {
            case AccessField.TimeIso8601:
                return NginxTime.TryParseIso8601(text, out time);
            case AccessField.TimeLocal:
                return NginxTime.TryParseTimeLocal(text, out time);
            case AccessField.Msec:
                return NginxTime.TryParseMsec(text, out time);
            default:
                time = default;
                return false;
        }
    }

    /// <summary>The UTC offset nginx wrote the time in, when the format says (used to read the error log's local times).</summary>
    public readonly TimeSpan? TimeZoneOffset
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get
        {
            var local = Get(AccessField.TimeLocal);
            if (local.Length == NginxTime.TimeLocalLength)
            {
                var sign = local[21] == '-' ? -1 : 1;
                return sign * new TimeSpan(((local[22] - '0') * 10) + (local[23] - '0'), ((local[24] - '0') * 10) + (local[25] - '0'), 0);
            }

            var iso = Get(AccessField.TimeIso8601);
            if (iso.Length >= 25 && iso[^3] == ':')
            {
                var sign = iso[^6] == '-' ? -1 : 1;
                return sign * new TimeSpan(((iso[^5] - '0') * 10) + (iso[^4] - '0'), ((iso[^2] - '0') * 10) + (iso[^1] - '0'), 0);
            }

            return null;
        }
    }

    /// <summary>
    /// Whether the fields that never hold spaces hold none: a variable of a text format takes everything up to the
    /// literal after it, so a line with text in front (a prefix nobody removed) still "parses", with that text in
    /// its first field. Used to judge formats and prefixes on samples, not per line.
    /// </summary>
    public readonly bool IsPlausible => Plain(Get(AccessField.RemoteAddr)) && Plain(Get(AccessField.Host)) && Plain(Get(AccessField.Status));

    private static bool Plain(ReadOnlySpan<byte> value) => value.IndexOfAny(" |\"\t"u8) < 0;

    /// <summary><c>$request_time</c> in seconds, or null.</summary>
    public readonly double? RequestTime =>
        Utf8Parser.TryParse(Get(AccessField.RequestTime), out double seconds, out _) ? seconds : null;

    /// <summary>The request line's method and path, from <c>$request</c> or <c>$request_method</c>/<c>$request_uri</c>.</summary>
    public readonly string RequestLine
    {
        get
        {
            if (Has(AccessField.Request))
            {
                return Text(AccessField.Request);
            }

            return Has(AccessField.RequestUri) ? $"{Text(AccessField.RequestMethod)} {Text(AccessField.RequestUri)}".TrimStart() : string.Empty;
        }
    }
}
