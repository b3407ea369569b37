namespace FunctionsApp.NginxLogs;

/// <summary>Which <see cref="AccessField"/> an nginx variable or a JSON key carries.</summary>
internal static class AccessFields
{
    /// <summary>Number of <see cref="AccessField"/> values; sizes the per-line slot arrays.</summary>
    public const int Count = (int)AccessField.UpstreamResponseLength + 1;

    /// <summary>Maps an nginx variable name (without <c>$</c>) to the field it carries.</summary>
    public static AccessField FromVariable(string name) => name switch
    {
        "remote_addr" => AccessField.RemoteAddr,
        "realip_remote_addr" => AccessField.RealIpRemoteAddr,
        "http_x_forwarded_for" or "proxy_add_x_forwarded_for" or "http_x_real_ip" => AccessField.XForwardedFor,
        "time_local" => AccessField.TimeLocal,
        "time_iso8601" => AccessField.TimeIso8601,
        "msec" => AccessField.Msec,
        "request" => AccessField.Request,
        "request_method" => AccessField.RequestMethod,
        "request_uri" => AccessField.RequestUri,
        "uri" or "document_uri" => AccessField.Uri,
        "args" or "query_string" => AccessField.Args,
        "server_protocol" => AccessField.ServerProtocol,
        "status" => AccessField.Status,
        "body_bytes_sent" or "bytes_sent" => AccessField.BodyBytesSent,
        "http_referer" => AccessField.Referer,
        "http_user_agent" => AccessField.UserAgent,
        "request_time" => AccessField.RequestTime,
        "upstream_addr" => AccessField.UpstreamAddr,
        "upstream_status" => AccessField.UpstreamStatus,
        "upstream_connect_time" => AccessField.UpstreamConnectTime,
        "upstream_header_time" => AccessField.UpstreamHeaderTime,
        "upstream_response_time" => AccessField.UpstreamResponseTime,
        "upstream_bytes_received" => AccessField.UpstreamBytesReceived,
        "upstream_response_length" => AccessField.UpstreamResponseLength,
        "host" => AccessField.Host,
        "http_host" => AccessField.HttpHost,
        "server_name" => AccessField.ServerName,
        "server_port" => AccessField.ServerPort,
        "request_id" or "req_id" => AccessField.RequestId,
        "connection" => AccessField.Connection,
        "proxy_upstream_name" => AccessField.ProxyUpstreamName,
        _ => AccessField.Ignored,
    };

    /// <summary>
    /// The field a format without <paramref name="field"/>'s own variable reads from <paramref name="field"/> too,
    /// so that code asking for the usual variable finds the next best: <c>$http_host</c> stands in for
    /// <c>$host</c>, <c>$realip_remote_addr</c> for <c>$remote_addr</c>. <see cref="AccessField.Ignored"/> when none.
    /// </summary>
    public static AccessField StandIn(AccessField field) => field switch
    {
        AccessField.HttpHost => AccessField.Host,
        AccessField.RealIpRemoteAddr => AccessField.RemoteAddr,
        _ => AccessField.Ignored,
    };

