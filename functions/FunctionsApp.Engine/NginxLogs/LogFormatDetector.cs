namespace FunctionsApp.NginxLogs;

/// <summary>
/// Picks the access-log format from the first lines when none was given. Candidates: the presets (combined, main,
/// ingress-nginx, Nginx Proxy Manager's), a JSON template inferred from the keys (<see cref="JsonFormatInference"/>),
/// and text templates inferred from the values (<see cref="TextFormatInference"/>). Each is scored on the sample by
/// the lines it reads with a status, a time and plausible fields; among those that read at least 90 % as many lines
/// as the best, the one that tells the engine most wins (<see cref="AccessLogFormat.Richness"/>), a preset on a tie,
/// unless the winner is another program's template and a preset reads nginx's lines (<see cref="NginxsOwnLines"/>).
/// </summary>
internal static class LogFormatDetector
{
    /// <summary>Lines read from the start of each input to choose its prefix and, for the first, the format.</summary>
    public const int SampleLines = 100;

    /// <summary>The best format for the sample, or null when none reads any line.</summary>
    public static AccessLogFormat? Detect(IReadOnlyList<byte[]> sample) => DetectReading(sample, timedByPrefix: false).Format;

    /// <summary>The best format for the sample, and the best reading of it: how many lines it reads and how much it tells
    /// (which a preset chosen for nginx's own lines among another program's does not: <see cref="NginxsOwnLines"/>).
    /// <paramref name="timedByPrefix"/>: every line's prefix gives a time, so a format without one reads them too.</summary>
    private static (AccessLogFormat? Format, int Read, int Richness) DetectReading(IReadOnlyList<byte[]> sample, bool timedByPrefix)
    {
        var lines = sample.Where(l => !l.AsSpan().Trim(" \t"u8).IsEmpty).ToList();
        if (lines.Count == 0)
        {
            return (null, 0, 0);
        }

        var candidates = new List<AccessLogFormat>();
        var presets = new HashSet<AccessLogFormat>();
        var json = lines.Count(l => JsonFormatInference.IsJsonLine(l));
        if (json * 2 < lines.Count)
        {
            presets.UnionWith(AccessLogFormat.CreatePresets().Where(format => !format.IsJson));
            candidates.AddRange(presets);
            candidates.AddRange(TextFormatInference.Infer(lines));
        }

        // JSON lines, most of the sample or the only lines a text format cannot read (JSON access lines after the
        // official image's /docker-entrypoint.sh banner in `docker logs`, which outnumbers them after a restart).
        if (json > 0 && (json * 2 >= lines.Count || !candidates.Exists(format => Count(lines, format, timedByPrefix) > 0)))
        {
            candidates.Clear();
            presets.Clear();
            if (JsonFormatInference.Infer(lines) is { } inferred)
            {
                candidates.Add(inferred);
            }

            candidates.Add(AccessLogFormat.CreateJson());
        }

        var scored = candidates.Select(format => (Format: format, Count: Count(lines, format, timedByPrefix))).Where(c => c.Count > 0).ToList();
        if (scored.Count == 0)
        {
            return (null, 0, 0);
        }

        var best = scored.Max(c => c.Count);
        var eligible = scored.Where(c => c.Count * 10 >= best * 9).ToList();
        if (eligible.Count > 1 && eligible.Exists(c => c.Format.IsJson && !c.Format.LearnsEveryKey))
        {
            // The template inferred from the values read the lines as well as learning keys by name: it saw what the
            // values are (a "host" of client addresses), where the name alone guesses.
            eligible.RemoveAll(c => c.Format.LearnsEveryKey);
        }

        var richest = eligible.Max(c => c.Format.Richness);
        var (chosen, read) = eligible.Where(c => c.Format.Richness == richest).MaxBy(c => c.Count);
        var format = presets.Contains(chosen) ? chosen : NginxsOwnLines(lines, chosen, scored.Where(c => presets.Contains(c.Format) && c.Count * 10 >= lines.Count), timedByPrefix) ?? chosen;
        return (format, read, richest);
    }

    /// <summary>
    /// A stream of several programs (<c>docker compose logs</c>, a syslog file) may hold more lines of another program
    /// than of nginx, and a template inferred from the sample reads those. Lines a preset reads are in a format nginx
    /// ships; when the inferred template reads fewer than half of them, it describes another program's lines, and the
    /// preset nginx's. Null when no preset reads such lines.
    /// </summary>
    private static AccessLogFormat? NginxsOwnLines(List<byte[]> lines, AccessLogFormat inferred, IEnumerable<(AccessLogFormat Format, int Count)> presets, bool timedByPrefix)
    {
        (AccessLogFormat Format, int Count)? found = null;
        foreach (var (preset, count) in presets)
        {
            var both = lines.Count(line => Reads(preset, line, timedByPrefix) && Reads(inferred, line, timedByPrefix));
            if (both * 2 < count && (found is null || count > found.Value.Count))
            {
                found = (preset, count);
            }
        }

        return found?.Format;
    }

