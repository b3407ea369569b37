using System.Globalization;

namespace FunctionsApp.NginxConfig;

/// <summary>nginx's time and size syntax (https://nginx.org/en/docs/syntax.html): <c>500ms</c>, <c>30s</c>,
/// <c>1m30s</c>, <c>60</c> (seconds); <c>4k</c>, <c>1m</c>, <c>8192</c> (bytes).</summary>
public static class ConfigValues
{
    public static bool TryParseTime(string text, out TimeSpan time)
    {
        time = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var total = 0.0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            var seconds = text[unitStart..i] switch
            {
                "" or "s" => 1.0,
                "ms" => 0.001,
                "m" => 60,
                "h" => 3600,
                "d" => 86400,
                "w" => 604800,
                "M" => 2592000,
                "y" => 31536000,
                _ => double.NaN,
            };
            if (double.IsNaN(seconds))
            {
                return false;
            }

            total += number * seconds;
        }

        time = TimeSpan.FromSeconds(total);
        return true;
    }

    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var multiplier = char.ToLowerInvariant(text[^1]) switch
        {
            'k' => 1024L,
            'm' => 1024L * 1024,
            'g' => 1024L * 1024 * 1024,
            _ => 1L,
        };
        var digits = multiplier == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        bytes = value * multiplier;
        return true;
    }

    /// <summary>A time as nginx would write it: <c>1s</c>, <c>500ms</c>, <c>2m</c>.</summary>
    public static string FormatTime(TimeSpan time) =>
        time.TotalSeconds >= 60 && time.TotalSeconds % 60 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalMinutes:0}m")
        : time.TotalMilliseconds % 1000 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0}s")
        : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0}ms");

    /// <summary>A byte count the way people read it: <c>512 B</c>, <c>4.0 KiB</c>.</summary>
    public static string FormatBytes(long bytes) =>
        bytes < 1024 ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B") : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB");
}
