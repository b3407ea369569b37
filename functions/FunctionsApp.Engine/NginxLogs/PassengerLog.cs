namespace FunctionsApp.NginxLogs;

/// <summary>
/// Lines Phusion Passenger writes into nginx's error log when it runs as nginx's module: its core is then nginx's
/// upstream (over a unix socket) and shares nginx's <c>error_log</c>. Its head is its own, <c>[ W 2021-07-13
/// 16:02:51.7054 56016/Ty Core/Controller/CheckoutSession.cpp:260 ]: </c> (level letter, local time to the 1/10000 s,
/// pid/thread, source file), before Passenger 5.0.6 without the level letter; its time is local like nginx's, so one
/// zone serves both. What it answers itself (a full request queue, an application that sent no complete response) it
/// says with the status: nginx only relays it, and writes no line of its own.
/// </summary>
internal static class PassengerLog
{
    public static bool TryParse(ReadOnlySpan<byte> line, DateTimeOffset? prefixTime, out ErrorLogLine entry)
    {
        entry = default;
        if (line is not [(byte)'[', (byte)' ', ..])
        {
            return false;
        }

        var rest = line[2..];
        var level = ErrorLevel.Error;
        if (rest.IndexOf((byte)' ') is var marker and > 0 and <= 2 && LevelOf(rest[..marker]) is var marked and not ErrorLevel.Unknown)
        {
            level = marked;
            rest = rest[(marker + 1)..];
        }

        var close = rest.IndexOf(" ]: "u8);
        if (rest.Length < 19 || rest[4] != '-' || rest[7] != '-' || rest[10] != ' ' || rest[13] != ':' || rest[16] != ':' || close < 19)
        {
            return false;
        }

        // "[Client 14-14] ": Passenger's name for the client's connection (its thread and number), not nginx's *N.
        var message = rest[(close + 4)..];
        if (message.StartsWith("[Client "u8) && message.IndexOf("] "u8) is var end and > 0)
        {
            message = message[(end + 2)..];
        }

        entry = new ErrorLogLine
        {
            Line = line,
            Timestamp = rest[..19],
            Level = level,
            ConnectionId = -1,
            Message = message,
            PrefixTime = prefixTime,
            Passenger = true,
        };
        return true;
    }

    /// <summary>The level letters of Passenger's LoggingKit: C, E, W, N, I, then D, D2, D3 for debug.</summary>
    private static ErrorLevel LevelOf(ReadOnlySpan<byte> marker) => marker switch
    {
        [(byte)'C'] => ErrorLevel.Crit,
        [(byte)'E'] => ErrorLevel.Error,
        [(byte)'W'] => ErrorLevel.Warn,
        [(byte)'N'] => ErrorLevel.Notice,
        [(byte)'I'] => ErrorLevel.Info,
        [(byte)'D'] or [(byte)'D', (byte)'2' or (byte)'3'] => ErrorLevel.Debug,
        _ => ErrorLevel.Unknown,
    };
}
