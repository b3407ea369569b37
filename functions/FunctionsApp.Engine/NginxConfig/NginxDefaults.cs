namespace FunctionsApp.NginxConfig;

/// <summary>nginx's defaults for the directives the checks read (nginx 1.22 docs; buffer sizes are one memory page,
/// 4k on x86-64 Linux).</summary>
public static class NginxDefaults
{
    private static readonly Dictionary<string, string[]> Values = new(StringComparer.Ordinal)
    {
        ["proxy_connect_timeout"] = ["60s"],
        ["proxy_read_timeout"] = ["60s"],
        ["proxy_send_timeout"] = ["60s"],
        ["proxy_buffer_size"] = ["4k"],
        ["proxy_buffers"] = ["8", "4k"],
        ["proxy_http_version"] = ["1.0"],
        ["proxy_next_upstream"] = ["error", "timeout"],
        ["proxy_ssl_server_name"] = ["off"],
        ["proxy_ssl_verify"] = ["off"],
        ["proxy_ssl_name"] = ["$proxy_host"],
        ["proxy_ssl_protocols"] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
        ["proxy_cache_use_stale"] = ["off"],
        ["proxy_intercept_errors"] = ["off"],
        ["fastcgi_connect_timeout"] = ["60s"],
        ["fastcgi_read_timeout"] = ["60s"],
        ["fastcgi_send_timeout"] = ["60s"],
        ["fastcgi_buffer_size"] = ["4k"],
        ["fastcgi_buffers"] = ["8", "4k"],
        ["fastcgi_next_upstream"] = ["error", "timeout"],
        ["fastcgi_keep_conn"] = ["off"],
        ["fastcgi_cache_use_stale"] = ["off"],
        ["uwsgi_read_timeout"] = ["60s"],
        ["uwsgi_connect_timeout"] = ["60s"],
        ["uwsgi_buffer_size"] = ["4k"],
        ["scgi_read_timeout"] = ["60s"],
        ["scgi_connect_timeout"] = ["60s"],
        ["grpc_read_timeout"] = ["60s"],
        ["grpc_connect_timeout"] = ["60s"],
        ["grpc_buffer_size"] = ["4k"],
        ["grpc_ssl_server_name"] = ["off"],
        ["limit_req_status"] = ["503"],
        ["limit_conn_status"] = ["503"],
        ["resolver_timeout"] = ["30s"],
        ["client_max_body_size"] = ["1m"],
    };

    /// <summary>The default's words, or an empty list when the directive has no default (is off when absent).</summary>
    public static IReadOnlyList<string> For(string name) => Values.TryGetValue(name, out var value) ? value : [];
}
