namespace FunctionsApp.NginxLogs;

/// <summary>What a logged value looks like: the evidence format detection reads fields from.</summary>
[Flags]
internal enum ValueShape
{
    None = 0,

    /// <summary><c>-</c> or empty: nginx's "no value".</summary>
    Dash = 1,
    TimeLocal = 1 << 1,
    TimeIso = 1 << 2,
    Msec = 1 << 3,

    /// <summary><c>GET /a?b=1 HTTP/1.1</c>.</summary>
    RequestLine = 1 << 4,
    Method = 1 << 5,
    Protocol = 1 << 6,

    /// <summary>Starts with <c>/</c>, no spaces.</summary>
    Path = 1 << 7,

    /// <summary>A path with <c>?</c>: as the client sent it.</summary>
    PathWithQuery = 1 << 8,

    /// <summary><c>a=1&amp;b=2</c>.</summary>
    Args = 1 << 9,

    /// <summary>One HTTP status code nginx can log.</summary>
    Status = 1 << 10,

    /// <summary>Status codes (or <c>-</c>) separated by <c>, </c> and <c> : </c>, at least one of them a status.</summary>
    StatusList = 1 << 11,

    /// <summary>An address nginx writes for a peer: <c>10.0.0.1:80</c>, <c>[::1]:80</c>, <c>unix:/path</c>.</summary>
    Address = 1 << 12,

    /// <summary>Addresses, group names or <c>-</c> separated like <c>$upstream_addr</c>, with at least one address.</summary>
    AddressList = 1 << 13,

    /// <summary>Seconds with milliseconds, as nginx writes times: <c>0.015</c>.</summary>
    Seconds = 1 << 14,

    /// <summary>Seconds (or <c>-</c>) separated like the <c>$upstream_*_time</c> lists.</summary>
    SecondsList = 1 << 15,

    /// <summary>An IP address without a port (or <c>unix:</c>, a client on a unix socket).</summary>
    Ip = 1 << 16,

    /// <summary>IP addresses separated by commas (<c>X-Forwarded-For</c>).</summary>
    IpList = 1 << 17,

    /// <summary>A DNS name (<c>api.example.com</c>, <c>localhost</c>) or nginx's catch-all <c>_</c>.</summary>
    HostName = 1 << 18,

    /// <summary>A name or address with a port: a Host header as sent.</summary>
    HostPort = 1 << 19,
    Integer = 1 << 20,

    /// <summary>32 hex digits: <c>$request_id</c>.</summary>
    Hex32 = 1 << 21,

    /// <summary><c>http://…</c> or <c>https://…</c>.</summary>
    Url = 1 << 22,

    /// <summary>A User-Agent: product tokens (<c>curl/8.0</c>, <c>Mozilla/5.0 (…)</c>).</summary>
    Agent = 1 << 23,

    /// <summary>A bare name: an upstream group, a server name without dots.</summary>
    Word = 1 << 24,

    /// <summary>The value has the separators of a multi-try list.</summary>
    List = 1 << 25,

    /// <summary>An ISO 8601 local time without a zone (<c>2026-11-24 10:00:01</c>): a format built from
    /// <c>$time_iso8601</c> with a <c>map</c> that dropped the offset.</summary>
    TimeIsoLocal = 1 << 26,
}
