using System.Runtime.CompilerServices;
using System.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// An nginx <c>log_format</c> compiled once into a parser
/// (https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format).
/// Text formats are matched segment by segment with vectorized searches for the literal text between
/// variables; JSON formats (<c>escape=json '{...}'</c>, flat or nested) are read by key path, in any key order
/// (<see cref="JsonFieldMap"/>).
/// </summary>
internal sealed partial class AccessLogFormat
{
    private const string CombinedDefinition =
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

    private const string MainDefinition =
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\"";

    // The default format of the Kubernetes ingress-nginx controller, common enough to recognise on sight.
    private const string IngressNginxDefinition =
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id";

    // Its formats before that (2016–2018): the client's forwarded-for list in brackets after the address, and at first no
    // upstream's name. Recognised on sight because a stretch of nginx's own answers logs every upstream field "-", which
    // no inference can name: read as these, those 503s say that no upstream was tried.
    private const string IngressNginxUpstreamNameDefinition =
        "$remote_addr - [$the_real_ip] - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_length $request_time [$proxy_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status";

    private const string IngressNginxForwardedForDefinition =
        "$remote_addr - [$proxy_add_x_forwarded_for] - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_length $request_time $upstream_addr $upstream_response_length $upstream_response_time $upstream_status";

    // Nginx Proxy Manager's "proxy" format, which every proxy host of it logs with (proxy-host-N_access.log; $server is
    // the host it forwards to). Its two statuses sit side by side, $upstream_status first, where values alone cannot
    // order them: recognised on sight, the two stay apart when they differ.
    private const string NginxProxyManagerDefinition =
        "[$time_local] $upstream_cache_status $upstream_status $status - $request_method $scheme $host \"$request_uri\" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] [Sent-to $server] \"$http_user_agent\" \"$http_referer\"";

    // nginx-proxy's "vhost" format (its nginx.tmpl), which every site behind it logs with, the Host first: recognised on
    // sight, it reads a `docker compose logs` paste whose few nginx lines sit among docker-gen's and forego's. Before
    // 2018 it ended at the user agent.
    private const string NginxProxyDefinition =
        "$host $remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" \"$upstream_addr\"";

    private const string NginxProxyLegacyDefinition =
        "$host $remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

    // Harbor's proxy, `timed_combined` in its nginx.conf template: no time at all, for its lines go to stdout and are
    // timed by what carries them (the runtime's stamp, or Harbor's syslog-fed proxy.log, `Nov  6 10:12:07 … proxy[866]: `).
    private const string HarborDefinition =
        "$remote_addr - \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time $upstream_response_time $pipe";

    private readonly Segment[] _segments;
    private readonly JsonFieldMap? _jsonKeys;
    private readonly bool[] _has = new bool[AccessFields.Count];

    private AccessLogFormat(string name, string definition, LogEscape escape, Segment[] segments, JsonFieldMap? jsonKeys)
    {
        Name = name;
        Definition = definition;
        Escape = escape;
        _segments = segments;
        _jsonKeys = jsonKeys;
        foreach (var segment in segments)
        {
            _has[(int)segment.Field] = true;
            _has[(int)segment.StandIn] = true;
        }

        if (jsonKeys is not null)
        {
            foreach (var field in jsonKeys.DeclaredFields)
            {
                _has[(int)field] = true;
            }
        }

        _has[0] = false;
    }

    /// <summary>nginx's predefined <c>combined</c> format.</summary>
    public static AccessLogFormat Combined { get; } = CompileText("combined", CombinedDefinition, LogEscape.Default);

    /// <summary>The <c>main</c> format from nginx's default nginx.conf.</summary>
    public static AccessLogFormat Main { get; } = CompileText("main", MainDefinition, LogEscape.Default);

    /// <summary>ingress-nginx's default <c>upstreaminfo</c> format.</summary>
    public static AccessLogFormat IngressNginx { get; } = CompileText("ingress-nginx", IngressNginxDefinition, LogEscape.Default);

    /// <summary>ingress-nginx's <c>upstreaminfo</c> of 2017–2018: <c>[$the_real_ip]</c> after the address, <c>[$proxy_upstream_name]</c>.</summary>
    public static AccessLogFormat IngressNginxUpstreamName { get; } = CompileText("ingress-nginx-2017", IngressNginxUpstreamNameDefinition, LogEscape.Default);

