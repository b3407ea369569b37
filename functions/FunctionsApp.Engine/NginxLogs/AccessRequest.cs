using System.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// What an access line records about its request, kept (decoded) until the error lines that may explain it are
/// joined: the whole <c>$request</c>, or its parts <c>$request_method</c>, <c>$request_uri</c> (the target as sent),
/// <c>$uri</c> (decoded, slash-merged, possibly rewritten) and <c>$args</c>. Null parts are not in the format.
/// </summary>
internal sealed record AccessRequest(string? Line, string? Method, string? Target, string? Uri, string? Args)
{
    /// <summary>Nothing known about the request.</summary>
    public static AccessRequest None { get; } = new(null, null, null, null, null);

    /// <summary>Whether the format logs nothing about the request.</summary>
    public bool IsEmpty => Line is null && Method is null && Target is null && Uri is null;

    /// <summary>A HEAD request: nginx answers it with headers only (<c>r-&gt;header_only</c>), its own error page too.</summary>
    public bool IsHead => Method is not null ? Method == "HEAD" : Line?.StartsWith("HEAD ", StringComparison.Ordinal) == true;

    /// <summary>The target the client sent: <c>$request_uri</c>, else <c>$request</c>'s (<see cref="RequestLineParts.Target"/>),
    /// else <c>$uri</c>; null when none is logged.</summary>
    public string? SentTarget
    {
        get
        {
            if (Target is not null)
            {
                return Target;
            }

            var target = Line is { Length: > 0 } ? RequestLineParts.Target(Encoding.UTF8.GetBytes(Line)) : default;
            return target.IsEmpty ? Uri : Encoding.UTF8.GetString(target);
        }
    }

    /// <summary>Method and target for messages: <c>GET /a?b=1</c>.</summary>
    public override string ToString() => Line ?? string.Join(' ', new[] { Method, Target ?? Uri }.Where(p => p is { Length: > 0 }));

    /// <summary>The request fields an access line has (a field that is absent or <c>-</c> counts as not logged).</summary>
    public static AccessRequest From(in AccessLogEntry entry)
    {
        var line = Read(in entry, AccessField.Request);
        var target = Read(in entry, AccessField.RequestUri);

        // A "request" key that holds a target alone ("request":"$request_uri", Logstash's naming) is no request line.
        if (line is { Length: > 0 } && !line.Contains(' ', StringComparison.Ordinal) && (line[0] == '/' || IsAbsolute(line)))
        {
            (line, target) = (null, target ?? line);
        }

        return new AccessRequest(line, Read(in entry, AccessField.RequestMethod), target, Read(in entry, AccessField.Uri), Read(in entry, AccessField.Args));

        static string? Read(in AccessLogEntry entry, AccessField field) => entry.Has(field) ? entry.Text(field) : null;
    }

    /// <summary>An absolute URL (<c>$scheme://$host$request_uri</c>, Google Cloud's <c>requestUrl</c>).</summary>
    private static bool IsAbsolute(string target)
    {
        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        return scheme is > 0 and <= 8;
    }

    /// <summary>The path and query of a target, without the scheme and host of an absolute URL.</summary>
    private static string PathOf(string target)
    {
        if (!IsAbsolute(target))
        {
            return target;
        }

        var authority = target.IndexOf("://", StringComparison.Ordinal) + 3;
        var path = target.IndexOf('/', authority);
        return path < 0 ? "/" : target[path..];
    }

    /// <summary>Compares with an error line's <c>request: "…"</c> (as bytes from the line).</summary>
    public RequestAgreement Compare(ReadOnlySpan<byte> errorRequest) =>
        Compare(LogText.Decode(errorRequest, LogEscape.None));

