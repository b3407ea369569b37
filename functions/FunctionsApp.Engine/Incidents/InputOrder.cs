using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// Puts the logs of one kind in the order nginx wrote them. nginx appends and logrotate renames, so rotated files
/// given the way <c>ls</c> lists them (<c>access.log access.log.1 access.log.2.gz</c>) are newest first, and read in
/// that order every burst would look like it ran backwards. Each input's first time orders them. An input whose first
/// lines run backwards in time (a search's export, listed newest first) is read last line first when it can be
/// (<see cref="ReversedLines"/>: a file, not compressed). Nothing is reordered when an input cannot be opened twice
/// (standard input) or shows no time in its first lines.
/// </summary>
internal static class InputOrder
{
    private const int LinesToRead = 64;

    public static IReadOnlyList<LogInput> Chronological(IReadOnlyList<LogInput> inputs, CancellationToken cancellationToken)
    {
        if (inputs.Any(i => !i.CanReopen))
        {
            return inputs;
        }

        inputs = [.. inputs.Select(OldestFirst)];
        if (inputs.Count < 2)
        {
            return inputs;
        }

        var firsts = new DateTimeOffset[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (FirstTime(inputs[i]) is not { } first)
            {
                return inputs;
            }

            firsts[i] = first;
        }

        return [.. Enumerable.Range(0, inputs.Count).OrderBy(i => firsts[i]).ThenBy(i => i).Select(i => inputs[i])];
    }

    /// <summary>
    /// The input read oldest line first: as it is, or, when its first timed lines run backwards (at least three steps
    /// back, hardly one forward, two seconds or more in all) and it can seek, last line first after the lines before
    /// the first timed one (an export's header).
    /// </summary>
    private static LogInput OldestFirst(LogInput input)
    {
        long head = -1;
        var times = new List<DateTimeOffset>();
        using (var stream = input.Open())
        {
            if (!stream.CanSeek)
            {
                return input;
            }

            var buffer = new byte[64 * 1024];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            var offset = 0;
            while (times.Count < LinesToRead && buffer.AsSpan(offset, read - offset).IndexOf((byte)'\n') is var newline and >= 0)
            {
                if (TimeIn(buffer.AsSpan(offset, newline)) is { } time)
                {
                    head = head < 0 ? offset : head;
                    times.Add(time);
                }

                offset += newline + 1;
            }
        }

        var back = times.Zip(times.Skip(1)).Count(pair => pair.Second < pair.First);
        var forward = times.Zip(times.Skip(1)).Count(pair => pair.Second > pair.First);
        return head >= 0 && back >= 3 && forward * 10 <= back && times[0] - times[^1] >= TimeSpan.FromSeconds(2)
            ? input with { Open = () => new ReversedLines(input.Open(), head), NewestFirst = true }
            : input;
    }

    private static DateTimeOffset? FirstTime(LogInput input)
    {
        using var stream = input.Open();
        using var reader = new LineReader(stream, bufferSize: 64 * 1024);
        for (var i = 0; i < LinesToRead && reader.TryReadLine(out var line, out var oversized); i++)
        {
            if (!oversized && TimeIn(line) is { } time)
            {
                return time;
            }
        }

        return null;
    }

    /// <summary>
    /// The first time in a line, by its shape: the error log's <c>yyyy/MM/dd HH:mm:ss</c> (local, read as UTC: only
    /// files of one kind are compared), <c>$time_local</c>, ISO 8601 with a zone, else an epoch <c>$msec</c>. A
    /// prefix's time may come first; files of one kind share their shape, so their times still compare.
    /// </summary>
    internal static DateTimeOffset? TimeIn(ReadOnlySpan<byte> line)
    {
        for (var i = 0; i + 19 <= line.Length; i++)
        {
            var rest = line[i..];
            if (!char.IsAsciiDigit((char)rest[0]) || (i > 0 && char.IsAsciiDigit((char)line[i - 1])))
            {
                continue;
            }

            if (rest[4] == '/' && NginxTime.TryParseErrorLogTime(rest[..19], TimeSpan.Zero, out var time))
            {
                return time;
            }

            if (rest.Length >= NginxTime.TimeLocalLength && rest[2] == '/' && NginxTime.TryParseTimeLocal(rest[..NginxTime.TimeLocalLength], out time))
            {
                return time;
            }

            if (rest[4] == '-' && rest[10] == 'T')
            {
                var end = rest.IndexOfAny(" \t\",]}"u8);
                if (NginxTime.TryParseAny(end < 0 ? rest : rest[..end], out time))
                {
                    return time;
                }
            }
        }

        for (var i = 0; i + 14 <= line.Length; i++)
        {
            var rest = line[i..];
            if ((i == 0 || !char.IsAsciiDigit((char)line[i - 1])) && rest[10] == '.'
                && rest[..10].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0 && rest[11..14].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
                && (rest.Length == 14 || !char.IsAsciiDigit((char)rest[14])) && NginxTime.TryParseMsec(rest[..14], out var time))
            {
                return time;
            }
        }

        return null;
    }
}
