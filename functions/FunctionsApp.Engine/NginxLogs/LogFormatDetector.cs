namespace FunctionsApp.NginxLogs;

/// <summary>
/// Picks the access-log format from the first lines when none was given. Candidates: the presets (combined, main,
/// ingress-nginx, Nginx Proxy Manager's), a JSON template inferred from the keys (<see cref="JsonFormatInference"/>),
/// and text templates inferred from the values (<see cref="TextFormatInference"/>). Each is scored on the sample by
/// the lines it reads with a status, a time and plausible fields; among those that read at least 90 % as many lines
/// as the best, the one that tells the engine most wins (<see cref="AccessLogFormat.Richness"/>), a preset on a tie.
/// </summary>
internal static class LogFormatDetector
{
    /// <summary>Lines read from the start of each input to choose its prefix and, for the first, the format.</summary>
    public const int SampleLines = 100;

    /// <summary>The best format for the sample, or null when none reads any line.</summary>
    public static AccessLogFormat? Detect(IReadOnlyList<byte[]> sample)
    {
        var lines = sample.Where(l => !l.AsSpan().Trim(" \t"u8).IsEmpty).ToList();
        if (lines.Count == 0)
        {
            return null;
        }

        var candidates = new List<AccessLogFormat>();
        if (lines.Count(l => JsonFormatInference.IsJsonLine(l)) * 2 >= lines.Count)
        {
            if (JsonFormatInference.Infer(lines) is { } inferred)
            {
                candidates.Add(inferred);
            }

            candidates.Add(AccessLogFormat.CreateJson());
        }
        else
        {
            candidates.AddRange(AccessLogFormat.CreatePresets().Where(format => !format.IsJson));
            candidates.AddRange(TextFormatInference.Infer(lines));
        }

        var scored = candidates.Select(format => (Format: format, Count: Count(lines, format))).Where(c => c.Count > 0).ToList();
        if (scored.Count == 0)
        {
            return null;
        }

        var best = scored.Max(c => c.Count);
        var eligible = scored.Where(c => c.Count * 10 >= best * 9).ToList();
        var richest = eligible.Max(c => c.Format.Richness);
        return eligible.Where(c => c.Format.Richness == richest).MaxBy(c => c.Count).Format;
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
        var formats = new Dictionary<LinePrefix, AccessLogFormat?>();
        var prefix = LinePrefix.Best(
            sample,
            candidate =>
            {
                var stripped = candidate.IsNone ? sample : Strip(sample, candidate);
                var format = formats[candidate] = Detect(stripped);
                var header = candidate.StartsWithHeader ? 256 : 0;
                return format is null ? 0 : (Count(stripped, format) * 512) + header + Math.Min(format.Richness, 255);
            },
            weakWinsTies: true);
        return new FormatDetection(formats[prefix], prefix);
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
                var body = line.AsSpan(candidate.Strip(line, out _));
                if (format.TryParse(body, out var entry) && entry.IsPlausible && entry.TryGetTime(out _))
                {
                    valid++;
                    declared += AccessLogEntry.TryParseTimeAsDeclared(entry.GetTimeText(out var field), field, out _) ? 1 : 0;
                }
            }

            // Lines read first; among readings of as many lines, the one with more times read as declared.
            return (valid * (sample.Count + 1)) + declared;
        });

    private static byte[][] Strip(IReadOnlyList<byte[]> sample, LinePrefix prefix) =>
        [.. sample.Select(line => line[prefix.Strip(line, out _)..])];

    private static int Count(IReadOnlyList<byte[]> sample, AccessLogFormat format)
    {
        var count = 0;
        foreach (var line in sample)
        {
            if (format.TryParse(line, out var entry) && entry.TryGetTime(out _) && entry.IsPlausible)
            {
                count++;
            }
        }

        return count;
    }
}