    /// <summary>
    /// Maps a JSON key of a log line to a field when no template names it: the variable name itself, a name
    /// common in JSON formats and in ECS (<c>source.ip</c>, <c>http.response.status_code</c>), or, for a nested
    /// key, its last part read in the context of the object around it (<c>upstream.status</c> is the upstream's
    /// status, <c>client.ip</c> the client). <paramref name="path"/> joins nested keys with dots.
    /// </summary>
    public static AccessField FromJsonKey(string path)
    {
        var field = FromVariable(path);
        if (field != AccessField.Ignored)
        {
            return field;
        }

        field = FromCommonKey(path.ToLowerInvariant());
        if (field != AccessField.Ignored)
        {
            return field;
        }

        if (!path.Contains('.', StringComparison.Ordinal))
        {
            return FromWords(path);
        }

        var parts = path.ToLowerInvariant().Split('.');
        var leaf = parts[^1];
        var context = parts[^2];
        // An object about the upstream, by its name or a short one ("up": {"addr", "status", "rt"}).
        if (context.Contains("upstream", StringComparison.Ordinal) || context is "backend" or "up" or "ups" or "upstr")
        {
            return leaf switch
            {
                "addr" or "address" or "server" or "host" or "ip" => AccessField.UpstreamAddr,
                "status" or "status_code" or "code" => AccessField.UpstreamStatus,
                "response_time" or "time" or "rt" or "duration" => AccessField.UpstreamResponseTime,
                "connect_time" or "connect" => AccessField.UpstreamConnectTime,
                "header_time" or "header" => AccessField.UpstreamHeaderTime,
                "name" => AccessField.ProxyUpstreamName,
                "bytes_received" => AccessField.UpstreamBytesReceived,
                "response_length" => AccessField.UpstreamResponseLength,
                _ => FromVariable("upstream_" + leaf) is var variable and not AccessField.Ignored ? variable : FromWords("upstream_" + leaf),
            };
        }

        var inContext = context switch
        {
            "request" or "req" => leaf switch
            {
                "method" or "verb" => AccessField.RequestMethod,
                "uri" or "url" or "target" => AccessField.RequestUri,
                "path" => AccessField.Uri,
                "query" or "args" or "query_string" => AccessField.Args,
                "time" or "duration" or "request_time" => AccessField.RequestTime,
                "line" or "request" => AccessField.Request,
                "id" => AccessField.RequestId,
                "host" => AccessField.Host,
                "protocol" => AccessField.ServerProtocol,
                _ => AccessField.Ignored,
            },
            "response" or "resp" => leaf switch
            {
                "status" or "status_code" or "code" => AccessField.Status,
                "bytes" or "body_bytes" or "body_bytes_sent" or "size" => AccessField.BodyBytesSent,
                _ => AccessField.Ignored,
            },
            "client" or "source" or "remote" => leaf switch
            {
                "ip" or "addr" or "address" => AccessField.RemoteAddr,
                _ => AccessField.Ignored,
            },
            "server" => leaf switch
            {
                "name" => AccessField.ServerName,
                "port" => AccessField.ServerPort,
                _ => AccessField.Ignored,
            },
            _ => AccessField.Ignored,
        };
        if (inContext != AccessField.Ignored)
        {
            return inContext;
        }

        // Under an object that says nothing about its subject ("nginx", "http", "log"), the last part decides.
        field = FromVariable(leaf);
        field = field != AccessField.Ignored ? field : FromCommonKey(leaf);
        return field != AccessField.Ignored ? field : FromWords(leaf);
    }

    /// <summary>
    /// The length of a short name for the upstream that starts a key of several words (<c>ups_resp_time</c>,
    /// <c>upstr-addr</c>, <c>backend_status</c>), the same short names a JSON object about the upstream goes by; else 0.
    /// </summary>
    private static int UpstreamAbbreviated(string key)
    {
        var end = key.AsSpan().IndexOfAny('_', '-', '.');
        return end > 0 && end < key.Length - 1 && key.AsSpan(0, end) is var word
            && (word.Equals("ups", StringComparison.OrdinalIgnoreCase) || word.Equals("upstr", StringComparison.OrdinalIgnoreCase)
                || word.Equals("backend", StringComparison.OrdinalIgnoreCase))
            ? end
            : 0;
    }

