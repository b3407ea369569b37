namespace FunctionsApp.IntegrationTests.Parsing;

/// <summary>
/// <c>log_format</c>s of every family people write — space-separated with quotes, unquoted, pipe, tab, CSV,
/// semicolon, key=value, logfmt, flat, bare-number, nested and ECS-named JSON, <c>${braces}</c> with
/// <c>escape=none</c> — each with a field set and order drawn from a seed.
/// </summary>
internal static class LabFormats
{
    public static readonly string[] Families =
    [
        "space", "space-unquoted", "pipe", "tab", "csv", "semicolon", "kv", "logfmt", "json", "json-bare", "json-nested", "ecs", "braces", "space", "json",
    ];

    /// <summary>The directive for format <paramref name="index"/>: <c>log_format fmtN [escape=…] '…';</c>.</summary>
    public static string Directive(int index, int seed)
    {
        var random = new Random(seed + (index * 7919));
        var family = Families[index % Families.Length];
        var fields = Fields(random);
        var template = family switch
        {
            "json" or "json-bare" => "{" + string.Join(',', fields.Select(f => $"\"{Key(f, random)}\":" + (family == "json-bare" && IsNumber(f) ? "$" + f : $"\"${f}\""))) + "}",
            "json-nested" or "ecs" => Nested(fields, ecs: family == "ecs"),
            _ => Join(family, fields.Select(f => Wrap(family, f, random))),
        };
        var escape = family.StartsWith("json", StringComparison.Ordinal) || family == "ecs" ? " escape=json" : family == "braces" ? " escape=none" : "";
        return $"log_format fmt{index}{escape} '{template}';";
    }

    private static List<string> Fields(Random random)
    {
        string Pick(params string[] options) => options[random.Next(options.Length)];
        var fields = new List<string> { "status", Pick("time_local", "time_iso8601", "msec"), Pick("host", "http_host", "server_name", "host") };
        fields.AddRange(Pick("request", "method+request_uri", "method+uri+args", "request_uri") switch
        {
            "method+request_uri" => ["request_method", "request_uri"],
            "method+uri+args" => ["request_method", "uri", "args"],
            "request_uri" => ["request_uri"],
            _ => ["request"],
        });
        fields.Add(Pick("remote_addr", "remote_addr", "http_x_forwarded_for"));
        fields.Add("upstream_addr");
        foreach (var optional in new[] { "upstream_status", "request_time", "upstream_response_time", "upstream_connect_time", "upstream_header_time", "body_bytes_sent", "http_user_agent", "request_id", "connection" })
        {
            if (random.NextDouble() < 0.6)
            {
                fields.Add(optional);
            }
        }

        var shuffled = fields.OrderBy(_ => random.Next()).ToList();
        foreach (var (first, second) in new[] { ("request_method", "request_uri"), ("request_method", "uri"), ("uri", "args") })
        {
            if (shuffled.Contains(first) && shuffled.Remove(second))
            {
                shuffled.Insert(shuffled.IndexOf(first) + 1, second);
            }
        }

        return shuffled;
    }

    private static bool IsNumber(string field) => field is "status" or "body_bytes_sent" or "request_time" or "msec" or "connection";

    private static string Key(string field, Random random)
    {
        string[] aliases = field switch
        {
            "request_time" => ["request_time", "rt", "duration"],
            "upstream_response_time" => ["upstream_response_time", "urt"],
            "upstream_connect_time" => ["upstream_connect_time", "uct"],
            "upstream_header_time" => ["upstream_header_time", "uht"],
            "upstream_status" => ["upstream_status", "us"],
            "upstream_addr" => ["upstream_addr", "upstream"],
            "time_iso8601" or "time_local" => ["time", field, "ts"],
            "remote_addr" => ["remote_addr", "client"],
            "connection" => ["connection", "cid"],
            "request_id" => ["request_id", "rid"],
            _ => [field],
        };
        return aliases[random.Next(aliases.Length)];
    }

