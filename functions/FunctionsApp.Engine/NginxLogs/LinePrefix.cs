using System.Buffers;
using System.Runtime.CompilerServices;

namespace FunctionsApp.NginxLogs;

/// <summary>Whether a line (its prefix removed) is one of the log's own lines.</summary>
internal delegate bool LineTest(ReadOnlySpan<byte> line);

/// <summary>
/// The constant prefix shape of one input: the <see cref="PrefixLayer"/>s a runtime or shipper put before every
/// line nginx wrote, outermost first. Decided once per input from its first lines (<see cref="Detect"/>); then
/// <see cref="Strip(ReadOnlySpan{byte}, out DateTimeOffset?)"/> removes it from each line, and a line without it is left as it is (read bare).
/// </summary>
internal sealed class LinePrefix
{
    private const int MaxLayers = 4;
    private readonly PrefixLayer[] _layers;

    private LinePrefix(PrefixLayer[] layers)
    {
        _layers = layers;
        HasContainerStream = Array.Exists(layers, layer => layer is PrefixLayer.DockerCompose or PrefixLayer.KubectlPrefix);
        Name = layers.Length == 0 ? null : string.Join('+', layers.Select(LayerName));
    }

    /// <summary>No prefix: lines are read as they are.</summary>
    public static LinePrefix None { get; } = new([]);

    public IReadOnlyList<PrefixLayer> Layers => _layers;

    public bool IsNone => _layers.Length == 0;

    /// <summary>A shape a log format could itself start with (<c>name | </c>, <c>key: </c>): kept only when
    /// removing it makes strictly more lines parse.</summary>
    public bool IsWeak => _layers is [PrefixLayer.DockerCompose] or [PrefixLayer.SyslogTag] or [PrefixLayer.BeforeJson] or [.., PrefixLayer.Word];

    /// <summary>Whether it starts with a header only a runtime or shipper writes (syslog's, CRI's, a timestamp, kubectl's,
    /// Loki's labels), not a shape a log format could start with.</summary>
    public bool StartsWithHeader =>
        _layers is [var outer, ..] && outer is not (PrefixLayer.DockerCompose or PrefixLayer.SyslogTag or PrefixLayer.BeforeJson or PrefixLayer.Word);

    /// <summary>Whether a layer names the container each line came from: compose's <c>name | </c> (and the
    /// process runners' of the same shape: forego, pm2), kubectl's <c>[pod/…/container]</c>.</summary>
    public bool HasContainerStream { get; }

    /// <summary>
    /// A tag of the container (or process) a stripped prefix names: a hash of its text up to the first <c>|</c> or
    /// <c>]</c>, blanks trimmed, never 0. Compose's own lines name the container the same way (<c>nginx-1 exited with
    /// code 1</c>), so the tag of that name alone is the same.
    /// </summary>
    public static int StreamTagOf(ReadOnlySpan<byte> prefix)
    {
        var end = prefix.IndexOfAny((byte)'|', (byte)']');
        var name = (end < 0 ? prefix : prefix[..end]).Trim(" \t["u8);
        var hash = 2166136261u;
        foreach (var b in name)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash == 0 ? 1 : (int)hash;
    }

    /// <summary>How the report names the shape: <c>syslog-rfc3164</c>, <c>docker-compose+rfc3339</c>; null for none.</summary>
    public string? Name { get; }

    public static LinePrefix Of(IEnumerable<PrefixLayer> layers)
    {
        PrefixLayer[] array = [.. layers];
        return array.Length == 0 ? None : new LinePrefix(array);
    }

    /// <summary>The name of one layer, as in the report.</summary>
    public static string LayerName(PrefixLayer layer) => layer switch
    {
        PrefixLayer.SyslogRfc3164 => "syslog-rfc3164",
        PrefixLayer.SyslogRfc5424 => "syslog-rfc5424",
        PrefixLayer.SyslogIso => "syslog-iso",
        PrefixLayer.Rfc3339 => "rfc3339",
        PrefixLayer.Cri => "cri",
        PrefixLayer.DockerCompose => "docker-compose",
        PrefixLayer.KubectlPrefix => "kubectl-prefix",
        PrefixLayer.SyslogTag => "syslog-tag",
        PrefixLayer.LokiLabels => "loki-labels",
        PrefixLayer.BeforeJson => "text-before-json",
        PrefixLayer.Word => "word",
        PrefixLayer.Indent => "indent",
        PrefixLayer.PapertrailArchive => "papertrail-archive",
        PrefixLayer.GrepFile => "grep-file",
        _ => layer.ToString(),
    };