    /// <summary>
    /// The last resort for a key nothing above names: people spell nginx's variables their own way
    /// (<c>upstreamtime</c>, <c>upstreamResponseTime</c>, <c>upstream-host</c>, <c>requestTime</c>, <c>statusCode</c>),
    /// so the key is read as its words run together, case and separators dropped. A key about the upstream is read by
    /// what it says of it; any other only when it spells one variable as a whole (no guess from a single word such as
    /// <c>code</c> or <c>hostname</c>, which say nothing certain).
    /// </summary>
    internal static AccessField FromWords(string key)
    {
        Span<char> buffer = stackalloc char[Math.Min(key.Length, 64)];
        var length = 0;
        foreach (var c in key.AsSpan(0, Math.Min(key.Length, 64)))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        var n = new string(buffer[..length]);
        var upstream = n.IndexOf("upstream", StringComparison.Ordinal);
        var abbreviated = upstream >= 0 ? 0 : UpstreamAbbreviated(key);
        if (upstream >= 0 || abbreviated > 0)
        {
            var rest = upstream >= 0 ? n.Remove(upstream, "upstream".Length) : n[abbreviated..];
            // Other upstream variables carry other things: $upstream_cache_status (HIT), $upstream_http_* and
            // $upstream_cookie_* (headers), $upstream_queue_time, $upstream_bytes_sent; of the lengths, only the
            // response's body ($upstream_response_length) is read.
            if (rest.Contains("length", StringComparison.Ordinal))
            {
                return rest.Contains("response", StringComparison.Ordinal) ? AccessField.UpstreamResponseLength : AccessField.Ignored;
            }

            string[] others = ["cache", "http", "cookie", "trailer", "queue", "sent", "firstbyte"];
            if (others.Any(o => rest.Contains(o, StringComparison.Ordinal)))
            {
                return AccessField.Ignored;
            }

            return rest switch
            {
                _ when rest.Contains("connect", StringComparison.Ordinal) => AccessField.UpstreamConnectTime,
                _ when rest.Contains("header", StringComparison.Ordinal) => AccessField.UpstreamHeaderTime,
                _ when rest.Contains("status", StringComparison.Ordinal) || rest is "code" or "statuscode" => AccessField.UpstreamStatus,
                _ when rest.Contains("received", StringComparison.Ordinal) => AccessField.UpstreamBytesReceived,
                _ when rest.Contains("name", StringComparison.Ordinal) => AccessField.ProxyUpstreamName,
                _ when rest.Contains("addr", StringComparison.Ordinal) || rest.Contains("host", StringComparison.Ordinal)
                    || rest.Contains("server", StringComparison.Ordinal) || rest is "" or "ip" or "endpoint" => AccessField.UpstreamAddr,
                _ when rest.Contains("time", StringComparison.Ordinal) || rest.Contains("duration", StringComparison.Ordinal)
                    || rest.Contains("latency", StringComparison.Ordinal) || rest is "rt" => AccessField.UpstreamResponseTime,
                _ => AccessField.Ignored,
            };
        }

        var field = n switch
        {
            "remoteaddr" or "remoteaddress" or "clientaddr" or "clientaddress" or "clientip" or "sourceip" => AccessField.RemoteAddr,
            "statuscode" or "httpstatus" or "httpstatuscode" or "responsestatus" or "responsecode" or "responsestatuscode" => AccessField.Status,
            "requestmethod" or "httpmethod" or "httprequestmethod" => AccessField.RequestMethod,
            "requesturi" or "requesturl" or "httprequesturi" or "httprequesturl" => AccessField.RequestUri,
            "requestpath" or "documenturi" => AccessField.Uri,
            "querystring" => AccessField.Args,
            "requestline" => AccessField.Request,
            "httphost" or "requesthost" or "virtualhost" => AccessField.HttpHost,
            "servername" => AccessField.ServerName,
            "useragent" or "httpuseragent" => AccessField.UserAgent,
            "httpreferer" or "httpreferrer" => AccessField.Referer,
            "bodybytessent" or "bytessent" or "responsebytes" => AccessField.BodyBytesSent,
            "requestid" or "reqid" => AccessField.RequestId,
            "xforwardedfor" or "httpxforwardedfor" or "forwardedfor" => AccessField.XForwardedFor,
            "timelocal" => AccessField.TimeLocal,
            "timeiso8601" => AccessField.TimeIso8601,
            _ => AccessField.Ignored,
        };
        // Every spelling of $request_time ("requestTime", "resp_time", "latency_s") is read by what it says, and a key
        // that says "host" or "domain" otherwise ("host_domain", "server_host", "domain_http_host") holds a host: the
        // values decide which (JsonFormatInference keeps names, and reads addresses as the server's or the client's).
        // $hostname is the machine's name, not the request's.
        return field != AccessField.Ignored ? field
            : IsDuration(WithoutUnit(n)) ? AccessField.RequestTime
            : n != "hostname" && (n.Contains("host", StringComparison.Ordinal) || n.Contains("domain", StringComparison.Ordinal)) ? AccessField.Host
            : AccessField.Ignored;
    }

    /// <summary>
    /// A key that says "how long" (<c>latency</c>, <c>elapsed</c>, <c>duration_s</c>, <c>request_time_sec</c>): nginx's
    /// only per-request duration outside the upstream's is <c>$request_time</c> (seconds), so that is what such a key
    /// holds, whatever it is called. Milliseconds are not assumed: nginx writes none (a <c>_ms</c> key is left out).
    /// </summary>
    private static bool IsDuration(string words) => words is "duration" or "requestduration" or "requesttime" or "reqtime"
        or "responsetime" or "resptime" or "responseduration" or "latency" or "requestlatency" or "responselatency"
        or "elapsed" or "elapsedtime" or "took" or "totaltime" or "timetaken" or "processingtime";

    /// <summary>The words of a key without a trailing unit of seconds (<c>durations</c>, <c>latencysec</c>).</summary>
    private static string WithoutUnit(string words)
    {
        foreach (var unit in (ReadOnlySpan<string>)["seconds", "second", "secs", "sec", "s"])
        {
            if (words.Length > unit.Length && words.EndsWith(unit, StringComparison.Ordinal) && IsDuration(words[..^unit.Length]))
            {
                return words[..^unit.Length];
            }
        }

        return words;
    }

