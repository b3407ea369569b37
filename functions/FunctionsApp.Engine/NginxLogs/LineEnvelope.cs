using System.Globalization;
using System.Text.Json;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// A JSON object a runtime or shipper wrapped each nginx line in: Docker's <c>json-file</c> driver
/// (<c>{"log":"…\n","stream":"stderr","time":"…Z"}</c>), Fluent Bit and Vector file outputs (<c>log</c>,
/// <c>message</c>), journald's JSON export (<c>MESSAGE</c>), Filebeat and Logstash (<c>message</c>), Google Cloud
/// Logging's export (<c>textPayload</c>), Splunk's HTTP Event Collector (<c>event</c>), Graylog's GELF
/// (<c>short_message</c>), Loki's <c>logcli --output jsonl</c> (<c>line</c>), OpenTelemetry log records flattened
/// by a pipeline (<c>body</c>, or OTLP/JSON's <c>body.stringValue</c>), Splunk's and Azure Monitor's exports
/// (<c>_raw</c>, Splunk's REST export <c>result._raw</c>, <c>RawData</c>), CloudWatch Logs Insights' rows
/// (<c>@message</c>), Azure Monitor's container tables exported from Log Analytics (Container Apps'
/// <c>Log_s</c>, AKS's <c>ContainerLogV2.LogMessage</c> and <c>ContainerLog.LogEntry</c>); or one level down, where a pipeline
/// moved it: Vector remaps (<c>log.message</c>), ECS documents that kept the raw line (<c>event.original</c>, Filebeat's
/// and Logstash's, taken before their <c>message</c>, which an ingest pipeline may have cut to the text after the head),
/// Cloud Logging entries an agent parsed (<c>jsonPayload.message</c>), Datadog's log events as its log explorer and Logs
/// API give them (<c>content.message</c>, <c>attributes.message</c>); failing all of these, the key whose strings are
/// nginx's own lines. A record cut short (pasted up to its line) still gives the line when its string was read whole.
/// The object may follow the fields a shipper's own file output writes first: Fluentd's <c>out_file</c>
/// (<c>time⇥tag⇥{…}</c>) and Fluent Bit's (<c>tag: [1700000000.123456789, {…}]</c>), both their defaults, and
/// Fluentd's <c>out_stdout</c> (<c>2026-11-24 10:00:01.123456789 +0000 tag: {…}</c>). The line is the string under
/// the key, unescaped, without the newline Docker keeps. Decided once per input from its first lines, like
/// <see cref="LinePrefix"/>, and only when the objects carry no HTTP status (under <c>status</c>, or a key ending
/// in it: <c>request_status</c>): an nginx JSON access log has one, an envelope does not (a <c>status</c> that is a
/// word, <c>"info"</c>, is a shipper's log level).
/// </summary>
internal sealed class LineEnvelope
{
    private static readonly string[] LineKeys = ["log", "message", "@message", "MESSAGE", "msg", "textPayload", "event", "short_message", "line", "body", "_raw", "RawData", "Log_s", "LogMessage", "LogEntry"];
    private static readonly (string Outer, string Inner)[] NestedKeys =
        [("log", "message"), ("event", "original"), ("jsonPayload", "message"), ("body", "stringValue"), ("content", "message"), ("attributes", "message"), ("result", "_raw")];
    private static readonly string[] TimeKeys = ["time", "@timestamp", "timestamp", "TimeGenerated", "date", "timeUnixNano"];

    private readonly byte[] _key;
    private readonly byte[]? _outer;
    private byte[] _buffer = new byte[1024];

    private LineEnvelope(int candidate, RecordForm form)
        : this(candidate < LineKeys.Length ? (null, LineKeys[candidate]) : NestedKeys[candidate - LineKeys.Length], form)
    {
    }

    private LineEnvelope((string? Outer, string Key) at, RecordForm form)
    {
        var (outer, key) = at;
        _key = System.Text.Encoding.UTF8.GetBytes(key);
        _outer = outer is null ? null : System.Text.Encoding.UTF8.GetBytes(outer);
        var path = outer is null ? key : outer + "." + key;
        Name = form switch
        {
            RecordForm.Fluentd => "fluentd+json:" + path,
            RecordForm.FluentBit => "fluent-bit+json:" + path,
            _ => "json:" + path,
        };
    }

    /// <summary>How a line holds its object: alone, or after a shipper's own fields.</summary>
    private enum RecordForm
    {
        Bare,
        Fluentd,
        FluentBit,
    }