    /// <summary>
    /// Removes the layers of this shape from the start of <paramref name="line"/>, in order, as far as they match
    /// (a line without the first layer is left whole). Returns how many bytes it removed; <paramref name="time"/> is
    /// the instant a container runtime stamped on the line (<see cref="PrefixLayer.Rfc3339"/>, <see cref="PrefixLayer.Cri"/>),
    /// else null. Syslog times are not passed on although RFC 5424 and ISO file formats print a zone: nginx sends
    /// RFC 3164 (local time, no zone) and the daemon labels it with its own zone, which is not nginx's when their TZ
    /// differ (seen with syslog-ng 3.38 and nginx under TZ=Asia/Kathmandu: 09:07 local became 09:07+00:00).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Strip(ReadOnlySpan<byte> line, out DateTimeOffset? time) => Strip(line, out time, out _);

    /// <summary>
    /// <see cref="Strip(ReadOnlySpan{byte}, out DateTimeOffset?)"/>, and the zoned time a syslog layer printed
    /// (RFC 5424, ISO) in <paramref name="relayed"/>: the instant a daemon received the line when it read nginx's file,
    /// or nginx's own local time relabelled with the daemon's zone when nginx sent it (the wall clocks then agree).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Strip(ReadOnlySpan<byte> line, out DateTimeOffset? time, out DateTimeOffset? relayed) => Strip(line, out time, out relayed, out _);

    /// <summary>
    /// <see cref="Strip(ReadOnlySpan{byte}, out DateTimeOffset?, out DateTimeOffset?)"/>, and an RFC 3164 header's
    /// month, day and clock in <paramref name="clock"/> (no year, no zone): only a line with no time of its own takes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Strip(ReadOnlySpan<byte> line, out DateTimeOffset? time, out DateTimeOffset? relayed, out SyslogClock? clock)
    {
        time = null;
        relayed = null;
        clock = null;
        var pos = 0;
        foreach (var layer in _layers)
        {
            var length = Match(layer, line[pos..], out var layerTime);
            if (length < 0)
            {
                break;
            }

            if (layer == PrefixLayer.SyslogRfc3164 && SyslogClock.TryRead(line[pos..], out var read))
            {
                clock = read;
            }

            pos += length;
            if (layer is PrefixLayer.Rfc3339 or PrefixLayer.Cri)
            {
                time = layerTime;
            }
            else if (layer is PrefixLayer.SyslogRfc5424 or PrefixLayer.SyslogIso)
            {
                relayed = layerTime;
            }
        }

        return pos;
    }

    /// <summary>The layers found at the start of one line, outermost first, each tried in turn.</summary>
    public static LinePrefix Find(ReadOnlySpan<byte> line)
    {
        Span<PrefixLayer> found = stackalloc PrefixLayer[MaxLayers];
        var count = 0;
        var pos = 0;
        while (count < MaxLayers && TryAnyLayer(line[pos..], words: true, out var layer, out var length))
        {
            found[count++] = layer;
            pos += length;
        }

        return count == 0 ? None : new LinePrefix(found[..count].ToArray());
    }

    /// <summary>Removes whatever layers one line starts with (for callers that see single lines, not an input), but a
    /// <see cref="PrefixLayer.Word"/>: only a whole input tells whether a first word is a prefix or a field.</summary>
    public static ReadOnlySpan<byte> StripAny(ReadOnlySpan<byte> line)
    {
        var pos = 0;
        for (var i = 0; i < MaxLayers && TryAnyLayer(line[pos..], words: false, out _, out var length); i++)
        {
            pos += length;
        }

        return line[pos..];
    }

