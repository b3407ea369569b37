namespace FunctionsApp.NginxLogs;

/// <summary>
/// Terminal escape sequences a log viewer wrote around a line's parts (<c>stern</c>, <c>docker compose logs</c> and
/// <c>kubectl</c> plugins colour the pod and container names): <c>ESC [ parameters final-byte</c>, the SGR colours
/// (<c>ESC[32m</c>) and the like. nginx writes a raw ESC in a logged value as <c>\x1B</c>, so a real ESC byte in a line
/// is never nginx's.
/// </summary>
internal static class AnsiEscapes
{
    private const byte Escape = 0x1B;

    /// <summary>Whether the line holds an escape sequence.</summary>
    public static bool Has(ReadOnlySpan<byte> line)
    {
        var at = line.IndexOf(Escape);
        return at >= 0 && at + 1 < line.Length && line[at + 1] == '[';
    }

    /// <summary>The line without its escape sequences, in <paramref name="buffer"/> (grown as needed); the line itself when it has none.</summary>
    public static ReadOnlySpan<byte> Strip(ReadOnlySpan<byte> line, ref byte[] buffer)
    {
        if (line.IndexOf(Escape) < 0)
        {
            return line;
        }

        if (buffer.Length < line.Length)
        {
            buffer = new byte[Math.Max(line.Length, buffer.Length * 2)];
        }

        var length = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == Escape && i + 1 < line.Length && line[i + 1] == '[')
            {
                // Parameters and intermediates (0x20-0x3F), then one final byte (0x40-0x7E).
                var end = i + 2;
                while (end < line.Length && line[end] is >= 0x20 and <= 0x3F)
                {
                    end++;
                }

                i = end < line.Length && line[end] is >= 0x40 and <= 0x7E ? end : end - 1;
                continue;
            }

            buffer[length++] = line[i];
        }

        return buffer.AsSpan(0, length);
    }
}
