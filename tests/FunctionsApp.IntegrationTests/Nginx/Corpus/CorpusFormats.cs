using System.Text;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// The access-log format families of the corpus (https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format):
/// nginx's predefined and documented formats, the ingress-nginx default, and the shapes people write themselves —
/// text with quoted and bare fields in any order, flat and nested JSON, key=value, logfmt, LTSV, pipe- and
/// comma-separated. Each draw picks which fields appear (with or without <c>$request</c>, <c>$host</c>,
/// <c>$remote_addr</c>, <c>$upstream_*</c>), how the time is written, the keys' names and their order.
/// </summary>
internal static class CorpusFormats
{
    public static IReadOnlyList<string> Families { get; } =
    [
        "combined", "main", "main-upstream", "ingress-nginx", "text-custom", "json-flat", "json-nested",
        "json-default-escape", "kv", "logfmt", "ltsv", "pipe", "csv",
    ];

    /// <summary>
    /// Every family that can be asked for: <see cref="Families"/> and <c>public</c> (published formats,
    /// <see cref="PublicFormats"/>). <c>public</c> is drawn only when asked for, so that the default draw of a
    /// seed stays what it was before it existed.
    /// </summary>
    public static IReadOnlyList<string> KnownFamilies { get; } = [.. Families, "public"];

    /// <summary>Variables that the corpus's nginx config defines with <c>set</c>/<c>map</c> (ingress-nginx's names).</summary>
    public const string IngressVariables = """
        map $request_id $req_id { default $request_id; }
        """;

    public static CorpusFormat Draw(Random random, string? family = null)
    {
        family ??= Families[random.Next(Families.Count)];
        var name = Pick(random, ["main", "access", "custom", "logger", "upstreamlog", "diag", "app_log", "proxy"]);
        return family switch
        {
            "combined" => new CorpusFormat(family, "combined", LabLogFormat.Combined.Format, null, null),
            "main" => Text(family, name, null, """$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" """.TrimEnd()),
            "main-upstream" => Text(family, name, null,
                """$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" urt="$upstream_response_time" """.TrimEnd()),
            "ingress-nginx" => Text(family, "upstreaminfo", null,
                "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id"),
            "text-custom" => TextCustom(random, name),
            "json-flat" => Json(random, name, nested: false, escape: "json"),
            "json-nested" => Json(random, name, nested: true, escape: "json"),
            "json-default-escape" => Json(random, name, nested: false, escape: null),
            "kv" => Separated(random, family, name, " ", (k, v, _) => $"{k}=\"{v}\""),
            "logfmt" => Separated(random, family, name, " ", (k, v, field) => field.Spaces ? $"{k}=\"{v}\"" : $"{k}={v}"),
            "ltsv" => Separated(random, family, name, "\t", (k, v, _) => $"{k}:{v}"),
            "pipe" => Separated(random, family, name, " | ", (_, v, _) => v),
            "csv" => Separated(random, family, name, ",", (_, v, field) => field.Numeric ? v : $"\"{v}\""),
            "public" => PublicFormats.Draw(random),
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Unknown format family."),
        };
    }

    private static CorpusFormat Text(string family, string name, string? escape, string format) =>
        new(family, name, format, escape, Directive(name, escape, [format]));

    /// <summary>The directive; long formats are split over lines as people write them (nginx joins the strings).</summary>
    private static string Directive(string name, string? escape, IReadOnlyList<string> parts)
    {
        var head = $"log_format {name}{(escape is null ? string.Empty : " escape=" + escape)} ";
        parts = [.. parts.Select(p => p.Replace("\t", "\\t", StringComparison.Ordinal))];
        if (parts.Count == 1)
        {
            return $"{head}'{parts[0]}';";
        }

        var indent = new string(' ', head.Length);
        return head + string.Join("\n" + indent, parts.Select(p => $"'{p}'")) + ";";
    }

    /// <summary>A field that a format may contain: its nginx variables and the key people give it.</summary>
    private sealed record Field(string Key, string Value, bool Numeric = false, bool Spaces = false);

