using System.Buffers.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// Parses nginx error-log lines (https://nginx.org/en/docs/ngx_core_module.html#error_log) without
/// allocating. Lines are cut by nginx at 2048 bytes, so a context field may be missing or truncated:
/// whatever is there is taken, nothing is required beyond the timestamp, level and message.
/// </summary>
internal static class ErrorLogParser
{
    public static bool TryParse(ReadOnlySpan<byte> line, out ErrorLogLine entry) => TryParse(line, null, out entry);

    /// <summary>Parses a line whose shipper's prefix (with its own zoned time) was removed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, DateTimeOffset? prefixTime, out ErrorLogLine entry)
    {
        entry = default;
        if (line.Length < 22 || line[4] != '/' || line[7] != '/' || line[10] != ' ' || line[19] != ' ' || line[20] != '[')
        {
            return false;
        }

        var levelEnd = line[21..].IndexOf((byte)']');
        if (levelEnd < 0)
        {
            return false;
        }

        var level = ParseLevel(line.Slice(21, levelEnd));
        var rest = line[(22 + levelEnd)..].TrimStart((byte)' ');

        // pid#tid: — present on every line nginx writes; tolerate its absence.
        var hash = rest.IndexOf((byte)'#');
        var colon = rest.IndexOf(": "u8);
        if (hash > 0 && colon > hash && Utf8Parser.TryParse(rest[..hash], out int _, out var consumed) && consumed == hash)
        {
            rest = rest[(colon + 2)..];
        }

        long connectionId = -1;
        if (rest.Length > 1 && rest[0] == '*')
        {
            var space = rest.IndexOf((byte)' ');
            if (space > 1 && Utf8Parser.TryParse(rest[1..space], out long cid, out var n) && n == space - 1)
            {
                connectionId = cid;
                rest = rest[(space + 1)..];
            }
        }

        var contextStart = rest.IndexOf(", client: "u8);
        var message = contextStart < 0 ? rest : rest[..contextStart];
        var context = contextStart < 0 ? default : rest[(contextStart + 2)..];

        entry = new ErrorLogLine
        {
            Line = line,
            Timestamp = line[..19],
            Level = level,
            ConnectionId = connectionId,
            Message = message,
            Client = Field(context, "client: "u8, quoted: false),
            Server = Field(context, "server: "u8, quoted: false),
            Request = Field(context, "request: \""u8, quoted: true),
            Upstream = Field(context, "upstream: \""u8, quoted: true),
            Host = Field(context, "host: \""u8, quoted: true),
            PrefixTime = prefixTime,
        };
        return true;
    }

    /// <summary>Whether nginx wrote the line to its error log (or to stderr, as <c>nginx: [emerg] ...</c>).</summary>
    public static bool IsErrorLogLine(ReadOnlySpan<byte> line) => TryParse(line, out _);

    /// <summary>The text after <c> while </c> in a message: the phase nginx was in (<c>connecting to upstream</c>).</summary>
    public static ReadOnlySpan<byte> Phase(ReadOnlySpan<byte> message)
    {
        var at = message.LastIndexOf(" while "u8);
        return at < 0 ? default : message[(at + 7)..];
    }

    /// <summary>The <c>(111: Connection refused)</c> part of a message: errno and its text.</summary>
    public static bool TryGetErrno(ReadOnlySpan<byte> message, out int errno, out ReadOnlySpan<byte> text)
    {
        errno = 0;
        text = default;
        var search = message;
        while (true)
        {
            var open = search.IndexOf((byte)'(');
            if (open < 0)
            {
                return false;
            }

            search = search[(open + 1)..];
            var sep = search.IndexOf(": "u8);
            var close = search.IndexOf((byte)')');
            if (sep > 0 && close > sep && Utf8Parser.TryParse(search[..sep], out errno, out var consumed) && consumed == sep)
            {
                text = search[(sep + 2)..close];
                return true;
            }
        }
    }

    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> context, ReadOnlySpan<byte> key, bool quoted)
    {
        if (context.IsEmpty)
        {
            return default;
        }

        // Keys after the first follow ", "; values of request/upstream/host cannot contain '"' (nginx escapes it).
        int start;
        if (context.StartsWith(key))
        {
            start = key.Length;
        }
        else
        {
            Span<byte> separated = stackalloc byte[key.Length + 2];
            ", "u8.CopyTo(separated);
            key.CopyTo(separated[2..]);
            var at = context.IndexOf(separated);
            if (at < 0)
            {
                return default;
            }

            start = at + separated.Length;
        }

        var value = context[start..];
        var end = quoted ? value.IndexOf((byte)'"') : value.IndexOf(", "u8);
        return end < 0 ? value : value[..end];
    }

    private static ErrorLevel ParseLevel(ReadOnlySpan<byte> s) => s switch
    {
        _ when s.SequenceEqual("error"u8) => ErrorLevel.Error,
        _ when s.SequenceEqual("warn"u8) => ErrorLevel.Warn,
        _ when s.SequenceEqual("info"u8) => ErrorLevel.Info,
        _ when s.SequenceEqual("notice"u8) => ErrorLevel.Notice,
        _ when s.SequenceEqual("crit"u8) => ErrorLevel.Crit,
        _ when s.SequenceEqual("alert"u8) => ErrorLevel.Alert,
        _ when s.SequenceEqual("emerg"u8) => ErrorLevel.Emerg,
        _ when s.SequenceEqual("debug"u8) => ErrorLevel.Debug,
        _ => ErrorLevel.Unknown,
    };
}