    private static bool Reads(AccessLogFormat format, ReadOnlySpan<byte> line, bool timedByPrefix = false) =>
        format.TryParse(line, out var entry) && (entry.TryGetTime(out _) || (timedByPrefix && Timeless(format))) && entry.IsPlausible
        && (!format.StartsWithHost || IsHostName(entry.Get(AccessField.Host)));

    /// <summary>
    /// What a request's Host can be: a name with a dot (or <c>localhost</c>, or nginx's <c>_</c>), an IPv4 address or a
    /// bracketed IPv6 one, a port after it. A format that starts with <c>$host</c> reads any line of another format
    /// behind one word, so the word must be a host: not a shipper's timestamp, a container's name or a syslog tag.
    /// </summary>
    private static bool IsHostName(ReadOnlySpan<byte> host)
    {
        if (host.IsEmpty || host.IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]"u8) >= 0)
        {
            return false;
        }

        // A date-time ("2021-09-29T10:31:02Z", "2024-01-24") is a shipper's, not a name.
        if (host.Length >= 10 && host[..4].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0 && host[4] == '-')
        {
            return false;
        }

        // Brackets only around an IPv6 address ("[2001:db8::1]:443"); a syslog tag has them too ("app[web.1]:").
        var close = host.IndexOf((byte)']');
        if (host.IndexOfAny((byte)'[', (byte)']') >= 0)
        {
            return host[0] == '[' && close > 1 && host[1..close].IndexOfAnyExcept("0123456789abcdefABCDEF:."u8) < 0 && (close == host.Length - 1 || host[close + 1] == ':');
        }

        var colon = host.IndexOf((byte)':');
        return host.IndexOf((byte)'.') > 0 || host.SequenceEqual("_"u8) || (colon < 0 ? host : host[..colon]).SequenceEqual("localhost"u8);
    }

    /// <summary>
    /// The format and the prefix of an input nobody described: the sample is read as it is and with the prefix
    /// shape its lines start with removed (and each leading part of it), and the reading that parses most lines
    /// wins, then the richer format, then the longer prefix.
    /// </summary>
    public static FormatDetection DetectWithPrefix(IReadOnlyList<byte[]> sample)
    {
        // A pipe-separated format that starts with a name parses as well without its first field, but tells less (a
        // host); a compose prefix read as part of the line only adds fields nothing identifies: on a tie, strip it.
        // A header only a shipper or runtime writes (syslog, CRI, a timestamp, kubectl's, Loki's labels) is stripped
        // when as many lines parse behind it, however many fields reading it as part of the line would add: they are
        // the shipper's (a syslog PROCID taken for $host), not nginx's.
        // A format without a time is read behind a prefix that gives one (Harbor's behind syslog) only when no format
        // reads the lines with a time of their own: a line that starts with its $time_iso8601 reads so, and a prefix
        // taken for that time must not leave a timeless reading of the rest.
        var formats = new Dictionary<LinePrefix, AccessLogFormat?>();
        var bare = DetectReading(sample, timedByPrefix: false);
        var prefix = LinePrefix.Best(
            sample,
            candidate =>
            {
                var stripped = candidate.IsNone ? sample : Strip(sample, candidate);
                var (format, read, richness) = candidate.IsNone ? bare : DetectReading(stripped, bare.Read == 0 && TimedByPrefix(sample, candidate));
                formats[candidate] = format;
                var header = candidate.StartsWithHeader || TaggedNginx(sample, candidate) || PaddedService(sample, candidate) ? 256 : 0;
                header -= stripped.All(StartsWithPaddedColumn) ? 256 : 0;
                return format is null ? 0 : (read * 512) + header + Math.Min(richness, 255);
            },
            weakWinsTies: true);
        return new FormatDetection(formats[prefix], prefix);
    }

    /// <summary>
    /// Every line's prefix holds a service name padded to a column before its bar (<c>nginx.1     | </c>, as docker
    /// compose and nginx-proxy's output align their services): a runtime's column, not a pipe-separated format's first
    /// field, which nginx writes with the format's one separator.
    /// </summary>
    private static bool PaddedService(IReadOnlyList<byte[]> sample, LinePrefix prefix) => EveryPrefix(sample, prefix, IsPaddedColumn);

    /// <summary>A line that still starts with a padded service column (<c>nginx.1     | </c>): the runtime's, left in.</summary>
    private static bool StartsWithPaddedColumn(byte[] line) =>
        LinePrefix.Match(PrefixLayer.DockerCompose, line, out _) is > 0 and var column && IsPaddedColumn(line.AsSpan(0, column));