    /// <summary>
    /// The shape most of the sample's non-blank lines start with (at least half of them), else <see cref="None"/>.
    /// Whether stripping it actually helps is for the caller to judge (an access format may start with a time).
    /// </summary>
    public static LinePrefix Detect(IEnumerable<byte[]> sample)
    {
        var counts = new Dictionary<string, (LinePrefix Prefix, int Count)>(StringComparer.Ordinal);
        var lines = 0;
        foreach (var line in sample)
        {
            if (line.AsSpan().Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            lines++;
            var prefix = Find(line);
            if (prefix.IsNone)
            {
                continue;
            }

            counts[prefix.Name!] = counts.TryGetValue(prefix.Name!, out var seen) ? (seen.Prefix, seen.Count + 1) : (prefix, 1);
        }

        var best = counts.Values.OrderByDescending(c => c.Count).ThenByDescending(c => c.Prefix._layers.Length).FirstOrDefault();
        if (best.Prefix is not null && best.Count * 2 >= lines)
        {
            return best.Prefix;
        }

        // No one shape for most lines: a stream of several programs behind one runtime's prefix (`docker compose logs`
        // of nginx-proxy, whose forego prefixes nginx.1's lines and docker-gen's alike, each going on differently).
        // The layers most lines start with are the stream's.
        var leading = new Dictionary<string, (LinePrefix Prefix, int Count)>(StringComparer.Ordinal);
        foreach (var (prefix, count) in counts.Values)
        {
            for (var layers = 1; layers <= prefix._layers.Length; layers++)
            {
                var part = layers == prefix._layers.Length ? prefix : new LinePrefix(prefix._layers[..layers]);
                leading[part.Name!] = leading.TryGetValue(part.Name!, out var seen) ? (seen.Prefix, seen.Count + count) : (part, count);
            }
        }

        var shared = leading.Values.Where(c => c.Count * 2 >= lines).OrderByDescending(c => c.Prefix._layers.Length).ThenByDescending(c => c.Count).FirstOrDefault();
        return shared.Prefix ?? None;
    }

    /// <summary>
    /// The prefix of an input from its first lines: the shape <see cref="Detect"/> finds, or the part of it (its first
    /// layers) with which most lines pass <paramref name="isValid"/>; none when the lines read as well as they are.
    /// A time that starts an access line looks like a runtime's timestamp, and a format may begin with <c>name | </c>:
    /// those are what the comparison with the bare lines settles. A shape that heads none of the lines it reads (it
    /// matched only text between them: the rest of a wrapped line, <c>.1", upstream: "http:</c>, taken for a syslog
    /// tag) is not theirs.
    /// </summary>
    public static LinePrefix Choose(IReadOnlyList<byte[]> sample, LineTest isValid) =>
        Best(sample, candidate =>
        {
            var (count, headed) = (0, 0);
            foreach (var line in sample)
            {
                var start = candidate.Strip(line, out _);
                if (isValid(line.AsSpan(start)))
                {
                    count++;
                    headed += start > 0 ? 1 : 0;
                }
            }

            return (count * 2) - (count > 0 && headed == 0 && !candidate.IsNone ? 1 : 0);
        });

    /// <summary>
    /// The candidate (<see cref="None"/>, or the detected shape and each of its leading parts) with the highest
    /// score; among equal scores the one with more layers, but no prefix rather than a weak one unless
    /// <paramref name="weakWinsTies"/> (the score already weighs what the bare reading gains from the text).
    /// </summary>
    public static LinePrefix Best(IReadOnlyList<byte[]> sample, Func<LinePrefix, int> score, bool weakWinsTies = false)
    {
        var detected = Detect(sample);
        var best = None;
        var bestScore = score(None);
        for (var layers = 1; layers <= detected._layers.Length; layers++)
        {
            var candidate = layers == detected._layers.Length ? detected : new LinePrefix(detected._layers[..layers]);
            var candidateScore = score(candidate);
            if (candidateScore > bestScore || (candidateScore == bestScore && candidateScore > 0 && (weakWinsTies || !candidate.IsWeak)))
            {
                (best, bestScore) = (candidate, candidateScore);
            }
        }

        return best;
    }

    private static bool TryAnyLayer(ReadOnlySpan<byte> s, bool words, out PrefixLayer layer, out int length)
    {
        // Most specific first: a CRI or syslog line also starts with what a plain RFC 3339 prefix matches.
        ReadOnlySpan<PrefixLayer> order =
        [
            PrefixLayer.Indent, PrefixLayer.GrepFile, PrefixLayer.PapertrailArchive, PrefixLayer.SyslogRfc5424, PrefixLayer.SyslogRfc3164, PrefixLayer.Cri, PrefixLayer.SyslogIso,
            PrefixLayer.Rfc3339, PrefixLayer.KubectlPrefix, PrefixLayer.DockerCompose, PrefixLayer.SyslogTag,
            PrefixLayer.LokiLabels, PrefixLayer.BeforeJson, PrefixLayer.Word,
        ];
        foreach (var candidate in order)
        {
            if (candidate == PrefixLayer.Word && !words)
            {
                break;
            }

            length = Match(candidate, s, out _);
            if (length > 0)
            {
                layer = candidate;
                return true;
            }
        }

        layer = default;
        length = -1;
        return false;
    }

    /// <summary>The length of <paramref name="layer"/> at the start of <paramref name="s"/>, or -1.</summary>
    public static int Match(PrefixLayer layer, ReadOnlySpan<byte> s, out DateTimeOffset? time)
    {
        time = null;
        return layer switch
        {
            PrefixLayer.SyslogRfc3164 => MatchRfc3164(s),
            PrefixLayer.SyslogRfc5424 => MatchRfc5424(s, out time),
            PrefixLayer.SyslogIso => MatchSyslogIso(s, out time),
            PrefixLayer.Rfc3339 => MatchRfc3339(s, out time),
            PrefixLayer.Cri => MatchCri(s, out time),
            PrefixLayer.DockerCompose => MatchCompose(s),
            PrefixLayer.KubectlPrefix => MatchKubectl(s),
            PrefixLayer.SyslogTag => MatchTag(s),
            PrefixLayer.LokiLabels => MatchLokiLabels(s),
            PrefixLayer.BeforeJson => MatchBeforeJson(s),
            PrefixLayer.Word => MatchWord(s),
            PrefixLayer.Indent => MatchIndent(s),
            PrefixLayer.PapertrailArchive => MatchPapertrail(s),
            PrefixLayer.GrepFile => MatchGrepFile(s),
            _ => -1,
        };
    }

    // id⇥generated_at⇥received_at⇥source_id⇥source_name⇥source_ip⇥facility_name⇥severity_name⇥program⇥message —
    // https://www.papertrail.com/help/permanent-log-archives/ (the id a number, the two times dates).
    private static int MatchPapertrail(ReadOnlySpan<byte> s)
    {
        var pos = 0;
        for (var column = 0; column < 9; column++)
        {
            var tab = s[pos..].IndexOf((byte)'\t');
            var value = tab < 0 ? default : s.Slice(pos, tab);
            var fits = column switch
            {
                0 => value.Length > 0 && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0,
                1 or 2 => value.Length >= 19 && char.IsAsciiDigit((char)value[0]) && value[4] == '-' && value[7] == '-' && IsClock(value.Slice(11, 8)),
                _ => tab >= 0,
            };
            if (!fits)
            {
                return -1;
            }

            pos += tab + 1;
        }

        return pos;
    }

    // FILE:[LINE:] — grep's prefix for a match when it searched several files (-H), with -n the line's number.
    private static int MatchGrepFile(ReadOnlySpan<byte> s)
    {
        var colon = s.IndexOf((byte)':');
        if (colon <= 0 || colon > 200 || s[..colon].ContainsAnyExcept(PathCharacters))
        {
            return -1;
        }

        // A log file's name ("access.log", "error.log.1", "access_log", "nginx-logs"), not a host ("blog.example.com").
        var name = s[(s[..colon].LastIndexOf((byte)'/') + 1)..colon];
        if (!HoldsWord(name, "log"u8) && !HoldsWord(name, "logs"u8))
        {
            return -1;
        }

        var pos = colon + 1;
        var digits = s[pos..].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (digits > 0 && s[(pos + digits)..] is [(byte)':', _, ..])
        {
            pos += digits + 1;
        }

        return pos < s.Length && s[pos] != ' ' ? pos : -1;
    }

    private static readonly SearchValues<byte> PathCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/~@+"u8);

    /// <summary>Whether <paramref name="word"/> stands in <paramref name="name"/> between its separators (. _ -) or ends.</summary>
    private static bool HoldsWord(ReadOnlySpan<byte> name, ReadOnlySpan<byte> word)
    {
        for (var at = name.IndexOf(word); at >= 0; at = name[(at + 1)..].IndexOf(word) is var next and >= 0 ? at + 1 + next : -1)
        {
            var before = at == 0 || name[at - 1] is (byte)'.' or (byte)'_' or (byte)'-';
            var after = at + word.Length == name.Length || name[at + word.Length] is (byte)'.' or (byte)'_' or (byte)'-';
            if (before && after)
            {
                return true;
            }
        }

        return false;
    }

    private static int MatchIndent(ReadOnlySpan<byte> s)
    {
        var blanks = s.IndexOfAnyExcept((byte)' ', (byte)'\t');
        return blanks > 0 ? blanks : -1;
    }

    // <PRI>? Mmm dd hh:mm:ss[.fff] [host ]tag[pid]: — https://www.rfc-editor.org/rfc/rfc3164#section-4.1
    private static int MatchRfc3164(ReadOnlySpan<byte> s)
    {
        var pos = SkipPri(s);
        if (pos < 0)
        {
            pos = 0;
        }

        // "Jun 28 09:08:38" or "Jun  8 09:08:38" (the day is space-padded).
        var t = s[pos..];
        if (t.Length < 16 || !IsMonth(t[..3]) || t[3] != ' ')
        {
            return -1;
        }

        var day = t[4] == ' ' ? 5 : 4;
        if (!char.IsAsciiDigit((char)t[day]) || (day == 4 && !char.IsAsciiDigit((char)t[5])))
        {
            return -1;
        }

        var clock = 7;
        if (t.Length < clock + 9 || t[6] != ' ' || !IsClock(t.Slice(clock, 8)))
        {
            return -1;
        }

        pos += clock + 8;
        pos = SkipFraction(s, pos);
        if (pos >= s.Length || s[pos] != ' ')
        {
            return -1;
        }

        return MatchHostAndTag(s, pos + 1, hostRequired: false);
    }

    // <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [BOM] — https://www.rfc-editor.org/rfc/rfc5424#section-6
    private static int MatchRfc5424(ReadOnlySpan<byte> s, out DateTimeOffset? time)
    {
        time = null;
        var pos = SkipPri(s);
        if (pos < 0 || pos + 2 > s.Length || s[pos] != '1' || s[pos + 1] != ' ')
        {
            return -1;
        }

        pos += 2;
        var timestamp = Token(s, pos);
        if (timestamp.Length == 0)
        {
            return -1;
        }

        if (!(timestamp.Length == 1 && timestamp[0] == '-'))
        {
            if (!TryZonedTime(timestamp, out var parsed))
            {
                return -1;
            }

            time = parsed;
        }

        pos += timestamp.Length + 1;
        for (var field = 0; field < 4; field++)
        {
            var token = Token(s, pos);
            if (token.Length == 0)
            {
                return -1;
            }

            pos += token.Length + 1;
        }

        // Structured data: "-" or one or more [id param="value"...] elements; '"', '\' and ']' are escaped in values.
        if (pos > s.Length)
        {
            return -1;
        }

        if (pos < s.Length && s[pos] == '-')
        {
            pos++;
        }
        else
        {
            var any = false;
            while (pos < s.Length && s[pos] == '[' && SkipSdElement(s, pos) is > 0 and var end)
            {
                pos = end;
                any = true;
            }

            if (!any)
            {
                // Heroku's logplex frames ("83 <40>1 2012-11-30T06:45:29+00:00 host app web.3 - message") leave the
                // structured data out altogether: the message follows the message id, even one that starts with "[".
                return s[0] != '<' ? pos : -1;
            }
        }

        if (pos < s.Length)
        {
            if (s[pos] != ' ')
            {
                return -1;
            }

            pos++;
        }

        return s[pos..].StartsWith("\xEF\xBB\xBF"u8) ? pos + 3 : pos;
    }

    // 2025-06-28T09:08:38.123456+00:00 host tag[pid]:
    private static int MatchSyslogIso(ReadOnlySpan<byte> s, out DateTimeOffset? time)
    {
        time = null;
        var length = MatchRfc3339(s, out var parsed);
        if (length < 0)
        {
            return -1;
        }

        var end = MatchHostAndTag(s, length, hostRequired: true);
        if (end > 0)
        {
            time = parsed;
        }

        return end;
    }

    private static int MatchRfc3339(ReadOnlySpan<byte> s, out DateTimeOffset? time)
    {
        time = null;
        var token = Token(s, 0);
        if (token.Length == 10 && IsDate(token) && GluedZonedTime(s) is > 0 and var glued && NginxTime.TryParseIso8601(s[..glued], out var instant))
        {
            // A zoned time with the line glued to it, no space between (TrueNAS SCALE's app log viewer:
            // "2023-05-07 00:45:57.479241+00:00172.16.3.183 - - [06/May/2023:…"): the prefix ends with its zone.
            time = instant;
            return glued;
        }

        if (token.Length == 10 && IsDate(token) && 11 < s.Length && s[11..] is var run
            && (run.IndexOfAny((byte)' ', (byte)'\t') is var end && end >= 0 ? run[..end] : run) is { Length: >= 8 } clock && IsClock(clock[..8])
            && (clock.Length == 8 || clock[8] is (byte)'.' or (byte)',') && 11 + clock.Length < s.Length)
        {
            // A log viewer's local time (Docker Desktop's "2024-01-24 10:25:11 nginx.1  | ", an export's
            // "2021-11-15 20:07:23<TAB>stdout<TAB>"): no zone, so no instant.
            return 11 + clock.Length + 1;
        }

        if (token.Length < 20 || token.Length >= s.Length || token[10] != 'T' || !TryZonedTime(token, out var parsed))
        {
            return -1;
        }

        time = parsed;
        return token.Length + 1;
    }

    /// <summary>The length of <c>2023-05-07 00:45:57[.frac]+00:00</c> (or <c>Z</c>) at the start of <paramref name="s"/> when
    /// the line's own text follows it at once, no space or tab between; else 0.</summary>
    private static int GluedZonedTime(ReadOnlySpan<byte> s)
    {
        if (s.Length < 21 || s[10] != ' ' || !IsClock(s[11..19]))
        {
            return 0;
        }

        var at = 19;
        if (s[at] is (byte)'.' or (byte)',')
        {
            at++;
            while (at < s.Length && char.IsAsciiDigit((char)s[at]))
            {
                at++;
            }
        }

        var zone = at < s.Length && s[at] == 'Z' ? 1
            : at + 6 <= s.Length && s[at] is (byte)'+' or (byte)'-' && s[at + 3] == ':' && IsDigits(s.Slice(at + 1, 2)) && IsDigits(s.Slice(at + 4, 2)) ? 6
            : 0;
        at += zone;
        return zone > 0 && at < s.Length && s[at] is not ((byte)' ' or (byte)'\t') ? at : 0;
    }

    private static bool IsDigits(ReadOnlySpan<byte> s) => s.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    private static bool IsDate(ReadOnlySpan<byte> s) =>
        s.Length == 10 && s[4] == '-' && s[7] == '-' && s[..4].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
        && s[5..7].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0 && s[8..].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    private static int MatchCri(ReadOnlySpan<byte> s, out DateTimeOffset? time)
    {
        var pos = MatchRfc3339(s, out time);
        if (pos < 0)
        {
            return -1;
        }

        var rest = s[pos..];
        if ((rest.StartsWith("stdout "u8) || rest.StartsWith("stderr "u8)) && rest.Length >= 9 && rest[7] is (byte)'F' or (byte)'P'
            && (rest.Length == 8 || rest[8] == ' '))
        {
            return pos + Math.Min(9, rest.Length);
        }

        // A container manager's export, tab-separated: time, stream, message (Synology's).
        if ((rest.StartsWith("stdout\t"u8) || rest.StartsWith("stderr\t"u8)) && s[pos - 1] == '\t' && rest.Length > 7)
        {
            return pos + 7;
        }

        time = null;
        return -1;
    }

    // "nginx-1  | ", "web_1    | ", with the colour codes compose adds on a terminal; pm2's "0|nginx  | ".
    private static int MatchCompose(ReadOnlySpan<byte> s)
    {
        var pos = SkipAnsi(s, 0);

        // PM2's "pm2 logs" puts the process id before the name the same way: "0|nginx    | ".
        var id = s[pos..Math.Min(s.Length, pos + 6)].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (id > 0 && s[pos + id] == '|')
        {
            pos += id + 1;
        }

        var nameStart = pos;
        var letters = false;
        while (pos < s.Length && (char.IsAsciiLetterOrDigit((char)s[pos]) || s[pos] is (byte)'_' or (byte)'-' or (byte)'.'))
        {
            letters |= char.IsAsciiLetter((char)s[pos]);
            pos++;
        }

        // A name, not an address: "10.0.0.1 | ..." is a pipe-separated access line.
        if (pos == nameStart || pos - nameStart > 128 || !letters || s[nameStart] is (byte)'-' or (byte)'.')
        {
            return -1;
        }

        pos = SkipAnsi(s, pos);
        var spaces = pos;
        while (pos < s.Length && s[pos] == ' ')
        {
            pos++;
        }

        if (pos == spaces)
        {
            return -1;
        }

        pos = SkipAnsi(s, pos);
        if (pos >= s.Length || s[pos] != '|')
        {
            return -1;
        }

        pos = SkipAnsi(s, pos + 1);
        if (pos == s.Length)
        {
            return pos;
        }

        return s[pos] == ' ' ? SkipAnsi(s, pos + 1) : -1;
    }

    // "[pod/web-7d9f8/nginx] "
    private static int MatchKubectl(ReadOnlySpan<byte> s)
    {
        if (!s.StartsWith("[pod/"u8))
        {
            return -1;
        }

        var close = s.IndexOf((byte)']');
        if (close < 6 || s[..close].Contains((byte)' '))
        {
            return -1;
        }

        return close + 1 == s.Length ? close + 1 : s[close + 1] == ' ' ? close + 2 : -1;
    }

    // {filename="/var/log/nginx/access.log", job="nginx"}   — Prometheus label names, quoted values with \" escapes.
    private static int MatchLokiLabels(ReadOnlySpan<byte> s)
    {
        if (s.Length < 6 || s[0] != '{')
        {
            return -1;
        }

        var pos = 1;
        while (true)
        {
            var nameStart = pos;
            while (pos < s.Length && (char.IsAsciiLetterOrDigit((char)s[pos]) || s[pos] == '_'))
            {
                pos++;
            }

            if (pos == nameStart || char.IsAsciiDigit((char)s[nameStart]) || pos + 1 >= s.Length || s[pos] != '=' || s[pos + 1] != '"')
            {
                return -1;
            }

            pos += 2;
            while (pos < s.Length && s[pos] != '"')
            {
                pos += s[pos] == '\\' ? 2 : 1;
            }

            if (++pos >= s.Length)
            {
                return -1;
            }

            if (s[pos] == '}')
            {
                break;
            }

            if (s[pos] != ',')
            {
                return -1;
            }

            pos++;
            while (pos < s.Length && s[pos] == ' ')
            {
                pos++;
            }
        }

        pos++;
        var spaces = pos;
        while (pos < s.Length && s[pos] == ' ')
        {
            pos++;
        }

        return pos > spaces || pos == s.Length ? pos : -1;
    }

    // "web-7d4b9c-x2x9z nginx {"status":"502",…}": text without quotes, a space or tab, then an object to the end.
    private static int MatchBeforeJson(ReadOnlySpan<byte> s)
    {
        var end = s.TrimEnd(" \t\r"u8);
        if (end.Length < 4 || end[^1] != '}')
        {
            return -1;
        }

        var limit = Math.Min(end.Length - 2, 512);
        for (var pos = 1; pos < limit; pos++)
        {
            switch (s[pos])
            {
                case (byte)'"':
                    return -1;
                case (byte)'{' when s[pos + 1] == '"' && s[pos - 1] is (byte)' ' or (byte)'\t':
                    return pos;
            }
        }

        return -1;
    }

    // "web-7d4b9c-x2x9z ", "i-0abc123/nginx ": a letter, then letters, digits and . _ - /, then a space and more.
    private static int MatchWord(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty || !char.IsAsciiLetter((char)s[0]))
        {
            return -1;
        }

        var pos = 1;
        while (pos < s.Length && pos <= 253 && (char.IsAsciiLetterOrDigit((char)s[pos]) || s[pos] is (byte)'.' or (byte)'_' or (byte)'-' or (byte)'/'))
        {
            pos++;
        }

        return pos < s.Length - 1 && s[pos] == ' ' && s[pos + 1] != ' ' && s[pos + 1] != '|' ? pos + 1 : -1;
    }

