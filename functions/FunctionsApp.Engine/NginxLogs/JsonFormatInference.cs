using System.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// Infers a JSON <c>log_format</c> template from sample lines: each leaf path is named by its key
/// (<see cref="AccessFields.FromJsonKey"/>: nginx's variable names, common names, ECS), and keys nothing names are
/// read by their values' shape (a time, a request line, an upstream address list, a status). The template has one
/// dotted key per field found (<c>{"client.ip":"$remote_addr",…}</c>), which reads the nested lines too; keys it
/// leaves out are still learned by name as the lines are read.
/// </summary>
internal static class JsonFormatInference
{
    public static AccessLogFormat? Infer(IReadOnlyList<byte[]> sample)
    {
        var paths = new List<string>();
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var quoted = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = 0;
        foreach (var line in sample)
        {
            if (!IsJsonLine(line))
            {
                continue;
            }

            lines++;
            foreach (var (path, value, isQuoted) in JsonFieldMap.Leaves(line))
            {
                if (!values.TryGetValue(path, out var list))
                {
                    values[path] = list = [];
                    paths.Add(path);
                }

                list.Add(value);
                quoted[path] = quoted.GetValueOrDefault(path) + (isQuoted ? 1 : 0);
            }
        }

        if (lines == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, AccessField>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var field = AccessFields.FromJsonKey(path);
            if (field is AccessField.TimeIso8601 or AccessField.TimeLocal or AccessField.Msec)
            {
                // A time key's variable is the one its values are written as ("ts" may hold $time_local or $msec).
                var shapes = values[path].Select(ValueShapes.Of).ToList();
                field = shapes.Count(s => s == ValueShape.TimeLocal) * 2 > shapes.Count ? AccessField.TimeLocal
                    : shapes.Count(s => s == ValueShape.Msec) * 2 > shapes.Count ? AccessField.Msec
                    : field;
            }

            if (field != AccessField.Ignored && Fits(field, values[path]))
            {
                fields[path] = field;
            }
        }

        // A key named like $request_uri that never holds a query is $uri (the query, if logged, is in a key of its own):
        // read as $request_uri, its value would never equal the target of an error line's "GET /a?b=1 HTTP/1.1".
        foreach (var path in paths.Where(p => fields.GetValueOrDefault(p) == AccessField.RequestUri))
        {
            if (values[path].TrueForAll(v => !v.Contains('?', StringComparison.Ordinal)))
            {
                fields[path] = AccessField.Uri;
            }
        }

        // $host is a name (the Host header's, or the server_name): a "host" key holding only addresses while another
        // key holds names is the server's address ($server_addr, $hostname); the named one is the host.
        var hostPaths = paths.Where(p => fields.GetValueOrDefault(p) is AccessField.Host or AccessField.HttpHost or AccessField.ServerName).ToList();
        var named = hostPaths.Where(p => values[p].Exists(HasHostName)).ToList();
        if (named.Count > 0)
        {
            foreach (var path in hostPaths.Except(named))
            {
                fields[path] = AccessField.Ignored;
            }
        }

        // A "host" key of addresses beside a "port" key of ever-changing numbers, with no other key for the client, is
        // the client's address and port ($remote_addr, $remote_port: alp's and ISUCON's JSON format): a Host header
        // comes with $server_port, one number.
        if (!fields.ContainsValue(AccessField.RemoteAddr) && named.Count == 0
            && hostPaths.Find(p => values[p].TrueForAll(v => v is "" or "-" || !HasHostName(v))) is { } clientPath
            && paths.Find(p => p.EndsWith("port", StringComparison.OrdinalIgnoreCase) && values[p].Distinct().Count() > Math.Max(1, values[p].Count / 2)) is not null)
        {
            fields[clientPath] = AccessField.RemoteAddr;
        }

        // A GELF document (Graylog's format, which some log_formats write directly: "version":"1.1", "short_message")
        // names the machine that sent it "host" (its spec: the host, source or application): not the request's Host.
        if (paths.Contains("short_message") && paths.Contains("version") && fields.ContainsKey("host"))
        {
            fields["host"] = AccessField.Ignored;
        }

        // Keys no name explains: values only one field has.
        foreach (var path in paths.Where(p => !fields.ContainsKey(p)))
        {
            var shapes = values[path].Select(ValueShapes.Of).Where(s => s != ValueShape.Dash).ToList();
            if (shapes.Count == 0)
            {
                continue;
            }

            double Share(ValueShape shape) => (double)shapes.Count(s => (s & shape) != 0) / shapes.Count;
            var guess = Share(ValueShape.TimeIso) >= 0.9 ? AccessField.TimeIso8601
                : Share(ValueShape.TimeLocal) >= 0.9 ? AccessField.TimeLocal
                : Share(ValueShape.Msec) >= 0.9 ? AccessField.Msec
                : Share(ValueShape.RequestLine) >= 0.9 ? AccessField.Request
                : Share(ValueShape.AddressList) >= 0.9 ? AccessField.UpstreamAddr
                : Share(ValueShape.Status) >= 0.99 && shapes.Count == values[path].Count ? AccessField.Status
                : AccessField.Ignored;
            var taken = fields.ContainsValue(guess) || (guess is AccessField.TimeIso8601 or AccessField.TimeLocal or AccessField.Msec
                && fields.Values.Any(f => f is AccessField.TimeIso8601 or AccessField.TimeLocal or AccessField.Msec));
            if (guess != AccessField.Ignored && !taken)
            {
                fields[path] = guess;
            }
        }

        if (!fields.ContainsValue(AccessField.Status))
        {
            return null;
        }

        var template = new StringBuilder("{");
        // ECS's event.duration (nanoseconds) has no nginx variable: it is left to be learned by its name.
        foreach (var path in paths.Where(p => fields.TryGetValue(p, out var f) && f != AccessField.DurationNanos))
        {
            // A key read as something the engine does not use stays in the template, so that it is not learned by name.
            var variable = fields[path] == AccessField.Ignored ? "$server_addr" : "$" + AccessFields.VariableName(fields[path]);
            var asString = quoted[path] * 2 >= values[path].Count;
            template.Append(template.Length > 1 ? "," : "").Append('"').Append(path).Append("\":")
                .Append(asString ? "\"" + variable + "\"" : variable);
        }

        template.Append('}');
        return AccessLogFormat.TryCompileInferred(template.ToString(), out var format) ? format : null;
    }

