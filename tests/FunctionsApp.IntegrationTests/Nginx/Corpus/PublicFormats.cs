using System.Text;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// <c>log_format</c> directives that people really run, each copied exactly as published (products' shipped configs,
/// vendors' docs, popular gists and blog posts), with where it was found. The corpus family <c>public</c> draws one of
/// them, and <see cref="PublicFormatsTests"/> runs every one of them through real nginx and the engine.
/// </summary>
/// <remarks>
/// A format that uses a variable nginx does not define itself (a product's own <c>set</c>/<c>map</c>, or a Lua
/// module's) gets it from <see cref="PublicFormat.Setup"/>: a <c>map</c> to the closest built-in, as the note says.
/// The ingress-nginx variables (<c>$proxy_upstream_name</c>, <c>$req_id</c>) come from the corpus's ingress setup.
/// </remarks>
internal static class PublicFormats
{
    public static IReadOnlyList<PublicFormat> All { get; } =
    [
        new(
            "ingress-nginx-upstreaminfo",
            "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/log-format/",
            """
            log_format upstreaminfo
                '$remote_addr - $remote_user [$time_local] "$request" '
                '$status $body_bytes_sent "$http_referer" "$http_user_agent" '
                '$request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr '
                '$upstream_response_length $upstream_response_time $upstream_status $req_id';
            """),
        new(
            "npm-proxy",
            "https://github.com/NginxProxyManager/nginx-proxy-manager/blob/develop/docker/rootfs/etc/nginx/conf.d/include/log-proxy.conf",
            """
            log_format proxy '[$time_local] $upstream_cache_status $upstream_status $status - $request_method $scheme $host "$request_uri" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] [Sent-to $server] "$http_user_agent" "$http_referer"';
            """,
            Setup: "map $host $server { default $proxy_host; }",
            Note: "NPM sets $server per proxy host to the forward host (set $server \"...\"); here a map to $proxy_host, the same value."),
        new(
            "npm-standard",
            "https://github.com/NginxProxyManager/nginx-proxy-manager/blob/develop/docker/rootfs/etc/nginx/conf.d/include/log-proxy.conf",
            """
            log_format standard '[$time_local] $status - $request_method $scheme $host "$request_uri" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] "$http_user_agent" "$http_referer"';
            """),
        new(
            "gitlab-omnibus",
            "https://gitlab.com/gitlab-org/omnibus-gitlab/-/blob/master/files/gitlab-cookbooks/gitlab/attributes/default.rb (default['gitlab']['nginx']['log_format'], rendered by templates/default/nginx.conf.erb)",
            """
            log_format gitlab_access '$remote_addr - $remote_user [$time_local] "$request_method $filtered_request_uri $server_protocol" $status $body_bytes_sent "$filtered_http_referer" "$http_user_agent" $gzip_ratio';
            """,
            Setup: "map $request_uri $filtered_request_uri { default $request_uri; }\nmap $http_referer $filtered_http_referer { default $http_referer; }",
            Note: "GitLab's maps replace private_token/authenticity_token/rss_token values with [FILTERED]; here they pass the URI and referer through."),
        new(
            "nginx-proxy-vhost",
            "https://github.com/nginx-proxy/nginx-proxy/blob/main/nginx.tmpl",
            """
            log_format vhost '$host $remote_addr - $remote_user [$time_local] '
                             '"$request" $status $body_bytes_sent '
                             '"$http_referer" "$http_user_agent" '
                             '"$upstream_addr"';
            """,
            Note: "As in current nginx-proxy releases; older nginx.tmpl versions end at \"$http_user_agent\"."),
        new(
            "discourse",
            "https://github.com/discourse/discourse/blob/main/config/nginx.sample.conf",
            """
            log_format log_discourse '[$time_local] $remote_addr "$request" "$http_user_agent" "$sent_http_x_discourse_route" $status $bytes_sent "$http_referer" $upstream_response_time $request_time "$sent_http_x_discourse_username"';
            """),
        new(
            "aws-elastic-beanstalk-healthd",
            "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/health-enhanced-serverlogs.html",
            """
            log_format healthd '$msec"$uri"'
                            '$status"$request_time"$upstream_response_time"'
                            '$http_x_forwarded_for';
            """),
        new(
            "nginx-amplify-main-ext",
            "https://docs.nginx.com/nginx-amplify/nginx-amplify-agent/configuring-metric-collection/",
            """
            log_format  main_ext  '$remote_addr - $remote_user [$time_local] "$request" '
                                  '$status $body_bytes_sent "$http_referer" '
                                  '"$http_user_agent" "$http_x_forwarded_for" '
                                  '"$host" sn="$server_name" '
                                  'rt=$request_time '
                                  'ua="$upstream_addr" us="$upstream_status" '
                                  'ut="$upstream_response_time" ul="$upstream_response_length" '
                                  'cs=$upstream_cache_status' ;
            """),
        new(
            "apache-apisix",
            "https://github.com/apache/apisix/blob/master/conf/config.yaml.example (nginx_config.http.access_log_format, access_log_format_escape: default)",
            """
            log_format main escape=default '$remote_addr - $remote_user [$time_local] $http_host "$request" $status $body_bytes_sent $request_time "$http_referer" "$http_user_agent" $upstream_addr $upstream_status $upstream_response_time "$upstream_scheme://$upstream_host$upstream_uri"';
            """,
            Setup: "map $host $upstream_scheme { default $scheme; }\nmap $host $upstream_host { default $host; }\nmap $host $upstream_uri { default $request_uri; }",
            Note: "APISIX sets $upstream_scheme, $upstream_host and $upstream_uri from Lua; here maps to $scheme, $host and $request_uri."),
        new(
            "docker-nginx-main",
            "https://github.com/nginxinc/docker-nginx/blob/master/stable/alpine/nginx.conf (the nginx.org packages' /etc/nginx/nginx.conf)",
            """
            log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                              '$status $body_bytes_sent "$http_referer" '
                              '"$http_user_agent" "$http_x_forwarded_for"';
            """),
        new(
            "nginx-blog-upstream-time",
            "https://www.nginx.com/blog/using-nginx-logging-for-application-performance-monitoring/",
            """
            log_format upstream_time '$remote_addr - $remote_user [$time_local] '
                                     '"$request" $status $body_bytes_sent '
                                     '"$http_referer" "$http_user_agent"'
                                     'rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" urt="$upstream_response_time"';
            """,
            Note: "As published: no space between \"$http_user_agent\" and rt=."),
        new(
            "nginx-docs-compression",
            "https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format",
            """
            log_format compression '$remote_addr - $remote_user [$time_local] '
                                   '"$request" $status $bytes_sent '
                                   '"$http_referer" "$http_user_agent" "$gzip_ratio"';
            """),
        new(
            "dev-toolbox-json-combined",
            "https://www.dev-toolbox.tech/tools/nginx-config-generator/examples/log-format-customization",
            """
            log_format json_combined escape=json
              '{'
                '"time":"$time_iso8601",'
                '"remote_addr":"$remote_addr",'
                '"request":"$request",'
                '"status":$status,'
                '"body_bytes_sent":$body_bytes_sent,'
                '"request_time":$request_time,'
                '"upstream_response_time":"$upstream_response_time",'
                '"http_referrer":"$http_referer",'
                '"http_user_agent":"$http_user_agent"'
              '}';
            """),
        new(
            "json-combined-nginx-fields",
            "http://t.zoukankan.com/felixzh-p-8710399.html",
            """
            log_format json_combined escape=json '{"@timestamp":"$time_iso8601",'
                                 '"@source":"$server_addr",'
                                 '"@nginx_fields":{'
                                     '"remote_addr":"$remote_addr",'
                                     '"remote_user":"$remote_user",'
                                     '"body_bytes_sent":"$body_bytes_sent",'
                                     '"request_time":"$request_time",'
                                     '"status":"$status",'
                                     '"host":"$host",'
                                     '"uri":"$uri",'
                                     '"server":"$server_name",'
                                     '"port":"$server_port",'
                                     '"protocol":"$server_protocol",'
                                     '"request_uri":"$request_uri",'
                                     '"request_body":"$request_body",'
                                     '"request_method":"$request_method",'
                                     '"http_referrer":"$http_referer",'
                                     '"body_bytes_sent":"$body_bytes_sent",'
                                     '"http_x_forwarded_for":"$http_x_forwarded_for",'
                                     '"http_user_agent":"$http_user_agent",'
                                     '"upstream_response_time":"$upstream_response_time",'
                                     '"upstream_addr":"$upstream_addr"}}';
            """),
        new(
            "gist-json-msec",
            "https://gist.github.com/burdandrei/3482a590c3be2c9beabed42efa080a7e",
            """
            log_format json escape=json
              '{ "msec": "$msec", '
              '"remote_addr": "$remote_addr", '
              '"request_method": "$request_method", '
              '"request_uri": "$request_uri", '
              '"status": "$status", '
              '"body_bytes_sent": "$body_bytes_sent", '
              '"http_referer": "$http_referer", '
              '"http_user_agent": "$http_user_agent", '
              '"request_time": "$request_time" , '
              '"http_x_forwarded_for": "$http_x_forwarded_for", '
              '"upstream_addr": "$upstream_addr",'
              '"upstream_response_time": "$upstream_response_time"}';
            """),
        new(
            "gist-logstash-json-message",
            "https://gist.github.com/saabeilin/192444064fc7b28fce1e3af6b4ccf5a3",
            """
            log_format logstash_json '{ "@timestamp": "$time_iso8601", '
                                     '"@version": 1, '
                                     '"message": "$request $status $body_bytes_sent", '
                                     '"remote_addr": "$remote_addr", '
                                     '"remote_user": "$remote_user", '
                                     '"body_bytes_sent": "$body_bytes_sent", '
                                     '"request_time": "$request_time", '
                                     '"status": "$status", '
                                     '"request": "$request", '
                                     '"request_method": "$request_method", '
                                     '"server_protocol": "$server_protocol", '
                                     '"http_referrer": "$http_referer", '
                                     '"user_agent": "$http_user_agent" }';
            """),
        new(
            "gist-logstash-json-upstream-time",
            "https://gist.github.com/asiegman/9ca5d3218db8c2f3993b",
            """
            log_format logstash_json '{"@timestamp": "$time_iso8601", '
                                   '"remote_addr": "$remote_addr", '
                                   '"remote_user": "$remote_user", '
                                   '"body_bytes_sent": "$body_bytes_sent", '
                                   '"request_time": "$request_time", '
                                   '"status": "$status", '
                                   '"request": "$request", '
                                   '"request_method": "$request_method", '
                                   '"http_referer": "$http_referer", '
                                   '"http_x_forwarded_for": "$http_x_forwarded_for", '
                                   '"http_x_real_ip": "$http_x_real_ip", '
                                   '"upstream_response_time": "$upstream_response_time"'
                                   '}';
            """),
        new(
            "gist-logstash-json-upstream-status",
            "https://gist.github.com/jlintz/feb0f2f797179074b223",
            """
            log_format logstash_json '{ "@timestamp": "$time_iso8601", '
                                     '"@version": "1", '
                                     '"remote_addr": "$remote_addr", '
                                     '"body_bytes_sent": "$body_bytes_sent", '
                                     '"request_time": "$request_time", '
                                     '"upstream_addr": "$upstream_addr", '
                                     '"upstream_status": "$upstream_status", '
                                     '"upstream_response_time": "$upstream_response_time", '
                                     '"status": "$status", '
                                     '"uri": "$uri", '
                                     '"query_strings": "$query_string", '
                                     '"request_method": "$request_method", '
                                     '"http_referrer": "$http_referer", '
                                     '"http_host": "$http_host", '
                                     '"scheme": "$scheme", '
                                     '"http_user_agent": "$http_user_agent" }';
            """),
        new(
            "gist-json-time-local",
            "https://gist.github.com/aaronfeng/3207188",
            """
            log_format main '{'
                            '"remote_addr": "$remote_addr",'
                            '"remote_user": "$remote_user",'
                            '"time_local": "$time_local",'
                            '"request": "$request",'
                            '"status": "$status",'
                            '"body_bytes_sent": "$body_bytes_sent",'
                            '"http_referer": "$http_referer",'
                            '"http_user_agent": "$http_user_agent"'
                            '}';
            """),
        new(
            "gist-le-json-no-braces",
            "https://gist.github.com/mjcreativeventures/ff0a8aafc4846b2cb2b0",
            """
            log_format le_json '"time": "$time_iso8601", '
                               '"remote_addr": "$remote_addr", '
                               '"remote_user": "$remote_user", '
                               '"body_bytes_sent": "$body_bytes_sent", '
                               '"request_time": "$request_time", '
                               '"status": "$status", '
                               '"request": "$request", '
                               '"request_method": "$request_method", '
                               '"http_referrer": "$http_referer", '
                               '"http_user_agent": "$http_user_agent"';
            """,
            Note: "As published: JSON members without the enclosing braces."),
        new(
            "ingress-json-bare-numbers",
            "https://gist.github.com/gianrubio/472465345433d13a341639d35ed3b2e4",
            """
            log_format upstreaminfo '{ "time": "$time_iso8601", "remote_addr": "$proxy_protocol_addr", "x-forward-for": "$proxy_add_x_forwarded_for", "request_id": "$req_id", "remote_user": "$remote_user", "bytes_sent": $bytes_sent, "request_time": $request_time, "status": $status, "vhost": "$host", "request_proto": "$server_protocol", "path": "$uri", "request_query": "$args", "request_length": $request_length, "duration": $request_time, "method": "$request_method", "http_referrer": "$http_referer", "http_user_agent": "$http_user_agent" }';
            """,
            Note: "ingress-nginx's log-format-upstream (ConfigMap), which its template writes as log_format upstreaminfo '...'; "
                  + "the YAML line breaks are folded to spaces. Without the PROXY protocol $proxy_protocol_addr is empty."),
        new(
            "ingress-json-service",
            "https://gist.github.com/Schnitzel/bba1a8a437f52fbf123ead1cc0406bf1",
            """
            log_format upstreaminfo '{ "time": "$time_iso8601", "remote_addr": "$remote_addr", "x-forwarded-for": "$http_x_forwarded_for", "true-client-ip": "$http_true_client_ip", "req_id": "$req_id", "remote_user": "$remote_user", "bytes_sent": $bytes_sent, "request_time": $request_time, "status": "$status", "host": "$host", "request_proto": "$server_protocol", "request_uri": "$uri", "request_query": "$args", "request_length": $request_length, "request_time": $request_time, "request_method": "$request_method", "http_referer": "$http_referer", "http_user_agent": "$http_user_agent", "namespace": "$namespace", "ingress_name": "$ingress_name", "service_name": "$service_name", "service_port": "$service_port" }';
            """,
            Setup: "map $host $namespace { default \"default\"; }\nmap $host $ingress_name { default \"web\"; }\nmap $host $service_name { default \"web\"; }\nmap $host $service_port { default \"80\"; }",
            Note: "ingress-nginx's log-format-upstream (Helm values), folded as ingress-nginx writes it; request_time appears twice as published. "
                  + "ingress-nginx sets $namespace, $ingress_name, $service_name and $service_port per location; here fixed maps."),
        new(
            "ingress-logfmt",
            "https://gist.github.com/nomaster/3c56856bc270699545905fefdf5c366d",
            """
            log_format upstreaminfo 'latency=$upstream_response_time protocol=$server_protocol proxyAlternativeUpstreamName=$proxy_alternative_upstream_name proxyUpstreamName=$proxy_upstream_name referer=$http_referer remoteIp=$remote_addr requestID=$req_id requestMethod=$request_method requestSize=$request_length requestUrl=$host$request_uri responseSize=$upstream_response_length status=$status timestamp=$time_iso8601 upstreamAddr=$upstream_addr upstreamStatus=$upstream_status userAgent="$http_user_agent"';
            """,
            Note: "ingress-nginx's log-format-upstream from a ConfigMap written with YAML '>' (lines folded to spaces, final newline dropped)."),
        new(
            "openresty-ltsv-tabs",
            "https://github.com/tokyohomesoc/openresty/blob/master/docs/log_format.md",
            """
            log_format main "time_ngx:$time_local\t"
                            "http_host:$host\t"
                            "hostname:$hostname\t"
                            "remote_addr:$remote_addr\t"
                            "remote_user:$remote_user\t"
            # status,method
                            "status:$status\t"
                            "method:$request_method\t"
                            "scheme:$scheme\t"
                            "path:$uri\t"
                            "query:$args\t"
            # Request
                            "req_bytes:$request_length\t"
                            "req_time:$request_time\t"
                            "res_bytes:$bytes_sent\t"
                            "res_body_bytes:$body_bytes_sent\t"
                            "res_cache_control:$sent_http_cache_control\t"
                            "res_content_type:$sent_http_content_type\t"
            # upstream
                            "upstream_addr:$upstream_addr\t"
                            "upstream_taken_time:$upstream_response_time\t"
                            "upstream_cache_status:$upstream_cache_status\t"
            # tracker
                            "x_forwarded_for:$http_x_forwarded_for\t"
                            "x_forwarded_for_proto:$http_x_forwarded_for_proto\t"
                            "referer:$http_referer\t"
                            "accept_language:$http_accept_language\t"
                            "user_agent:$http_user_agent\t"
            # TLS cipher
                            "ssl_cipher:$ssl_cipher\t"
                            "ssl_protocol:$ssl_protocol\t"
                            "ssl_server_name:$ssl_server_name\t"
                            "ssl_client_verify:$ssl_client_verify\t"
                            "http2:$http2\t";
            """,
            Note: "As published: comment lines between the strings, and a tab after every field, the last one too."),
        new(
            "datadog-dogstream-time-log",
            "https://gist.github.com/DBLaw/a7d5bc2d99669a4f67ab",
            """
            log_format time_log '$time_local "$request" S=$status $bytes_sent T=$request_time R=$http_x_forwarded_for';
            """,
            Note: "$time_local without the brackets of the common log format."),
        new(
            "pipe-detailed",
            "https://github.com/lightxue/wiki/blob/master/tools/nginx.md",
            """
            log_format detailed '$time_iso8601 | $remote_addr | $request_method | '
                                '$scheme | $host | $request_uri | $server_protocol | '
                                '$status | $body_bytes_sent | $http_referer | '
                                '$http_user_agent';
            """),
        new(
            "combined-realip-joined",
            "https://github.com/aminglinux/nginx/blob/master/log/format.md",
            """
            log_format combined_realip '$remote_addr $http_x_forwarded_for [$time_local]'
                '$host "$request_uri" $status'
                '"$http_referer" "$http_user_agent"';
            """,
            Note: "As published: the strings join without spaces ([$time_local]$host, $status\"$http_referer\")."),
        new(
            "host-request-uri-and-request",
            "https://github.com/aminglinux/nginx/blob/master/log/format.md",
            """
            log_format main '$remote_addr [$time_local] '
                '$host "$request_uri" $status "$request"'
                '"$http_referer" "$http_user_agent" "$request_time"';
            """),
        new(
            "json-server-addr-as-host",
            "https://github.com/nanfeng/note/blob/master/nginx/README.md",
            """
            log_format log_json '{"@timestamp":"$time_iso8601",'
                                 '"host":"$server_addr",'
                                 '"clientip":"$remote_addr",'
                                 '"size":$body_bytes_sent,'
                                 '"responsetime":$request_time,'
                                 '"upstreamtime":"$upstream_response_time",'
                                 '"upstreamhost":"$upstream_addr",'
                                 '"http_host":"$host",'
                                 '"url":"$uri",'
                                 '"xff":"$http_x_forwarded_for",'
                                 '"referer":"$http_referer",'
                                 '"agent":"$http_user_agent",'
                                 '"status":"$status"}';
            """,
            Note: "\"host\" holds the server's address ($server_addr); the virtual host is \"http_host\"."),
        new(
            "proxy-add-xff-first",
            "https://github.com/marshallbao/devopsnotes/blob/master/src/notes/Web/nginx/nginx日志.md",
            """
            log_format main '$proxy_add_x_forwarded_for - $remote_user [$time_local]' '"$request" $status $body_bytes_sent' '"$http_referer" "$http_user_agent"';
            """,
            Note: "As published: the strings join without spaces; the first field is a list (\"client, proxy\")."),
    ];

