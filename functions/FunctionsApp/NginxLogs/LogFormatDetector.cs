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
            var count = 0;
            foreach (var line in sample)
            {
                if (format.TryParse(line, out var entry) && entry.TryGetTime(out _))
                {
                    count++;
                }
            }

            // Presets are ordered most specific first, so only a strictly better count replaces the choice.
            if (count > bestCount)
            {
                (best, bestCount) = (format, count);
            }
        }

        return best;
    }
}
