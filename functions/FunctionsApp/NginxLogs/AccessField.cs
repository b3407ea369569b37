namespace FunctionsApp.NginxLogs;

/// <summary>
/// The nginx variables the engine understands in an access log. Anything else in a
/// <c>log_format</c> is matched and ignored. See https://nginx.org/en/docs/varindex.html.
/// </summary>
internal enum AccessField
{
    Ignored = 0,
    RemoteAddr,
    TimeLocal,
    TimeIso8601,
    Msec,
    Request,
    RequestMethod,
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
    Host,
    ServerName,
    RequestId,
    Connection,
}

internal static class AccessFields
{
    /// <summary>Number of <see cref="AccessField"/> values; sizes the per-line slot arrays.</summary>
    public const int Count = (int)AccessField.Connection + 1;

    /// <summary>Maps an nginx variable name (without <c>$</c>) to the field it carries.</summary>
    public static AccessField FromVariable(string name) => name switch
    {
        "remote_addr" or "realip_remote_addr" or "binary_remote_addr_text" => AccessField.RemoteAddr,
        "time_local" => AccessField.TimeLocal,
        "time_iso8601" => AccessField.TimeIso8601,
        "msec" => AccessField.Msec,
        "request" => AccessField.Request,
        "request_method" => AccessField.RequestMethod,
        "request_uri" or "uri" or "document_uri" => AccessField.RequestUri,
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
        "host" or "http_host" => AccessField.Host,
        "server_name" => AccessField.ServerName,
        "request_id" or "req_id" => AccessField.RequestId,
        "connection" => AccessField.Connection,
        _ => AccessField.Ignored,
    };

    /// <summary>
    /// Maps a JSON key of a log line to a field when no <c>log_format</c> was given: the variable
    /// name itself, or a name commonly used for it by JSON log formats.
    /// </summary>
    public static AccessField FromJsonKey(string key) => FromVariable(key) switch
    {
        AccessField.Ignored => key switch
        {
            "time" or "timestamp" or "@timestamp" or "time_iso" => AccessField.TimeIso8601,
            "client" or "client_ip" or "remote_ip" or "ip" => AccessField.RemoteAddr,
            "method" => AccessField.RequestMethod,
            "path" or "url" or "request_path" => AccessField.RequestUri,
            "status_code" or "response_status" => AccessField.Status,
            "upstream" => AccessField.UpstreamAddr,
            "referer" or "referrer" => AccessField.Referer,
            "user_agent" or "agent" => AccessField.UserAgent,
            "duration" or "request_duration" => AccessField.RequestTime,
            "vhost" or "server" => AccessField.Host,
            "id" => AccessField.RequestId,
            _ => AccessField.Ignored,
        },
        var field => field,
    };

    /// <summary>Fields whose value can hold several comma- or colon-separated upstream tries.</summary>
    public static bool IsUpstreamList(AccessField field) => field is AccessField.UpstreamAddr
        or AccessField.UpstreamStatus or AccessField.UpstreamConnectTime
        or AccessField.UpstreamHeaderTime or AccessField.UpstreamResponseTime;
}
