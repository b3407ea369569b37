using System.Buffers.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// systemd's journal export format (<c>journalctl -o export</c>, what <c>systemd-journal-upload</c> and
/// <c>systemd-journal-remote</c> carry): one <c>FIELD=value</c> line per field, a blank line after each entry. The nginx
/// line is the <c>MESSAGE=</c> field; the entry's <c>__REALTIME_TIMESTAMP=</c> (microseconds since the epoch, UTC),
/// which comes before it, is the time the journal stamped on it. Every other field line is the entry's metadata: not
/// a log line, so neither read nor counted as malformed. Decided once per input from its first lines, like
/// <see cref="LineEnvelope"/>. (A field whose value is not text is written as its name, a newline and a binary length;
/// nginx's lines are text, and such a field's bytes are skipped as metadata lines.)
/// </summary>
internal sealed class JournalExport
{
    private static ReadOnlySpan<byte> MessageField => "MESSAGE="u8;

    private static ReadOnlySpan<byte> RealtimeField => "__REALTIME_TIMESTAMP="u8;

    private DateTimeOffset? _entryTime;

    private JournalExport()
    {
    }

    /// <summary>How the report names it.</summary>
    public static string Name => "journal-export";

    /// <summary>The reader when most of the sample's non-blank lines are journal fields and some are messages, else null.</summary>
    public static JournalExport? Detect(IReadOnlyList<byte[]> sample)
    {
        var (lines, fields, messages) = (0, 0, 0);
        foreach (var line in sample)
        {
            var trimmed = line.AsSpan().TrimEnd("\r"u8);
            if (trimmed.IsEmpty)
            {
                continue;
            }

            lines++;
            if (IsField(trimmed))
            {
                fields++;
                messages += trimmed.StartsWith(MessageField) ? 1 : 0;
            }
        }

        return lines > 0 && fields * 10 >= lines * 9 && messages > 0 && messages * 2 <= fields ? new JournalExport() : null;
    }

    /// <summary>
    /// The message of an entry when <paramref name="line"/> is its <c>MESSAGE=</c> field, with the entry's time; false
    /// for the entry's other lines (its metadata and the blank line that ends it), which are not log lines.
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> message, out DateTimeOffset? time)
    {
        line = line.TrimEnd("\r"u8);
        message = default;
        time = null;
        if (line.IsEmpty)
        {
            _entryTime = null;
            return false;
        }

        if (line.StartsWith(MessageField))
        {
            message = line[MessageField.Length..];
            time = _entryTime;
            return true;
        }

        if (line.StartsWith(RealtimeField) && Utf8Parser.TryParse(line[RealtimeField.Length..], out long micros, out var consumed)
            && consumed == line.Length - RealtimeField.Length && micros > 0 && micros < NginxTime.Latest.ToUnixTimeMilliseconds() * 1000)
        {
            _entryTime = DateTimeOffset.FromUnixTimeMilliseconds(micros / 1000).AddTicks(micros % 1000 * 10);
        }

        return false;
    }

    /// <summary>The sample as the lines it holds: the entries' messages.</summary>
    public static List<byte[]> Messages(IReadOnlyList<byte[]> sample) =>
        [.. sample.Where(line => line.AsSpan().StartsWith(MessageField)).Select(line => line.AsSpan(MessageField.Length).TrimEnd("\r"u8).ToArray())];

    /// <summary>A field line: a name of upper-case letters, digits and underscores, not starting with a digit, then <c>=</c>.</summary>
    private static bool IsField(ReadOnlySpan<byte> line)
    {
        var equals = line.IndexOf((byte)'=');
        if (equals <= 0 || char.IsAsciiDigit((char)line[0]))
        {
            return false;
        }

        foreach (var b in line[..equals])
        {
            if (!(b is >= (byte)'A' and <= (byte)'Z' || b is >= (byte)'0' and <= (byte)'9' || b == (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }
}