    /// <summary>
    /// Compares with an error line's request line (<c>GET /a?b=1 HTTP/1.1</c>). <c>$request</c> against it, and
    /// <c>$request_uri</c> against its target, must be equal (both are what the client sent). A different method
    /// disagrees. <c>$uri</c> (with <c>$args</c>) equal to the target's normalised path (and query) agrees; a
    /// different <c>$uri</c> is unknown, because <c>try_files</c>, <c>index</c> and <c>rewrite</c> change it
    /// (<c>/index.php</c> for <c>/</c>).
    /// </summary>
    public RequestAgreement Compare(string errorRequest)
    {
        if (errorRequest.Length == 0)
        {
            return RequestAgreement.Unknown;
        }

        if (Line is { Length: > 0 })
        {
            // nginx cuts error lines at 2048 bytes: a long request line may reach the error log only in part.
            var cut = errorRequest.Length >= 1024 && Line.StartsWith(errorRequest, StringComparison.Ordinal);
            return Line == errorRequest || cut || WithoutProtocol(Line, errorRequest) || IsUriForm(Line, errorRequest) || PaddedByAWrap(Line, errorRequest) ? RequestAgreement.Agree
                : QueryValuesMasked(Line, errorRequest) ? RequestAgreement.Unknown
                : RequestAgreement.Disagree;
        }

        var bytes = Encoding.UTF8.GetBytes(errorRequest);
        var method = Encoding.UTF8.GetString(RequestLineParts.Method(bytes));
        var target = RequestLineParts.Target(bytes);
        if (Method is { Length: > 0 } && Method != method)
        {
            return RequestAgreement.Disagree;
        }

        if (Target is { Length: > 0 })
        {
            // The client's absolute-form target, or a format that writes the whole URL, against the other's path.
            var sent = Encoding.UTF8.GetString(target);
            return Target == sent || PathOf(Target) == PathOf(sent) ? RequestAgreement.Agree : RequestAgreement.Disagree;
        }

        if (Uri is { Length: > 0 })
        {
            // A "uri" with a query string equal to the target is $request_uri under another name (a renamed key, or
            // one the format was inferred from): nginx's $uri has no query string.
            if (Args is null && Uri.Contains('?', StringComparison.Ordinal) && Uri == Encoding.UTF8.GetString(target))
            {
                return RequestAgreement.Agree;
            }

            // A $uri that differs may be an internal redirect to a script or file (try_files ... /index.php, index
            // index.html): that proves nothing. Two plain paths that differ are two requests.
            var path = RequestLineParts.NormalizePath(target);
            if (Uri != path)
            {
                return LooksRewritten(Uri, path) ? RequestAgreement.Unknown : RequestAgreement.Disagree;
            }

            var sameArgs = Args is null || Args == Encoding.UTF8.GetString(RequestLineParts.Query(target));
            return sameArgs ? RequestAgreement.Agree : RequestAgreement.Unknown;
        }

        return RequestAgreement.Unknown;
    }

    /// <summary>
    /// Whether the two request lines differ only where the access log masks a parameter's value: the same method,
    /// path, parameter names in the same order and protocol, and every value that differs logged as a mask. Formats
    /// that keep secrets out of the access log write the request with such values replaced (GitLab's
    /// <c>private_token=[FILTERED]</c>), while nginx's error line always quotes the request as sent: such a pair may be
    /// one request, as far as the lines tell.
    /// </summary>
    private static bool QueryValuesMasked(string line, string errorRequest)
    {
        ReadOnlySpan<byte> logged = Encoding.UTF8.GetBytes(line);
        ReadOnlySpan<byte> sent = Encoding.UTF8.GetBytes(errorRequest);
        if (!RequestLineParts.Method(logged).SequenceEqual(RequestLineParts.Method(sent))
            || !RequestLineParts.Protocol(logged).SequenceEqual(RequestLineParts.Protocol(sent)))
        {
            return false;
        }

        var loggedTarget = RequestLineParts.Target(logged);
        var sentTarget = RequestLineParts.Target(sent);
        var loggedQuery = RequestLineParts.Query(loggedTarget);
        var sentQuery = RequestLineParts.Query(sentTarget);
        if (loggedQuery.IsEmpty || sentQuery.IsEmpty
            || !loggedTarget[..^loggedQuery.Length].SequenceEqual(sentTarget[..^sentQuery.Length]))
        {
            return false;
        }

        var loggedNames = loggedQuery.Split((byte)'&');
        var sentNames = sentQuery.Split((byte)'&');
        while (true)
        {
            var moreLogged = loggedNames.MoveNext();
            if (moreLogged != sentNames.MoveNext())
            {
                return false;
            }

            if (!moreLogged)
            {
                return true;
            }

            var loggedParameter = loggedQuery[loggedNames.Current];
            var sentParameter = sentQuery[sentNames.Current];
            if (!NameOf(loggedParameter).SequenceEqual(NameOf(sentParameter))
                || (!loggedParameter.SequenceEqual(sentParameter) && !IsMask(loggedParameter[NameOf(loggedParameter).Length..].TrimStart("="u8))))
            {
                return false;
            }
        }

        static ReadOnlySpan<byte> NameOf(ReadOnlySpan<byte> parameter) =>
            parameter.IndexOf((byte)'=') is var equals and >= 0 ? parameter[..equals] : parameter;

        // What a value is replaced with: [FILTERED], ***, <redacted>, REDACTED, xxxx, or nothing.
        static bool IsMask(ReadOnlySpan<byte> value) =>
            value.IsEmpty || value.IndexOfAny("[*<"u8) >= 0 || value.Trim((byte)'x').IsEmpty || value.Trim((byte)'X').IsEmpty
            || Ascii.EqualsIgnoreCase(value, "filtered"u8) || Ascii.EqualsIgnoreCase(value, "redacted"u8)
            || Ascii.EqualsIgnoreCase(value, "masked"u8) || Ascii.EqualsIgnoreCase(value, "hidden"u8);
    }

