using System.Buffers.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// Allocation-free parsers for the time formats nginx writes: <c>$time_local</c>
/// (<c>24/Nov/2026:10:00:01 +0100</c>), <c>$time_iso8601</c> (<c>2026-11-24T10:00:01+01:00</c>),
/// <c>$msec</c> (<c>1764000001.123</c>) and the error log's local <c>2026/11/24 10:00:01</c>.
/// </summary>
internal static class NginxTime
{
    /// <summary>
    /// The instants a log line may name: from 1900 (a 32-bit clock that wrapped writes 1901; a broken one on old ARM
    /// Docker hosts, 1931) to the year 9000. Outside them a time is no instant of a log anyone kept (year 0001 in a line
    /// anyone could write), and the arithmetic around it (windows, lookbacks, offsets) would leave the calendar: such a
    /// line is refused like any other that does not parse.
    /// </summary>
    public static readonly DateTimeOffset Earliest = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <inheritdoc cref="Earliest"/>
    public static readonly DateTimeOffset Latest = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Whether <paramref name="time"/> lies between <see cref="Earliest"/> and <see cref="Latest"/>.</summary>
    public static bool IsPlausible(DateTimeOffset time) => time >= Earliest && time < Latest;

    /// <summary>Length of a <c>$time_local</c> value.</summary>
    public const int TimeLocalLength = 26;

    public static bool TryParseTimeLocal(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length != TimeLocalLength || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[20] != ' ')
        {
            return false;
        }

