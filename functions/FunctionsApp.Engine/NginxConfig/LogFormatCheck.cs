using System.Text;
using System.Text.RegularExpressions;

namespace FunctionsApp.NginxConfig;

/// <summary>
/// Which variables the diagnosis reads from an access log, what it loses without each, and the <c>log_format</c>
/// line that adds the missing ones to an existing format without changing how its other fields are read.
/// </summary>
public static partial class LogFormatCheck
{
    /// <summary>nginx's predefined format (https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format).</summary>
    public const string Combined = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

    /// <summary>The variables, the key each gets when appended, whether it is a list (quoted), and what is lost without it.</summary>
    public static IReadOnlyList<(string Variable, string Key, bool Quote, string Loss)> Wanted { get; } =
    [
        ("host", "host", false, "which site failed: incidents say host \"-\" unless an error line names it"),
        ("request_time", "rt", false, "how long failed requests took: a 504 cannot be compared with proxy_read_timeout"),
        ("upstream_addr", "ua", true, "which upstream failed: incidents say \"(unknown)\" unless an error line names it, and tries that failed over are invisible"),
        ("upstream_status", "us", true, "whether a 5xx came from the upstream itself or from nginx, and which tries failed before another server answered"),
        ("upstream_connect_time", "uct", true, "whether the connection was made: a refused or unreachable upstream looks like a slow one"),
        ("upstream_header_time", "uht", true, "whether a response header arrived: timeouts and crashes mid-request look alike"),
        ("upstream_response_time", "urt", true, "the upstream's latency before the incident (the overload trend)"),
        ("request_id", "rid", false, "the id that joins a request to its error-log lines and to the upstream's own logs (pass it on with proxy_set_header X-Request-ID $request_id)"),
    ];

    /// <summary>The variables a format string uses (<c>$name</c> and <c>${name}</c>).</summary>
    public static IReadOnlySet<string> Variables(string format) =>
        VariableRegex().Matches(format).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The wanted variables <paramref name="format"/> lacks.</summary>
    public static IReadOnlyList<(string Variable, string Key, bool Quote, string Loss)> Missing(string format)
    {
        var present = Variables(format);
        return [.. Wanted.Where(w => !present.Contains(w.Variable))];
    }

    /// <summary>
    /// A <c>log_format</c> directive named <paramref name="newName"/>: <paramref name="format"/> with the missing variables
    /// appended as <c> key=$var</c> (lists quoted: <c>ua="$upstream_addr"</c>), or, for a JSON format, as keys named
    /// after the variables before the closing brace.
    /// </summary>
    public static string Suggest(string newName, string format, string? escape)
    {
        var missing = Missing(format);
        string extended;
        if (escape == "json" || format.TrimEnd().EndsWith('}'))
        {
            var close = format.LastIndexOf('}');
            var keys = string.Concat(missing.Select(m => $",\"{m.Variable}\":\"${m.Variable}\""));
            extended = format[..close] + keys + format[close..];
        }
        else
        {
            var builder = new StringBuilder(format);
            foreach (var m in missing)
            {
                builder.Append(' ').Append(m.Key).Append('=').Append(m.Quote ? $"\"${m.Variable}\"" : "$" + m.Variable);
            }

            extended = builder.ToString();
        }

        var escapeParameter = escape is null or "default" ? string.Empty : $" escape={escape}";
        return $"log_format {newName}{escapeParameter} '{extended.Replace("'", "\\'", StringComparison.Ordinal)}';";
    }

    /// <summary>The format string of a <c>log_format</c> directive (its string arguments joined) and its <c>escape=</c>.</summary>
    public static (string Format, string? Escape) Definition(ConfigDirective logFormat)
    {
        var args = logFormat.Args.Skip(1).ToList();
        string? escape = null;
        if (args.Count > 0 && args[0].StartsWith("escape=", StringComparison.Ordinal))
        {
            escape = args[0]["escape=".Length..];
            args.RemoveAt(0);
        }

        return (string.Concat(args), escape);
    }

    [GeneratedRegex(@"\$\{?([A-Za-z0-9_]+)\}?", RegexOptions.CultureInvariant)]
    private static partial Regex VariableRegex();
}
