using System.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// Splits an HTTP request line as nginx logs it (<c>$request</c>, the error log's <c>request: "…"</c>):
/// <c>METHOD target HTTP/x.y</c>, or <c>METHOD target</c> for HTTP/0.9; and normalises a target's path the way
/// nginx computes <c>$uri</c> (https://nginx.org/en/docs/http/ngx_http_core_module.html#var_uri).
/// </summary>
internal static class RequestLineParts
{
    /// <summary>The first word; empty when the line is empty.</summary>
    public static ReadOnlySpan<byte> Method(ReadOnlySpan<byte> request)
    {
        var space = request.IndexOf((byte)' ');
        return space < 0 ? request : request[..space];
    }

    /// <summary>The target (between the first and the last space, or after the only one); empty when none.</summary>
    public static ReadOnlySpan<byte> Target(ReadOnlySpan<byte> request)
    {
        var first = request.IndexOf((byte)' ');
        if (first < 0)
        {
            return default;
        }

        var rest = request[(first + 1)..];
        var last = rest.LastIndexOf((byte)' ');
        return last >= 0 && rest[(last + 1)..].StartsWith("HTTP/"u8) ? rest[..last] : rest;
    }

    /// <summary>The protocol (<c>HTTP/1.1</c>); empty for HTTP/0.9 or a line that is not a request.</summary>
    public static ReadOnlySpan<byte> Protocol(ReadOnlySpan<byte> request)
    {
        var last = request.LastIndexOf((byte)' ');
        return last >= 0 && request[(last + 1)..].StartsWith("HTTP/"u8) ? request[(last + 1)..] : default;
    }

    /// <summary>The part of a target after <c>?</c>; empty when none.</summary>
    public static ReadOnlySpan<byte> Query(ReadOnlySpan<byte> target)
    {
        var question = target.IndexOf((byte)'?');
        return question < 0 ? default : target[(question + 1)..];
    }

    /// <summary>
    /// The path of a target as nginx normalises it into <c>$uri</c>: the part before <c>?</c> (of an absolute-form
    /// target, the part after the authority), <c>%XX</c> decoded, <c>//</c> merged (nginx's default
    /// <c>merge_slashes on</c>), <c>.</c> and <c>..</c> segments resolved. Empty when the target is empty.
    /// </summary>
    public static string NormalizePath(ReadOnlySpan<byte> target)
    {
        if (target.IsEmpty)
        {
            return string.Empty;
        }

        var scheme = target.IndexOf("://"u8);
        if (scheme > 0 && scheme < target.IndexOfAny((byte)'/', (byte)'?'))
        {
            var afterAuthority = target[(scheme + 3)..].IndexOf((byte)'/');
            target = afterAuthority < 0 ? "/"u8 : target[(scheme + 3 + afterAuthority)..];
        }

        var question = target.IndexOf((byte)'?');
        var path = question < 0 ? target : target[..question];
        var decoded = new byte[path.Length];
        var n = 0;
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '%' && i + 2 < path.Length && IsHex(path[i + 1]) && IsHex(path[i + 2]))
            {
                decoded[n++] = (byte)((Hex(path[i + 1]) << 4) | Hex(path[i + 2]));
                i += 2;
            }
            else
            {
                decoded[n++] = path[i];
            }
        }

        var segments = new List<string>();
        foreach (var segment in Encoding.UTF8.GetString(decoded, 0, n).Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        var trailing = n > 0 && decoded[n - 1] == '/' && segments.Count > 0;
        return "/" + string.Join('/', segments) + (trailing ? "/" : "");
    }

    private static bool IsHex(byte c) => Hex(c) >= 0;

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
