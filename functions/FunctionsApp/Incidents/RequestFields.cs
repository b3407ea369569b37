using System.Text;

namespace FunctionsApp.Incidents;

/// <summary>
/// What an access-log line says about its request, in whichever variables the format has: the whole request line
/// (<c>$request</c>), or the method with the target (<c>$request_uri</c> as sent, or <c>$uri</c>, which nginx has
/// decoded, slash-merged and possibly rewritten by <c>try_files</c>/<c>index</c>, with <c>$args</c>). Compared with
/// the error line's <c>request: "GET /a?b=1 HTTP/1.1"</c>, which is always the request line as the client sent it.
/// </summary>
internal sealed record RequestFields(string Line, string Method, string Target)
{
    public static RequestFields None { get; } = new("", "", "");

    public bool IsEmpty => Line.Length == 0 && Method.Length == 0 && Target.Length == 0;

    /// <summary>Method and target for messages: <c>GET /a?b=1</c>.</summary>
    public override string ToString() => Line.Length > 0 ? Line : $"{Method} {Target}".Trim();

    /// <summary>Whether <paramref name="errorRequest"/> (an error line's <c>request:</c>) can be this request.</summary>
    public RequestAgreement Compare(string errorRequest)
    {
        if (errorRequest.Length == 0 || IsEmpty)
        {
            return RequestAgreement.Unknown;
        }

        if (Line.Length > 0)
        {
            return string.Equals(Line, errorRequest, StringComparison.Ordinal) ? RequestAgreement.Agree : RequestAgreement.Disagree;
        }

        var (method, target) = Split(errorRequest);
        if (Method.Length > 0 && method.Length > 0 && !string.Equals(Method, method, StringComparison.Ordinal))
        {
            return RequestAgreement.Disagree;
        }

        if (Target.Length == 0 || target.Length == 0)
        {
            return RequestAgreement.Unknown;
        }

        if (string.Equals(Target, target, StringComparison.Ordinal))
        {
            return RequestAgreement.Agree;
        }

        // $uri is the decoded, normalised path: equal once the sent target is decoded the same way. A difference may
        // be an internal rewrite to a script or file (try_files ... /index.php, index index.html): that proves nothing;
        // two plain paths that differ are two requests.
        var path = NormalizePath(Target);
        if (string.Equals(path, NormalizePath(target), StringComparison.Ordinal))
        {
            return RequestAgreement.Agree;
        }

        return LooksRewritten(path) ? RequestAgreement.Unknown : RequestAgreement.Disagree;
    }

    /// <summary>A path an internal redirect would produce: a file with an extension (<c>/index.php</c>), or <c>/</c>.</summary>
    private static bool LooksRewritten(string path)
    {
        var lastSegment = path[(path.LastIndexOf('/') + 1)..];
        return lastSegment.Length == 0 || lastSegment.Contains('.', StringComparison.Ordinal) || path.Contains('@', StringComparison.Ordinal);
    }

    /// <summary><c>GET /a?b HTTP/1.1</c> → (<c>GET</c>, <c>/a?b</c>).</summary>
    public static (string Method, string Target) Split(string requestLine)
    {
        var space = requestLine.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return ("", requestLine);
        }

        var rest = requestLine[(space + 1)..];
        var protocol = rest.LastIndexOf(" HTTP/", StringComparison.Ordinal);
        return (requestLine[..space], protocol >= 0 ? rest[..protocol] : rest);
    }

    /// <summary>The path of a target as nginx's <c>$uri</c> has it: percent-decoded, <c>//</c> merged, no query.</summary>
    private static string NormalizePath(string target)
    {
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? target[..query] : target;
        if (path.Contains('%', StringComparison.Ordinal))
        {
            path = Uri.UnescapeDataString(path);
        }

        var sb = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c != '/' || sb.Length == 0 || sb[^1] != '/')
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}

/// <summary>Whether an access line's request and an error line's <c>request:</c> can be the same request.</summary>
internal enum RequestAgreement
{
    /// <summary>Nothing to compare, or a difference that internal rewrites explain.</summary>
    Unknown,
    Agree,
    Disagree,
}
