using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// Puts the logs of one kind in the order nginx wrote them. nginx appends and logrotate renames, so rotated files
/// given the way <c>ls</c> lists them (<c>access.log access.log.1 access.log.2.gz</c>) are newest first, and read in
/// that order every burst would look like it ran backwards. Each input's first time orders them. An input whose first
/// lines run backwards in time (a search's export, listed newest first) is read last line first when it can be
/// (<see cref="ReversedLines"/>: a file, not compressed). Rotated files concatenated into one the same way
/// (<c>zcat -f access.log*</c>) are read run by run in time order (<see cref="RunsInOrder"/>). Nothing is reordered when
/// an input cannot be opened twice (standard input) or shows no time in its first lines.
/// </summary>
internal static class InputOrder
{
    private const int LinesToRead = 64;

    /// <summary>The largest file scanned whole for runs out of order: a paste, a capture, a few rotated files.</summary>
    private const long MaxScanned = 64L * 1024 * 1024;

    /// <summary>More runs than this are no files concatenated (buffered writes of several workers): left as they are.</summary>
    private const int MaxRuns = 64;

    /// <summary>
    /// How far back a line's time may be from the line's before it within one file. nginx writes an access line when its
    /// request ends, with the time it writes it, so an unbuffered access log only goes back by the second its workers'
    /// clocks differ by. An error log's times have no zone, and a daylight-saving change sets them back by up to an hour
    /// (two on Lord Howe), which the error side reads as such: only more is another file.
    /// </summary>
    private static readonly TimeSpan AccessStepBack = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ErrorStepBack = TimeSpan.FromHours(2);

    /// <summary>The smallest daylight-saving change (Lord Howe Island's half hour).</summary>
    private static readonly TimeSpan SmallestFallBack = TimeSpan.FromMinutes(30);

    public static IReadOnlyList<LogInput> Chronological(IReadOnlyList<LogInput> inputs, CancellationToken cancellationToken, bool errorLogs = false)
    {
        if (inputs.Any(i => !i.CanReopen))
        {
            return inputs;
        }

        inputs = [.. inputs.Select(i => OldestFirst(i, errorLogs)).Select(i => RunsInOrder(i, errorLogs ? ErrorStepBack : AccessStepBack, cancellationToken))];
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
    /// back, hardly one forward, or every step back in a paste of a few lines; two seconds or more in all) and it can
    /// seek, last line first after the lines before the first timed one (an export's header). nginx writes both logs
    /// in time order, give or take the second its workers' clocks differ by; an error log's zoneless times also go
    /// back by a daylight-saving change, half an hour or more, which a few lines going back by as much may be.
    /// </summary>
    private static LogInput OldestFirst(LogInput input, bool errorLog)
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
        var span = times.Count > 0 ? times[0] - times[^1] : TimeSpan.Zero;
        var allBack = back >= 1 && forward == 0 && !(errorLog && span >= SmallestFallBack);
        return head >= 0 && ((back >= 3 && forward * 10 <= back) || allBack) && span >= TimeSpan.FromSeconds(2)
            ? input with { Open = () => new ReversedLines(input.Open(), head), NewestFirst = true }
            : input;
    }

    /// <summary>
    /// The input read run by run in time order, when it holds runs of lines that each go forward in time but start
    /// earlier than the run before them by more than <paramref name="stepBack"/>: rotated files concatenated newest
    /// first (<c>cat access.log access.log.1</c>, <c>zcat -f access.log*</c> in <c>ls</c>'s order), which nginx never
    /// writes into one file, each covering its own span of time. A file that can seek and is at most
    /// <see cref="MaxScanned"/> is scanned once for them; lines without a time stay in their run.
    /// </summary>
    private static LogInput RunsInOrder(LogInput input, TimeSpan stepBack, CancellationToken cancellationToken)
    {
        if (input.NewestFirst)
        {
            return input;
        }

        var runs = new List<(long Start, DateTimeOffset? First, DateTimeOffset? Last)> { (0, null, null) };
        long length;
        using (var stream = input.Open())
        {
            if (!stream.CanSeek || stream.Length > MaxScanned)
            {
                return input;
            }

            length = stream.Length;
            DateTimeOffset? last = null;
            var buffer = new byte[64 * 1024];
            var carry = new byte[512];
            var carried = 0;
            long position = 0, lineStart = 0;
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var offset = 0;
                while (offset < read)
                {
                    var newline = buffer.AsSpan(offset, read - offset).IndexOf((byte)'\n');
                    var end = newline < 0 ? read : offset + newline;
                    var take = Math.Min(end - offset, carry.Length - carried);
                    buffer.AsSpan(offset, take).CopyTo(carry.AsSpan(carried));
                    carried += take;
                    if (newline < 0)
                    {
                        break;
                    }

                    if (!Line(carry.AsSpan(0, carried), lineStart))
                    {
                        return input;
                    }

                    carried = 0;
                    offset = end + 1;
                    lineStart = position + offset;
                }

                position += read;
            }

            if (carried > 0 && !Line(carry.AsSpan(0, carried), lineStart))
            {
                return input;
            }

            // A line's first bytes: a new run where its time goes back more than a step; false past MaxRuns.
            bool Line(ReadOnlySpan<byte> head, long start)
            {
                if (TimeIn(head) is not { } time)
                {
                    return true;
                }

                if (last is { } before && time < before - stepBack)
                {
                    if (runs.Count == MaxRuns)
                    {
                        return false;
                    }

                    runs.Add((start, time, time));
                }
                else
                {
                    var (runStart, first, latest) = runs[^1];
                    runs[^1] = (runStart, first ?? time, latest is { } l && l > time ? l : time);
                }

                last = time;
                return true;
            }
        }

        if (runs.Count < 2 || runs.Any(r => r.First is null))
        {
            return input;
        }

        // Files cover one span of time each: runs whose spans overlap once in order are no files pasted together (a
        // shipper's time that is wrong on some lines, streams of several sources), and stay as they are.
        var ordered = Enumerable.Range(0, runs.Count)
            .Select(i => (runs[i].Start, End: i + 1 < runs.Count ? runs[i + 1].Start : length, First: runs[i].First!.Value, Last: runs[i].Last!.Value))
            .OrderBy(r => r.First)
            .ToList();
        if (ordered.Zip(ordered.Skip(1)).Any(pair => pair.First.Last > pair.Second.First + stepBack))
        {
            return input;
        }

        var ranges = ordered.Select(r => (r.Start, r.End)).ToList();
        return input with { Open = () => new RangesInOrder(input.Open(), ranges) };
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
