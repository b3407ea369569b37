namespace FunctionsApp.NginxLogs;

/// <summary>
/// The time an RFC 3164 syslog header gives (<c>Nov  6 10:12:07</c>): a month, a day and a local clock, with no year
/// and no zone (https://www.rfc-editor.org/rfc/rfc3164#section-4.1.2). It times only what has no time of its own: the
/// lines of a <c>log_format</c> without a time variable (Harbor's proxy, written to syslog).
/// </summary>
internal readonly record struct SyslogClock(int Month, int Day, TimeSpan TimeOfDay)
{
    /// <summary>Reads <c>Mmm dd hh:mm:ss</c> (the day space-padded) at the start of <paramref name="s"/>, after an
    /// optional <c>&lt;PRI&gt;</c>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> s, out SyslogClock clock)
    {
        clock = default;
        if (s.StartsWith("<"u8) && s.IndexOf((byte)'>') is var close and > 1 and <= 4)
        {
            s = s[(close + 1)..];
        }

        if (s.Length < 15 || s[3] != ' ' || s[6] != ' ' || NginxTime.MonthNumber(s[..3]) is not (> 0 and var month))
        {
            return false;
        }

        var day = s[4] == ' ' ? s[5] - '0' : ((s[4] - '0') * 10) + (s[5] - '0');
        var clockText = s.Slice(7, 8);
        if (day is < 1 or > 31 || clockText[2] != ':' || clockText[5] != ':'
            || !TryTwoDigits(clockText[..2], out var hour) || !TryTwoDigits(clockText[3..5], out var minute) || !TryTwoDigits(clockText[6..], out var second)
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        clock = new SyslogClock(month, day, new TimeSpan(hour, minute, Math.Min(second, 59)));
        return true;
    }

    /// <summary>This clock in <paramref name="year"/>, at <paramref name="offset"/>; null when that year has no such
    /// day (29 February).</summary>
    public DateTimeOffset? In(int year, TimeSpan offset) =>
        year is > 1 and < 9999 && Day <= DateTime.DaysInMonth(year, Month)
            ? new DateTimeOffset(year, Month, Day, 0, 0, 0, offset) + TimeOfDay
            : null;

    private static bool TryTwoDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = ((s[0] - '0') * 10) + (s[1] - '0');
        return char.IsAsciiDigit((char)s[0]) && char.IsAsciiDigit((char)s[1]);
    }
}