    /// <summary>
    /// Whether the error line's request is the access line's with a terminal's wrap in it: a paste of a line the
    /// terminal folded keeps the blanks that padded the fold ("POST /api/get_ap          p_config HTTP/1.1"). A run of
    /// blanks hardly ever is in a request line (clients send one space between its parts and encode the target's), so
    /// the two are the same request when they are equal without their blanks.
    /// </summary>
    private static bool PaddedByAWrap(string line, string errorRequest) =>
        errorRequest.Contains("  ", StringComparison.Ordinal) && errorRequest.Length > line.Length
        && errorRequest.Replace(" ", "", StringComparison.Ordinal) == line.Replace(" ", "", StringComparison.Ordinal);

    /// <summary>
    /// Whether the field is the error line's request without its protocol: <c>"$request_method $request_uri"</c> in one
    /// quoted field reads as a <c>$request</c> that lost its last word (nginx's own <c>$request</c> always has it).
    /// </summary>
    private static bool WithoutProtocol(string line, string errorRequest) =>
        errorRequest.Length > line.Length + 6 && errorRequest.StartsWith(line, StringComparison.Ordinal)
        && errorRequest.AsSpan(line.Length).StartsWith(" HTTP/", StringComparison.Ordinal) && line.Contains(' ', StringComparison.Ordinal);

    /// <summary>
    /// Whether a request-like field without a query string is <c>"$request_method $uri $server_protocol"</c> of the
    /// error line's request (ingress-nginx's default <c>upstreaminfo</c> logs it so): the method and protocol as sent,
    /// the path decoded and without its query.
    /// </summary>
    private static bool IsUriForm(string line, string errorRequest)
    {
        // Called for every pair the join compares: what rules a pair out is checked first, without allocating. Without
        // its query (and decoded), the logged request is always the shorter.
        if (line.Length >= errorRequest.Length)
        {
            return false;
        }

        var query = errorRequest.IndexOf('?', StringComparison.Ordinal);
        var methodEnd = line.IndexOf(' ', StringComparison.Ordinal);
        var protocolStart = errorRequest.LastIndexOf(' ');
        if (query < 0 || methodEnd <= 0 || protocolStart < query || line.Length < methodEnd + 1 + (errorRequest.Length - protocolStart)
            || line.Contains('?', StringComparison.Ordinal)
            || !errorRequest.AsSpan().StartsWith(line.AsSpan(0, methodEnd + 1), StringComparison.Ordinal)
            || !line.AsSpan().EndsWith(errorRequest.AsSpan(protocolStart), StringComparison.Ordinal))
        {
            return false;
        }

        var logged = line.AsSpan(methodEnd + 1, line.Length - (methodEnd + 1) - (errorRequest.Length - protocolStart));
        var sent = errorRequest.AsSpan(methodEnd + 1, query - (methodEnd + 1));
        if (logged.SequenceEqual(sent))
        {
            return true;
        }

        // $uri is the path decoded, with "//" merged and dot segments resolved: only such a path can differ and agree.
        return (sent.Contains('%') || sent.Contains("//", StringComparison.Ordinal) || sent.Contains("/.", StringComparison.Ordinal))
            && logged.SequenceEqual(RequestLineParts.NormalizePath(Encoding.UTF8.GetBytes(sent.ToString())));
    }

    /// <summary>A path an internal redirect would produce from the request's: a file with an extension
    /// (<c>/index.php</c>), the requested path as a directory (<c>/docs/</c> for <c>/docs</c>), or a named location.</summary>
    private static bool LooksRewritten(string uri, string requestPath)
    {
        // A directory path is the request's own, or try_files' "$uri/" of it ("/docs" served as "/docs/"); a
        // script or file name is where try_files, index or rewrite sent it; a named location is a jump.
        var lastSegment = uri[(uri.LastIndexOf('/') + 1)..];
        return lastSegment.Length == 0
            ? uri.Length == requestPath.Length + 1 && uri.StartsWith(requestPath, StringComparison.Ordinal)
            : lastSegment.Contains('.', StringComparison.Ordinal) || uri.StartsWith('@');
    }
}