    /// <summary>Draws the fields of a self-made format: always a time, a status and the URI; the rest may be absent.</summary>
    private static List<Field> DrawFields(Random random, bool allowSplitRequest)
    {
        var fields = new List<Field>();
        fields.Add(Pick(random, new Field[]
        {
            new(Pick(random, ["time", "ts", "timestamp", "@timestamp", "time_local"]), "$time_iso8601"),
            new(Pick(random, ["time", "ts", "timestamp", "date"]), "$time_local", Spaces: true),
            new(Pick(random, ["ts", "epoch", "time", "msec"]), "$msec", Numeric: true),
        }));
        if (random.NextDouble() < 0.8)
        {
            fields.Add(new(Pick(random, ["remote_addr", "client", "client_ip", "ip", "addr"]), "$remote_addr"));
        }

        var host = random.Next(4);
        if (host < 3)
        {
            fields.Add(new(Pick(random, ["host", "vhost", "server", "domain"]), host switch { 0 => "$host", 1 => "$server_name", _ => "$http_host" }));
        }

        var request = allowSplitRequest ? random.Next(3) : 0;
        if (request == 0)
        {
            fields.Add(new(Pick(random, ["request", "req", "request_line"]), "$request", Spaces: true));
        }
        else
        {
            fields.Add(new(Pick(random, ["method", "request_method", "verb"]), "$request_method"));
            if (request == 1)
            {
                fields.Add(new(Pick(random, ["uri", "path", "request_uri", "url"]), "$request_uri"));
            }
            else
            {
                fields.Add(new(Pick(random, ["uri", "path"]), "$uri"));
                fields.Add(new(Pick(random, ["args", "query", "qs"]), "$args"));
            }
        }

        fields.Add(new(Pick(random, ["status", "code", "status_code", "http_status"]), "$status", Numeric: true));
        if (random.NextDouble() < 0.7)
        {
            fields.Add(new(Pick(random, ["bytes", "body_bytes_sent", "size"]), "$body_bytes_sent", Numeric: true));
        }

        if (random.NextDouble() < 0.7)
        {
            fields.Add(new(Pick(random, ["request_time", "rt", "duration", "elapsed"]), "$request_time", Numeric: true));
        }

        // Upstream fields: none, the address only, or several; nginx writes "a, b" after a failover.
        var upstream = random.Next(4);
        if (upstream >= 1)
        {
            fields.Add(new(Pick(random, ["upstream_addr", "upstream", "backend", "ua"]), "$upstream_addr", Spaces: true));
        }

        if (upstream >= 2)
        {
            fields.Add(new(Pick(random, ["upstream_status", "us", "backend_status"]), "$upstream_status", Spaces: true));
            fields.Add(new(Pick(random, ["upstream_response_time", "urt", "upstream_time"]), "$upstream_response_time", Spaces: true));
        }

        if (upstream == 3)
        {
            fields.Add(new(Pick(random, ["upstream_connect_time", "uct"]), "$upstream_connect_time", Spaces: true));
            fields.Add(new(Pick(random, ["upstream_header_time", "uht"]), "$upstream_header_time", Spaces: true));
        }

        if (random.NextDouble() < 0.6)
        {
            fields.Add(new(Pick(random, ["user_agent", "ua_string", "agent", "http_user_agent"]), "$http_user_agent", Spaces: true));
        }

        if (random.NextDouble() < 0.3)
        {
            fields.Add(new(Pick(random, ["referer", "referrer", "http_referer"]), "$http_referer"));
        }

        if (random.NextDouble() < 0.3)
        {
            fields.Add(new(Pick(random, ["request_id", "rid", "trace_id"]), "$request_id"));
        }

        if (random.NextDouble() < 0.2)
        {
            fields.Add(new(Pick(random, ["connection", "conn", "cid"]), "$connection", Numeric: true));
        }

        // Keep the time first most of the time, as most people do; shuffle the rest.
        var head = random.NextDouble() < 0.7 ? 1 : 0;
        var tail = fields.Skip(head).ToList();
        Shuffle(random, tail);
        var ordered = fields.Take(head).Concat(tail).ToList();

        // Keys must be unique within a line.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. ordered.Select(f => seen.Add(f.Key) ? f : f with { Key = f.Key + "_" + f.Value.TrimStart('$') })];
    }

    private static CorpusFormat TextCustom(Random random, string name)
    {
        var fields = DrawFields(random, allowSplitRequest: true);
        var text = new StringBuilder();
        foreach (var field in fields)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            if (field.Value == "$time_local")
            {
                text.Append('[').Append(field.Value).Append(']');
            }
            else if (field.Spaces || field.Value is "$args" or "$http_referer" || random.NextDouble() < 0.25)
            {
                // Bare fields that may hold spaces or be empty would be ambiguous: quote them, sometimes with a label.
                text.Append(random.NextDouble() < 0.4 ? $"{ShortKey(field)}=\"{field.Value}\"" : $"\"{field.Value}\"");
            }
            else
            {
                text.Append(random.NextDouble() < 0.3 ? $"{ShortKey(field)}={field.Value}" : field.Value);
            }
        }

