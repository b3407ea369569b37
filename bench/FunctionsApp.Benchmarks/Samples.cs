using System.Text;
using FunctionsApp.NginxLogs;
using LogGenerator;

namespace FunctionsApp.Benchmarks;

/// <summary>Real-shaped lines, as nginx writes them, for the parser benchmarks.</summary>
internal static class Samples
{
    public static readonly byte[] Combined = Encoding.UTF8.GetBytes(
        "203.0.113.7 - - [24/Nov/2026:10:00:01 +0100] \"GET /api/v1/products?category=shoes&sort=price_asc&page=3 HTTP/1.1\" 200 5120 "
        + "\"https://shop.example.com/\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\"");

    public static readonly byte[] Upstream = Encoding.UTF8.GetBytes(
        "203.0.113.7 - - [24/Nov/2026:10:00:01 +0100] \"GET /api/v1/products?category=shoes&sort=price_asc&page=3 HTTP/1.1\" 200 5120 "
        + "\"https://shop.example.com/\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\" "
        + "\"api.example.com\" 0.046 10.0.1.11:8080, 10.0.1.12:8080 502, 200 -, 0.001 -, 0.045 0.001, 0.046");

    public static readonly byte[] Json = Encoding.UTF8.GetBytes(
        "{\"time_iso8601\":\"2026-11-24T10:00:01+01:00\",\"remote_addr\":\"203.0.113.7\",\"request\":\"GET /api/v1/products?category=shoes HTTP/1.1\","
        + "\"status\":200,\"body_bytes_sent\":5120,\"http_referer\":\"https://shop.example.com/\",\"http_user_agent\":\"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0\","
        + "\"host\":\"api.example.com\",\"request_time\":0.046,\"upstream_addr\":\"10.0.1.11:8080\",\"upstream_status\":\"200\","
        + "\"upstream_connect_time\":\"0.001\",\"upstream_header_time\":\"0.045\",\"upstream_response_time\":\"0.046\"}");

    /// <summary>A nested (ECS-style) JSON line with bare numbers and a multi-try upstream.</summary>
    public static readonly byte[] JsonNested = Encoding.UTF8.GetBytes(
        "{\"@timestamp\":\"2026-11-24T10:00:01+01:00\",\"client\":{\"ip\":\"203.0.113.7\"},\"http\":{\"host\":\"api.example.com\",\"method\":\"GET\","
        + "\"url\":\"/api/v1/products?category=shoes\",\"status\":200,\"bytes\":5120,\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0\"},"
        + "\"upstream\":{\"addr\":\"10.0.1.11:8080, 10.0.1.12:8080\",\"status\":\"502, 200\",\"response_time\":\"0.001, 0.046\"},\"request_time\":0.046}");

    public static readonly string JsonNestedFormat =
        "log_format ecs escape=json '{\"@timestamp\":\"$time_iso8601\",\"client\":{\"ip\":\"$remote_addr\"},\"http\":{\"host\":\"$host\",\"method\":\"$request_method\","
        + "\"url\":\"$request_uri\",\"status\":$status,\"bytes\":$body_bytes_sent,\"user_agent\":\"$http_user_agent\"},"
        + "\"upstream\":{\"addr\":\"$upstream_addr\",\"status\":\"$upstream_status\",\"response_time\":\"$upstream_response_time\"},\"request_time\":$request_time}';";

    /// <summary>The <see cref="Upstream"/> line behind a <c>docker compose logs -t</c> prefix.</summary>
    public static readonly byte[] Prefixed = Encoding.UTF8.GetBytes("nginx-1  | 2026-11-24T09:00:01.434123456Z " + Encoding.UTF8.GetString(Upstream));

    public static readonly byte[] ErrorLine = Encoding.UTF8.GetBytes(
        "2026/11/24 10:00:01 [error] 31#31: *1157402 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, "
        + "server: api.example.com, request: \"GET /api/v1/users/42 HTTP/1.1\", upstream: \"http://10.0.1.11:8080/api/v1/users/42\", host: \"api.example.com\"");

    public static AccessLogFormat UpstreamFormat { get; } = Compile(GeneratorOptions.UpstreamLogFormat);

    public static AccessLogFormat Compile(string spec) =>
        AccessLogFormat.TryCompile(spec, out var format, out var error) ? format : throw new InvalidOperationException(error);

    /// <summary>A generated access log (and its error log) held in memory.</summary>
    public static (byte[] Access, byte[] Errors) Generate(int lines, GeneratedFormat format)
    {
        using var access = new MemoryStream();
        using var errors = new MemoryStream();
        new AccessLogGenerator(new GeneratorOptions { Format = format }).Write(access, errors, lines);
        return (access.ToArray(), errors.ToArray());
    }
}
