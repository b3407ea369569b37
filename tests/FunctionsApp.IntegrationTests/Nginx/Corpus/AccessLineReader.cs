using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// The generator's own reading of the access lines nginx wrote in a drawn format, used only to check labels: the format
/// string becomes an anchored pattern (literals as they are, each variable a lazy group), which is enough because the
/// generator knows the format exactly and chooses requests without quotes or separators in them.
/// </summary>
internal sealed partial class AccessLineReader
{
    private readonly Regex _pattern;

    public AccessLineReader(string format)
    {
        var pattern = new StringBuilder("^");
        var last = 0;
        foreach (Match variable in VariablePattern().Matches(format))
        {
            pattern.Append(Regex.Escape(format[last..variable.Index]));
            // $status is three digits: a lazy group would stop inside a list before it ("502, 200 200").
            var name = variable.Groups[1].Value;
            pattern.Append("(?<").Append(name).Append(name == "status" ? @">\d{3})" : ">.*?)");
            last = variable.Index + variable.Length;
        }

        pattern.Append(Regex.Escape(format[last..])).Append('$');
        _pattern = new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }

    /// <summary>One request as the generator needs it to check a label.</summary>
    internal sealed record Entry(DateTimeOffset Time, int Status, string? Host, string Path, string? UpstreamAddr);

    public Entry? Read(string line)
    {
        var match = _pattern.Match(line);
        if (!match.Success)
        {
            return null;
        }

        string? Get(string name)
        {
            var group = match.Groups[name];
            return group.Success && group.Value is not ("-" or "") ? group.Value : null;
        }

        var time = Get("time_iso8601") is { } iso ? DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture)
            : Get("time_local") is { } local ? ParseTimeLocal(local)
            : Get("msec") is { } msec ? DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(msec, CultureInfo.InvariantCulture) * 1000))
            : (DateTimeOffset?)null;
        if (time is null || !int.TryParse(Get("status"), CultureInfo.InvariantCulture, out var status))
        {
            return null;
        }

        var path = Get("request_uri") ?? Get("uri") ?? (Get("request") is { } request && request.Split(' ') is { Length: >= 2 } parts ? parts[1] : null);
        return path is null ? null : new Entry(time.Value, status, Get("host") ?? Get("server_name") ?? Get("http_host"), path, Get("upstream_addr"));
    }

    /// <summary><c>30/Nov/2026:10:00:00 +0545</c>.</summary>
    public static DateTimeOffset ParseTimeLocal(string value)
    {
        var offset = value[^5..];
        var withColon = value[..^5] + offset[..3] + ":" + offset[3..];
        return DateTimeOffset.ParseExact(withColon, "dd/MMM/yyyy:HH:mm:ss zzz", CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"\$([a-zA-Z_][a-zA-Z0-9_]*)")]
    private static partial Regex VariablePattern();
}