        return Text("text-custom", name, null, text.ToString());
    }

    private static string ShortKey(Field field) => field.Key.TrimStart('@');

    private static CorpusFormat Separated(Random random, string family, string name, string separator, Func<string, string, Field, string> write)
    {
        var fields = DrawFields(random, allowSplitRequest: true);
        var format = string.Join(separator, fields.Select(f => write(ShortKey(f), f.Value, f)));
        return Text(family, name, null, format);
    }

    private static CorpusFormat Json(Random random, string name, bool nested, string? escape)
    {
        var fields = DrawFields(random, allowSplitRequest: true);
        var bareNumbers = random.NextDouble() < 0.5;
        string Value(Field f) => bareNumbers && f.Numeric && f.Value != "$msec" ? f.Value : $"\"{f.Value}\"";

        string body;
        if (!nested)
        {
            body = "{" + string.Join(",", fields.Select(f => $"\"{ShortKey(f)}\":{Value(f)}")) + "}";
        }
        else
        {
            // ECS-style: each field at its path, groups in the order their first field was drawn.
            var root = new JsonNode();
            foreach (var field in fields)
            {
                var (group, key) = EcsPath(field);
                var node = root;
                foreach (var segment in group?.Split('.') ?? [])
                {
                    node = node.Child(segment);
                }

                node.Members.Add((key, Value(field), null));
            }

            body = root.Write();
        }

        // Long JSON formats are usually written over several lines, one string per line.
        var parts = random.NextDouble() < 0.5 ? SplitJson(body) : [body];
        return new CorpusFormat(nested ? "json-nested" : escape is null ? "json-default-escape" : "json-flat", name, body, escape, Directive(name, escape, parts));
    }

    /// <summary>An object of a nested JSON format: leaves and child objects in insertion order.</summary>
    private sealed class JsonNode
    {
        public List<(string Key, string? Leaf, JsonNode? Child)> Members { get; } = [];

        public JsonNode Child(string name)
        {
            var existing = Members.FirstOrDefault(m => m.Key == name && m.Child is not null);
            if (existing.Child is not null)
            {
                return existing.Child;
            }

            var child = new JsonNode();
            Members.Add((name, null, child));
            return child;
        }

        public string Write() =>
            "{" + string.Join(",", Members.Select(m => $"\"{m.Key}\":{m.Leaf ?? m.Child!.Write()}")) + "}";
    }

    private static (string? Group, string Key) EcsPath(Field field) => field.Value switch
    {
        "$time_iso8601" or "$time_local" or "$msec" => (null, "@timestamp"),
        "$remote_addr" => ("client", "ip"),
        "$host" or "$server_name" or "$http_host" => ("url", "domain"),
        "$request" => ("http.request", "line"),
        "$request_method" => ("http.request", "method"),
        "$request_uri" => ("url", "original"),
        "$uri" => ("url", "path"),
        "$args" => ("url", "query"),
        "$status" => ("http.response", "status_code"),
        "$body_bytes_sent" => ("http.response", "body_bytes"),
        "$request_time" => ("event", "duration_s"),
        "$upstream_addr" => ("upstream", "addr"),
        "$upstream_status" => ("upstream", "status"),
        "$upstream_response_time" => ("upstream", "response_time"),
        "$upstream_connect_time" => ("upstream", "connect_time"),
        "$upstream_header_time" => ("upstream", "header_time"),
        "$http_user_agent" => ("user_agent", "original"),
        "$http_referer" => ("http.request", "referrer"),
        "$request_id" => ("http.request", "id"),
        "$connection" => ("nginx", "connection"),
        _ => (null, field.Key),
    };

    private static List<string> SplitJson(string body)
    {
        // Break after top-level commas into chunks of roughly 80 characters.
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < body.Length; i++)
        {
            depth += body[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (body[i] == ',' && depth == 1 && i - start > 60)
            {
                parts.Add(body[start..(i + 1)]);
                start = i + 1;
            }
        }

        parts.Add(body[start..]);
        return parts;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static void Shuffle<T>(Random random, List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