    /// <summary>
    /// [host ]tag[pid]: — the tag starts with a letter; a colon and a space (or the end) follow it. A relaying daemon
    /// may write a host twice: syslog-ng writes <c>vm vm nginx: </c> for what nginx's workers send to its unix socket.
    /// </summary>
    private static int MatchHostAndTag(ReadOnlySpan<byte> s, int pos, bool hostRequired)
    {
        for (var hosts = 0; hosts <= 2; hosts++)
        {
            var token = Token(s, pos);
            if (token.Length == 0)
            {
                return -1;
            }

            if ((hosts > 0 || !hostRequired) && TagLength(token) == token.Length)
            {
                var end = pos + token.Length;
                return end == s.Length ? end : end + 1;
            }

            pos += token.Length + 1;
        }

        return -1;
    }

    // "nginx: ", "nginx[1234]: " alone: what is left of a syslog line whose daemon did not recognise the tag; or with
    // the host before it and no time ("frontend.0 nginx: ", a journal's message as Upsun's shipper relays it).
    // Not a key of nginx's request context ("server: , request: …"), which starts the rest of an error line a paste
    // wrapped after "client: …, ".
    private static int MatchTag(ReadOnlySpan<byte> s)
    {
        var end = MatchHostAndTag(s, 0, hostRequired: false);
        return end > 0 && end < s.Length && !IsContextKey(s[..end].TrimEnd((byte)' ')) ? end : -1;
    }