    /// <summary>Whether a host value is a name, not an IP address (with or without a port).</summary>
    private static bool HasHostName(string value)
    {
        if (value is "" or "-")
        {
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var host = colon > 0 && colon == value.LastIndexOf(':') ? value[..colon] : value.Trim('[', ']');
        return !System.Net.IPAddress.TryParse(host, out _);
    }

    /// <summary>A line that starts (after spaces) with <c>{</c>.</summary>
    public static bool IsJsonLine(ReadOnlySpan<byte> line)
    {
        var trimmed = line.TrimStart(" \t"u8);
        return !trimmed.IsEmpty && trimmed[0] == '{';
    }

    /// <summary>Whether a key's values can be what its name says (a "time" holding 0.015 is a duration, not a time).</summary>
    private static bool Fits(AccessField field, List<string> values)
    {
        var shapes = values.Select(ValueShapes.Of).Where(s => s != ValueShape.Dash).ToList();
        if (shapes.Count == 0)
        {
            return true;
        }

        double Share(ValueShape shape) => (double)shapes.Count(s => (s & shape) != 0) / shapes.Count;
        return field switch
        {
            AccessField.TimeIso8601 or AccessField.TimeLocal or AccessField.Msec => values.Count(v => NginxTime.TryParseAny(Encoding.UTF8.GetBytes(v), out _)) * 10 >= values.Count * 9,
            AccessField.Status => Share(ValueShape.Status) >= 0.9,
            AccessField.UpstreamStatus => Share(ValueShape.StatusList) >= 0.9,

            // $upstream_addr holds addresses with their ports (or unix: sockets), and a group's name when no server was
            // live: a key named like it that holds host names alone ("upstream_host", APISIX's) is another variable.
            AccessField.UpstreamAddr => Share(ValueShape.AddressList) >= 0.5,
            AccessField.RequestTime or AccessField.UpstreamResponseTime or AccessField.UpstreamConnectTime or AccessField.UpstreamHeaderTime
                => shapes.All(s => (s & (ValueShape.SecondsList | ValueShape.Integer)) != 0 || s == ValueShape.None) || Share(ValueShape.SecondsList | ValueShape.Integer) >= 0.9,
            _ => true,
        };
    }
}
