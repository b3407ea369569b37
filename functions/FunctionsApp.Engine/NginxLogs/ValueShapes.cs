using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>Classifies values by shape (<see cref="ValueShape"/>).</summary>
internal static class ValueShapes
{
    private static readonly HashSet<string> Methods =
    [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "PROPFIND", "PROPPATCH",
        "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "PRI", "SEARCH", "REPORT", "MKACTIVITY", "CHECKOUT", "MERGE", "PURGE",
    ];

    /// <summary>How nginx separates the tries of an upstream variable: <c>, </c> between servers, <c> : </c> between groups.</summary>
    private static readonly string[] ListSeparators = [", ", " : "];

    /// <summary>The items of a value written as a list of tries (the value itself when it is not a list).</summary>
    public static string[] ListItems(string value) => value.Split(ListSeparators, StringSplitOptions.None);

    public static ValueShape Of(string value)
    {
        // "-, -" is a "-" for each try (no header from either server): absent, as a lone "-" is.
        if (value.Length == 0 || value == "-" || ListItems(value).All(item => item == "-"))
        {
            return ValueShape.Dash;
        }

        var shape = ValueShape.None;
        var bytes = Encoding.UTF8.GetBytes(value);
        if (value.Length == NginxTime.TimeLocalLength && NginxTime.TryParseTimeLocal(bytes, out _))
        {
            return ValueShape.TimeLocal;
        }

        if (value.Length >= 20 && value[4] == '-' && value[10] == 'T' && NginxTime.OffsetOf(bytes) is not null && NginxTime.TryParseIso8601(bytes, out _))
        {
            return ValueShape.TimeIso;
        }

        if (value.Length is >= 19 and <= 29 && value[4] == '-' && value[10] is 'T' or ' ' && NginxTime.OffsetOf(bytes) is null
            && value.AsSpan(19).IndexOfAnyExcept(".0123456789") < 0 && NginxTime.TryParseIso8601(bytes, out _))
        {
            return ValueShape.TimeIsoLocal;
        }

        if (IsMsec(value))
        {
            return ValueShape.Msec;
        }

        var isList = value.Contains(", ", StringComparison.Ordinal) || value.Contains(" : ", StringComparison.Ordinal);
        if (isList)
        {
            shape |= ValueShape.List;
        }

        if (IsRequestLine(value))
        {
            shape |= ValueShape.RequestLine;
        }

        if (Methods.Contains(value))
        {
            shape |= ValueShape.Method;
        }

        if (value.StartsWith("HTTP/", StringComparison.Ordinal) && value.Length <= 8)
        {
            shape |= ValueShape.Protocol;
        }

        if (value[0] == '/' && !value.Contains(' ', StringComparison.Ordinal))
        {
            shape |= value.Contains('?', StringComparison.Ordinal) ? ValueShape.Path | ValueShape.PathWithQuery : ValueShape.Path;
        }

        if (value.Contains('=', StringComparison.Ordinal) && !value.Contains(' ', StringComparison.Ordinal) && value[0] != '/' && value[0] != '=')
        {
            shape |= ValueShape.Args;
        }

        if (IsStatus(value))
        {
            shape |= ValueShape.Status;
        }

        if (IsUrl(value))
        {
            shape |= ValueShape.Url;
        }

        if (IsInteger(value))
        {
            shape |= ValueShape.Integer;
        }

        if (IsSeconds(value))
        {
            shape |= ValueShape.Seconds;
        }

        if (value.Length == 32 && value.All(char.IsAsciiHexDigit))
        {
            shape |= ValueShape.Hex32;
        }

        if (IsAddress(value))
        {
            shape |= ValueShape.Address;
        }

        if (IsIp(value) || IsMaskedIPv4(value))
        {
            shape |= ValueShape.Ip;
        }

        if (IsHostName(value))
        {
            shape |= ValueShape.HostName;
        }
        else if (IsHostPort(value))
        {
            shape |= ValueShape.HostPort;
        }

        if (IsWord(value))
        {
            shape |= ValueShape.Word;
        }

        if (IsAgent(value))
        {
            shape |= ValueShape.Agent;
        }

        shape |= ListShapes(value);
        return shape;
    }

