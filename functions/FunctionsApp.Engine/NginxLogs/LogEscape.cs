using System.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>How nginx escaped variable values (<c>log_format ... escape=</c>).</summary>
internal enum LogEscape
{
    /// <summary><c>"</c>, <c>\</c>, and bytes below 32 or above 126 as <c>\xXX</c>.</summary>
    Default,

    /// <summary>JSON string escaping.</summary>
    Json,

    /// <summary>No escaping.</summary>
    None,
}

internal static class LogText
{
    /// <summary>Decodes a logged value into a string, undoing nginx's escaping. Off the hot path:
    /// used only for the fields of failed requests.</summary>
    public static string Decode(ReadOnlySpan<byte> value, LogEscape escape)
    {
        if (value.IsEmpty)
        {
            return string.Empty;
        }

        if (value.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(value);
        }

        var bytes = new byte[value.Length];
        var n = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            if (b == '\\' && i + 1 < value.Length && escape != LogEscape.None)
            {
                var next = value[i + 1];
                if (next == 'x' && i + 3 < value.Length && TryHex(value[i + 2], value[i + 3], out var h))
                {
                    bytes[n++] = h;
                    i += 3;
                    continue;
                }

                if (escape == LogEscape.Json)
                {
                    switch (next)
                    {
                        case (byte)'"' or (byte)'\\' or (byte)'/': bytes[n++] = next; i++; continue;
                        case (byte)'n': bytes[n++] = (byte)'\n'; i++; continue;
                        case (byte)'r': bytes[n++] = (byte)'\r'; i++; continue;
                        case (byte)'t': bytes[n++] = (byte)'\t'; i++; continue;
                        case (byte)'u' when i + 5 < value.Length
                            && TryHex(value[i + 2], value[i + 3], out var hi) && TryHex(value[i + 4], value[i + 5], out var lo):
                            var rune = (char)((hi << 8) | lo);
                            n += Encoding.UTF8.GetBytes([rune], bytes.AsSpan(n));
                            i += 5;
                            continue;
                    }
                }
            }

            bytes[n++] = b;
        }

        return Encoding.UTF8.GetString(bytes, 0, n);
    }

    /// <summary>A raw log line as text for evidence: invalid UTF-8 becomes U+FFFD, never an exception.</summary>
    public static string Raw(ReadOnlySpan<byte> line, int maxLength = 2048)
    {
        var text = Encoding.UTF8.GetString(line.Length > maxLength ? line[..maxLength] : line);
        return line.Length > maxLength ? text + "…" : text;
    }

    /// <summary>
    /// A name as nginx wrote it, from the Markdown link a chat or an issue tracker rendered it as when it was pasted
    /// (<c>[example.com](http://example.com/)</c> → <c>example.com</c>): nginx writes a host or an upstream's name bare,
    /// so a bracketed text followed by a link to that very name is the renderer's. Any other value is returned as is.
    /// </summary>
    public static string LinkText(string value)
    {
        if (value.Length < 6 || value[0] != '[' || value[^1] != ')' || value.IndexOf("](", StringComparison.Ordinal) is not (var close and > 1))
        {
            return value;
        }

        var text = value[1..close];
        var target = value[(close + 2)..^1];
        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        var authority = (scheme < 0 ? target : target[(scheme + 3)..]).TrimEnd('/');
        return authority.Equals(text, StringComparison.OrdinalIgnoreCase) ? text : value;
    }

    private static bool TryHex(byte a, byte b, out byte value)
    {
        var hi = HexValue(a);
        var lo = HexValue(b);
        value = (byte)((hi << 4) | lo);
        return hi >= 0 && lo >= 0;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
