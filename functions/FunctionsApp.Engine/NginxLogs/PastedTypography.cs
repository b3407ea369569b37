using System.Buffers;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// What a web page, a chat or a word processor did to a log line copied through it: spaces turned into no-break spaces
/// (U+00A0, an HTML page's <c>&amp;nbsp;</c>), straight double quotes turned into curly ones (U+201C, U+201D: "smart
/// quotes"), or quotes left as the page's entity (<c>&amp;quot;</c>). nginx writes neither: a value's non-ASCII bytes are
/// escaped (<c>\xC2\xA0</c>) in the access log and its error lines quote with <c>"</c>. A line that has no straight quote
/// at all, but curly ones or entities, had its quotes replaced, so each is put back; so had one with an odd number of
/// straight ones beside curly ones (a word processor curls most, not all); a line with straight quotes in pairs keeps
/// whatever else it holds. A page that turned every address into a link and was copied as Markdown wrote each as
/// <c>[10.0.0.5](http://10.0.0.5/)</c>, in a client's, a host's or a server's field alike: the link's text is what nginx wrote.
/// </summary>
internal static class PastedTypography
{
    private static ReadOnlySpan<byte> NoBreakSpace => [0xC2, 0xA0];

    private static ReadOnlySpan<byte> LeftQuote => [0xE2, 0x80, 0x9C];

    private static ReadOnlySpan<byte> RightQuote => [0xE2, 0x80, 0x9D];

    /// <summary>Whether the line holds what a page or an editor put in place of nginx's spaces or quotes.</summary>
    public static bool Has(ReadOnlySpan<byte> line) =>
        line.IndexOf(NoBreakSpace) >= 0 || line.IndexOf("](http"u8) >= 0 || (QuotesReplaced(line)
            && (line.IndexOf(LeftQuote) >= 0 || line.IndexOf(RightQuote) >= 0 || line.IndexOf("&quot;"u8) >= 0));

    /// <summary>nginx's quotes were replaced: none is left, or an odd number (nginx closes each it opens; an editor that
    /// curls quotes as they are typed leaves one straight where it took the character before for a closing one).</summary>
    private static bool QuotesReplaced(ReadOnlySpan<byte> line) => line.Count((byte)'"') % 2 == 1 || line.IndexOf((byte)'"') < 0;

    /// <summary>The line with nginx's spaces and quotes back, in <paramref name="buffer"/> (grown as needed); the line
    /// itself when it has nothing to restore.</summary>
    public static ReadOnlySpan<byte> Restore(ReadOnlySpan<byte> line, ref byte[] buffer)
    {
        if (!Has(line))
        {
            return line;
        }

        if (buffer.Length < line.Length)
        {
            buffer = new byte[Math.Max(line.Length, buffer.Length * 2)];
        }

        var quotes = QuotesReplaced(line);
        var entities = quotes && line.IndexOf("&quot;"u8) >= 0;
        var length = 0;
        for (var i = 0; i < line.Length;)
        {
            var rest = line[i..];
            if (rest.StartsWith(NoBreakSpace))
            {
                (buffer[length++], i) = ((byte)' ', i + NoBreakSpace.Length);
            }
            else if (quotes && (rest.StartsWith(LeftQuote) || rest.StartsWith(RightQuote)))
            {
                (buffer[length++], i) = ((byte)'"', i + LeftQuote.Length);
            }
            else if (entities && rest[0] == '&' && Entity(rest, out var value, out var consumed))
            {
                (buffer[length++], i) = (value, i + consumed);
            }
            else if (rest[0] == '[' && Autolink(rest, out var text, out var linked))
            {
                text.CopyTo(buffer.AsSpan(length));
                (length, i) = (length + text.Length, i + linked);
            }
            else
            {
                buffer[length++] = line[i++];
            }
        }

        return buffer.AsSpan(0, length);
    }

    /// <summary>The character an HTML entity of a copied page stands for: the quotes, <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>.</summary>
    private static bool Entity(ReadOnlySpan<byte> text, out byte value, out int consumed)
    {
        (value, consumed) = text switch
        {
            _ when text.StartsWith("&quot;"u8) => ((byte)'"', 6),
            _ when text.StartsWith("&amp;"u8) => ((byte)'&', 5),
            _ when text.StartsWith("&lt;"u8) => ((byte)'<', 4),
            _ when text.StartsWith("&gt;"u8) => ((byte)'>', 4),
            _ when text.StartsWith("&#39;"u8) => ((byte)'\'', 5),
            _ when text.StartsWith("&#039;"u8) => ((byte)'\'', 6),
            _ => ((byte)0, 0),
        };
        return consumed > 0;
    }

    /// <summary>
    /// A Markdown link a page made of an address (<c>[172.29.243.212](http://172.29.243.212/)</c>): the text is a host or
    /// an address (letters, digits, dots, colons, hyphens, underscores; no blank, which every bracket nginx writes itself
    /// has, as its time's), the target an http(s) URL without a blank. The redaction of one may differ from the other's,
    /// so they are not compared. <paramref name="consumed"/> is the whole link's length.
    /// </summary>
    private static bool Autolink(ReadOnlySpan<byte> text, out ReadOnlySpan<byte> linkText, out int consumed)
    {
        linkText = default;
        consumed = 0;
        var close = text.IndexOf("]("u8);
        if (close < 2 || close > 255 || text[1..close].ContainsAnyExcept(HostCharacters))
        {
            return false;
        }

        var target = text[(close + 2)..];
        if (!target.StartsWith("http://"u8) && !target.StartsWith("https://"u8))
        {
            return false;
        }

        var end = target.IndexOfAny((byte)')', (byte)' ', (byte)'"');
        if (end < 0 || target[end] != ')')
        {
            return false;
        }

        linkText = text[1..close];
        consumed = close + 2 + end + 1;
        return true;
    }

    private static readonly SearchValues<byte> HostCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:-_"u8);
}
