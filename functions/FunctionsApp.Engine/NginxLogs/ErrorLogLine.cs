namespace FunctionsApp.NginxLogs;

/// <summary>nginx error-log severity levels, lowest first.</summary>
internal enum ErrorLevel
{
    Unknown = 0,
    Debug,
    Info,
    Notice,
    Warn,
    Error,
    Crit,
    Alert,
    Emerg,
}

/// <summary>
/// One error-log line split into its parts, as spans over the raw bytes:
/// <c>2026/11/24 10:00:01 [error] 1234#0: *5 MESSAGE, client: C, server: S, request: "R", subrequest: "SR",
/// upstream: "U", host: "H", referrer: "F"</c> (https://nginx.org/en/docs/ngx_core_module.html#error_log; the
/// context is written by ngx_http_log_error_handler, any part may be missing or cut at 2048 bytes).
/// </summary>
internal readonly ref struct ErrorLogLine
{
    public required ReadOnlySpan<byte> Line { get; init; }

    /// <summary>The <c>yyyy/MM/dd HH:mm:ss</c> prefix, in nginx's local time.</summary>
    public required ReadOnlySpan<byte> Timestamp { get; init; }

    public required ErrorLevel Level { get; init; }

    /// <summary>The connection number after <c>*</c> (the same number as <c>$connection</c>), or -1.</summary>
    public required long ConnectionId { get; init; }

    /// <summary>The text before the context (<c>, client: </c>, or <c>, resolver: </c> for the resolver's own lines).</summary>
    public required ReadOnlySpan<byte> Message { get; init; }

    public ReadOnlySpan<byte> Client { get; init; }

    public ReadOnlySpan<byte> Server { get; init; }

    /// <summary>The request line as the client sent it, <c>GET /a?b=1 HTTP/1.1</c>.</summary>
    public ReadOnlySpan<byte> Request { get; init; }

    /// <summary>The subrequest's URI (<c>auth_request</c>, SSI), when the failure was in one.</summary>
    public ReadOnlySpan<byte> Subrequest { get; init; }

    public ReadOnlySpan<byte> Upstream { get; init; }

    public ReadOnlySpan<byte> Host { get; init; }

    public ReadOnlySpan<byte> Referrer { get; init; }

    /// <summary>The DNS server of a resolver line (<c>resolver: 10.0.0.2:53</c>).</summary>
    public ReadOnlySpan<byte> Resolver { get; init; }

    /// <summary>The method of <see cref="Request"/>.</summary>
    public ReadOnlySpan<byte> RequestMethod => RequestLineParts.Method(Request);

    /// <summary>The target of <see cref="Request"/> (path and arguments as sent).</summary>
    public ReadOnlySpan<byte> RequestTarget => RequestLineParts.Target(Request);

    /// <summary>The zoned time of the prefix a container runtime put before the line (<c>docker logs -t</c>, CRI), if
    /// any: unlike <see cref="Timestamp"/> it names an instant, so it tells the error log's UTC offset.</summary>
    public DateTimeOffset? PrefixTime { get; init; }

    /// <summary>Phusion Passenger wrote the line (<see cref="PassengerLog"/>): its <see cref="Timestamp"/> is
    /// <c>yyyy-MM-dd HH:mm:ss</c>, and it has no request's context.</summary>
    public bool Passenger { get; init; }

    /// <summary>A UDP session of the stream module: its context starts <c>, udp client: </c> (ngx_stream_log_error
    /// names the transport before the client).</summary>
    public bool Datagram { get; init; }
}