    /// <summary>Draws one of the formats as a corpus format of family <c>public</c>.</summary>
    public static CorpusFormat Draw(Random random) => All[random.Next(All.Count)].ToCorpusFormat();
}

/// <summary>A published <c>log_format</c> directive.</summary>
/// <param name="Id">A short id (<c>npm-proxy</c>, <c>gitlab-omnibus</c>, ...).</param>
/// <param name="Source">Where it was published.</param>
/// <param name="Directive">The directive, exactly as published.</param>
/// <param name="Setup">http-level directives defining the variables nginx does not (a product's own), or null.</param>
/// <param name="Note">What differs from the published setting, or what is unusual about it.</param>
internal sealed record PublicFormat(string Id, string Source, string Directive, string? Setup = null, string? Note = null)
{
    /// <summary>The directive's parts as nginx reads them: name, <c>escape=</c>, and the joined format string.</summary>
    public (string Name, string? Escape, string Format) Parse()
    {
        var rest = Directive.AsSpan().Trim();
        if (!rest.StartsWith("log_format", StringComparison.Ordinal))
        {
            throw new FormatException($"{Id}: not a log_format directive");
        }

        rest = rest[10..].TrimStart();
        var nameEnd = rest.IndexOfAny(' ', '\n');
        var name = rest[..nameEnd].ToString();
        rest = rest[nameEnd..].TrimStart();
        string? escape = null;
        if (rest.StartsWith("escape=", StringComparison.Ordinal))
        {
            var end = rest.IndexOfAny(' ', '\n');
            escape = rest[7..end].ToString();
            rest = rest[end..].TrimStart();
        }

        var format = new StringBuilder();
        while (rest.Length > 0 && rest[0] != ';')
        {
            if (rest[0] == '#')
            {
                var newline = rest.IndexOf('\n');
                rest = newline < 0 ? default : rest[newline..].TrimStart();
                continue;
            }

            var quote = rest[0];
            if (quote is not ('\'' or '"'))
            {
                throw new FormatException($"{Id}: unexpected '{quote}' in the directive");
            }

            var i = 1;
            for (; rest[i] != quote; i++)
            {
                if (rest[i] == '\\')
                {
                    i++;
                    format.Append(rest[i] switch { 't' => "\t", 'n' => "\n", 'r' => "\r", '"' or '\'' or '\\' => rest[i].ToString(), _ => "\\" + rest[i] });
                }
                else
                {
                    format.Append(rest[i]);
                }
            }

            rest = rest[(i + 1)..].TrimStart();
        }

        return (name, escape, format.ToString());
    }

    public CorpusFormat ToCorpusFormat()
    {
        var (name, escape, format) = Parse();
        return new CorpusFormat($"public/{Id}", name, format, escape, Directive, Setup);
    }
}