    private static bool IsPaddedColumn(ReadOnlySpan<byte> text) => text.IndexOf("  |"u8) >= 0;

    /// <summary>Whether the text <paramref name="prefix"/> removes from each line of the sample passes <paramref name="test"/>.</summary>
    private static bool EveryPrefix(IReadOnlyList<byte[]> sample, LinePrefix prefix, LineTest test)
    {
        if (prefix.IsNone || sample.Count == 0)
        {
            return false;
        }

        foreach (var line in sample)
        {
            if (!test(line.AsSpan(0, prefix.Strip(line, out _))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Every line's prefix ends with nginx's syslog tag (<c>nginx: </c>, <c>nginx[1234]: </c>), whatever precedes it
    /// (<c>frontend.0 nginx: </c> has no time): a shipper's mark like a header, not fields of nginx's line.
    /// </summary>
    private static bool TaggedNginx(IReadOnlyList<byte[]> sample, LinePrefix prefix) => EveryPrefix(sample, prefix, EndsWithNginxTag);

    private static bool EndsWithNginxTag(ReadOnlySpan<byte> prefix)
    {
        var tag = prefix.TrimEnd((byte)' ');
        if (tag.EndsWith("]:"u8) && tag.LastIndexOf((byte)'[') is var open and > 0)
        {
            tag = tag[..open];
        }
        else if (tag.EndsWith(":"u8))
        {
            tag = tag[..^1];
        }
        else
        {
            return false;
        }

        return tag.EndsWith("nginx"u8) && (tag.Length == 5 || tag[^6] == (byte)' ');
    }

    /// <summary>
    /// The prefix of an input whose format is known: kept when more lines parse without it, or as many but with their
    /// time read as the variable it is. A format that starts with a variable takes a prefix into that value
    /// (<c>$msec</c> then holds <c>2025-06-28T09:08:38Z</c>, which reads as a time by its shape): only the prefix
    /// removed leaves epoch seconds there.
    /// </summary>
    public static LinePrefix ChoosePrefix(IReadOnlyList<byte[]> sample, AccessLogFormat format) =>
        LinePrefix.Best(sample, candidate =>
        {
            var (valid, declared) = (0, 0);
            foreach (var line in sample)
            {
                var body = line.AsSpan(candidate.Strip(line, out var stamped, out var relayed, out var clock));
                if (format.TryParse(body, out var entry) && entry.IsPlausible
                    && (entry.TryGetTime(out _) || (Timeless(format) && ((stamped ?? relayed) is not null || clock is not null))))
                {
                    valid++;
                    declared += AccessLogEntry.TryParseTimeAsDeclared(entry.GetTimeText(out var field), field, out _) ? 1 : 0;
                }
            }

            // Lines read first; among readings of as many lines, the one with more times read as declared.
            return (valid * (sample.Count + 1)) + declared;
        });

    /// <summary>Whether <paramref name="prefix"/> gives every line of the sample a time (a runtime's stamp, a syslog
    /// header's): a format without a time of its own can then be read.</summary>
    private static bool TimedByPrefix(IReadOnlyList<byte[]> sample, LinePrefix prefix)
    {
        if (prefix.IsNone)
        {
            return false;
        }

        foreach (var line in sample)
        {
            prefix.Strip(line, out var stamped, out var relayed, out var clock);
            if ((stamped ?? relayed) is null && clock is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A log_format with no time variable (Harbor's): its lines are timed by the prefix a shipper put before them.</summary>
    public static bool Timeless(AccessLogFormat format) =>
        !format.Has(AccessField.TimeLocal) && !format.Has(AccessField.TimeIso8601) && !format.Has(AccessField.Msec);

    private static byte[][] Strip(IReadOnlyList<byte[]> sample, LinePrefix prefix) =>
        [.. sample.Select(line => line[prefix.Strip(line, out _)..])];

    /// <summary>How many lines (their prefix removed) the format reads with plausible fields and a time, its own or,
    /// <paramref name="timedByPrefix"/>, the prefix's.</summary>
    private static int Count(IReadOnlyList<byte[]> lines, AccessLogFormat format, bool timedByPrefix) =>
        lines.Count(line => Reads(format, line, timedByPrefix));

    /// <summary>How many lines of the sample the format reads with a time and plausible fields (behind
    /// <paramref name="prefix"/>, when given).</summary>
    public static int Count(IReadOnlyList<byte[]> sample, AccessLogFormat format, LinePrefix? prefix = null)
    {
        var count = 0;
        foreach (var line in sample)
        {
            var start = prefix is { IsNone: false } shape ? shape.Strip(line, out _) : 0;
            count += Reads(format, line.AsSpan(start)) ? 1 : 0;
        }

        return count;
    }
}