        var month = Month(s.Slice(3, 3));
        return month > 0
            && TryDigits(s[..2], out var day)
            && TryDigits(s.Slice(7, 4), out var year)
            && TryDigits(s.Slice(12, 2), out var hour)
            && TryDigits(s.Slice(15, 2), out var minute)
            && TryDigits(s.Slice(18, 2), out var second)
            && TryOffset(s[21..], out var offset)
            && TryCreate(year, month, day, hour, minute, second, 0, offset, out value);
    }

    public static bool TryParseIso8601(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!TryDigits(s[..4], out var year) || !TryDigits(s.Slice(5, 2), out var month) || !TryDigits(s.Slice(8, 2), out var day)
            || !TryDigits(s.Slice(11, 2), out var hour) || !TryDigits(s.Slice(14, 2), out var minute) || !TryDigits(s.Slice(17, 2), out var second))
        {
            return false;
        }

        var rest = s[19..];
        var millis = 0;
        if (rest.Length > 0 && rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit((char)rest[digits]))
            {
                if (digits <= 3)
                {
                    millis = (millis * 10) + (rest[digits] - '0');
                }

                digits++;
            }

            for (var pad = digits; pad <= 3; pad++)
            {
                millis *= 10;
            }

            rest = rest[digits..];
        }

        var offset = TimeSpan.Zero;
        if (rest.Length == 1 && rest[0] == 'Z')
        {
            rest = default;
        }
        else if (rest.Length > 0 && !TryOffset(rest, out offset))
        {
            return false;
        }

        return TryCreate(year, month, day, hour, minute, second, millis, offset, out value);
    }

    public static bool TryParseMsec(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        var dot = s.IndexOf((byte)'.');
        var whole = dot < 0 ? s : s[..dot];
        if (!Utf8Parser.TryParse(whole, out long seconds, out var consumed) || consumed != whole.Length || seconds < 0 || seconds >= Latest.ToUnixTimeSeconds())
        {
            return false;
        }

        var millis = 0;
        if (dot >= 0)
        {
            var frac = s[(dot + 1)..];
            for (var i = 0; i < 3; i++)
            {
                millis *= 10;
                if (i < frac.Length)
                {
                    if (!char.IsAsciiDigit((char)frac[i]))
                    {
                        return false;
                    }

                    millis += frac[i] - '0';
                }
            }
        }

        value = DateTimeOffset.FromUnixTimeMilliseconds((seconds * 1000) + millis);
        return true;
    }

    /// <summary>
    /// Parses a time by its shape, whichever variable (or shipper) wrote it: <c>$time_local</c> (also in brackets),
    /// ISO 8601 with a zone, or an epoch in seconds, milliseconds, microseconds or nanoseconds. A time without a zone
    /// is not an instant and is refused.
    /// </summary>
    public static bool TryParseAny(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length > 2 && s[0] == '[' && s[^1] == ']')
        {
            s = s[1..^1];
        }

        if (s.Length == TimeLocalLength && s[2] == '/')
        {
            return TryParseTimeLocal(s, out value);
        }

        if (s.Length >= 20 && s[4] == '-' && (s[^1] == 'Z' || OffsetOf(s) is not null))
        {
            return TryParseIso8601(s, out value);
        }

        var dot = s.IndexOf((byte)'.');
        var whole = dot < 0 ? s : s[..dot];
        if (whole.Length is < 9 or > 19 || whole.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        // 10 digits are seconds until the year 2286; more digits are finer units of the same epoch.
        if (whole.Length <= 10)
        {
            return TryParseMsec(s, out value);
        }

        if (dot >= 0 || !Utf8Parser.TryParse(whole, out long units, out _))
        {
            return false;
        }

        var ticks = whole.Length switch
        {
            <= 13 => units * TimeSpan.TicksPerMillisecond,
            <= 16 => units * TimeSpan.TicksPerMicrosecond,
            _ => units / 100,
        };
        if (ticks < 0 || ticks >= Latest.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks)
        {
            return false;
        }

        value = DateTimeOffset.UnixEpoch.AddTicks(ticks);
        return true;
    }

    /// <summary>The UTC offset at the end of an ISO 8601 time (<c>+05:45</c>, <c>-0300</c>, <c>Z</c>), or null.</summary>
    public static TimeSpan? OffsetOf(ReadOnlySpan<byte> iso)
    {
        if (iso.Length >= 20 && iso[^1] == 'Z')
        {
            return TimeSpan.Zero;
        }

        if (iso.Length >= 25 && iso[^3] == ':' && TryOffset(iso[^6..], out var colon))
        {
            return colon;
        }

        return iso.Length >= 24 && iso[^5] is (byte)'+' or (byte)'-' && TryOffset(iso[^5..], out var plain) ? plain : null;
    }

    /// <summary>Parses the error log's <c>yyyy/MM/dd HH:mm:ss</c>, which has no zone: nginx writes local time (as does
    /// Phusion Passenger in the same log, <c>yyyy-MM-dd HH:mm:ss</c>: <see cref="PassengerLog"/>).</summary>
    public static bool TryParseErrorLogTime(ReadOnlySpan<byte> s, TimeSpan offset, out DateTimeOffset value)
    {
        value = default;
        return s.Length >= 19 && s[4] is (byte)'/' or (byte)'-' && s[7] == s[4] && s[10] == ' ' && s[13] == ':' && s[16] == ':'
            && TryDigits(s[..4], out var year) && TryDigits(s.Slice(5, 2), out var month) && TryDigits(s.Slice(8, 2), out var day)
            && TryDigits(s.Slice(11, 2), out var hour) && TryDigits(s.Slice(14, 2), out var minute) && TryDigits(s.Slice(17, 2), out var second)
            && TryCreate(year, month, day, hour, minute, second, 0, offset, out value);
    }

    private static bool TryCreate(int year, int month, int day, int hour, int minute, int second, int millis, TimeSpan offset, out DateTimeOffset value)
    {
        value = default;
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 60 || offset.Duration() > TimeSpan.FromHours(14))
        {
            return false;
        }

        // A leap second (:60) is folded into the next second rather than rejected. A time outside the plausible ones
        // ("0001-01-01T00:00:00+05:00" is not even in the calendar once its offset applies) is refused, not thrown.
        var utc = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), millis).Ticks - offset.Ticks
            + (second == 60 ? TimeSpan.TicksPerSecond : 0);
        if (utc < Earliest.UtcTicks || utc >= Latest.UtcTicks)
        {
            return false;
        }

        value = new DateTimeOffset(utc, TimeSpan.Zero);
        return true;
    }

    private static bool TryOffset(ReadOnlySpan<byte> s, out TimeSpan offset)
    {
        offset = default;
        if (s.Length is not (5 or 6) || (s[0] != '+' && s[0] != '-'))
        {
            return false;
        }

        var minutesPart = s.Length == 6 ? (s[3] == ':' ? s.Slice(4, 2) : default) : s.Slice(3, 2);
        if (!TryDigits(s.Slice(1, 2), out var hours) || minutesPart.IsEmpty || !TryDigits(minutesPart, out var minutes))
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (s[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            var d = c - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
    }

    /// <summary>1–12 for an English month abbreviation (<c>Jan</c>…<c>Dec</c>, any case), else 0.</summary>
    public static int MonthNumber(ReadOnlySpan<byte> s) => s.Length >= 3 ? Month(s) : 0;

    private static int Month(ReadOnlySpan<byte> s) => (s[0] | 0x20, s[1] | 0x20, s[2] | 0x20) switch
    {
        ('j', 'a', 'n') => 1,
        ('f', 'e', 'b') => 2,
        ('m', 'a', 'r') => 3,
        ('a', 'p', 'r') => 4,
        ('m', 'a', 'y') => 5,
        ('j', 'u', 'n') => 6,
        ('j', 'u', 'l') => 7,
        ('a', 'u', 'g') => 8,
        ('s', 'e', 'p') => 9,
        ('o', 'c', 't') => 10,
        ('n', 'o', 'v') => 11,
        ('d', 'e', 'c') => 12,
        _ => 0,
    };
}
