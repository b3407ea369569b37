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
/// <c>2026/11/24 10:00:01 [error] 1234#0: *5 MESSAGE, client: C, server: S, request: "R", upstream: "U", host: "H"</c>.
/// </summary>
internal readonly ref struct ErrorLogLine
{
    public required ReadOnlySpan<byte> Line { get; init; }

    /// <summary>The <c>yyyy/MM/dd HH:mm:ss</c> prefix, in nginx's local time.</summary>
    public required ReadOnlySpan<byte> Timestamp { get; init; }

    public required ErrorLevel Level { get; init; }

    /// <summary>The connection number after <c>*</c> (the same number as <c>$connection</c>), or -1.</summary>
    public required long ConnectionId { get; init; }

    /// <summary>The text before the <c>, client:</c> context.</summary>
    public required ReadOnlySpan<byte> Message { get; init; }

    public ReadOnlySpan<byte> Client { get; init; }

    public ReadOnlySpan<byte> Server { get; init; }

    public ReadOnlySpan<byte> Request { get; init; }

    public ReadOnlySpan<byte> Upstream { get; init; }

    public ReadOnlySpan<byte> Host { get; init; }

    /// <summary>The zoned time of the prefix a shipper put before the line (<c>docker logs -t</c>, RFC 5424), if any:
    /// unlike <see cref="Timestamp"/> it names an instant, so it tells the error log's UTC offset.</summary>
    public DateTimeOffset? PrefixTime { get; init; }
}
