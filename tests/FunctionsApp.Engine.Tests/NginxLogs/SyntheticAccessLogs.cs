using System.Globalization;

namespace FunctionsApp.Engine.Tests.NginxLogs;

/// <summary>
/// Writes access lines the way nginx renders a <c>log_format</c>, for formats drawn at random from the families
/// people use (space-separated with quotes, pipe, tab, CSV, semicolon, key=value, logfmt, LTSV, flat and nested JSON;
/// labels between pipes, <c>| status: $status |</c>, or between spaces, <c>status:$status upstream:$upstream_addr</c>; space-separated with decorations, <c>($upstream_status)</c>,
/// <c>${request_time}s</c>, <c>[Client $remote_addr]</c>, <c>-&gt; $upstream_addr</c>; words naming the values,
/// <c>to: $upstream_addr: $request $status upstream_response_time $upstream_response_time</c>), the
/// fields in random order, over traffic with what nginx writes for real failures: <c>-</c> where a variable has no
/// value, multi-try lists, group names, 499s, limit_req 503s. The real-nginx version of this is
/// <c>FunctionsApp.IntegrationTests/Parsing/FormatDetectionLabTests</c>; this one runs fast and over many formats.
/// </summary>
internal sealed class SyntheticAccessLogs
{
    private static readonly string[] Families = ["space", "pipe", "tab", "csv", "semicolon", "kv", "logfmt", "json", "json-nested", "json-bare", "ltsv", "labelled", "decorated", "worded", "colon"];

    private readonly Random _random;

    public SyntheticAccessLogs(int seed)
    {
        _random = new Random(seed);
        Family = Families[seed % Families.Length];
        Fields = DrawFields();
        Keys = Fields.ToDictionary(f => f, KeyFor);
        Offset = TimeSpan.FromMinutes(_random.GetItems<int>([0, 60, -300, 330, 345, 630, -210, 780], 1)[0]);
    }

    public string Family { get; }

    /// <summary>The variables of the format, in order (names without <c>$</c>).</summary>
    public List<string> Fields { get; }

    public Dictionary<string, string> Keys { get; }

    public TimeSpan Offset { get; }

    public bool IsJson => Family.StartsWith("json", StringComparison.Ordinal);

    /// <summary>The whole <c>log_format</c> directive.</summary>
    public string Directive => $"log_format gen{(IsJson ? " escape=json" : "")} '{Template.Replace("\t", "\\t", StringComparison.Ordinal)}';";

    public string Template
    {
        get
        {
            if (IsJson)
            {
                return Json(f => Family == "json-bare" && IsNumeric(f) ? "$" + f : "\"$" + f + "\"");
            }

            return Join(Fields.Select(f => Wrap(f, "$" + f)));
        }
    }

    public List<string> Lines(int count)
    {
        var time = new DateTimeOffset(2026, 11, 24, 10, 0, 0, Offset);
        var lines = new List<string>();
        for (var i = 0; i < count; i++)
        {
            time = time.AddMilliseconds(_random.Next(0, 1500));
            var values = Request(time, i);
            lines.Add(IsJson
                ? Json(f => Family == "json-bare" && IsNumeric(f) && values[f].Length > 0 ? values[f] : "\"" + JsonEscape(values[f]) + "\"")
                : Join(Fields.Select(f => Wrap(f, values[f].Length == 0 ? "-" : values[f]))));
        }

        return lines;
    }

    private List<string> DrawFields()
    {
        var time = Pick("time_local", "time_iso8601", "msec");
        var request = Pick("request", "method+request_uri", "method+uri+args", "request_uri");
        var host = Pick("host", "http_host", "server_name", "host");
        var fields = new List<string> { "status", time, host };
        fields.AddRange(request switch
        {
            "method+request_uri" => ["request_method", "request_uri"],
            "method+uri+args" => ["request_method", "uri", "args"],
            "request_uri" => ["request_uri"],
            _ => ["request"],
        });
        fields.Add(Pick("remote_addr", "remote_addr", "http_x_forwarded_for"));
        fields.Add("upstream_addr");
        foreach (var optional in new[] { "upstream_status", "request_time", "upstream_response_time", "upstream_connect_time", "upstream_header_time", "body_bytes_sent", "http_user_agent", "http_referer", "request_id" })
        {
            if (_random.NextDouble() < 0.6)
            {
                fields.Add(optional);
            }
        }

        // Variables keep a relative order people use (method before uri before args); the rest is shuffled.
        var shuffled = fields.OrderBy(_ => _random.Next()).ToList();
        var parts = new[] { "request_method", "uri", "args" }.Where(shuffled.Contains).ToList();
        if (parts.Count > 1)
        {
            var at = shuffled.IndexOf(parts[0]);
            shuffled.RemoveAll(parts.Contains);
            shuffled.InsertRange(Math.Min(at, shuffled.Count), parts);
        }

        if (shuffled.Contains("request_method") && shuffled.Contains("request_uri"))
        {
            shuffled.Remove("request_uri");
            shuffled.Insert(shuffled.IndexOf("request_method") + 1, "request_uri");
        }

        return shuffled;
    }