    private static string Wrap(string family, string field, Random random)
    {
        var variable = family == "braces" ? "${" + field + "}" : "$" + field;
        return family switch
        {
            "space" or "braces" => field switch
            {
                "time_local" => "[" + variable + "]",
                "request" or "http_user_agent" or "http_x_forwarded_for" => "\"" + variable + "\"",
                _ => variable,
            },
            "space-unquoted" => field == "http_user_agent" ? "\"" + variable + "\"" : variable,
            "csv" => IsNumber(field) ? variable : "\"" + variable + "\"",
            "semicolon" => field == "http_user_agent" ? "\"" + variable + "\"" : variable,
            "kv" => Key(field, random) + "=" + (IsNumber(field) ? variable : "\"" + variable + "\""),
            "logfmt" => Key(field, random) + "=" + (field is "request" or "http_user_agent" or "time_local" ? "\"" + variable + "\"" : variable),
            _ => variable,
        };
    }

    private static string Join(string family, IEnumerable<string> parts) => family switch
    {
        "pipe" => string.Join(" | ", parts),
        "tab" => string.Join("\\t", parts),
        "csv" => string.Join(',', parts),
        "semicolon" => string.Join(';', parts),
        _ => string.Join(' ', parts),
    };

    private static string Nested(List<string> fields, bool ecs)
    {
        (string Group, string Key) Place(string field) => (ecs, field) switch
        {
            (true, "time_iso8601" or "time_local" or "msec") => ("", "@timestamp"),
            (true, "remote_addr") => ("source", "ip"),
            (true, "http_x_forwarded_for") => ("source", "forwarded_for"),
            (true, "request_method") => ("http.request", "method"),
            (true, "request_uri") => ("url", "original"),
            (true, "uri") => ("url", "path"),
            (true, "args") => ("url", "query"),
            (true, "host" or "server_name" or "http_host") => ("url", "domain"),
            (true, "status") => ("http.response", "status_code"),
            (true, "body_bytes_sent") => ("http.response.body", "bytes"),
            (true, "http_user_agent") => ("user_agent", "original"),
            (_, "request") => ("http", "request_line"),
            (_, "request_id") => ("http", "request_id"),
            (_, "request_time") => ("http", "request_time"),
            (_, "connection") => ("", "connection"),
            (_, var f) when f.StartsWith("upstream_", StringComparison.Ordinal) => ("upstream", f["upstream_".Length..]),
            (_, "remote_addr") => ("client", "ip"),
            (_, "http_x_forwarded_for") => ("client", "forwarded_for"),
            (_, "request_method") => ("http", "method"),
            (_, "request_uri") => ("http", "url"),
            (_, "uri" or "args" or "host" or "http_host" or "server_name" or "http_user_agent") => ("http", field),
            _ => ("", field),
        };

        // Build the nesting from dotted group names, in the fields' order.
        var root = new Node();
        foreach (var field in fields)
        {
            var (group, key) = Place(field);
            var node = root;
            foreach (var part in group.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                node = node.Child(part);
            }

            node.Leaves.Add((key, field is "status" or "body_bytes_sent" or "request_time" or "connection" ? "$" + field : "\"$" + field + "\""));
        }

        return root.Render();
    }

    private sealed class Node
    {
        private readonly List<(string Name, Node Node)> _children = [];
        private readonly List<string> _order = [];

        public List<(string Key, string Value)> Leaves { get; } = [];

        public Node Child(string name)
        {
            var existing = _children.FirstOrDefault(c => c.Name == name);
            if (existing.Node is not null)
            {
                return existing.Node;
            }

            var node = new Node();
            _children.Add((name, node));
            _order.Add(name);
            return node;
        }

        public string Render() =>
            "{" + string.Join(',', Leaves.Select(l => $"\"{l.Key}\":{l.Value}").Concat(_children.Select(c => $"\"{c.Name}\":{c.Node.Render()}"))) + "}";
    }
}
