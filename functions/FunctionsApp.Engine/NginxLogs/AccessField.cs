namespace FunctionsApp.NginxLogs;

/// <summary>
/// The nginx variables the engine understands in an access log. Anything else in a
/// <c>log_format</c> is matched and ignored. See https://nginx.org/en/docs/varindex.html.
/// </summary>
internal enum AccessField
{
    Ignored = 0,

    /// <summary><c>$remote_addr</c>: the client, as the error log's <c>client:</c> names it (after realip).</summary>
    RemoteAddr,
    TimeLocal,
    TimeIso8601,
    Msec,

    /// <summary><c>$request</c>: the request line as the client sent it, <c>GET /a?b=1 HTTP/1.1</c>.</summary>
    Request,
    RequestMethod,

    /// <summary><c>$request_uri</c>: the target as sent, with its arguments, not decoded.</summary>
    RequestUri,
    Status,
    BodyBytesSent,
    Referer,
    UserAgent,
    RequestTime,
    UpstreamAddr,
    UpstreamStatus,
    UpstreamConnectTime,
    UpstreamHeaderTime,
    UpstreamResponseTime,

    /// <summary><c>$host</c>: the Host header without port, lower case, else the server name.</summary>
    Host,
    ServerName,
    RequestId,
    Connection,

    /// <summary><c>$uri</c>, <c>$document_uri</c>: the path after decoding, slash merging and rewrites.</summary>
    Uri,

    /// <summary><c>$args</c>, <c>$query_string</c>.</summary>
    Args,

    /// <summary><c>$http_host</c>: the Host header as sent (may carry a port).</summary>
    HttpHost,
    ServerPort,
    ServerProtocol,
    UpstreamBytesReceived,

    /// <summary><c>$realip_remote_addr</c>: the peer before the realip module replaced it.</summary>
    RealIpRemoteAddr,

    /// <summary><c>$http_x_forwarded_for</c>, <c>$proxy_add_x_forwarded_for</c>: a list whose first hop is the client.</summary>
    XForwardedFor,

    /// <summary>ingress-nginx's <c>$proxy_upstream_name</c> (<c>default-api-80</c>).</summary>
    ProxyUpstreamName,

    /// <summary>A request duration in nanoseconds (ECS <c>event.duration</c>); nginx itself logs seconds.</summary>
    DurationNanos,

    /// <summary><c>$upstream_response_length</c>: the body bytes of the upstream's answer, per try (0 when nginx got
    /// none: it made the status itself).</summary>
    UpstreamResponseLength,
}