    /// <summary>The list shapes a value has: every item (split at <c>, </c> and <c> : </c>) fits, and one is not <c>-</c>.</summary>
    private static ValueShape ListShapes(string value)
    {
        var items = ListItems(value);
        bool statuses = true, seconds = true, addresses = true, ips = true;
        bool anyStatus = false, anySeconds = false, anyAddress = false, anyIp = false;
        foreach (var raw in items)
        {
            var item = raw.Trim();
            var dash = item == "-";
            statuses &= dash || IsStatus(item);
            seconds &= dash || IsSeconds(item);
            addresses &= dash || IsAddress(item) || IsWord(item);
            ips &= IsIp(item) || IsAddress(item);
            anyStatus |= !dash && IsStatus(item);
            anySeconds |= !dash && IsSeconds(item);
            anyAddress |= IsAddress(item);
            anyIp |= IsIp(item);
        }

        var shape = ValueShape.None;
        shape |= statuses && anyStatus ? ValueShape.StatusList : ValueShape.None;
        shape |= seconds && anySeconds ? ValueShape.SecondsList : ValueShape.None;
        shape |= addresses && anyAddress ? ValueShape.AddressList : ValueShape.None;
        shape |= ips && anyIp && !value.Contains(" : ", StringComparison.Ordinal) ? ValueShape.IpList : ValueShape.None;
        return shape;
    }

    /// <summary>
    /// Status codes an HTTP server sends, and nginx's own (444, 494–499, <c>009</c>: the status it logs for an
    /// HTTP/0.9 request, such as a TLS handshake or other binary sent to a plain-HTTP port, and <c>000</c>: no status at
    /// all, a connection closed before nginx had a request to answer, logged with <c>"-"</c> as its request line).
    /// </summary>
    public static bool IsStatus(string value)
    {
        if (value.Length != 3 || !IsInteger(value))
        {
            return false;
        }

        var code = int.Parse(value, CultureInfo.InvariantCulture);
        return code is 0 or 9 or (>= 100 and <= 103) or (>= 200 and <= 208) or 226 or (>= 300 and <= 308) or (>= 400 and <= 418)
            or (>= 421 and <= 426) or 428 or 429 or 431 or 444 or 451 or (>= 494 and <= 499) or (>= 500 and <= 511);
    }

    public static bool IsSeconds(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return dot is > 0 and <= 6 && value.Length - dot - 1 == 3 && IsInteger(value[..dot]) && IsInteger(value[(dot + 1)..]);
    }

    private static bool IsMsec(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return dot == 10 && value.Length == 14 && IsInteger(value[..10]) && IsInteger(value[11..])
            && long.Parse(value[..10], CultureInfo.InvariantCulture) is >= 946684800 and < 4102444800;
    }

    private static bool IsInteger(string value) => value.Length > 0 && value.All(char.IsAsciiDigit);

    private static bool IsRequestLine(string value)
    {
        var parts = value.Split(' ');
        return parts.Length is 2 or 3 && parts[0].Length is >= 3 and <= 12 && parts[0].All(char.IsAsciiLetterUpper)
            && parts[1].Length > 0 && (parts.Length == 2 || parts[2].StartsWith("HTTP/", StringComparison.Ordinal));
    }

    private static bool IsUrl(string value) =>
        value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>ip:port</c>, <c>[v6]:port</c> or <c>unix:/path</c>.</summary>
    public static bool IsAddress(string value)
    {
        if (value.StartsWith("unix:", StringComparison.Ordinal))
        {
            return value.Length > 5;
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !IsPort(value[(colon + 1)..]))
        {
            return false;
        }

        var host = value[..colon];
        return host.StartsWith('[') && host.EndsWith(']') ? IsIp(host[1..^1]) : IsIPv4(host);
    }