    /// <summary>How the report names it: <c>json:log</c>, <c>json:message</c>, <c>fluent-bit+json:log</c>.</summary>
    public string Name { get; }

    /// <summary>The envelope most of the sample's non-blank lines are wrapped in (at least half of them), else null.</summary>
    public static LineEnvelope? Detect(IReadOnlyList<byte[]> sample)
    {
        var lines = 0;
        var counts = new int[LineKeys.Length + NestedKeys.Length];
        var forms = new int[Enum.GetValues<RecordForm>().Length];
        var others = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in sample)
        {
            var trimmed = line.AsSpan().Trim(" \t\r"u8);
            if (trimmed.IsEmpty)
            {
                continue;
            }

            lines++;
            var record = RecordOf(trimmed, out var form, out _);
            if (record.IsEmpty)
            {
                continue;
            }

            if (KeyOf(record, out var other) is { } index)
            {
                counts[index]++;
                forms[(int)form]++;
            }
            else if (other is not null)
            {
                others[other] = others.GetValueOrDefault(other) + 1;
                forms[(int)form]++;
            }
        }

        var best = Array.IndexOf(counts, counts.Max());
        var bestForm = (RecordForm)Array.IndexOf(forms, forms.Max());
        if (lines > 0 && counts[best] * 2 >= lines)
        {
            return new LineEnvelope(best, bestForm);
        }

