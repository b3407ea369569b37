using System.Net;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// A paste that lost its newlines (a form or a chat joined the lines with spaces): several of nginx's entries on one
/// line. nginx writes one entry a line: an error entry starts with <c>yyyy/MM/dd HH:mm:ss [level] pid#tid: </c>, and an
/// access entry of the <c>combined</c> family with <c>address - user [dd/MMM/yyyy:HH:mm:ss +zzzz] "</c>. A line that
/// holds an error entry's start after a space, or two entries' starts, is split before each start that follows a
/// space. Decided once per input from its first lines, like the record batches; a line with one entry is read as it is.
/// </summary>
internal static class JoinedEntries
{
    /// <summary>Whether a line of the sample holds an error entry and another entry after it, or after another.</summary>
    public static bool Detect(IReadOnlyList<byte[]> sample)
    {
        foreach (var line in sample)
        {
            var errors = 0;
            var starts = 0;
            for (var i = 0; i < line.Length; i = NextCandidate(line, i))
            {
                var kind = StartAt(line, i);
                errors += kind == Entry.Error ? 1 : 0;
                starts += kind == Entry.None ? 0 : 1;
            }

            if (errors > 0 && starts > 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The entries of <paramref name="line"/>, each as a line, added to <paramref name="entries"/>; false when
    /// it holds one entry (it is then read as it is).</summary>
    public static bool TrySplit(ReadOnlySpan<byte> line, Queue<byte[]?> entries)
    {
        var start = 0;
        var split = false;
        for (var i = NextCandidate(line, 0); i < line.Length; i = NextCandidate(line, i))
        {
            if (StartAt(line, i) == Entry.None)
            {
                continue;
            }

            entries.Enqueue(line[start..i].TrimEnd((byte)' ').ToArray());
            (start, split) = (i, true);
        }

        if (split)
        {
            entries.Enqueue(line[start..].ToArray());
        }

        return split;
    }

    private enum Entry
    {
        None,
        Error,
        Access,
    }

    /// <summary>The next position after <paramref name="from"/> that follows a space: where an entry may start.</summary>
    private static int NextCandidate(ReadOnlySpan<byte> line, int from)
    {
        var space = line[from..].IndexOf((byte)' ');
        return space < 0 ? line.Length : from + space + 1;
    }

    private static Entry StartAt(ReadOnlySpan<byte> line, int index)
    {
        var rest = line[index..];
        if (ErrorLogParser.StartsWithHead(rest))
        {
            return Entry.Error;
        }

        return IsCombinedHead(rest) ? Entry.Access : Entry.None;
    }

    /// <summary><c>203.0.113.7 - - [10/Feb/2026:08:01:00 +0100] "</c>: an address, a user, the bracketed local time.</summary>
    private static bool IsCombinedHead(ReadOnlySpan<byte> text)
    {
        var address = text.IndexOf((byte)' ');
        if (address is < 2 or > 45 || !(char.IsAsciiHexDigit((char)text[0]) || text[0] == (byte)':')
            || !IPAddress.TryParse(text[..address], out _))
        {
            return false;
        }

        var rest = text[(address + 1)..];
        if (!rest.StartsWith("- "u8))
        {
            return false;
        }

        rest = rest[2..];
        var user = rest.IndexOf(" ["u8);
        return user > 0 && rest[..user].IndexOf((byte)' ') < 0 && rest.Length >= user + 2 + 29
            && rest.Slice(user + 2 + 26, 3).SequenceEqual("] \""u8)
            && NginxTime.TryParseTimeLocal(rest.Slice(user + 2, 26), out _);
    }
}