    public static bool IsIp(string value) =>
        IsIPv4(value) || value == "unix:"
        || (value.Count(c => c == ':') >= 2 && value.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.') && IPAddress.TryParse(value, out _));

    /// <summary>
    /// A name masked before it was posted (<c>xxxx</c>, <c>XXXXX</c>, <c>***</c>, <c>xxx.xxx.xxx</c>, an address's first
    /// digits kept: <c>10XXXXXX</c>): mask characters, perhaps with digits, dots and dashes, and nothing else. People
    /// mask each line by hand, rarely with the same number of x's, so it names no host and is no reason to tell two
    /// lines' requests apart.
    /// </summary>
    public static bool IsMaskedName(string value)
    {
        var masks = 0;
        foreach (var c in value)
        {
            if (c is 'x' or 'X' or '*')
            {
                masks++;
            }
            else if (c is not ('.' or '-') && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return masks >= 3;
    }

    /// <summary>
    /// An IPv4 address masked before it was posted or shipped (<c>192.168.x.x</c>, <c>x.x.32.2</c>,
    /// <c>xxx.xxx.xxx.xxx</c>, <c>10.0.*.*</c>, <c>91.bbb.ccc.ddd</c>, <c>a.b.c.d</c>): still an address in its field, but it
    /// names nobody, so it agrees with any other client. Four parts of one to three characters, each digits, mask marks
    /// (<c>x</c>, <c>*</c>, <c>#</c>, mixed with digits: <c>1xx</c>) or one letter repeated, standing for an octet; a
    /// host name's labels are words (<c>api.dev.abc.io</c>), not a letter repeated.
    /// </summary>
    public static bool IsMaskedIPv4(string value)
    {
        // Called for every client pair the join compares: no allocation, and out at once for a plain address.
        if (value.Length is < 7 or > 15 || !value.AsSpan().ContainsAnyExcept(DigitsAndDots))
        {
            return false;
        }

        var parts = 0;
        foreach (var range in value.AsSpan().Split('.'))
        {
            var part = value.AsSpan()[range];
            if (++parts > 4 || part.Length is 0 or > 3
                || (part.ContainsAnyExcept(DigitsAndMasks) && (!char.IsAsciiLetter(part[0]) || part.ContainsAnyExcept(part[0]))))
            {
                return false;
            }
        }

        return parts == 4;
    }

    private static readonly SearchValues<char> DigitsAndDots = SearchValues.Create("0123456789.");
    private static readonly SearchValues<char> DigitsAndMasks = SearchValues.Create("0123456789xX*#");

    private static bool IsIPv4(string value)
    {
        var parts = value.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && IsInteger(p) && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    private static bool IsPort(string value) =>
        value.Length is >= 1 and <= 5 && IsInteger(value) && int.Parse(value, CultureInfo.InvariantCulture) <= 65535;

    private static bool IsHostName(string value)
    {
        if (value == "_" || value.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!value.Contains('.', StringComparison.Ordinal) || value.StartsWith('.') || value.EndsWith('.') || IsIPv4(value) || IsMaskedIPv4(value) || value.Length > 253)
        {
            return false;
        }

        // A name's last label (its top-level domain) is never all digits (RFC 3696 §2): "rspamd-1.9.3" is a version.
        return value.Any(char.IsAsciiLetter) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
            && value.AsSpan(value.LastIndexOf('.') + 1).ContainsAnyExcept("0123456789");
    }

    private static bool IsHostPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && IsPort(value[(colon + 1)..]) && (IsHostName(value[..colon]) || IsIPv4(value[..colon]) || IsWord(value[..colon]));
    }

    private static bool IsWord(string value) =>
        value.Length is > 0 and <= 128 && char.IsAsciiLetter(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    private static bool IsAgent(string value)
    {
        // "curl/8.0", "Mozilla/5.0 (X11; …)", "Go-http-client/1.1", "python-requests/2.31.0", "kube-probe/1.29".
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && char.IsAsciiLetter(value[0]) && slash + 1 < value.Length && char.IsAsciiDigit(value[slash + 1])
            && value[..slash].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }
}