    /// <summary>ingress-nginx's <c>upstreaminfo</c> of 2016: <c>[$proxy_add_x_forwarded_for]</c> after the address, no upstream's name.</summary>
    public static AccessLogFormat IngressNginxForwardedFor { get; } = CompileText("ingress-nginx-2016", IngressNginxForwardedForDefinition, LogEscape.Default);

    /// <summary>Nginx Proxy Manager's <c>proxy</c> format.</summary>
    public static AccessLogFormat NginxProxyManager { get; } = CompileText("nginx-proxy-manager", NginxProxyManagerDefinition, LogEscape.Default);

    /// <summary>nginx-proxy's <c>vhost</c> format.</summary>
    public static AccessLogFormat NginxProxy { get; } = CompileText("nginx-proxy", NginxProxyDefinition, LogEscape.Default);

    /// <summary>nginx-proxy's <c>vhost</c> format before it logged <c>$upstream_addr</c>.</summary>
    public static AccessLogFormat NginxProxyLegacy { get; } = CompileText("nginx-proxy-legacy", NginxProxyLegacyDefinition, LogEscape.Default);

    /// <summary>Harbor's proxy format (<c>timed_combined</c>), which logs no time: read only behind a prefix that gives one.</summary>
    public static AccessLogFormat Harbor { get; } = CompileText("harbor", HarborDefinition, LogEscape.Default);

    /// <summary>nginx-proxy's formats, whose first field is the Host: detection reads a line with them only when that
    /// field is a host name (another format behind a shipper's word would read too).</summary>
    public bool StartsWithHost => ReferenceEquals(this, NginxProxy) || ReferenceEquals(this, NginxProxyLegacy);

    /// <summary>The names of the built-in formats.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["combined", "main", "ingress-nginx", "ingress-nginx-2017", "ingress-nginx-2016", "nginx-proxy-manager", "nginx-proxy", "nginx-proxy-legacy", "harbor", "json"];

    /// <summary>
    /// JSON lines whose keys are matched by name (<c>status</c>, <c>upstream_addr</c>, <c>time_iso8601</c>, ...).
    /// A new instance each time: it learns the keys of the lines it reads.
    /// </summary>
    public static AccessLogFormat CreateJson() => new("json", LearnedJson, LogEscape.Json, [], JsonFieldMap.Learning());

    private const string LearnedJson = "{...}";

    /// <summary>The JSON format without a template (<see cref="CreateJson"/>): every key is read by its name alone.</summary>
    public bool LearnsEveryKey => IsJson && Definition == LearnedJson;

    /// <summary>The formats <see cref="LogFormatDetector"/> chooses among, most specific first.</summary>
    public static IReadOnlyList<AccessLogFormat> CreatePresets() => [IngressNginx, IngressNginxUpstreamName, IngressNginxForwardedFor, NginxProxyManager, NginxProxy, NginxProxyLegacy, Harbor, Main, Combined, CreateJson()];

    /// <summary><c>combined</c>, <c>main</c>, <c>json</c>, a preset name, or the user's format text.</summary>
    public string Name { get; }

    /// <summary>The format string it was compiled from.</summary>
    public string Definition { get; }

    public LogEscape Escape { get; }

    public bool IsJson => _jsonKeys is not null;

    /// <summary>How many known fields the format has (for JSON, those its template declares or its lines showed).</summary>
    public int FieldCount => Enumerable.Range(1, AccessFields.Count - 1).Count(i => Has((AccessField)i));

    /// <summary>Whether lines of this format can carry the field (for JSON, also a field a key learned so far maps to).</summary>
    public bool Has(AccessField field) => _has[(int)field] || (_jsonKeys?.Has(field) ?? false);