    private string KeyFor(string field)
    {
        var aliases = field switch
        {
            "request_time" => new[] { "request_time", "rt", "duration" },
            "upstream_response_time" => ["upstream_response_time", "urt"],
            "upstream_connect_time" => ["upstream_connect_time", "uct"],
            "upstream_header_time" => ["upstream_header_time", "uht"],
            "upstream_status" => ["upstream_status", "us"],
            "upstream_addr" => ["upstream_addr", "upstream"],
            "time_iso8601" or "time_local" => ["time", field, "ts"],
            "remote_addr" => ["remote_addr", "client"],
            "http_user_agent" => ["http_user_agent", "user_agent"],
            "http_host" or "host" => [field, "vhost"],
            _ => [field],
        };
        return aliases[_random.Next(aliases.Length)];
    }

    private string Pick(params string[] options) => options[_random.Next(options.Length)];

    private static bool IsNumeric(string field) => field is "status" or "body_bytes_sent" or "request_time" or "msec";

    private string Wrap(string field, string value) => Family switch
    {
        "space" => field switch
        {
            "time_local" => "[" + value + "]",
            "request" or "http_user_agent" or "http_referer" or "http_x_forwarded_for" => "\"" + value + "\"",
            "upstream_addr" or "upstream_status" when _random.Next(2) == 0 => value, // unquoted lists are common
            _ => value,
        },
        "csv" => IsNumeric(field) ? value : "\"" + value + "\"",
        "semicolon" when field is "http_user_agent" => "\"" + value + "\"",
        "kv" => Keys[field] + "=" + (IsNumeric(field) ? value : "\"" + value + "\""),
        // A template quotes a variable always or never: logfmt formats quote those that can hold spaces.
        "ltsv" => Keys[field] + ":" + value,
        "colon" => field switch
        {
            "time_local" => "[" + value + "]",
            "request" or "http_user_agent" or "http_referer" or "http_x_forwarded_for" => Keys[field] + ":\"" + value + "\"",
            _ => Keys[field] + ":" + value,
        },
        "labelled" => Keys[field] + ": " + (field == "request" ? "\"" + value + "\"" : value),
        "worded" => field switch
        {
            "time_local" => "[" + value + "]",
            "http_user_agent" or "http_referer" or "http_x_forwarded_for" => Keys[field] + " \"" + value + "\"",
            "upstream_addr" => "to: " + value + ":",
            "request" or "status" => value,
            _ => Keys[field] + " " + value,
        },
        "decorated" => field switch
        {
            "time_local" => "[" + value + "]",
            "request" or "http_user_agent" or "http_referer" or "http_x_forwarded_for" => "\"" + value + "\"",
            "upstream_status" => "(" + value + ")",
            "request_time" or "upstream_response_time" or "upstream_connect_time" or "upstream_header_time" => value + "s",
            "remote_addr" => "[Client " + value + "]",
            "upstream_addr" => "-> " + value,
            _ => value,
        },
        "logfmt" => Keys[field] + "=" + (field is "request" or "http_user_agent" or "http_x_forwarded_for" or "time_local" ? "\"" + value + "\"" : value),
        _ => value,
    };

    private string Join(IEnumerable<string> parts) => Family switch
    {
        "pipe" or "labelled" => string.Join(" | ", parts),
        "tab" or "ltsv" => string.Join('\t', parts),
        "csv" => string.Join(',', parts),
        "semicolon" => string.Join(';', parts),
        _ => string.Join(' ', parts),
    };

    private string Json(Func<string, string> render)
    {
        if (Family != "json-nested")
        {
            return "{" + string.Join(',', Fields.Select(f => "\"" + Keys[f] + "\":" + render(f))) + "}";
        }

        // Nested the way ECS-minded formats nest: by subject.
        var groups = Fields.GroupBy(f => f.StartsWith("upstream_", StringComparison.Ordinal) ? "upstream"
            : f is "remote_addr" or "http_x_forwarded_for" ? "client"
            : f is "request" or "request_method" or "request_uri" or "uri" or "args" or "http_referer" or "http_user_agent" or "host" or "http_host" or "server_name" ? "http"
            : "");
        var parts = new List<string>();
        foreach (var group in groups)
        {
            var members = group.Select(f => "\"" + NestedKey(group.Key, f) + "\":" + render(f));
            parts.Add(group.Key.Length == 0 ? string.Join(',', members) : "\"" + group.Key + "\":{" + string.Join(',', members) + "}");
        }

        return "{" + string.Join(',', parts) + "}";
    }

