using System.Globalization;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// A log search's "export as CSV" (RFC 4180): a header row naming the columns, then one row per log line, the nginx
/// line in one column with its quotes doubled. Azure Log Analytics (<c>RawData</c> of a custom-log table, times in a
/// <c>TimeGenerated [UTC]</c> column as <c>12/1/2026, 9:58:30.134 AM</c>), Graylog (<c>"timestamp","source","message"</c>)
/// Splunk (<c>_raw</c>, <c>_time</c>) and CloudWatch Logs Insights (<c>@timestamp</c>, <c>@message</c>) write it, and
/// Log Analytics for its container tables (AKS's <c>ContainerLogV2.LogMessage</c> and <c>ContainerLog.LogEntry</c>,
/// Container Apps' <c>Log_s</c>) and Kibana for ECS documents (<c>event.original</c>). The header is no log line: neither read nor counted as malformed.
/// A row's time column, when it names its zone (or the header says <c>[UTC]</c>), is the time the search stamped on the
/// line. Decided once per input from its first lines, like <see cref="LineEnvelope"/>; a row cut across lines (a quoted
/// newline, which nginx never writes) is read as it is.
/// </summary>
internal sealed class CsvExport
{
    private static readonly string[] LineColumns = ["RawData", "message", "_raw", "log", "line", "msg", "textPayload", "short_message", "full_message", "@message", "LogMessage", "LogEntry", "Log_s", "event.original", "body", "content"];
    private static readonly string[] TimeColumns = ["TimeGenerated", "timestamp", "@timestamp", "_time", "time", "date", "generated_at"];
    private static readonly string[] UsTimes = ["M/d/yyyy, h:mm:ss.FFFFFFF tt", "M/d/yyyy, h:mm:ss tt", "M/d/yyyy h:mm:ss.FFFFFFF tt", "M/d/yyyy h:mm:ss tt"];

    private readonly byte[] _header;
    private readonly int _columns;
    private readonly int _line;
    private readonly int _time;
    private readonly bool _timeInUtc;
    private readonly List<(int Start, int Length)> _fields = [];
    private byte[] _buffer = new byte[1024];

    private CsvExport(byte[] header, int columns, int line, int time, bool timeInUtc, string name)
    {
        (_header, _columns, _line, _time, _timeInUtc) = (header, columns, line, time, timeInUtc);
        Name = "csv:" + name;
    }

    /// <summary>How the report names it: <c>csv:RawData</c>, <c>csv:message</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// The reader when the sample's first non-blank line is a header with a line column and at least half of the rows
    /// after it have as many fields, with text in that column; else null.
    /// </summary>
    public static CsvExport? Detect(IReadOnlyList<byte[]> sample)
    {
        var first = sample.FirstOrDefault(l => !l.AsSpan().Trim(" \t\r"u8).IsEmpty);
        if (first is null || FromHeader(first) is not { } reader)
        {
            return null;
        }

        var (rows, read) = (0, 0);
        foreach (var row in sample.SkipWhile(l => !ReferenceEquals(l, first)).Skip(1))
        {
            if (row.AsSpan().Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            rows++;
            read += reader.TryUnwrap(row, out var inner, out _) && !inner.IsEmpty ? 1 : 0;
        }

        return rows > 0 && read * 2 >= rows ? reader : null;
    }

    /// <summary>The reader for a header row: at least two names, one of them a line column; else null.</summary>
    public static CsvExport? FromHeader(ReadOnlySpan<byte> line)
    {
        var header = line.TrimEnd("\r"u8).ToArray();
        var names = new List<string>();
        var buffer = new byte[header.Length];
        var fields = new List<(int Start, int Length)>();
        Fields(header, buffer, fields);
        foreach (var (start, length) in fields)
        {
            var name = System.Text.Encoding.UTF8.GetString(buffer, start, length);
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '@' or '.' or ' ' or '[' or ']' or '-'))
            {
                return null;
            }

            names.Add(name);
        }

        var column = IndexOf(names, LineColumns);
        if (names.Count < 2 || column < 0)
        {
            return null;
        }

