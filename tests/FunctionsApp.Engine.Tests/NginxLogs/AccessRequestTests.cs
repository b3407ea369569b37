using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class AccessRequestTests
{
    public static TheoryData<string, string, string, string> Cases() => new()
    {
        // format, access line fields, the error line's request, expected
        { "[$time_local] \"$request\" $status", "\"GET /a?b=1 HTTP/1.1\"", "GET /a?b=1 HTTP/1.1", "Agree" },
        { "[$time_local] \"$request\" $status", "\"GET /a?b=2 HTTP/1.1\"", "GET /a?b=1 HTTP/1.1", "Disagree" },
        // A format that masks secrets (GitLab's filtered request URI) against nginx's error line, which quotes them.
        { "[$time_local] \"$request\" $status", "\"GET /api/jobs?private_token=[FILTERED]&page=2 HTTP/1.1\"", "GET /api/jobs?private_token=glpat-x1&page=2 HTTP/1.1", "Unknown" },
        { "[$time_local] \"$request\" $status", "\"GET /login?password=***** HTTP/1.1\"", "GET /login?password=hunter2 HTTP/1.1", "Unknown" },
        { "[$time_local] \"$request\" $status", "\"GET /api/jobs?private_token=[FILTERED]&page=3 HTTP/1.1\"", "GET /api/jobs?private_token=glpat-x1&page=2 HTTP/1.1", "Disagree" },
        { "[$time_local] \"$request\" $status", "\"GET /api/jobs?token=[FILTERED] HTTP/1.1\"", "GET /api/builds?token=glpat-x1 HTTP/1.1", "Disagree" },
        { "[$time_local] \"$request\" $status", "\"GET /a%20b HTTP/1.1\"", "GET /a%20b HTTP/1.1", "Agree" },
        // ingress-nginx's upstreaminfo logs "$request_method $uri $server_protocol" where $request stood: no query,
        // the path decoded. Read as $request, it still is the error line's request; a different path is not.
        { "[$time_local] \"$request\" $status", "\"GET /api/orders/3 HTTP/1.1\"", "GET /api/orders/3?expand=items HTTP/1.1", "Agree" },
        { "[$time_local] \"$request\" $status", "\"GET /a b HTTP/1.1\"", "GET /a%20b?x=1 HTTP/1.1", "Agree" },
        { "[$time_local] \"$request\" $status", "\"GET /api/orders/4 HTTP/1.1\"", "GET /api/orders/3?expand=items HTTP/1.1", "Disagree" },
        { "[$time_local] \"$request\" $status", "\"POST /api/orders/3 HTTP/1.1\"", "GET /api/orders/3?expand=items HTTP/1.1", "Disagree" },
        { "[$time_local] \"$request\" $status", "\"GET HTTP/1.1\"", "GET /api?x=1 HTTP/1.1", "Disagree" }, // a line too short to hold a path: no part of it is read twice
        // "$request_method $request_uri" in one quoted field reads as $request without its protocol (inferred formats)
        { "[$time_local] \"$request\" $status", "\"POST /v2/orders?x=1\"", "POST /v2/orders?x=1 HTTP/1.1", "Agree" },
        { "[$time_local] \"$request\" $status", "\"POST /v2/orders\"", "POST /v2/orders/1 HTTP/1.1", "Disagree" },
        { "[$time_local] \"$request\" $status", "\"GET /v2/orders\"", "POST /v2/orders HTTP/1.1", "Disagree" },
        { "[$time_local] $request_method $request_uri $status", "POST /a?b=1", "POST /a?b=1 HTTP/2.0", "Agree" },
        { "[$time_local] $request_method $request_uri $status", "POST /a?b=2", "POST /a?b=1 HTTP/2.0", "Disagree" },
        { "[$time_local] $request_uri $status", "/a?b=1", "GET /a?b=1 HTTP/1.1", "Agree" },
        { "[$time_local] $request_method $uri $args $status", "GET /a b=1", "GET /a?b=1 HTTP/1.1", "Agree" },
        { "[$time_local] $request_method $uri $args $status", "GET /a%20b/ -", "GET /a%2520b/ HTTP/1.1", "Agree" },
        { "[$time_local] $request_method \"$uri\" $status", "GET \"/a b\"", "GET //x/../a%20b HTTP/1.1", "Agree" },
        // try_files/index rewrote $uri: the method agrees, the path cannot tell.
        { "[$time_local] $request_method $uri $status", "GET /index.php", "GET /blog/post-1 HTTP/1.1", "Unknown" },
        { "[$time_local] $request_method $uri $status", "POST /index.php", "GET /blog/post-1 HTTP/1.1", "Disagree" },
        // try_files' "$uri/": the directory of the requested path; any other directory path is another request.
        { "[$time_local] $request_method $uri $status", "GET /docs/", "GET /docs HTTP/1.1", "Unknown" },
        { "[$time_local] $request_method $uri $args $status", "GET /shipping/ -", "GET /cart/3584/detail?ref=home HTTP/1.1", "Disagree" },
        { "[$time_local] $request_method $uri $status", "GET /shipping/", "GET /shipping HTTP/1.1", "Unknown" },
        // a key named like $uri holding the target with its query string ($request_uri renamed, or an inferred format)
        { "[$time_local] $request_method $uri $status", "GET /a/list?page=8&sort=desc", "GET /a/list?page=8&sort=desc HTTP/1.1", "Agree" },
        { "[$time_local] $request_method $uri $status", "GET /a/list?page=9", "GET /a/list?page=8 HTTP/1.1", "Disagree" },
        // a "request" key holding the target alone (Logstash's naming: "request":"$request_uri"), and whole URLs
        { "[$time_local] \"$request\" $status", "\"/api/orders/2\"", "GET /api/orders/2 HTTP/1.1", "Agree" },
        { "[$time_local] \"$request\" $status", "\"/api/orders/3\"", "GET /api/orders/2 HTTP/1.1", "Disagree" },
        { "[$time_local] $request_method $request_uri $status", "GET https://shop.test/api/orders/2?x=1", "GET /api/orders/2?x=1 HTTP/1.1", "Agree" },
        { "[$time_local] $request_method $request_uri $status", "GET http://shop.test", "GET / HTTP/1.1", "Agree" },
        { "[$time_local] $request_method $request_uri $status", "GET /api/orders/2", "GET http://shop.test/api/orders/2 HTTP/1.1", "Agree" },
        { "[$time_local] $request_method $request_uri $status", "GET https://shop.test/api/orders/3", "GET /api/orders/2 HTTP/1.1", "Disagree" },
        // a paste of the error line that a terminal folded: the fold's padding blanks inside the request
        { "[$time_local] \"$request\" $status", "\"POST /api/get_app_config HTTP/1.1\"", "POST /api/get_ap                  p_config HTTP/1.1", "Agree" },
        { "[$time_local] \"$request\" $status", "\"POST /api/get_app_config HTTP/1.1\"", "POST           /api/get_app_config HTTP/1.1", "Agree" },
        { "[$time_local] \"$request\" $status", "\"POST /api/get_app_config HTTP/1.1\"", "POST /api/get_ap                  p_settings HTTP/1.1", "Disagree" },
        { "[$time_local] \"$request\" $status", "\"POST /api/get_app_config HTTP/1.1\"", "POST /api/get_ap p_config HTTP/1.1", "Disagree" },
        { "[$time_local] $request_method $status", "GET", "GET / HTTP/1.1", "Unknown" },
        { "[$time_local] $status", "", "GET / HTTP/1.1", "Unknown" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compare_AccessFieldsAgainstErrorRequest_Decides(string format, string fields, string errorRequest, string expected)
    {
        Assert.True(AccessLogFormat.TryCompile(format, out var compiled, out var error), error);
        var line = "[24/Nov/2026:10:00:01 +0000] " + (fields.Length > 0 ? fields + " " : "") + "502";
        Assert.True(compiled.TryParse(Encoding.UTF8.GetBytes(line), out var entry), line);

        Assert.Equal(expected, AccessRequest.From(in entry).Compare(errorRequest).ToString());
    }

    [Fact]
    public void Compare_ErrorLineCutAt2048Bytes_AgreesWithTheWholeRequest()
    {
        var target = "/search?q=" + new string('x', 3000);
        var access = new AccessRequest("GET " + target + " HTTP/1.1", null, null, null, null);

        Assert.Equal(RequestAgreement.Agree, access.Compare(("GET " + target)[..1900]));
        Assert.Equal(RequestAgreement.Disagree, access.Compare("GET /other HTTP/1.1"));
    }

    [Fact]
    public void Compare_ErrorLineRequest_SplitsLikeTheAccessLine()
    {
        var parsed = ErrorLogParser.TryParse(
            "2026/11/24 10:00:01 [error] 7#7: *3 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.5, server: _, request: \"GET /a?b=1 HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.2-fpm.sock:\", host: \"x.test\""u8,
            out var line);

        Assert.True(parsed);
        Assert.Equal("GET", Encoding.UTF8.GetString(line.RequestMethod));
        Assert.Equal("/a?b=1", Encoding.UTF8.GetString(line.RequestTarget));
        Assert.Equal(RequestAgreement.Agree, new AccessRequest(null, "GET", null, "/a", "b=1").Compare(line.Request));
    }

    [Theory]
    [InlineData("/a//b/./c/../d", "/a/b/d")]
    [InlineData("/a%2Fb%20c?x=1", "/a/b c")]
    [InlineData("http://example.test/x/y?z", "/x/y")]
    [InlineData("/../../etc", "/etc")]
    [InlineData("/dir/", "/dir/")]
    [InlineData("/", "/")]
    public void NormalizePath_LikeNginxUri(string target, string expected) =>
        Assert.Equal(expected, RequestLineParts.NormalizePath(Encoding.UTF8.GetBytes(target)));

    [Theory]
    [InlineData("GET /a?b=1 HTTP/1.1", "GET", "/a?b=1", "HTTP/1.1")]
    [InlineData("GET /", "GET", "/", "")]
    [InlineData("\\x16\\x03\\x01", "\\x16\\x03\\x01", "", "")]
    public void RequestLineParts_Split(string request, string method, string target, string protocol)
    {
        var bytes = Encoding.UTF8.GetBytes(request);
        Assert.Equal(method, Encoding.UTF8.GetString(RequestLineParts.Method(bytes)));
        Assert.Equal(target, Encoding.UTF8.GetString(RequestLineParts.Target(bytes)));
        Assert.Equal(protocol, Encoding.UTF8.GetString(RequestLineParts.Protocol(bytes)));
    }
}
