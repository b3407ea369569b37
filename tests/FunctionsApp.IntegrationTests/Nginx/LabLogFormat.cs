namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>An access-log format as nginx declares it (<c>log_format NAME [escape=...] 'FORMAT'</c>).</summary>
/// <param name="Id">Short id used in fixture directory names: <c>combined</c>, <c>custom</c>, <c>json</c>.</param>
/// <param name="NginxName">The name in <c>log_format</c>/<c>access_log</c>.</param>
/// <param name="Format">The exact format string, as passed to the engine's <c>--log-format</c>.</param>
/// <param name="Escape">The <c>escape=</c> parameter, if any.</param>
internal sealed record LabLogFormat(string Id, string NginxName, string Format, string? Escape)
{
    /// <summary>nginx's predefined format (https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format).</summary>
    public static LabLogFormat Combined { get; } = new(
        "combined",
        "combined",
        """$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" """.TrimEnd(),
        Escape: null);

    /// <summary>Upstream fields in an unusual order, plus <c>$connection</c> and <c>$request_id</c>.</summary>
    public static LabLogFormat Custom { get; } = new(
        "custom",
        "diag",
        """$time_iso8601 $host $status "$request" rt=$request_time ua="$upstream_addr" us="$upstream_status" uct="$upstream_connect_time" urt="$upstream_response_time" cid=$connection rid=$request_id $remote_addr""",
        Escape: null);

    /// <summary>One JSON object per line, keys named after the variables.</summary>
    public static LabLogFormat Json { get; } = new(
        "json",
        "diagjson",
        """{"time_iso8601":"$time_iso8601","remote_addr":"$remote_addr","host":"$host","request":"$request","status":"$status","body_bytes_sent":"$body_bytes_sent","request_time":"$request_time","upstream_addr":"$upstream_addr","upstream_status":"$upstream_status","upstream_connect_time":"$upstream_connect_time","upstream_header_time":"$upstream_header_time","upstream_response_time":"$upstream_response_time","request_id":"$request_id","http_user_agent":"$http_user_agent"}""",
        Escape: "json");

    public static IReadOnlyList<LabLogFormat> All { get; } = [Combined, Custom, Json];

    /// <summary>The <c>log_format</c> directive, or nothing for the predefined <c>combined</c>.</summary>
    public string Declaration => NginxName == "combined"
        ? string.Empty
        : $"log_format {NginxName}{(Escape is null ? string.Empty : " escape=" + Escape)} '{Format}';";
}