    private static bool IsContextKey(ReadOnlySpan<byte> tag) =>
        tag.SequenceEqual("server:"u8) || tag.SequenceEqual("request:"u8) || tag.SequenceEqual("upstream:"u8) || tag.SequenceEqual("host:"u8)
        || tag.SequenceEqual("client:"u8) || tag.SequenceEqual("referrer:"u8) || tag.SequenceEqual("subrequest:"u8);

    private static bool ContainsOtherThanName(ReadOnlySpan<byte> s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit((char)c) || c is (byte)'.' or (byte)'-' or (byte)'_'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The length of <c>name:</c>, <c>name[1234]:</c> or <c>app[web.1]:</c> at the start of a token, or -1.</summary>
    private static int TagLength(ReadOnlySpan<byte> token)
    {
        if (token.Length < 2 || !char.IsAsciiLetter((char)token[0]) || token[^1] != ':')
        {
            return -1;
        }

        var body = token[..^1];
        var bracket = body.IndexOf((byte)'[');
        if (bracket >= 0)
        {
            // A process id, or a Heroku dyno (app[web.1]:).
            if (body[^1] != ']' || bracket + 2 > body.Length - 1 || ContainsOtherThanName(body[(bracket + 1)..^1]))
            {
                return -1;
            }

            body = body[..bracket];
        }

        foreach (var c in body)
        {
            if (!(char.IsAsciiLetterOrDigit((char)c) || c is (byte)'_' or (byte)'-' or (byte)'.' or (byte)'/'))
            {
                return -1;
            }
        }

        return token.Length;
    }

    /// <summary>The non-space run at <paramref name="pos"/> that a space follows (or the end); empty when none.</summary>
    private static ReadOnlySpan<byte> Token(ReadOnlySpan<byte> s, int pos)
    {
        if (pos >= s.Length || s[pos] == ' ')
        {
            return default;
        }

        var rest = s[pos..];
        var space = rest.IndexOf((byte)' ');
        return space < 0 ? rest : rest[..space];
    }

    // One SD-ELEMENT, "[id name=\"value\" ...]" ('"', '\\' and ']' escaped in values): its end, or -1 when the text at
    // pos is not one ("[29/Sep/2021:10:31:02 +0000]" is a time).
    private static int SkipSdElement(ReadOnlySpan<byte> s, int pos)
    {
        pos++;
        var id = pos;
        while (pos < s.Length && s[pos] is > (byte)' ' and < 127 and not ((byte)'=' or (byte)']' or (byte)'"'))
        {
            pos++;
        }

        if (pos == id)
        {
            return -1;
        }

        while (pos < s.Length && s[pos] == ' ')
        {
            pos++;
            var name = pos;
            while (pos < s.Length && s[pos] is > (byte)' ' and < 127 and not ((byte)'=' or (byte)']' or (byte)'"'))
            {
                pos++;
            }

            if (pos == name || pos + 1 >= s.Length || s[pos] != '=' || s[pos + 1] != '"')
            {
                return -1;
            }

            pos += 2;
            while (pos < s.Length && s[pos] != '"')
            {
                pos += s[pos] == '\\' ? 2 : 1;
            }

            if (pos >= s.Length)
            {
                return -1;
            }

            pos++;
        }

        return pos < s.Length && s[pos] == ']' ? pos + 1 : -1;
    }

    // <PRI>, after the message's length when it was framed by octet counting and kept a frame a line ("148 <190>1 …",
    // RFC 6587 section 3.4.1, as Heroku's logplex drains post them: each frame ends with a newline it counts).
    private static int SkipPri(ReadOnlySpan<byte> s)
    {
        var start = 0;
        var digits = s[..Math.Min(7, s.Length)].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (digits > 0 && s[digits] == ' ' && s[0] != '0')
        {
            start = digits + 1;
        }

        var pri = s[start..];
        if (pri.Length < 3 || pri[0] != '<')
        {
            return -1;
        }

        var close = pri[..Math.Min(5, pri.Length)].IndexOf((byte)'>');
        if (close < 2 || pri[1..close].IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return -1;
        }

        return start + close + 1;
    }

    private static int SkipFraction(ReadOnlySpan<byte> s, int pos)
    {
        if (pos < s.Length && s[pos] == '.')
        {
            pos++;
            while (pos < s.Length && char.IsAsciiDigit((char)s[pos]))
            {
                pos++;
            }
        }

        return pos;
    }

    private static int SkipAnsi(ReadOnlySpan<byte> s, int pos)
    {
        // ESC [ params m — select graphic rendition, what compose uses for colours.
        while (pos + 2 < s.Length && s[pos] == 0x1b && s[pos + 1] == '[')
        {
            var end = pos + 2;
            while (end < s.Length && (char.IsAsciiDigit((char)s[end]) || s[end] == ';'))
            {
                end++;
            }

            if (end >= s.Length || s[end] != 'm')
            {
                return pos;
            }

            pos = end + 1;
        }

        return pos;
    }

    /// <summary>An RFC 3339 time with a zone (<c>Z</c> or an offset): the instant is known.</summary>
    private static bool TryZonedTime(ReadOnlySpan<byte> token, out DateTimeOffset time)
    {
        time = default;
        var zoned = token[^1] == 'Z' || (token.Length >= 25 && token[^6] is (byte)'+' or (byte)'-')
            || (token.Length >= 24 && token[^5] is (byte)'+' or (byte)'-');
        return zoned && NginxTime.TryParseIso8601(token, out time);
    }

    private static bool IsClock(ReadOnlySpan<byte> s) =>
        s[2] == ':' && s[5] == ':' && char.IsAsciiDigit((char)s[0]) && char.IsAsciiDigit((char)s[1])
        && char.IsAsciiDigit((char)s[3]) && char.IsAsciiDigit((char)s[4]) && char.IsAsciiDigit((char)s[6]) && char.IsAsciiDigit((char)s[7]);

    private static bool IsMonth(ReadOnlySpan<byte> s) => NginxTime.MonthNumber(s) > 0;
}
