namespace FunctionsApp.NginxLogs;

/// <summary>
/// Picks the access-log format from the first lines when none was given: every preset is tried on
/// the sample, the one that parses most lines wins, and among equals the most specific (most fields).
/// </summary>
internal static class LogFormatDetector
{
    public const int SampleLines = 50;

    /// <summary>The best preset for the sample, or null when no preset parses any line.</summary>
    public static AccessLogFormat? Detect(IReadOnlyList<byte[]> sample)
    {
        AccessLogFormat? best = null;
        var bestCount = 0;
        foreach (var format in AccessLogFormat.CreatePresets())
        {
            var count = Count(sample, format);

            // Presets are ordered most specific first, so only a strictly better count replaces the choice.
            if (count > bestCount)
            {
                (best, bestCount) = (format, count);
            }
        }

        return best;
    }

    /// <summary>
    /// The format and the prefix of an input nobody described: the sample is read as it is and with the prefix
    /// shape its lines start with removed, and the reading that parses more lines wins (the prefix on a tie).
    /// </summary>
    public static FormatDetection DetectWithPrefix(IReadOnlyList<byte[]> sample)
    {
        // Score a reading by the lines it parses, then by the fields its format has: a pipe-separated format that
        // starts with a name parses as well without its first field, but has one field fewer.
        var formats = new Dictionary<LinePrefix, AccessLogFormat?>();
        var prefix = LinePrefix.Best(sample, candidate =>
        {
            var stripped = candidate.IsNone ? sample : Strip(sample, candidate);
            var format = formats[candidate] = Detect(stripped);
            return format is null ? 0 : (Count(stripped, format) * 64) + Math.Min(format.FieldCount, 63);
        });
        return new FormatDetection(formats[prefix], prefix);
    }

    /// <summary>The prefix of an input whose format is known: kept when more lines parse without it.</summary>
    public static LinePrefix ChoosePrefix(IReadOnlyList<byte[]> sample, AccessLogFormat format) =>
        LinePrefix.Choose(sample, line => format.TryParse(line, out var entry) && entry.TryGetTime(out _) && entry.IsPlausible);

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