        var time = IndexOf(names, TimeColumns);
        return new CsvExport(header, names.Count, column, time, time >= 0 && names[time].Contains("[UTC]", StringComparison.OrdinalIgnoreCase), names[column]);
    }

    /// <summary>Whether <paramref name="line"/> is the header row (an export concatenated to another repeats it).</summary>
    public bool IsHeader(ReadOnlySpan<byte> line) => line.TrimEnd("\r"u8).SequenceEqual(_header);

    /// <summary>
    /// The line in <paramref name="row"/>'s line column, unquoted (valid until the next call), with the row's time when
    /// its zone is known. False when the row does not have the header's fields: it is then read as it is.
    /// </summary>
    public bool TryUnwrap(ReadOnlySpan<byte> row, out ReadOnlySpan<byte> inner, out DateTimeOffset? time)
    {
        row = row.TrimEnd("\r"u8);
        inner = default;
        time = null;
        if (_buffer.Length < row.Length)
        {
            _buffer = new byte[Math.Max(row.Length, _buffer.Length * 2)];
        }

        Fields(row, _buffer, _fields);
        if (_fields.Count != _columns)
        {
            return false;
        }

        if (_time >= 0 && _fields[_time].Length > 0)
        {
            time = ParseTime(System.Text.Encoding.UTF8.GetString(_buffer, _fields[_time].Start, _fields[_time].Length));
        }

        inner = _buffer.AsSpan(_fields[_line].Start, _fields[_line].Length);
        return true;
    }

    /// <summary>The sample as the lines it holds: each row's line, the header left out.</summary>
    public List<byte[]> Lines(IReadOnlyList<byte[]> sample) =>
        [.. sample.Where(line => !IsHeader(line)).Select(line => TryUnwrap(line, out var inner, out _) ? inner.ToArray() : line)];

    private DateTimeOffset? ParseTime(string value)
    {
        var span = value.AsSpan().Trim();
        if (span.Length > 6 && (span[^1] is 'Z' or 'z' || (span[^6] is '+' or '-' && span[^3] == ':'))
            && DateTimeOffset.TryParse(span, CultureInfo.InvariantCulture, DateTimeStyles.None, out var zoned))
        {
            return NginxTime.IsPlausible(zoned) ? zoned : null;
        }

        // Log Analytics' portal writes US-style times in the zone its column header names.
        return _timeInUtc && DateTime.TryParseExact(span, UsTimes, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc)
            && NginxTime.IsPlausible(new DateTimeOffset(utc, TimeSpan.Zero))
            ? new DateTimeOffset(utc, TimeSpan.Zero)
            : null;
    }

    private static int IndexOf(List<string> names, string[] wanted)
    {
        foreach (var name in wanted)
        {
            var index = names.FindIndex(n => n.Equals(name, StringComparison.OrdinalIgnoreCase)
                || (n.StartsWith(name, StringComparison.OrdinalIgnoreCase) && n.AsSpan(name.Length).TrimStart().StartsWith("[")));
            if (index >= 0)
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>
    /// The fields of an RFC 4180 row into <paramref name="fields"/> (cleared first), each unquoted into
    /// <paramref name="buffer"/> (at least the row's length) and given as its start and length there. A quote inside an
    /// unquoted field is kept as it is.
    /// </summary>
    private static void Fields(ReadOnlySpan<byte> row, byte[] buffer, List<(int Start, int Length)> fields)
    {
        fields.Clear();
        var (i, written) = (0, 0);
        while (true)
        {
            var start = written;
            if (i < row.Length && row[i] == '"')
            {
                i++;
                while (i < row.Length)
                {
                    if (row[i] == '"')
                    {
                        if (i + 1 < row.Length && row[i + 1] == '"')
                        {
                            buffer[written++] = (byte)'"';
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    buffer[written++] = row[i++];
                }

                // Anything between the closing quote and the comma is kept, as a lenient reader does.
                while (i < row.Length && row[i] != ',')
                {
                    buffer[written++] = row[i++];
                }
            }
            else
            {
                while (i < row.Length && row[i] != ',')
                {
                    buffer[written++] = row[i++];
                }
            }

            fields.Add((start, written - start));
            if (i >= row.Length)
            {
                return;
            }

            i++; // the comma
        }
    }
}