        // A wrapper of a key no shipper here uses ({"content": "…"}, {"log_line": "…"}): the key whose string holds
        // nginx's own line in most records.
        var found = others.OrderByDescending(o => o.Value).FirstOrDefault();
        return found.Key is not null && found.Value * 2 >= lines ? new LineEnvelope((null, found.Key), bestForm) : null;
    }

    /// <summary>
    /// The line inside <paramref name="line"/> (valid until the next call), and the zoned time the wrapper stamped on
    /// it, if any. False when the line is not such an object: it is then read as it is.
    /// </summary>
    public bool TryUnwrap(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> inner, out DateTimeOffset? time)
    {
        inner = default;
        line = RecordOf(line.TrimEnd(" \t\r"u8), out _, out time);
        if (line.IsEmpty)
        {
            return false;
        }

        var length = -1;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isOuter = _outer is not null && reader.ValueTextEquals(_outer);
                var isLine = _outer is null && reader.ValueTextEquals(_key);
                var isTime = !isLine && !isOuter && time is null && IsTimeKey(ref reader);
                reader.Read();
                if (isLine && reader.TokenType == JsonTokenType.String)
                {
                    length = CopyLine(ref reader);
                }
                else if (isOuter && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isInner = reader.ValueTextEquals(_key);
                        reader.Read();
                        if (isInner && reader.TokenType == JsonTokenType.String)
                        {
                            length = CopyLine(ref reader);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else if (isTime && reader.TokenType == JsonTokenType.String
                    && DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var stamped)
                    && HasZone(reader.ValueSpan) && NginxTime.IsPlausible(stamped))
                {
                    time = stamped;
                }
                else if (isTime && reader.TokenType == JsonTokenType.Number && !reader.HasValueSequence && TryEpoch(reader.ValueSpan, out var epoch))
                {
                    // Splunk's, GELF's and Fluent Bit's seconds since the epoch (1700000000.123).
                    time = epoch;
                }
                else if (isTime && reader.TokenType == JsonTokenType.String && !reader.HasValueSequence && reader.ValueSpan.Length >= 16
                    && reader.ValueSpan.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0 && NginxTime.TryParseAny(reader.ValueSpan, out var nanos))
                {
                    // OTLP/JSON's nanoseconds since the epoch, as a string ("1700000000123456789").
                    time = nanos;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Cut at a length limit, or where a paste stopped (a record copied from a log viewer up to its line), or
            // not JSON after all: the line is kept when its string was read whole before the cut.
        }

        if (length < 0)
        {
            return false;
        }

        inner = _buffer.AsSpan(0, length).TrimEnd("\r\n"u8);
        return true;
    }

    /// <summary>The string at the reader, unescaped into the buffer; its length.</summary>
    private int CopyLine(ref Utf8JsonReader reader)
    {
        var size = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (_buffer.Length < size)
        {
            _buffer = new byte[Math.Max(size, _buffer.Length * 2)];
        }

        return reader.CopyString(_buffer);
    }

    /// <summary>
    /// The object in <paramref name="line"/> (its end trimmed): the whole line when it starts with <c>{</c>, else the
    /// object after the fields of Fluentd's or Fluent Bit's file output, with the time they wrote; empty when none.
    /// </summary>
    private static ReadOnlySpan<byte> RecordOf(ReadOnlySpan<byte> line, out RecordForm form, out DateTimeOffset? time)
    {
        form = RecordForm.Bare;
        time = null;
        if (line.IsEmpty || line[0] == '{')
        {
            return line;
        }

        // Fluent Bit: tag: [seconds.nanoseconds, {record}]
        var open = line.IndexOf(": ["u8);
        if (open > 0 && line[^1] == ']' && line[..open].IndexOfAny(" \t{\""u8) < 0)
        {
            var rest = line[(open + 3)..^1];
            var comma = rest.IndexOf((byte)',');
            var record = comma < 0 ? default : rest[(comma + 1)..].TrimStart((byte)' ');
            if (!record.IsEmpty && record[0] == '{' && TryEpoch(rest[..comma], out var stamped))
            {
                (form, time) = (RecordForm.FluentBit, stamped);
                return record;
            }
        }

        // Fluentd's stdout output: "2026-11-24 10:00:01.123456789 +0000 tag: {record}".
        var tagEnd = line.IndexOf(": {"u8);
        if (tagEnd > 26 && line[^1] == '}' && line[4] == '-' && line[10] == ' ')
        {
            var timeEnd = line[11..].IndexOf((byte)' ') + 11;
            var zoneEnd = timeEnd > 11 ? line[(timeEnd + 1)..].IndexOf((byte)' ') + timeEnd + 1 : -1;
            Span<byte> iso = stackalloc byte[40];
            if (zoneEnd > timeEnd + 1 && zoneEnd < tagEnd && timeEnd + (zoneEnd - timeEnd - 1) <= iso.Length
                && line[(zoneEnd + 1)..tagEnd].IndexOfAny(" \t{\""u8) < 0)
            {
                line[..timeEnd].CopyTo(iso);
                line[(timeEnd + 1)..zoneEnd].CopyTo(iso[timeEnd..]);
                if (NginxTime.TryParseIso8601(iso[..(zoneEnd - 1)], out var stamped))
                {
                    (form, time) = (RecordForm.Fluentd, stamped);
                    return line[(tagEnd + 2)..];
                }
            }
        }

        // Fluentd: time<TAB>tag<TAB>{record}, the time in ISO 8601 with its zone.
        var tab = line.IndexOf((byte)'\t');
        if (tab > 0 && line[^1] == '}')
        {
            var afterTag = line[(tab + 1)..].IndexOf((byte)'\t');
            var record = afterTag < 0 ? default : line[(tab + 1 + afterTag + 1)..];
            if (!record.IsEmpty && record[0] == '{')
            {
                form = RecordForm.Fluentd;
                time = HasZone(line[..tab]) && NginxTime.TryParseIso8601(line[..tab], out var stamped) ? stamped : null;
                return record;
            }
        }

        return default;
    }

    /// <summary>Seconds since the epoch with an optional fraction (<c>1700000000.123456789</c>).</summary>
    private static bool TryEpoch(ReadOnlySpan<byte> s, out DateTimeOffset time)
    {
        time = default;
        var dot = s.IndexOf((byte)'.');
        var whole = dot < 0 ? s : s[..dot];
        var fraction = dot < 0 ? default : s[(dot + 1)..];
        if (whole.Length is < 9 or > 11 || whole.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
            || fraction.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        long seconds = 0;
        foreach (var digit in whole)
        {
            seconds = (seconds * 10) + (digit - '0');
        }

        long ticks = 0;
        var scale = TimeSpan.TicksPerSecond;
        foreach (var digit in fraction)
        {
            scale /= 10;
            ticks += (digit - '0') * scale;
        }

        time = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(ticks);
        return true;
    }

    /// <summary>
    /// The index of the line key of an object without an HTTP <c>status</c>: of <see cref="LineKeys"/>, else (after
    /// them) of <see cref="NestedKeys"/>; null when it has neither, and then in <paramref name="other"/> the first
    /// other top-level key whose string is one of nginx's lines, if any.
    /// </summary>
    private static int? KeyOf(ReadOnlySpan<byte> line, out string? other)
    {
        int? found = null;
        int? nested = null;
        other = null;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (IsStatusKey(reader.ValueSpan))
                {
                    // An HTTP status makes it an nginx JSON access line, whatever the format named it (status,
                    // request_status, http_status_code); a word is a shipper's log level (Datadog's archives, many
                    // JSON shippers: "status": "info").
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number
                        || (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length == 3 && reader.ValueSpan.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0))
                    {
                        other = null;
                        return null;
                    }

                    reader.Skip();
                    continue;
                }

                var index = -1;
                for (var i = 0; i < LineKeys.Length && index < 0; i++)
                {
                    index = reader.ValueTextEquals(LineKeys[i]) ? i : -1;
                }

                var outer = -1;
                for (var i = 0; i < NestedKeys.Length && outer < 0; i++)
                {
                    outer = reader.ValueTextEquals(NestedKeys[i].Outer) ? i : -1;
                }

                var name = index < 0 && other is null && !reader.HasValueSequence ? reader.ValueSpan : default;
                reader.Read();
                if (index >= 0 && found is null && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
                {
                    found = index;
                }
                else if (!name.IsEmpty && name.IndexOf((byte)'\\') < 0 && reader.TokenType == JsonTokenType.String
                    && IsNginxLine(System.Text.Encoding.UTF8.GetBytes(reader.GetString()!)))
                {
                    other = System.Text.Encoding.UTF8.GetString(name);
                }
                else if (outer >= 0 && nested is null && reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadToString(ref reader, NestedKeys[outer].Inner, ref nested, LineKeys.Length + outer);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Cut short: what was read whole before the cut still names the key (an access line's status, which may
            // come later, would have made it no envelope; a cut object is a paste's, not an access log's).
        }

        // ECS's event.original is the line as it was read; an ingest pipeline that parsed it (Filebeat's nginx module)
        // left only the text after the connection number in message.
        return nested == EventOriginal ? nested : found ?? nested;
    }

    private static readonly int EventOriginal = LineKeys.Length + Array.IndexOf(NestedKeys, ("event", "original"));

    /// <summary>Whether a string is one of nginx's lines: an error line's whole head; an access line's
    /// <c>[$time_local]</c> (<c>[24/Nov/2026:10:00:01 +0000]</c>) near its start; or a request line in quotes inside it
    /// (<c>"GET /a HTTP/1.1"</c>: an access line of any format that logs <c>"$request"</c>, where a JSON access log's
    /// own <c>request</c> is the request line alone).</summary>
    private static bool IsNginxLine(ReadOnlySpan<byte> value)
    {
        if (ErrorLogParser.StartsWithHead(value))
        {
            return true;
        }

        var head = value[..Math.Min(value.Length, 200)];
        var from = 0;
        while (head[from..].IndexOf((byte)'[') is var open and >= 0)
        {
            from += open + 1;
            if (from + NginxTime.TimeLocalLength <= value.Length && NginxTime.TryParseTimeLocal(value.Slice(from, NginxTime.TimeLocalLength), out _))
            {
                return true;
            }
        }

        from = 0;
        while (head[from..].IndexOf((byte)'"') is var quote and >= 0)
        {
            from += quote + 1;
            var request = value[from..];
            var method = request.IndexOf((byte)' ');
            if (method is >= 3 and <= 7 && request[..method].IndexOfAnyExceptInRange((byte)'A', (byte)'Z') < 0
                && request[(method + 1)..].IndexOf(" HTTP/"u8) is var version and >= 0 && request.Slice(method + 1, version).IndexOf((byte)' ') < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsStatusKey(ReadOnlySpan<byte> name) =>
        name.EndsWith("status"u8) || name.EndsWith("Status"u8) || name.EndsWith("status_code"u8) || name.EndsWith("StatusCode"u8);

    /// <summary>Reads the object at the reader to its end, setting <paramref name="found"/> to <paramref name="index"/>
    /// as soon as it meets a non-empty string under <paramref name="key"/> (so that a record cut after it still counts).</summary>
    private static void ReadToString(ref Utf8JsonReader reader, string key, ref int? found, int index)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isKey = reader.ValueTextEquals(key);
            reader.Read();
            if (isKey && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
            {
                found = index;
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static bool IsTimeKey(ref Utf8JsonReader reader)
    {
        foreach (var key in TimeKeys)
        {
            if (reader.ValueTextEquals(key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Ends in <c>Z</c> or <c>±hh:mm</c>: the instant is known.</summary>
    private static bool HasZone(ReadOnlySpan<byte> value) =>
        value.Length > 6 && (value[^1] is (byte)'Z' or (byte)'z' || (value[^6] is (byte)'+' or (byte)'-' && value[^3] == ':'));
}