    private static string NestedKey(string group, string field) => (group, field) switch
    {
        ("upstream", _) => field["upstream_".Length..] switch
        {
            "addr" => "addr",
            var rest => rest,
        },
        ("client", "remote_addr") => "ip",
        ("client", _) => "forwarded_for",
        ("http", "request_method") => "method",
        ("http", "request_uri") => "url",
        ("http", "http_user_agent") => "user_agent",
        ("http", "http_referer") => "referer",
        _ => field,
    };

    private static string JsonEscape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    /// <summary>One request's variables, as nginx would have them (empty: no value).</summary>
    private Dictionary<string, string> Request(DateTimeOffset time, int index)
    {
        string F(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
        var hosts = new[] { "api.example.test", "shop.example.test", "static.example.test" };
        var host = hosts[_random.Next(hosts.Length)];
        var pool = new[] { "10.0.1.11:8080", "10.0.1.12:8080", "unix:/run/php/php8.2-fpm.sock", "[2001:db8::5]:9000" };
        var kind = _random.NextDouble();
        string addr, ustatus, connect, header, response;
        int status;
        var took = 0.002 + (_random.NextDouble() * 0.2);
        if (kind < 0.08)
        {
            (status, addr, ustatus, connect, header, response) = (_random.Next(3) == 0 ? 404 : 200, "", "", "", "", "");
        }
        else if (kind < 0.16)
        {
            (status, addr, ustatus, connect, header, response) = (502, pool[_random.Next(pool.Length)], "502", "", "", "0.000");
            took = 0.001;
        }
        else if (kind < 0.20)
        {
            (status, addr, ustatus, connect, header, response) = (504, pool[0], "504", "0.001", "", "1.001");
            took = 1.002;
        }
        else if (kind < 0.25)
        {
            (status, addr, ustatus, connect, header, response) = (200, pool[0] + ", " + pool[1], "502, 200", "-, 0.001", "-, " + F(took - 0.001), "0.000, " + F(took - 0.001));
        }
        else if (kind < 0.28)
        {
            (status, addr, ustatus, connect, header, response) = (503, "", "", "", "", "");
        }
        else if (kind < 0.30)
        {
            (status, addr, ustatus, connect, header, response) = (502, "backend_pool", "502", "", "", "0.000");
        }
        else if (kind < 0.32)
        {
            (status, addr, ustatus, connect, header, response) = (499, pool[1], "499", "0.001", "", F(took));
        }
        else
        {
            var upstream = pool[_random.Next(pool.Length)];
            status = _random.Next(10) == 0 ? 404 : _random.Next(10) == 0 ? 302 : 200;
            (addr, ustatus, connect, header, response) = (upstream, status.ToString(CultureInfo.InvariantCulture), "0.001", F(took - 0.001), F(took));
        }

        var path = _random.Next(4) == 0 ? "/static/app." + _random.Next(100) + ".js" : "/api/v1/items/" + _random.Next(1000);
        var args = _random.Next(3) == 0 ? "page=" + _random.Next(9) + "&sort=asc" : "";
        var method = _random.Next(5) == 0 ? "POST" : "GET";
        var client = $"203.0.113.{_random.Next(1, 255)}";
        return new Dictionary<string, string>
        {
            ["status"] = status.ToString(CultureInfo.InvariantCulture),
            ["time_local"] = time.ToString("dd/MMM/yyyy:HH:mm:ss ", CultureInfo.InvariantCulture) + time.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal),
            ["time_iso8601"] = time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["msec"] = (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture),
            ["host"] = host,
            ["http_host"] = _random.Next(4) == 0 ? host + ":8443" : host,
            ["server_name"] = host,
            ["request"] = $"{method} {path}{(args.Length > 0 ? "?" + args : "")} HTTP/1.1",
            ["request_method"] = method,
            ["request_uri"] = path + (args.Length > 0 ? "?" + args : ""),
            ["uri"] = path,
            ["args"] = args,
            ["remote_addr"] = client,
            ["http_x_forwarded_for"] = _random.Next(3) == 0 ? "" : client + ", 10.0.0.2",
            ["upstream_addr"] = addr,
            ["upstream_status"] = ustatus,
            ["upstream_connect_time"] = connect,
            ["upstream_header_time"] = header,
            ["upstream_response_time"] = response,
            ["request_time"] = F(took),
            ["body_bytes_sent"] = (status == 502 ? 157 : _random.Next(0, 90000)).ToString(CultureInfo.InvariantCulture),
            ["http_user_agent"] = _random.Next(2) == 0 ? "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0" : "curl/8.5.0",
            ["http_referer"] = _random.Next(3) == 0 ? "https://" + host + "/" : "",
            ["request_id"] = Convert.ToHexStringLower(BitConverter.GetBytes(_random.NextInt64())) + Convert.ToHexStringLower(BitConverter.GetBytes(index * 7919L)),
        };
    }
}
