using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// Parses nginx error-log lines (https://nginx.org/en/docs/ngx_core_module.html#error_log) without
/// allocating. Lines are cut by nginx at 2048 bytes, so a context field may be missing or truncated:
/// whatever is there is taken, nothing is required beyond the timestamp, level and message. The head is the
/// same from nginx 1.10 to 1.27 and on every OS; messages differ per OS only in their errno texts.
/// </summary>
internal static class ErrorLogParser
{
    public static bool TryParse(ReadOnlySpan<byte> line, out ErrorLogLine entry) => TryParse(line, null, out entry);

    /// <summary>
    /// Parses a line that starts with nginx's error-line head, or carries one after a prefix of a shape nobody
    /// described (a UI's own timestamp, a process manager's name column, two syslog headers): the head
    /// <c>yyyy/MM/dd HH:mm:ss [level]</c> is searched for in the line's first bytes and everything before it dropped.
    /// </summary>
    public static bool TryParseAnywhere(ReadOnlySpan<byte> line, DateTimeOffset? prefixTime, out ErrorLogLine entry)
    {
        if (TryParse(line, prefixTime, out entry))
        {
            return true;
        }

        var window = line[..Math.Min(line.Length, MaxUnknownPrefix + 22)];
        var from = 0;
        while (window[from..].IndexOf((byte)'/') is var slash and >= 0)
        {
            var start = from + slash - 4;
            from += slash + 1;
            if (start >= 0 && (start == 0 || IsEndOfPrefix(line[start - 1]))
                && TryParse(line[start..], prefixTime, out entry))
            {
                return true;
            }
        }

        // Phusion Passenger's head after the prefix ("[ W 2021-07-13 …").
        var head = window.IndexOf("[ "u8);
        if (head > 0 && IsEndOfPrefix(line[head - 1]) && PassengerLog.TryParse(line[head..], prefixTime, out entry))
        {
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>
    /// What an unknown prefix can end with right before nginx's head: a separator, or the last character of a
    /// timestamp glued to the head without one (TrueNAS SCALE's log view prints
    /// <c>2022-09-13 07:49:41.528443+00:002022/09/13 07:49:41 [error] ...</c>): a digit or the zone's <c>Z</c>; or the
    /// Markdown a paste was wrapped in (<c>**2020/06/17 …</c>, <c>`2023/03/18 …</c>, <c>&gt;2020/…</c>); or the start of
    /// a record's field that holds the line (journalctl's <c>MESSAGE=</c>, an OpenTelemetry debug exporter's
    /// <c>Body: Str(</c>, a quoted YAML or JSON string).
    /// </summary>
    private static bool IsEndOfPrefix(byte c) =>
        c is (byte)' ' or (byte)'\t' or (byte)'|' or (byte)':' or (byte)']' or (byte)'Z' or (byte)'*' or (byte)'`' or (byte)'>'
            or (byte)'=' or (byte)'(' or (byte)'\'' or (byte)'"' || char.IsAsciiDigit((char)c);

    /// <summary>How far into a line an error-line head is looked for after an unknown prefix.</summary>
    private const int MaxUnknownPrefix = 200;

    /// <summary><c>0yy/MM/dd HH:mm:ss [</c>: nginx's time without the first digit of its year (20yy).</summary>
    private static bool YearLostItsFirstDigit(ReadOnlySpan<byte> line) =>
        line.Length >= 21 && line[0] == '0' && char.IsAsciiDigit((char)line[1]) && char.IsAsciiDigit((char)line[2])
        && line[3] == '/' && line[6] == '/' && line[9] == ' ' && line[12] == ':' && line[15] == ':' && line[18] == ' ' && line[19] == '[';

    /// <summary>Parses a line whose shipper's prefix (with its own zoned time) was removed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, DateTimeOffset? prefixTime, out ErrorLogLine entry)
    {
        entry = default;
        if (YearLostItsFirstDigit(line))
        {
            // A selection that began one byte into nginx's time ("021/01/27 00:16:41 [error] …"): the rest of the head
            // is whole, and the year is this century's.
            byte[] whole = [(byte)'2', .. line];
            return TryParse(whole, prefixTime, out entry);
        }

        if (line.Length < 22 || line[4] != '/' || line[7] != '/' || line[10] != ' ' || line[19] != ' ')
        {
            return PassengerLog.TryParse(line, prefixTime, out entry);
        }

        // The level's bracket, after the Markdown emphasis a paste may have put before it (`15:38:11 **[error] …`).
        var open = 20;
        while (open < 23 && open < line.Length && line[open] == '*')
        {
            open++;
        }

        var levelEnd = open < line.Length - 1 && line[open] == '[' ? line[(open + 1)..].IndexOf((byte)']') : -1;
        if (levelEnd < 0)
        {
            // A level the paste rendered as something else (a forum's migration turned "[crit]" into a link): the rest of
            // nginx's head, "pid#tid: ", still says whose line it is. Read at [error], the least a failed try is logged at.
            return line[20..].IndexOf((byte)' ') is var word and > 0 and <= 60 && StartsWithProcess(line[(21 + word)..])
                && TryParseBody(line, line[..19], ErrorLevel.Error, line[(21 + word)..], prefixTime, headless: false, out entry);
        }

        var level = ParseLevel(line.Slice(open + 1, levelEnd));
        return TryParseBody(line, line[..19], level, line[(open + 2 + levelEnd)..].TrimStart((byte)' '), prefixTime, headless: false, out entry);
    }

    /// <summary>
    /// Parses a line posted without nginx's time (people paste from <c>[error] 31#31: *7 connect() failed …</c>, from
    /// <c>*7 …</c>, or from the message itself): the rest of nginx's head where there is one, then a message that names
    /// the request's <c>client:</c> (or the resolver's <c>resolver:</c>), as nginx's lines about a request do, or that
    /// ends in a phase of the upstream's (<c>… while connecting to upstream</c>: a fragment posted without its context).
    /// Its <see cref="ErrorLogLine.Timestamp"/> is empty: the reader gives it the time of the line before it.
    /// </summary>
    public static bool TryParseHeadless(ReadOnlySpan<byte> line, out ErrorLogLine entry)
    {
        entry = default;

        // A Markdown quote or code span around the paste ("> [error] 4610#0: *19 …"), the quotes of a string it was
        // pasted as ('connect() failed …'), or the dots of an excerpt ("...upstream prematurely closed …", "…"), are not
        // nginx's; nor what a paste left of nginx's time ("12 [error] …", "15:12:26 [error] …": digits and separators
        // right before the level).
        var rest = WithoutEmphasis(WithoutEllipsis(line.TrimStart(" \t>`'\""u8)).TrimStart(" \t>`'\""u8));
        var remnant = rest.IndexOfAnyExcept("0123456789/:.- "u8);
        if (remnant > 0 && rest[remnant] == '[' && char.IsAsciiDigit((char)rest[0]))
        {
            rest = rest[remnant..];
        }
        else if (rest.Length > 0 && rest[0] != '[' && HeadInside(rest) is > 0 and var head)
        {
            // Whatever stands before nginx's "[level] pid#tid: " that no rule above knows (a placeholder the poster
            // typed for the time, "<date> <time>", a redacted one, a viewer's columns) is not nginx's: drop it.
            rest = rest[head..];
        }

        // A viewer's tag before the level: Filebeat's nginx module as Kibana renders it ("[nginx][error] upstream …").
        while (rest.Length > 2 && rest[0] == '[' && rest[1..].IndexOf((byte)']') is var tag and > 0 and <= 20
            && !IsLevel(rest.Slice(1, tag)) && rest.Slice(1, tag).IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789_-."u8) < 0
            && rest[(tag + 2)..].TrimStart((byte)' ') is [(byte)'[', ..] next)
        {
            rest = next;
        }

        var level = ErrorLevel.Error;
        var levelShown = false;
        if (rest.Length > 2 && rest[0] == '[' && rest[1..].IndexOf((byte)']') is var close and >= 4 and <= 6)
        {
            levelShown = true;
            level = ParseLevel(rest.Slice(1, close));
            if (level == ErrorLevel.Unknown)
            {
                return false;
            }

            // "[error]: *1 …": a paste that turned nginx's "pid#tid:" into a colon after the level.
            rest = rest[(close + 2)..].TrimStart(" :"u8);
        }
        else if (rest.IndexOf("] "u8) is var cut and >= 4 and <= 6 && IsLevel(rest[..cut]) && StartsWithProcessId(rest[(cut + 2)..]))
        {
            // "error] 29#29: *27 …": a selection that began one byte into nginx's "[level]"; the process after it says
            // whose line it is.
            levelShown = true;
            level = ParseLevel(rest[..cut]);
            rest = rest[(cut + 2)..];
        }

        if (!levelShown && ProcessBehindWrapper(rest, out var wrappedLevel) is > 0 and var process)
        {
            levelShown = true;
            level = wrappedLevel;
            rest = rest[process..];
        }

        if (rest.IndexOf(", client: "u8) > 0 || rest.IndexOf(", resolver: "u8) > 0 || InUpstreamPhase(rest) || IsUpstreamVerdict(rest)
            || (levelShown && SkipProcess(rest) is var afterProcess && afterProcess.Length < rest.Length
                && (IsRequestlessAlarm(afterProcess) || IsPeerlessConnect(SkipConnection(afterProcess, out _))))
            || (level == ErrorLevel.Emerg && IsConfigRefusal(SkipProcess(rest))))
        {
            return TryParseBody(line, default, level, rest, null, headless: true, out entry);
        }

        return RequestMessageIn(rest) is { IsEmpty: false } message && TryParseBody(line, default, level, message, null, headless: true, out entry);
    }

    /// <summary>
    /// Where nginx's <c>[level] pid#tid: </c> starts in the first bytes of <paramref name="text"/>, or -1: nginx writes that
    /// sequence on every line, so it marks the head even where what came before it is no time nginx wrote. A level
    /// followed by a message about a request (<c>&lt;datetime&gt; [error] connect() failed …, client: …</c>: the process
    /// left out with the time) marks it too.
    /// </summary>
    private static int HeadInside(ReadOnlySpan<byte> text)
    {
        var window = text[..Math.Min(text.Length, MaxUnknownPrefix)];
        for (var from = 0; window[from..].IndexOf((byte)'[') is var open and >= 0;)
        {
            var start = from + open;
            from = start + 1;
            var close = text[from..].IndexOf((byte)']');
            if (close is >= 4 and <= 6 && IsLevel(text.Slice(from, close)) && text[(from + close + 1)..] is [(byte)' ', .. var process]
                && (StartsWithProcessId(process) || process.IndexOf(", client: "u8) > 0 || IsUpstreamVerdict(process)))
            {
                return start;
            }
        }

        return -1;
    }

    /// <summary>
    /// Where nginx's <c>pid#tid: *N </c> starts behind a head of another program's that nobody described: an application
    /// that runs nginx, captures its stderr and logs each line in its own words (<c>[18-01-2019 04:29:45.618] [ERROR]
    /// [NGINX] 41#0: *2 connect() failed …</c>). Only after a blank, and only with the connection number nginx writes
    /// for a request's lines; the level is the head's bracketed level word in any case (error when none).
    /// -1 when there is none such.
    /// </summary>
    private static int ProcessBehindWrapper(ReadOnlySpan<byte> text, out ErrorLevel level)
    {
        level = ErrorLevel.Error;
        var window = text[..Math.Min(text.Length, MaxUnknownPrefix)];
        for (var from = 1; from < window.Length && window[from..].IndexOf((byte)'#') is var hash and >= 0;)
        {
            var at = from + hash;
            from = at + 1;
            var start = at;
            while (start > 0 && char.IsAsciiDigit((char)text[start - 1]))
            {
                start--;
            }

            if (start == at || start < 1 || text[start - 1] is not ((byte)' ' or (byte)'\t')
                || SkipProcess(text[start..]) is not [(byte)'*', >= (byte)'0' and <= (byte)'9', ..])
            {
                continue;
            }

            level = LevelWordIn(text[..start]);
            return start;
        }

        return -1;
    }

    /// <summary>The first bracketed level word of another program's head, in any case (<c>[ERROR]</c>); error when none.</summary>
    private static ErrorLevel LevelWordIn(ReadOnlySpan<byte> head)
    {
        Span<byte> lower = stackalloc byte[6];
        for (var rest = head; rest.IndexOf((byte)'[') is var open and >= 0; rest = rest[(open + 1)..])
        {
            var word = rest[(open + 1)..];
            var close = word.IndexOf((byte)']');
            if (close is >= 4 and <= 6 && System.Text.Ascii.ToLower(word[..close], lower, out var written) == System.Buffers.OperationStatus.Done
                && ParseLevel(lower[..written]) is var found and not ErrorLevel.Unknown)
            {
                return found;
            }
        }

        return ErrorLevel.Error;
    }

    /// <summary>The text after the dots an excerpt starts with (<c>...</c>, <c>…</c>): nginx starts no message with a dot.</summary>
    private static ReadOnlySpan<byte> WithoutEllipsis(ReadOnlySpan<byte> text)
    {
        while (true)
        {
            if (text.StartsWith("..."u8))
            {
                text = text[3..].TrimStart((byte)'.');
            }
            else if (text.StartsWith("\u2026"u8))
            {
                text = text[3..];
            }
            else
            {
                return text;
            }
        }
    }

    /// <summary>
    /// The line without the Markdown emphasis a paste put around it (<c>_connect() failed …_</c>, <c>**upstream timed
    /// out …**</c>, <c>~~…~~</c>): nginx starts no message with <c>_</c> or <c>~</c>, nor with <c>*</c> other than its
    /// connection number's (<c>*7 </c>), and ends none with them.
    /// </summary>
    private static ReadOnlySpan<byte> WithoutEmphasis(ReadOnlySpan<byte> text)
    {
        var marks = text.Length - text.TrimStart("_*~"u8).Length;
        if (marks == 0 || (text[marks - 1] == '*' && marks < text.Length && char.IsAsciiDigit((char)text[marks])))
        {
            return text;
        }

        return text[marks..].TrimEnd(" \t"u8).TrimEnd("_*~"u8);
    }

    /// <summary>
    /// A message nginx writes only about a request, whose words name the cause, quoted in a sentence without its
    /// context ("From errors-log: 64 limiting connections by zone …", "I get this error: `app could not be resolved
    /// (110: …)`"): the message from its start (with the connection number before it, or the name that did not
    /// resolve), or empty.
    /// </summary>
    private static ReadOnlySpan<byte> RequestMessageIn(ReadOnlySpan<byte> text)
    {
        var limiting = text.IndexOf("limiting requests, excess: "u8) is var requests and >= 0 ? requests : text.IndexOf("limiting connections by zone "u8);
        if (limiting >= 0)
        {
            // "64 limiting …": a connection number that lost its '*'.
            var before = text[..limiting].TrimEnd((byte)' ');
            var number = before.Length - before.TrimEnd("0123456789*"u8).Length;
            return number > 0 && (number == before.Length || before[^(number + 1)] is (byte)' ' or (byte)'`')
                ? text[(before.Length - number)..]
                : text[limiting..];
        }

        var unresolved = text.IndexOf(" could not be resolved ("u8);
        if (unresolved > 0)
        {
            var name = text[..unresolved].LastIndexOfAny(" `'\""u8) + 1;
            return name < unresolved ? text[name..] : default;
        }

        return default;
    }

    /// <summary>
    /// The line begins one of nginx's messages about a failed try (<c>connect() to [::1]:1337 failed (101: …) while
    /// connecting to upstream</c>, <c>upstream timed out (110: …)</c>): a new entry of a paste, never the rest of the
    /// line before it, which a wrap cuts after the message's first words.
    /// </summary>
    public static bool StartsTryMessage(ReadOnlySpan<byte> text) =>
        IsUpstreamVerdict(text) || (text.StartsWith("connect() "u8) && text.IndexOf(" failed ("u8) > 0 && InUpstreamPhase(text));

    /// <summary>
    /// A message only nginx's upstream module writes, and only about a try that failed, posted alone (without its
    /// phase or context): <c>upstream sent invalid header: "\x09..."</c>, <c>upstream timed out (110: …)</c>.
    /// </summary>
    private static bool IsUpstreamVerdict(ReadOnlySpan<byte> text)
    {
        var message = SkipConnection(SkipProcess(text), out var connection);
        return message.StartsWith("upstream sent "u8) || message.StartsWith("upstream prematurely closed connection"u8)
            || message.StartsWith("upstream timed out ("u8) || message.StartsWith("no live upstreams"u8) || IsBareConnect(message)
            || (connection >= 0 && IsUnresolvedName(message));
    }

    /// <summary>
    /// nginx's resolver failing the name a request's <c>proxy_pass</c> holds (<c>app.example.com could not be resolved
    /// (3: Host not found)</c>), posted from its connection number on and perhaps without the resolver's errno: one
    /// word, the name, then the verdict.
    /// </summary>
    private static bool IsUnresolvedName(ReadOnlySpan<byte> message) =>
        message.IndexOf(" could not be resolved"u8) is var at and > 0 && message[..at].IndexOf((byte)' ') < 0
        && message[(at + " could not be resolved"u8.Length)..].TrimEnd(" \r"u8) is { Length: 0 } or [(byte)' ', (byte)'(', ..];

    /// <summary>
    /// A failure nginx logs without a request, posted with its level and process: its listener out of room
    /// (<see cref="IsAcceptAlert"/>), a worker that died (<c>[alert] 1#1: worker process 38 exited on signal 9</c>), or a
    /// name a module resolves by itself (<c>[error] 2439#2439: upstream-dynamic-servers: 'app' could not be resolved
    /// (110: Operation timed out)</c>). <paramref name="message"/> is what follows nginx's <c>pid#tid: </c>.
    /// </summary>
    private static bool IsRequestlessAlarm(ReadOnlySpan<byte> message) =>
        IsAcceptAlert(message) || (message.StartsWith("worker process "u8) && message.IndexOf(" exited on signal "u8) > 0)
        || message.IndexOf(" could not be resolved ("u8) > 0;

    /// <summary>
    /// The directive nginx refused as it read its configuration (<c>[emerg] 181#181: host not found in upstream
    /// "localhost:5001" in /usr/local/nginx/conf/nginx.conf:33</c>), posted with its level but not its time: nginx
    /// names the file and line only for what it could not use there, and at <c>[emerg]</c> it did not start (or kept its
    /// old configuration). <paramref name="message"/> is what follows nginx's level and process.
    /// </summary>
    private static bool IsConfigRefusal(ReadOnlySpan<byte> message) =>
        message.Length > 0 && message[0] != '*' && TrySplitConfigLocation(message, out _, out var file, out _)
        && (file is [(byte)'/', ..] || file is [_, (byte)':', ..]);

    /// <summary>
    /// nginx's listener out of connections or descriptors (<c>[alert] 17873#0: 1024 worker_connections are not
    /// enough</c>, <c>[crit] 9#9: accept4() failed (24: Too many open files)</c>), posted with its level and process but
    /// not its time: such lines name no request and no connection, and only nginx writes them in these words.
    /// <paramref name="message"/> is what follows nginx's <c>pid#tid: </c>.
    /// </summary>
    private static bool IsAcceptAlert(ReadOnlySpan<byte> message)
    {
        var digits = message.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        return (digits > 0 && message[digits..].StartsWith(" worker_connections are not enough"u8))
            || message.StartsWith("accept4() failed ("u8) || message.StartsWith("accept() failed ("u8);
    }

    /// <summary>
    /// ngx_http_upstream_test_connect's <c>connect() failed (111: Connection refused)</c>: the connection's pending
    /// connect failed, the peer named only by the line's <c>upstream:</c>. Read without its phase only after nginx's
    /// level and process (<c>[error] 7#7: *6 connect() failed (111: …)</c>, the rest on the paste's next lines): nginx
    /// connects to no client, so the words are about an upstream's try.
    /// </summary>
    private static bool IsPeerlessConnect(ReadOnlySpan<byte> message) =>
        message.StartsWith("connect() failed ("u8) && message.IndexOf(" while "u8) < 0;

    /// <summary>
    /// <c>connect() to unix:/run/php-fpm.sock failed (11: Resource temporarily unavailable)</c>: ngx_event_connect_peer's
    /// words about a peer it could not connect to, with no phase or context after them. nginx writes such a line whole
    /// only for a socket of its own (the RTMP module's relay); posted without nginx's time, it is a request's try cut
    /// before its phase, which can only be <c>while connecting to upstream</c>.
    /// </summary>
    public static bool IsBareConnect(ReadOnlySpan<byte> message) =>
        message.StartsWith("connect() to "u8) && message.IndexOf(" failed ("u8) > 0 && message.IndexOf(" while "u8) < 0
        && message.IndexOf(", client: "u8) < 0;

    /// <summary>
    /// Whether the text starts with nginx's whole head, <c>2026/02/10 08:11:00 [error] 14#14: </c>: a valid time, a level
    /// nginx writes (after the Markdown emphasis <see cref="TryParse(ReadOnlySpan{byte}, out ErrorLogLine)"/> skips too),
    /// then its process. Stricter than <see cref="TryParse(ReadOnlySpan{byte}, out ErrorLogLine)"/>, which takes a line
    /// without its process: this tells where an entry starts inside text that holds several.
    /// </summary>
    public static bool StartsWithHead(ReadOnlySpan<byte> text)
    {
        if (text.Length < 24 || text[19] != (byte)' ' || !NginxTime.TryParseErrorLogTime(text[..19], TimeSpan.Zero, out _))
        {
            return false;
        }

        var open = 20;
        while (open < 23 && text[open] == '*')
        {
            open++;
        }

        var close = text[open] == '[' ? text[(open + 1)..].IndexOf((byte)']') : -1;
        return close is > 0 and <= 6 && IsLevel(text.Slice(open + 1, close))
            && text[(open + close + 2)..] is [(byte)' ', .. var process] && StartsWithProcessId(process);
    }

    /// <summary>Where the first of the keys nginx writes after <c>client:</c> starts (<c>, server: </c>, <c>, request:
    /// "</c>, <c>, upstream: "</c>, <c>, host: "</c>), or -1.</summary>
    private static int FirstContextKey(ReadOnlySpan<byte> rest)
    {
        var first = -1;
        foreach (var at in (ReadOnlySpan<int>)[rest.IndexOf(", server: "u8), rest.IndexOf(", request: \""u8), rest.IndexOf(", upstream: \""u8), rest.IndexOf(", host: \""u8)])
        {
            first = at >= 0 && (first < 0 || at < first) ? at : first;
        }

        return first;
    }

    /// <summary>The pid of nginx's <c>[level] pid#tid: </c> in the line's first bytes, or -1.</summary>
    public static int ProcessId(ReadOnlySpan<byte> line)
    {
        var head = HeadInside(line);
        if (head < 0)
        {
            return -1;
        }

        var process = line[(line[head..].IndexOf((byte)']') + head + 2)..];
        return Utf8Parser.TryParse(process, out int pid, out var consumed) && process[consumed..] is [(byte)'#', ..] ? pid : -1;
    }

    /// <summary>Whether the text starts with nginx's <c>pid#tid: </c>.</summary>
    public static bool StartsWithProcessId(ReadOnlySpan<byte> text) => SkipProcess(text).Length < text.Length;

    /// <summary>
    /// What follows nginx's <c>pid#tid: </c>, present on every line it writes; the text itself without one. A paste
    /// that lost the space after it (<c>20#20:*516358</c>, a chat's or markdown's doing) still has the numbers.
    /// </summary>
    private static ReadOnlySpan<byte> SkipProcess(ReadOnlySpan<byte> rest)
    {
        var hash = rest.IndexOf((byte)'#');
        if (hash <= 0 || !Utf8Parser.TryParse(rest[..hash], out int _, out var consumed) || consumed != hash)
        {
            return rest;
        }

        if (Utf8Parser.TryParse(rest[(hash + 1)..], out int _, out var thread) && rest[(hash + 1 + thread)..] is [(byte)':', (byte)'*', ..])
        {
            return rest[(hash + 1 + thread + 1)..];
        }

        var colon = rest.IndexOf(": "u8);
        return colon > hash ? rest[(colon + 2)..] : rest;
    }

    /// <summary>
    /// What follows the connection number (<c>*10 </c>), read into <paramref name="connectionId"/> (-1 without one). A
    /// number may have lost its '*' to a paste ("10358 upstream timed out …").
    /// </summary>
    private static ReadOnlySpan<byte> SkipConnection(ReadOnlySpan<byte> rest, out long connectionId)
    {
        connectionId = -1;

        // Markdown's escape of the star, kept where a post was copied from its source ("\*8 open() …").
        if (rest.Length > 2 && rest[0] == '\\' && rest[1] == '*')
        {
            rest = rest[1..];
        }

        // A star Markdown took for emphasis leaves the number bare ("3070#3070: 622 upstream timed out …"): nginx starts no
        // message of its own with a number but its worker_connections ones.
        if (rest.Length > 1 && (rest[0] == '*' || char.IsAsciiDigit((char)rest[0])))
        {
            var star = rest[0] == '*' ? 1 : 0;
            var space = rest.IndexOf((byte)' ');
            var digits = space < 0 ? rest[star..] : rest[star..space];
            // "1024 worker_connections are not enough": the number is nginx's setting, not a lost '*'.
            if (Utf8Parser.TryParse(digits, out long cid, out var n) && n == digits.Length && n > 0
                && (star == 1 || space < 0 || !rest[space..].StartsWith(" worker_connections "u8)))
            {
                connectionId = cid;
                return space < 0 ? default : rest[(space + 1)..];
            }

            // A number the poster redacted ("*_____", "*XXX", "****"): still nginx's mark of a request's line, its
            // number unknown.
            if (star == 1 && space > 1 && digits.IndexOfAnyExcept("_*Xx#?.-"u8) < 0)
            {
                return rest[(space + 1)..];
            }
        }

        return rest;
    }

    /// <summary>
    /// A request's line in an upstream phase whose context stops after <c>client:</c> or <c>server:</c>: nginx writes a
    /// request's context whole (ngx_http_log_error_handler: client, server, then request, upstream and host, and the
    /// stream module's session names its upstream), so what is missing was cut off by whoever wrapped the line.
    /// </summary>
    public static bool ContextCutShort(in ErrorLogLine entry) =>
        !entry.Client.IsEmpty && entry.Request.IsEmpty && entry.Upstream.IsEmpty && entry.Host.IsEmpty && InUpstreamPhase(entry.Message);

    /// <summary>A phase of a proxied request's try, in nginx's words (ngx_http_upstream.c sets them as the action), where
    /// nginx puts it: at the end of the message (<see cref="Phase"/>), before the context or whatever cut the paste short.</summary>
    private static bool InUpstreamPhase(ReadOnlySpan<byte> text)
    {
        var phase = Phase(text);
        foreach (var action in TryPhases)
        {
            if (IsAction(phase, action))
            {
                return true;
            }
        }

        return false;

        static bool IsAction(ReadOnlySpan<byte> phase, ReadOnlySpan<byte> action)
        {
            if (!phase.StartsWith(action))
            {
                return false;
            }

            var after = phase[action.Length..].TrimStart((byte)' ');
            return after.IsEmpty || !char.IsAsciiLetterOrDigit((char)after[0]);
        }
    }

    private static bool TryParseBody(
        ReadOnlySpan<byte> line, ReadOnlySpan<byte> timestamp, ErrorLevel level, ReadOnlySpan<byte> rest, DateTimeOffset? prefixTime, bool headless, out ErrorLogLine entry)
    {
        entry = default;

        // pid#tid: — present on every line nginx writes; tolerate its absence. Then the connection number.
        rest = SkipConnection(SkipProcess(rest), out var connectionId);

        // A message of nginx's starts with a word, a function's name or OpenResty's [lua] tag, never a digit or a quote
        // (but for the listener's "1024 worker_connections are not enough").
        if (headless && (rest.IsEmpty || !(char.IsAsciiLetter((char)rest[0]) || rest.StartsWith("[lua]"u8) || IsAcceptAlert(rest))))
        {
            return false;
        }

        // The request context starts at ", client: "; the resolver's own lines have ", resolver: " instead, and a stream
        // module's UDP session ", udp client: ".
        var contextStart = rest.IndexOf(", client: "u8);
        var datagram = false;
        if (contextStart < 0 && rest.IndexOf(", udp client: "u8) is var udp and > 0)
        {
            (contextStart, datagram) = (udp, true);
        }

        if (contextStart < 0)
        {
            contextStart = rest.IndexOf(", resolver: "u8);
        }

        // A redaction that took the space with the address ("client:[redacted] , server: …") leaves the keys after it.
        var glued = -1;
        if (contextStart < 0 && rest.IndexOf(", client:"u8) is var at and >= 0 && rest[(at + 9)..].IndexOf(", server: "u8) >= 0)
        {
            contextStart = glued = at;
        }

        // A paste that lost the client's key (cut, or redacted with it) keeps the keys nginx writes after it, in order.
        if (contextStart < 0)
        {
            contextStart = FirstContextKey(rest);
        }

        var message = contextStart < 0 ? rest : rest[..contextStart];

        // A message the line ends in with a "$" glued to its last word: a pager's mark where it cut the line at the
        // terminal's width ("… while reading response header from$"), no character nginx wrote.
        if (contextStart < 0 && message.Length > 2 && message[^1] == '$' && char.IsAsciiLetterOrDigit((char)message[^2]))
        {
            message = message[..^1];
        }

        // nginx quotes what it relays ("FastCGI sent in stderr: \"...\"") with the newlines it holds: a line that closes
        // a quote it never opened is the last line of such a message ("PHP Fatal error: ...\" while reading response
        // header from upstream, client: ..."), not a line of its own.
        if (headless && message.Count((byte)'"') % 2 == 1)
        {
            return false;
        }
        var context = contextStart < 0 ? default : rest[(contextStart + 2)..];

        // One pass over "key: value, key: \"value\", ..." in whatever subset and order the line has.
        ReadOnlySpan<byte> client = default, server = default, request = default, subrequest = default;
        ReadOnlySpan<byte> upstream = default, host = default, referrer = default, resolver = default;
        if (glued >= 0)
        {
            var serverKey = context.IndexOf(", server: "u8);
            client = context[7..serverKey].Trim((byte)' ');
            context = context[(serverKey + 2)..];
        }
        while (!context.IsEmpty)
        {
            var separator = context.IndexOf(": "u8);
            if (separator <= 0)
            {
                break;
            }

            // A paste's doubled space after the key ("host:  \"a.test\"") is not the value's.
            var key = context[..separator];
            var raw = context[(separator + 2)..];
            var blanks = raw.Length - raw.TrimStart((byte)' ').Length;
            raw = raw[blanks..];
            var value = Value(raw, out var length);

            // A bare value the line ends in with a "$": a pager's mark where it cut the line at the terminal's width
            // ("server: dioses$"), not the value's end: nothing is known of it.
            if (length == raw.Length && value.Length > 1 && value[0] != '"' && value[^1] == '$')
            {
                value = default;
            }

            switch (key.Length)
            {
                case 4 when key.SequenceEqual("host"u8): host = FirstOf(host, HostOf(value, raw, length)); break;
                case 6 when key.SequenceEqual("client"u8): client = FirstOf(client, value); break;
                case 10 when key.SequenceEqual("udp client"u8): client = FirstOf(client, value); break;
                case 6 when key.SequenceEqual("server"u8): server = FirstOf(server, value); break;
                case 7 when key.SequenceEqual("request"u8): request = FirstOf(request, value); break;
                case 8 when key.SequenceEqual("upstream"u8): upstream = FirstOf(upstream, IsCut(raw, length) ? WholeAddress(value) : value); break;
                case 8 when key.SequenceEqual("referrer"u8): referrer = FirstOf(referrer, value); break;
                case 8 when key.SequenceEqual("resolver"u8): resolver = FirstOf(resolver, value); break;
                case 10 when key.SequenceEqual("subrequest"u8): subrequest = FirstOf(subrequest, value); break;
            }

            // A viewer that blanked a key with its value ("client: 1.2.3.4,  upstream: …": App Engine's) leaves a space.
            context = context[(separator + 2 + blanks + length)..];
            context = context.StartsWith(", "u8) ? context[2..].TrimStart((byte)' ') : default;
        }

        entry = new ErrorLogLine
        {
            Line = line,
            Timestamp = timestamp,
            Level = level,
            ConnectionId = connectionId,
            Message = message,
            Client = client,
            Server = server,
            Request = request,
            Subrequest = subrequest,
            Upstream = upstream,
            Host = host,
            Referrer = referrer,
            Resolver = resolver,
            PrefixTime = prefixTime,
            Datagram = datagram,
        };
        return true;
    }

    private static ReadOnlySpan<byte> FirstOf(ReadOnlySpan<byte> existing, ReadOnlySpan<byte> value) =>
        existing.IsEmpty ? value : existing;

    /// <summary>Whether nginx wrote the line to its error log, or to stderr (<c>nginx: [emerg] …</c>).</summary>
    public static bool IsErrorLogLine(ReadOnlySpan<byte> line) => TryParse(line, out _) || TryParseStderr(line, out _);

    /// <summary><c>nginx: configuration file /etc/nginx/nginx.conf test failed</c>: what <c>nginx -t</c> ends with when
    /// the configuration does not load. Only a test prints it; a start or reload that fails says nothing of a test.</summary>
    public static bool IsConfigTestFailed(ReadOnlySpan<byte> line)
    {
        var text = line.TrimEnd(" \t\r"u8);
        return text.StartsWith("nginx: configuration file "u8) && text.EndsWith(" test failed"u8);
    }

    /// <summary>
    /// systemd saying nginx's unit did not start: <c>nginx.service: Failed with result 'exit-code'.</c>, <c>Unit
    /// nginx.service entered failed state.</c>, <c>Failed to start A high performance web server and a reverse proxy
    /// server.</c> (Debian's unit; Red Hat's is "The nginx HTTP and reverse proxy server"), or <c>systemctl status</c>'s
    /// <c>Active: failed (Result: exit-code)</c>. A unit whose <c>ExecStartPre=nginx -t</c> failed never ran nginx:
    /// that test's errors are the start's. (A reload that fails says "Reload failed for …", and nginx goes on.)
    /// </summary>
    public static bool IsStartFailed(ReadOnlySpan<byte> line)
    {
        var text = line.Trim(" \t\r"u8);
        if (text.IndexOf("Active: failed (Result: "u8) >= 0)
        {
            return true;
        }

        var unit = text.IndexOf(".service"u8);
        var ofNginx = unit > 0 && (text[..unit].EndsWith("nginx"u8) || text[..unit].EndsWith("openresty"u8));
        if (ofNginx && (text[unit..].StartsWith(".service: Failed with result "u8) || text[unit..].StartsWith(".service entered failed state"u8)))
        {
            return true;
        }

        if (text.StartsWith("Failed to start "u8))
        {
            return text.IndexOf("nginx"u8) > 0 || text.IndexOf("openresty"u8) > 0 || text.IndexOf("reverse proxy server"u8) > 0;
        }

        // supervisord: "INFO exited: nginx (exit status 1; not expected)", "INFO gave up: nginx entered FATAL state, too
        // many start retries too quickly"; s6-overlay: "s6-rc: warning: unable to start service nginx: command exited 1".
        var exited = text.IndexOf("exited: nginx (exit status "u8);
        return (exited >= 0 && !text[(exited + "exited: nginx (exit status "u8.Length)..].StartsWith("0;"u8))
            || text.IndexOf("gave up: nginx entered FATAL state"u8) >= 0 || text.IndexOf("unable to start service nginx"u8) >= 0;
    }

    /// <summary>
    /// A supervisor or an entrypoint saying it starts nginx, as the line before nginx's own output: "[22:19:35] INFO:
    /// Running nginx..." (Home Assistant's add-ons), "Starting nginx" (a sysvinit script's "Starting nginx: nginx."),
    /// "exec nginx", forego's "starting nginx.1 on port 5100", supervisord's "INFO spawned: 'nginx' with pid 23". An
    /// <c>[emerg]</c> right after it is that start's. A line nginx wrote itself (its error log's, its stderr's) is none,
    /// nor is a name nginx only begins ("nginx-exporter").
    /// </summary>
    public static bool IsStartAnnounced(ReadOnlySpan<byte> line)
    {
        if (line.Length > 200)
        {
            return false;
        }

        if (line.IndexOf("spawned: 'nginx' with pid"u8) >= 0)
        {
            return true;
        }

        if (TryParseStderr(line, out _) || TryParse(line, out _))
        {
            return false;
        }

        Span<byte> lower = stackalloc byte[line.Length];
        System.Text.Ascii.ToLower(line, lower, out _);
        foreach (var verb in StartVerbs)
        {
            var at = lower.IndexOf(verb);
            if (at >= 0 && (at == 0 || !char.IsAsciiLetterOrDigit((char)lower[at - 1])))
            {
                var rest = lower[(at + verb.Length)..];
                return rest.IsEmpty || !(char.IsAsciiLetterOrDigit((char)rest[0]) || rest[0] is (byte)'-' or (byte)'_' or (byte)'/');
            }
        }

        return false;
    }

    private static readonly byte[][] StartVerbs =
        ["starting nginx"u8.ToArray(), "running nginx"u8.ToArray(), "start nginx"u8.ToArray(), "launching nginx"u8.ToArray(), "exec nginx"u8.ToArray()];

    /// <summary>
    /// Compose's word that a container stopped with an error: <c>nginx-1 exited with code 1</c> (<c>nginx_1</c> before
    /// Compose v2). <paramref name="container"/> is its name; an exit with code 0 is not one.
    /// </summary>
    public static bool TryReadContainerExit(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> container)
    {
        var text = line.Trim(" \t\r"u8);
        var at = text.IndexOf(" exited with code "u8);
        container = at > 0 ? text[..at] : default;
        var code = at > 0 ? text[(at + " exited with code "u8.Length)..] : default;
        return at > 0 && container.IndexOfAny((byte)' ', (byte)'|') < 0 && code.Length is > 0 and <= 3
            && !code.ContainsAnyExceptInRange((byte)'0', (byte)'9') && code.IndexOfAnyExcept((byte)'0') >= 0;
    }

    /// <summary>
    /// A line nginx printed to stderr before its error log was open, as <c>docker logs</c> and systemd show it:
    /// <c>nginx: [emerg] host not found in upstream "php-fpm:9000" in /etc/nginx/conf.d/default.conf:2</c>.
    /// </summary>
    public static bool TryParseStderr(ReadOnlySpan<byte> line, out ConfigMessage message)
    {
        message = null!;

        // Quoted in Markdown as pasted (">  nginx: [emerg] …", "`nginx: [emerg] …`").
        line = line.TrimStart(" \t>`"u8);
        if (!line.StartsWith("nginx: ["u8))
        {
            return false;
        }

        var close = line[8..].IndexOf((byte)']');
        if (close < 0)
        {
            return false;
        }

        var level = ParseLevel(line.Slice(8, close));
        if (level == ErrorLevel.Unknown)
        {
            return false;
        }

        message = ToConfigMessage(level, null, line[(8 + close + 1)..].TrimStart((byte)' '));
        return true;
    }

    /// <summary>
    /// Whether an error-log line is about the configuration or startup rather than a request: no connection, and
    /// either <c>[emerg]</c> (nginx stops) or a warning or worse that names a configuration file and line
    /// (<c>… in /etc/nginx/nginx.conf:12</c>).
    /// </summary>
    public static bool TryReadConfigMessage(in ErrorLogLine line, out ConfigMessage message)
    {
        message = null!;
        if (line.ConnectionId >= 0 || !line.Client.IsEmpty || line.Level < ErrorLevel.Warn)
        {
            return false;
        }

        if (line.Level != ErrorLevel.Emerg && !TrySplitConfigLocation(line.Message, out _, out _, out _))
        {
            return false;
        }

        message = ToConfigMessage(line.Level, Encoding.ASCII.GetString(line.Timestamp), line.Message);
        return true;
    }

    /// <summary>The phases of a try the upstream module names after <c> while </c> (ngx_http_upstream.c's actions).</summary>
    private static readonly byte[][] TryPhases =
    [
        "connecting to upstream"u8.ToArray(),
        "reading response header from upstream"u8.ToArray(),
        "sending request to upstream"u8.ToArray(),
        "SSL handshaking to upstream"u8.ToArray(),
    ];

    /// <summary>
    /// The message stops inside the phase the upstream module names after <c> while </c> (<c>… while reading</c>, then
    /// <c>response header from upstream,</c> on the next line of a paste): nginx writes the phase whole, so whoever
    /// wrapped the line cut it there.
    /// </summary>
    public static bool PhaseCutShort(ReadOnlySpan<byte> message)
    {
        if (message.EndsWith(" while"u8))
        {
            return true;
        }

        var phase = Phase(message).TrimEnd((byte)' ');
        if (phase.IsEmpty)
        {
            return false;
        }

        foreach (var action in TryPhases)
        {
            if (Cuts(action, phase))
            {
                return true;
            }
        }

        // Or the body's, after the status went out.
        return Cuts("reading upstream"u8, phase);

        static bool Cuts(ReadOnlySpan<byte> action, ReadOnlySpan<byte> phase) =>
            action.Length > phase.Length && action.StartsWith(phase) && action[phase.Length] == ' ';
    }

    /// <summary>
    /// The message stops inside a phase only the upstream module names (<c>… while reading response header from</c>,
    /// <c>… while connecting</c>): one that begins a client's phase too (<c>… while reading</c>, <c>… while sending</c>)
    /// says nothing of which side.
    /// </summary>
    public static bool UpstreamPhaseCutShort(ReadOnlySpan<byte> message)
    {
        if (!PhaseCutShort(message))
        {
            return false;
        }

        var phase = Phase(message).TrimEnd((byte)' ');
        foreach (var action in ClientPhases)
        {
            if (action.AsSpan().StartsWith(phase))
            {
                return false;
            }
        }

        return !phase.IsEmpty;
    }

    /// <summary>The phases of a client's side that an upstream phase's cut could begin alike (ngx_http_request.c's and
    /// the upstream module's actions for the client).</summary>
    private static readonly byte[][] ClientPhases =
    [
        "reading client request line"u8.ToArray(),
        "reading client request headers"u8.ToArray(),
        "reading client request body"u8.ToArray(),
        "reading PROXY protocol"u8.ToArray(),
        "sending to client"u8.ToArray(),
        "sending response to client"u8.ToArray(),
        "waiting for request"u8.ToArray(),

        // A client's TLS handshake, whole: the upstream's adds " to upstream".
        "SSL handshaking"u8.ToArray(),
    ];

    /// <summary>The text after <c> while </c> in a message: the phase nginx was in (<c>connecting to upstream</c>).</summary>
    public static ReadOnlySpan<byte> Phase(ReadOnlySpan<byte> message)
    {
        var at = message.LastIndexOf(" while "u8);
        return at < 0 ? default : message[(at + 7)..];
    }

    /// <summary>The <c>(111: Connection refused)</c> part of a message: errno and its text.</summary>
    public static bool TryGetErrno(ReadOnlySpan<byte> message, out int errno, out ReadOnlySpan<byte> text)
    {
        errno = 0;
        text = default;
        var search = message;
        while (true)
        {
            var open = search.IndexOf((byte)'(');
            if (open < 0)
            {
                return false;
            }

            search = search[(open + 1)..];
            var sep = search.IndexOf(": "u8);
            var close = search.IndexOf((byte)')');

            // A line cut inside the text ("(111: Connection ref", a copy or a length limit) still names its errno.
            if (sep > 0 && (close > sep || close < 0) && Utf8Parser.TryParse(search[..sep], out errno, out var consumed) && consumed == sep)
            {
                text = close < 0 ? search[(sep + 2)..] : search[(sep + 2)..close];
                return true;
            }
        }
    }

    private static ConfigMessage ToConfigMessage(ErrorLevel level, string? localTime, ReadOnlySpan<byte> message)
    {
        if (TrySplitConfigLocation(message, out var text, out var file, out var number))
        {
            return new ConfigMessage(level, localTime, LogText.Raw(text), LogText.Raw(file), number);
        }

        return new ConfigMessage(level, localTime, LogText.Raw(message), null, null);
    }

    /// <summary>Splits <c>MESSAGE in /path/to/file.conf:12</c> (how nginx names the directive it could not use).</summary>
    private static bool TrySplitConfigLocation(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> text, out ReadOnlySpan<byte> file, out int line)
    {
        text = message;
        file = default;
        line = 0;
        var at = message.LastIndexOf(" in "u8);
        if (at < 0)
        {
            return false;
        }

        var location = message[(at + 4)..];
        var colon = location.LastIndexOf((byte)':');
        if (colon <= 0 || location.Contains((byte)' ') || !int.TryParse(Encoding.ASCII.GetString(location[(colon + 1)..]), NumberStyles.None, CultureInfo.InvariantCulture, out line))
        {
            return false;
        }

        text = message[..at];
        file = location[..colon];
        return true;
    }

    /// <summary>
    /// The value at the start of <paramref name="text"/> and how many bytes it took (with its quotes). Values are
    /// quoted (request, subrequest, upstream, host, referrer) or bare (client, server, resolver, the stream module's
    /// bytes). nginx does not escape a <c>"</c> inside a quoted value, so a quoted value ends at a quote that the next
    /// key (or the end of the line) follows; a value cut at 2048 bytes runs to the end.
    /// </summary>
    private static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> text, out int consumed)
    {
        // A line copied out of a JSON string (a Docker log's "log" field) without its envelope keeps the quotes' escapes:
        // host: \"a.test\".
        if (text.StartsWith("\\\""u8) && text[2..].IndexOf("\\\""u8) is var escaped and >= 0)
        {
            consumed = escaped + 4;
            return text.Slice(2, escaped);
        }

        if (text.IsEmpty || text[0] != '"')
        {
            var comma = text.IndexOf(", "u8);
            consumed = comma < 0 ? text.Length : comma;
            return text[..consumed];
        }

        var value = text[1..];
        var offset = 0;
        while (true)
        {
            var quote = value[offset..].IndexOf((byte)'"');
            if (quote < 0)
            {
                consumed = text.Length;
                return value;
            }

            // The closing quote ends the line, comes before the next key, or before the comma, or the quote or code
            // span's end, a paste left after it (a line quoted whole as a string: `"… host: "a.test""`), or the `$`
            // `cat -A` shows at each line's end.
            var end = offset + quote;
            var after = value[(end + 1)..];
            if (after.IsEmpty || IsNextKey(after) || after.TrimEnd(" \r'`\"$"u8) is [] or [(byte)','])
            {
                consumed = end + 2;
                return value[..end];
            }

            offset = end + 1;
        }
    }

    /// <summary>
    /// The host of a quoted value the line ends in without its closing quote last: what a viewer glued after it
    /// (Grafana's <c>"abc.com"Show context</c>) is not the Host's, nor is a mark the paste ends in where it lost the
    /// quote (<c>"csdc.example.org&gt;</c>). A Host with a quote or an angle bracket of its own is nothing a browser sends.
    /// </summary>
    private static ReadOnlySpan<byte> HostOf(ReadOnlySpan<byte> value, ReadOnlySpan<byte> raw, int consumed)
    {
        if (!IsCut(raw, consumed))
        {
            return value;
        }

        if (value.IndexOf((byte)'"') is var quote and > 0)
        {
            return value[..quote];
        }

        var end = value.Length;
        while (end > 1 && !(char.IsAsciiLetterOrDigit((char)value[end - 1]) || value[end - 1] is (byte)'.' or (byte)']'))
        {
            end--;
        }

        return value[..end];
    }

    /// <summary>A quoted value the line ends inside of: nginx cut the line at 2048 bytes there (a long URI before it).</summary>
    private static bool IsCut(ReadOnlySpan<byte> raw, int consumed) => raw is [(byte)'"', _, ..] && consumed == raw.Length && raw[^1] != '"';

    /// <summary>
    /// A cut upstream value when its address is whole: a <c>/</c> after it (the URI began), or the <c>:</c> that ends a
    /// socket's path. Else nothing: <c>https://186.20</c> is not an upstream, and no incident is opened in its name.
    /// </summary>
    private static ReadOnlySpan<byte> WholeAddress(ReadOnlySpan<byte> cut)
    {
        var scheme = cut.IndexOf("://"u8);
        var address = scheme < 0 ? cut : cut[(scheme + 3)..];
        var whole = address.StartsWith("unix:"u8) ? address[5..].IndexOf((byte)':') >= 0 : address.IndexOf((byte)'/') >= 0;
        return whole ? cut : default;
    }

    private static bool IsNextKey(ReadOnlySpan<byte> after)
    {
        if (!after.StartsWith(", "u8))
        {
            return false;
        }

        // "host: ", "referrer: ", and the stream module's "bytes from/to client:0/0".
        after = after[2..];
        var colon = after.IndexOf((byte)':');
        if (colon <= 0 || colon > 24 || !char.IsAsciiLetterLower((char)after[0]))
        {
            return false;
        }

        foreach (var c in after[..colon])
        {
            if (!char.IsAsciiLetterLower((char)c) && c is not ((byte)'_' or (byte)' ' or (byte)'/'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>nginx's <c>pid#tid: </c>: digits, '#', digits, a colon.</summary>
    private static bool StartsWithProcess(ReadOnlySpan<byte> s)
    {
        var hash = s.IndexOf((byte)'#');
        var colon = s.IndexOf((byte)':');
        return hash > 0 && colon > hash + 1 && colon <= 24 && s[..hash].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
            && s[(hash + 1)..colon].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
    }

    /// <summary>Whether the text is a level nginx writes (<c>error</c>, <c>crit</c>, ...).</summary>
    private static bool IsLevel(ReadOnlySpan<byte> s) => ParseLevel(s) != ErrorLevel.Unknown;

    private static ErrorLevel ParseLevel(ReadOnlySpan<byte> s) => s switch
    {
        _ when s.SequenceEqual("error"u8) => ErrorLevel.Error,
        _ when s.SequenceEqual("warn"u8) => ErrorLevel.Warn,
        _ when s.SequenceEqual("info"u8) => ErrorLevel.Info,
        _ when s.SequenceEqual("notice"u8) => ErrorLevel.Notice,
        _ when s.SequenceEqual("crit"u8) => ErrorLevel.Crit,
        _ when s.SequenceEqual("alert"u8) => ErrorLevel.Alert,
        _ when s.SequenceEqual("emerg"u8) => ErrorLevel.Emerg,
        _ when s.SequenceEqual("debug"u8) => ErrorLevel.Debug,
        _ => ErrorLevel.Unknown,
    };
}