    /// <summary>
    /// Compiles a preset name or a format. Accepts the bare format string, the quoted pieces of a
    /// <c>log_format</c> directive, or the whole directive (<c>log_format name escape=json '...' '...';</c>).
    /// </summary>
    public static bool TryCompile(string spec, out AccessLogFormat format, out string error)
    {
        format = Combined;
        error = string.Empty;
        var trimmed = spec.Trim();
        var preset = CreatePresets().FirstOrDefault(p => p.Name.Equals(trimmed, StringComparison.OrdinalIgnoreCase));
        if (preset is not null)
        {
            format = preset;
            return true;
        }

        if (!TryReadDirective(trimmed, out var name, out var escape, out var explicitEscape, out var template, out error))
        {
            return false;
        }

        if (!template.Contains('$', StringComparison.Ordinal))
        {
            error = $"the log_format '{Shorten(template)}' has no $variables; expected a preset ({string.Join(", ", PresetNames)}) or a format string";
            return false;
        }

        if (template.TrimStart().StartsWith('{'))
        {
            var keys = JsonFieldMap.FromTemplate(template);
            if (keys.IsEmpty)
            {
                error = "the JSON log_format maps no key to a known variable";
                return false;
            }

            // A JSON-shaped format without escape=json still escapes nginx's way (\x22); values are decoded as written.
            format = new AccessLogFormat(name, template, escape == LogEscape.Default && !explicitEscape ? LogEscape.Json : escape, [], keys);
            return true;
        }

        format = CompileText(name, template, escape);
        if (!format.Has(AccessField.Status))
        {
            error = $"the log_format '{Shorten(template)}' has no $status, so gateway errors cannot be found";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Compiles a template that detection inferred: a JSON template becomes the <c>json</c> format, a text one the
    /// <c>inferred</c> format. False when it does not compile to a format with a status.
    /// </summary>
    internal static bool TryCompileInferred(string template, out AccessLogFormat format)
    {
        if (template.StartsWith('{'))
        {
            var keys = JsonFieldMap.FromTemplate(template);
            format = new AccessLogFormat("json", template, LogEscape.Json, [], keys);
            return !keys.IsEmpty && format.Has(AccessField.Status);
        }

        format = CompileText(TextFormatInference.Name, template, LogEscape.Default);
        return format.Has(AccessField.Status);
    }

    /// <summary>
    /// How much the format tells the engine, weighting what diagnosis needs most (status, time, upstream, host):
    /// detection prefers the richer of two formats that read the sample about as well.
    /// </summary>
    public int Richness
    {
        get
        {
            // Each kind of information once: one time, one host, the request whole or in parts.
            var score = 0;
            score += Has(AccessField.Status) ? 4 : 0;
            score += Has(AccessField.TimeLocal) || Has(AccessField.TimeIso8601) || Has(AccessField.Msec) ? 4 : 0;
            score += Has(AccessField.UpstreamAddr) ? 4 : 0;
            score += Has(AccessField.Host) || Has(AccessField.HttpHost) || Has(AccessField.ServerName) ? 3 : 0;
            score += Has(AccessField.UpstreamStatus) ? 3 : 0;
            score += Has(AccessField.Request) || Has(AccessField.RequestUri) || Has(AccessField.Uri) ? 2 : 0;
            score += Has(AccessField.RemoteAddr) || Has(AccessField.RealIpRemoteAddr) || Has(AccessField.XForwardedFor) ? 2 : 0;
            score += Has(AccessField.RequestTime) || Has(AccessField.DurationNanos) ? 2 : 0;
            foreach (var extra in (ReadOnlySpan<AccessField>)[AccessField.UpstreamConnectTime, AccessField.UpstreamHeaderTime,
                AccessField.UpstreamResponseTime, AccessField.Connection, AccessField.RequestId, AccessField.UserAgent, AccessField.Referer,
                AccessField.BodyBytesSent, AccessField.RequestMethod, AccessField.Args, AccessField.ProxyUpstreamName])
            {
                score += Has(extra) ? 1 : 0;
            }

            return score;
        }
    }

    /// <summary>Parses one line. Lines with trailing text after the last variable are accepted:
    /// people append fields to known formats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryParse(ReadOnlySpan<byte> line, out AccessLogEntry entry)
    {
        entry = new AccessLogEntry(line, Escape);
        return _jsonKeys is null ? TryParseText(line, ref entry) : _jsonKeys.TryParse(line, ref entry);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryParseText(ReadOnlySpan<byte> line, ref AccessLogEntry entry)
    {
        var segments = _segments;
        var pos = 0;
        for (var i = 0; i < segments.Length; i++)
        {
            ref readonly var segment = ref segments[i];
            if (segment.Literal is { } literal)
            {
                if (!StartsWithLiteral(line[pos..], literal))
                {
                    if (TrimmedBlanks(segments, i, line[pos..]))
                    {
                        break;
                    }

                    return false;
                }

                pos += literal.Length;
                continue;
            }

            var rest = line[pos..];
            var next = i + 1 < segments.Length ? segments[i + 1].Literal : null;
            var length = next is null
                ? (i + 1 < segments.Length ? AdjacentValueLength(segments, i, rest) : rest.Length)
                : ValueLength(in segment, rest, next);
            if (length < 0)
            {
                if (!TrimmedBlanks(segments, i + 1, []))
                {
                    return false;
                }

                length = rest.TrimEnd(" \t"u8).Length;
            }

            entry.Set(segment.Field, pos, length);
            if (segment.StandIn != AccessField.Ignored)
            {
                entry.Set(segment.StandIn, pos, length);
            }

            pos += length;
        }

        entry.End = pos;
        return entry.HasStatus;
    }

    /// <summary>
    /// Where a value ends when the next variable follows it with nothing between (<c>$host$request_uri</c>,
    /// <c>"$upstream_scheme://$upstream_host$upstream_uri"</c>): the run of variables ends at the next literal; a
    /// URI that follows starts at the run's first <c>/</c>, and a variable the engine does not read gets nothing.
    /// </summary>
    private static int AdjacentValueLength(Segment[] segments, int i, ReadOnlySpan<byte> rest)
    {
        var j = i + 1;
        while (j < segments.Length && segments[j].Literal is null)
        {
            j++;
        }

        var runEnd = j < segments.Length ? IndexOfLiteral(rest, segments[j].Literal!) : rest.Length;
        if (runEnd < 0)
        {
            return -1;
        }

        var following = segments[i + 1].Field;
        if (following is AccessField.RequestUri or AccessField.Uri)
        {
            var slash = rest[..runEnd].IndexOf((byte)'/');
            return slash < 0 ? runEnd : slash;
        }

        return following == AccessField.Ignored || segments[i].Field != AccessField.Ignored ? runEnd : 0;
    }

    /// <summary>
    /// The format ends with blanks (<c>'... $msec  '</c>) that the line lacks or has fewer of: the first thing a shipper
    /// or an editor trims. Only the last segment, only blanks, only at the line's end.
    /// </summary>
    private static bool TrimmedBlanks(Segment[] segments, int index, ReadOnlySpan<byte> rest) =>
        index == segments.Length - 1 && segments[index].Literal is { } literal
        && literal.AsSpan().IndexOfAnyExcept(" \t"u8) < 0 && rest.IndexOfAnyExcept(" \t"u8) < 0;

    /// <summary>Finds where a value ends: at the next literal, except where the value itself legitimately
    /// contains that literal (a space inside <c>$time_local</c> or an unquoted <c>$request</c>, or upstream lists
    /// like <c>a, b : c</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ValueLength(in Segment segment, ReadOnlySpan<byte> rest, byte[] next)
    {
        if (segment.Field == AccessField.TimeLocal && rest.Length >= NginxTime.TimeLocalLength
            && StartsWithLiteral(rest[NginxTime.TimeLocalLength..], next))
        {
            return NginxTime.TimeLocalLength;
        }

        if (segment.Field == AccessField.TimeIso8601 && rest.Length >= 19 && rest[10] == ' ' && rest[4] == '-' && rest[13] == ':')
        {
            // A time mapped from $time_iso8601 with a blank for its 'T' ("2026-11-24 10:00:01"): the blank is its own.
            var end = 19;
            while (end < rest.Length && (rest[end] is (byte)'.' or (byte)'+' or (byte)'-' or (byte)':' or (byte)'Z' || char.IsAsciiDigit((char)rest[end])))
            {
                end++;
            }

            if (StartsWithLiteral(rest[end..], next))
            {
                return end;
            }
        }

        var offset = 0;
        if (segment.Field == AccessField.Request && next[0] == ' ')
        {
            // An unquoted $request has spaces of its own: it ends after its protocol.
            var protocol = rest.IndexOf(" HTTP/"u8);
            offset = protocol > 0 ? protocol + 6 : 0;
        }

        while (true)
        {
            var found = IndexOfLiteral(rest[offset..], next);
            if (found < 0)
            {
                return -1;
            }

            var at = offset + found;
            if (!segment.SpacedList || !IsInsideUpstreamList(rest, at))
            {
                return at;
            }

            offset = at + 1;
        }
    }

    /// <summary>The first occurrence of <paramref name="literal"/>: the same answer as <c>IndexOf(literal)</c>, faster
    /// here because the value before a literal is short and the literal's first byte nearly always starts it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int IndexOfLiteral(ReadOnlySpan<byte> text, byte[] literal)
    {
        var first = literal[0];
        var offset = 0;
        while (true)
        {
            var found = text[offset..].IndexOf(first);
            if (found < 0)
            {
                return -1;
            }

            var at = offset + found;
            if (StartsWithLiteral(text[at..], literal))
            {
                return at;
            }

            offset = at + 1;
        }
    }

    /// <summary><c>text.StartsWith(literal)</c>; the literals between variables are mostly one to three bytes,
    /// which a plain loop compares faster than a call to the vectorized comparison.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool StartsWithLiteral(ReadOnlySpan<byte> text, byte[] literal)
    {
        if (literal.Length > 4)
        {
            return text.StartsWith(literal);
        }

        if (text.Length < literal.Length)
        {
            return false;
        }

        for (var i = 0; i < literal.Length; i++)
        {
            if (text[i] != literal[i])
            {
                return false;
            }
        }

        return true;
    }

    // "10.0.0.1:80, 10.0.0.2:80 : unix:/x" — a space after ',' or ':' or before " : " separates tries, not fields.
    private static bool IsInsideUpstreamList(ReadOnlySpan<byte> rest, int spaceAt) =>
        (spaceAt > 0 && (rest[spaceAt - 1] == ',' || (rest[spaceAt - 1] == ':' && spaceAt > 1 && rest[spaceAt - 2] == ' ')))
        || rest[spaceAt..].StartsWith(" : "u8);

    private static AccessLogFormat CompileText(string name, string template, LogEscape escape)
    {
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '$' && i + 1 < template.Length && (template[i + 1] == '{' || IsNameChar(template[i + 1])))
            {
                var braced = template[i + 1] == '{';
                var start = i + (braced ? 2 : 1);
                var end = start;
                while (end < template.Length && IsNameChar(template[end]))
                {
                    end++;
                }

                if (literal.Length > 0)
                {
                    segments.Add(new Segment(Encoding.UTF8.GetBytes(literal.ToString()), AccessField.Ignored));
                    literal.Clear();
                }

                segments.Add(new Segment(null, AccessFields.FromVariable(template[start..end])));
                i = braced && end < template.Length && template[end] == '}' ? end : end - 1;
            }
            else
            {
                literal.Append(c);
            }
        }

        if (literal.Length > 0)
        {
            segments.Add(new Segment(Encoding.UTF8.GetBytes(literal.ToString()), AccessField.Ignored));
        }

        // Without $host, $http_host is the host; without $remote_addr, $realip_remote_addr is the client.
        var fields = segments.Select(s => s.Field).ToHashSet();
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var standIn = AccessFields.StandIn(segment.Field);
            if (standIn != AccessField.Ignored && !fields.Contains(standIn))
            {
                segment = segment with { StandIn = standIn };
                fields.Add(standIn);
            }

            var nextLiteral = i + 1 < segments.Count ? segments[i + 1].Literal : null;
            var list = segment.Field == AccessField.Ignored || AccessFields.IsUpstreamList(segment.Field);
            segments[i] = segment with { SpacedList = segment.Literal is null && list && nextLiteral is [(byte)' ', ..] };
        }

        return new AccessLogFormat(name, template, escape, [.. segments], null);
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "…" : s;

    /// <summary>Reads <c>log_format name [escape=x] 'a' "b" ...;</c>, or just the quoted strings, or a bare format.
    /// Backslash escapes are undone as nginx's configuration reader does (<c>\t</c>, <c>\n</c>, <c>\r</c>, <c>\"</c>,
    /// <c>\'</c>, <c>\\</c>; any other backslash stays).</summary>
    private static bool TryReadDirective(string spec, out string name, out LogEscape escape, out bool explicitEscape, out string template, out string error)
    {
        name = "custom";
        escape = LogEscape.Default;
        explicitEscape = false;
        template = spec;
        error = string.Empty;
        var rest = spec.AsSpan().Trim();
        if (rest.StartsWith("log_format", StringComparison.Ordinal) && rest.Length > 10 && char.IsWhiteSpace(rest[10]))
        {
            rest = rest[10..].TrimStart();
            var nameEnd = rest.IndexOfAny(' ', '\t', '\n');
            if (nameEnd < 0)
            {
                error = "the log_format directive has a name but no format";
                return false;
            }

            name = rest[..nameEnd].ToString();
            rest = rest[nameEnd..].TrimStart();
            if (rest.StartsWith("escape=", StringComparison.Ordinal))
            {
                var end = rest.IndexOfAny(' ', '\t', '\n');
                var value = end < 0 ? rest[7..] : rest[7..end];
                escape = value switch
                {
                    "json" => LogEscape.Json,
                    "none" => LogEscape.None,
                    _ => LogEscape.Default,
                };
                explicitEscape = true;
                rest = end < 0 ? default : rest[end..].TrimStart();
            }
        }

        var sb = new StringBuilder();
        if (rest.Length == 0 || (rest[0] != '\'' && rest[0] != '"'))
        {
            Unescape(rest.TrimEnd(';'), sb);
            template = sb.ToString();
            return true;
        }

        // Concatenate the quoted pieces, as nginx does (comment lines may sit between them).
        var unquoted = rest;
        rest = SkipComments(rest);
        while (rest.Length > 0 && rest[0] is '\'' or '"')
        {
            var quote = rest[0];
            var i = 1;
            while (i < rest.Length && rest[i] != quote)
            {
                i += rest[i] == '\\' && i + 1 < rest.Length ? 2 : 1;
            }

            if (i >= rest.Length)
            {
                error = "the log_format has an unterminated quoted string";
                return false;
            }

            Unescape(rest[1..i], sb);
            rest = SkipComments(rest[(i + 1)..]);
        }

        // Text after the pieces that is not the directive's end: no quoted pieces, but a format whose first field
        // nginx quotes itself ('"$request" $status …', a format pasted from the request on).
        if (rest.Length > 0 && rest[0] != ';')
        {
            sb.Clear();
            Unescape(unquoted.TrimEnd(';'), sb);
        }

        template = sb.ToString();
        return true;
    }

    /// <summary>Skips spaces and <c>#</c> comments up to the end of their lines, as nginx's configuration reader does
    /// between a directive's arguments.</summary>
    private static ReadOnlySpan<char> SkipComments(ReadOnlySpan<char> rest)
    {
        rest = rest.TrimStart();
        while (rest.Length > 0 && rest[0] == '#')
        {
            var newline = rest.IndexOf('\n');
            rest = newline < 0 ? default : rest[(newline + 1)..].TrimStart();
        }

        return rest;
    }

    private static void Unescape(ReadOnlySpan<char> text, StringBuilder sb)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                var unescaped = text[i + 1] switch
                {
                    't' => '\t',
                    'n' => '\n',
                    'r' => '\r',
                    '"' or '\'' or '\\' => text[i + 1],
                    _ => '\0',
                };
                if (unescaped != '\0')
                {
                    sb.Append(unescaped);
                    i++;
                    continue;
                }
            }

            sb.Append(text[i]);
        }
    }

    /// <param name="Literal">Text between variables; null for a variable.</param>
    /// <param name="Field">The variable's field.</param>
    /// <param name="StandIn">A field the variable also stands in for, when the format lacks that one's own variable.</param>
    /// <param name="SpacedList">The value may be a multi-try list and the literal after it starts with a space, so a
    /// space after ',' or around ':' is inside the value. Upstream variables, and those the engine does not read
    /// ($upstream_response_length, or an upstream time detection left unnamed because its sample held only "-").</param>
    private readonly record struct Segment(byte[]? Literal, AccessField Field, AccessField StandIn = AccessField.Ignored, bool SpacedList = false);
}
