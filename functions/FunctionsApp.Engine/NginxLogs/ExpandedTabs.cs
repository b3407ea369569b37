namespace FunctionsApp.NginxLogs;

/// <summary>
/// Tab-separated lines (a <c>log_format</c> with <c>\t</c> between its variables, Tengine's and many hand-written ones)
/// copied from a terminal or a pager arrive with each tab expanded to the spaces that reach the next tab stop, every
/// eighth column: runs of one to eight spaces whose lengths vary from line to line, so the fields no longer line up by
/// any one separator. nginx itself never pads a field. Lines whose runs of two or more spaces all end on a tab stop
/// (counted from the line's first character, past any indent the paste added) had their tabs expanded, and each run
/// outside double quotes that ends on a tab stop is put back as a tab.
/// </summary>
internal static class ExpandedTabs
{
    private const int TabStop = 8;

    /// <summary>Whether most of the sample's lines are tab-expanded, with enough runs that no chance alignment passes.</summary>
    public static bool Detect(IReadOnlyList<byte[]> sample)
    {
        var (lines, expanded, runs) = (0, 0, 0);
        foreach (var line in sample)
        {
            if (line.AsSpan().Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            lines++;
            if (Runs(line) is var count and >= 2)
            {
                expanded++;
                runs += count;
            }
        }

        return lines > 0 && expanded * 5 >= lines * 4 && runs >= 6;
    }

    /// <summary>The line with its expanded tabs put back, in <paramref name="buffer"/> (grown as needed).</summary>
    public static ReadOnlySpan<byte> Restore(ReadOnlySpan<byte> line, ref byte[] buffer)
    {
        var start = line.IndexOfAnyExcept((byte)' ');
        if (start < 0)
        {
            return line;
        }

        if (buffer.Length < line.Length)
        {
            buffer = new byte[Math.Max(line.Length, buffer.Length * 2)];
        }

        var (length, quoted) = (0, false);
        for (var i = start; i < line.Length;)
        {
            if (line[i] == (byte)'"')
            {
                quoted = !quoted;
            }
            else if (line[i] == (byte)' ' && !quoted)
            {
                var end = i;
                while (end < line.Length && line[end] == (byte)' ')
                {
                    end++;
                }

                if ((end - start) % TabStop == 0 && end < line.Length)
                {
                    buffer[length++] = (byte)'\t';
                    i = end;
                    continue;
                }
            }

            buffer[length++] = line[i++];
        }

        return buffer.AsSpan(0, length);
    }

    /// <summary>The runs of two or more spaces after the line's first character when every one ends on a tab stop;
    /// 0 when one does not (or a tab is still there: nothing was expanded).</summary>
    private static int Runs(ReadOnlySpan<byte> line)
    {
        var start = line.IndexOfAnyExcept((byte)' ');
        if (start < 0 || line.Contains((byte)'\t'))
        {
            return 0;
        }

        var runs = 0;
        for (var i = start; i < line.Length; i++)
        {
            if (line[i] != (byte)' ')
            {
                continue;
            }

            var end = i;
            while (end < line.Length && line[end] == (byte)' ')
            {
                end++;
            }

            if (end - i >= 2 && end < line.Length)
            {
                if ((end - start) % TabStop != 0)
                {
                    return 0;
                }

                runs++;
            }

            i = end - 1;
        }

        return runs;
    }
}