    /// <summary>Names JSON formats and ECS give fields (lower case).</summary>
    private static AccessField FromCommonKey(string key) => key switch
    {
        "time" or "timestamp" or "@timestamp" or "time_iso" or "ts" or "datetime" or "date" => AccessField.TimeIso8601,
        "client" or "client_ip" or "remote_ip" or "ip" or "clientip" or "source.ip" or "client.ip" or "source.address"
            or "client.address" => AccessField.RemoteAddr,
        "x_forwarded_for" or "xff" or "forwarded_for" => AccessField.XForwardedFor,
        "method" or "verb" or "http.request.method" => AccessField.RequestMethod,
        "url" or "url.original" => AccessField.RequestUri,
        "path" or "request_path" or "url.path" => AccessField.Uri,
        "query" or "url.query" => AccessField.Args,
        "request_line" => AccessField.Request,
        "protocol" => AccessField.ServerProtocol,
        "status_code" or "response_status" or "http_status" or "statuscode" or "http.response.status_code" => AccessField.Status,
        "upstream" or "upstream_address" or "backend" => AccessField.UpstreamAddr,
        "ups" or "us" => AccessField.UpstreamStatus,
        "urt" or "upstream_time" => AccessField.UpstreamResponseTime,
        "uct" => AccessField.UpstreamConnectTime,
        "uht" => AccessField.UpstreamHeaderTime,
        "referer" or "referrer" or "http.request.referrer" => AccessField.Referer,
        "user_agent" or "agent" or "useragent" or "user_agent.original" => AccessField.UserAgent,
        "rt" or "duration" or "request_duration" or "response_time" or "elapsed" => AccessField.RequestTime,
        "event.duration" => AccessField.DurationNanos,
        "vhost" or "server" or "domain" or "url.domain" or "http.request.host" => AccessField.Host,
        "bytes" or "size" or "http.response.body.bytes" => AccessField.BodyBytesSent,
        "id" or "requestid" or "rid" or "http.request.id" => AccessField.RequestId,
        "connection_id" or "conn" or "cid" => AccessField.Connection,
        "upstream_name" => AccessField.ProxyUpstreamName,
        _ => AccessField.Ignored,
    };

    /// <summary>The nginx variable a field is written as in a template (the first of its names).</summary>
    public static string VariableName(AccessField field) => field switch
    {
        AccessField.RemoteAddr => "remote_addr",
        AccessField.TimeLocal => "time_local",
        AccessField.TimeIso8601 => "time_iso8601",
        AccessField.Msec => "msec",
        AccessField.Request => "request",
        AccessField.RequestMethod => "request_method",
        AccessField.RequestUri => "request_uri",
        AccessField.Status => "status",
        AccessField.BodyBytesSent => "body_bytes_sent",
        AccessField.Referer => "http_referer",
        AccessField.UserAgent => "http_user_agent",
        AccessField.RequestTime => "request_time",
        AccessField.UpstreamAddr => "upstream_addr",
        AccessField.UpstreamStatus => "upstream_status",
        AccessField.UpstreamConnectTime => "upstream_connect_time",
        AccessField.UpstreamHeaderTime => "upstream_header_time",
        AccessField.UpstreamResponseTime => "upstream_response_time",
        AccessField.Host => "host",
        AccessField.ServerName => "server_name",
        AccessField.RequestId => "request_id",
        AccessField.Connection => "connection",
        AccessField.Uri => "uri",
        AccessField.Args => "args",
        AccessField.HttpHost => "http_host",
        AccessField.ServerPort => "server_port",
        AccessField.ServerProtocol => "server_protocol",
        AccessField.UpstreamBytesReceived => "upstream_bytes_received",
        AccessField.UpstreamResponseLength => "upstream_response_length",
        AccessField.RealIpRemoteAddr => "realip_remote_addr",
        AccessField.XForwardedFor => "http_x_forwarded_for",
        AccessField.ProxyUpstreamName => "proxy_upstream_name",
        _ => "unknown",
    };

    /// <summary>Fields whose value can hold several comma- or colon-separated upstream tries.</summary>
    public static bool IsUpstreamList(AccessField field) => field is AccessField.UpstreamAddr
        or AccessField.UpstreamStatus or AccessField.UpstreamConnectTime
        or AccessField.UpstreamHeaderTime or AccessField.UpstreamResponseTime or AccessField.UpstreamBytesReceived
        or AccessField.UpstreamResponseLength;
}
