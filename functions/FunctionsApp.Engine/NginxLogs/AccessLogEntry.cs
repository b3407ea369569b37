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
    private ulong _learned; // fields whose value came from a JSON key learned by name, which a template key overrides

    public AccessLogEntry(ReadOnlySpan<byte> line, LogEscape escape)
    {
        Line = line;
        Escape = escape;
        End = line.Length;
    }

    public ReadOnlySpan<byte> Line { get; }

    /// <summary>Where the format's last field or literal ended: text after it is fields the format does not name.</summary>
    public int End { get; internal set; }

    public LogEscape Escape { get; }

    /// <summary>The zoned time of the prefix a shipper put before the line (<c>docker logs -t</c>, CRI), if any.</summary>
    public DateTimeOffset? PrefixTime { get; set; }

    /// <summary>Records where a field's value is; the first value of a field wins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Set(AccessField field, int start, int length)
    {
        if (field != AccessField.Ignored && _slots[(int)field] == 0)
        {
            _slots[(int)field] = ((long)start << 32) | (uint)(length + 1);
        }
    }

    /// <summary>A value of a key the format's template names: it replaces one taken from a learned key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void SetDeclared(AccessField field, int start, int length)
    {
        var bit = 1UL << (int)field;
        if ((_learned & bit) != 0)
        {
            _slots[(int)field] = 0;
            _learned &= ~bit;
        }

        Set(field, start, length);
    }

    /// <summary>A value of a key learned by its name.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void SetLearned(AccessField field, int start, int length)
    {
        if (field != AccessField.Ignored && _slots[(int)field] == 0)
        {
            Set(field, start, length);
            _learned |= 1UL << (int)field;
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

    /// <summary>The HTTP status, or 0 when it is missing or not a number (and for nginx's <c>000</c>: no response).</summary>
    public readonly int Status
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get
        {
            var s = Get(AccessField.Status);
            return IsStatusText(s) ? ((s[0] - '0') * 100) + ((s[1] - '0') * 10) + (s[2] - '0') : 0;
        }
    }

    /// <summary>
    /// The line holds a status: three digits, <c>000</c> included, which nginx logs for a connection it closed before
    /// it had a request to answer (a client that connected and sent nothing, <c>"-"</c> as the request line).
    /// </summary>
    public readonly bool HasStatus => IsStatusText(Get(AccessField.Status));

    private static bool IsStatusText(ReadOnlySpan<byte> s) =>
        s.Length == 3 && char.IsAsciiDigit((char)s[0]) && char.IsAsciiDigit((char)s[1]) && char.IsAsciiDigit((char)s[2]);

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

    /// <summary>Parses a value returned by <see cref="GetTimeText"/>: as the variable it is, else by its shape (a JSON
    /// key learned by name, <c>"ts"</c>, may hold an epoch or an ISO time).</summary>
    public static bool TryParseTime(ReadOnlySpan<byte> text, AccessField field, out DateTimeOffset time) =>
        TryParseTimeAsDeclared(text, field, out time) || (field != AccessField.Ignored && NginxTime.TryParseAny(text, out time));

    /// <summary>Parses a value returned by <see cref="GetTimeText"/> only as the variable it is: epoch seconds for
    /// <c>$msec</c>, and so on.</summary>
    public static bool TryParseTimeAsDeclared(ReadOnlySpan<byte> text, AccessField field, out DateTimeOffset time)
    {
        time = default;
        return field switch
        {
            AccessField.TimeIso8601 => NginxTime.TryParseIso8601(text, out time),
            AccessField.TimeLocal => NginxTime.TryParseTimeLocal(text, out time),
            AccessField.Msec => NginxTime.TryParseMsec(text, out time),
            _ => false,
        };
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

            return iso.IsEmpty ? null : NginxTime.OffsetOf(iso);
        }
    }

    /// <summary>
    /// Whether the fields that never hold spaces hold none: a variable of a text format takes everything up to the
    /// literal after it, so a line with text in front (a prefix nobody removed) still "parses", with that text in
    /// its first field. Used to judge formats and prefixes on samples, not per line.
    /// </summary>
    public readonly bool IsPlausible => Plain(Get(AccessField.RemoteAddr)) && Plain(Get(AccessField.Host)) && Plain(Get(AccessField.Status));

    /// <summary>The longest duration read as one: a year (a WebSocket may stay open for days; nginx logs none longer).</summary>
    public const double MaxRequestSeconds = 365 * 24 * 3600;

    /// <summary>The request's duration in seconds: <c>$request_time</c> (or ECS's nanoseconds), or null (also for a
    /// value no request lasts: negative, not a number, beyond <see cref="MaxRequestSeconds"/>).</summary>
    public readonly double? RequestTime
    {
        get
        {
            if (Utf8Parser.TryParse(Get(AccessField.RequestTime), out double seconds, out _))
            {
                return seconds is >= 0 and <= MaxRequestSeconds ? seconds : null;
            }

            return Utf8Parser.TryParse(Get(AccessField.DurationNanos), out long nanos, out _) && nanos >= 0 && nanos / 1e9 <= MaxRequestSeconds ? nanos / 1e9 : null;
        }
    }

    /// <summary>The method: <c>$request_method</c>, else the first word of <c>$request</c>; empty when neither.</summary>
    public readonly ReadOnlySpan<byte> Method
    {
        get
        {
            var method = Get(AccessField.RequestMethod);
            return method.IsEmpty ? RequestLineParts.Method(Get(AccessField.Request)) : method;
        }
    }

    /// <summary>The request target as the client sent it (path and arguments, not decoded): <c>$request_uri</c>, else
    /// the middle of <c>$request</c>; empty when the format has neither (<c>$uri</c> is not what was sent).</summary>
    public readonly ReadOnlySpan<byte> Target
    {
        get
        {
            var target = Get(AccessField.RequestUri);
            return target.IsEmpty ? RequestLineParts.Target(Get(AccessField.Request)) : target;
        }
    }

    /// <summary>The request's path normalised as nginx does for <c>$uri</c> (decoded, <c>//</c> merged, dot segments
    /// resolved): from <c>$uri</c> when the format has it, else from the target. Off the hot path.</summary>
    public readonly string NormalizedPath
    {
        get
        {
            var uri = Get(AccessField.Uri);
            return uri.IsEmpty ? RequestLineParts.NormalizePath(Target) : LogText.Decode(uri, Escape);
        }
    }

    /// <summary>The virtual host as a key (lower case, no port): <c>$host</c>, else <c>$http_host</c>, else
    /// <c>$server_name</c>; <c>-</c> when the format has none.</summary>
    public readonly string HostName
    {
        get
        {
            foreach (var source in (ReadOnlySpan<AccessField>)[AccessField.Host, AccessField.HttpHost, AccessField.ServerName])
            {
                if (Has(source))
                {
                    return UpstreamAddress.HostKey(Text(source));
                }
            }

            return "-";
        }
    }

    /// <summary>The client: <c>$remote_addr</c>, else <c>$realip_remote_addr</c>, else the first hop of
    /// <c>$http_x_forwarded_for</c>; empty when none.</summary>
    public readonly string Client
    {
        get
        {
            if (Has(AccessField.RemoteAddr))
            {
                return Text(AccessField.RemoteAddr);
            }

            if (Has(AccessField.RealIpRemoteAddr))
            {
                return Text(AccessField.RealIpRemoteAddr);
            }

            var forwarded = Text(AccessField.XForwardedFor);
            var comma = forwarded.IndexOf(',', StringComparison.Ordinal);
            return (comma < 0 ? forwarded : forwarded[..comma]).Trim();
        }
    }

    /// <summary>The request line: <c>$request</c>, else rebuilt from <c>$request_method</c>, the target (or
    /// <c>$uri</c> and <c>$args</c>) and <c>$server_protocol</c>, as far as the format has them.</summary>
    public readonly string RequestLine
    {
        get
        {
            if (Has(AccessField.Request))
            {
                return Text(AccessField.Request);
            }

            var target = Has(AccessField.RequestUri) ? Text(AccessField.RequestUri)
                : Has(AccessField.Uri) ? Text(AccessField.Uri) + (Has(AccessField.Args) ? "?" + Text(AccessField.Args) : "")
                : "";
            if (target.Length == 0)
            {
                return string.Empty;
            }

            return string.Join(' ', new[] { Text(AccessField.RequestMethod), target, Text(AccessField.ServerProtocol) }.Where(p => p.Length > 0));
        }
    }

    private static bool Plain(ReadOnlySpan<byte> value) => value.IndexOfAny(" |\"\t"u8) < 0;
}
