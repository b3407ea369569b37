using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class AccessLogFormatTests
{
    private static AccessLogFormat Compile(string spec)
    {
        Assert.True(AccessLogFormat.TryCompile(spec, out var format, out var error), error);
        return format;
    }

    private static string Field(AccessLogFormat format, string line, AccessField field)
    {
        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(line), out var entry), $"did not parse: {line}");
        return entry.Text(field);
    }

    [Fact]
    public void TryParse_Combined_ReadsEveryField()
    {
        var line = "203.0.113.9 - alice [24/Nov/2026:10:00:01 +0100] \"GET /api/items?id=7 HTTP/1.1\" 502 157 \"https://example.com/\" \"Mozilla/5.0 (X11; Linux)\"";
        var format = AccessLogFormat.Combined;

        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal(502, entry.Status);
        Assert.Equal("203.0.113.9", entry.Text(AccessField.RemoteAddr));
        Assert.Equal("GET /api/items?id=7 HTTP/1.1", entry.Text(AccessField.Request));
        Assert.Equal("Mozilla/5.0 (X11; Linux)", entry.Text(AccessField.UserAgent));
        Assert.True(entry.TryGetTime(out var time));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 9, 0, 1, TimeSpan.Zero), time);
        Assert.Equal(TimeSpan.FromHours(1), entry.TimeZoneOffset);
    }

    [Fact]
    public void TryParse_DashValue_IsAbsent()
    {
        var format = Compile("$remote_addr $status $upstream_addr");
        Assert.True(format.TryParse("10.0.0.1 503 -"u8, out var entry));
        Assert.False(entry.Has(AccessField.UpstreamAddr));
    }

    [Fact]
    public void TryParse_UpstreamListsWithSpaceSeparatedFormat_KeepsEveryTry()
    {
        // Unquoted multi-value variables next to each other: ", " and " : " inside values are not field separators.
        var format = Compile("$time_iso8601 $status $upstream_addr $upstream_status $request_time");
        var line = "2026-11-24T10:00:01+00:00 200 10.0.0.1:80, 10.0.0.2:80 : unix:/run/app.sock 502, 504 : 200 0.120";

        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal("10.0.0.1:80, 10.0.0.2:80 : unix:/run/app.sock", entry.Text(AccessField.UpstreamAddr));
        Assert.Equal("502, 504 : 200", entry.Text(AccessField.UpstreamStatus));
        Assert.Equal(0.120, entry.RequestTime);
    }

    [Fact]
    public void TryParse_UnusualOrderWithLiterals_ReadsFields()
    {
        var format = Compile("log_format diag '$time_iso8601 $host $status \"$request\" rt=$request_time ua=\"$upstream_addr\" us=\"$upstream_status\" cid=$connection rid=$request_id $remote_addr';");
        var line = "2026-11-24T11:00:01+01:00 shop.example.test 504 \"POST /cart HTTP/2.0\" rt=60.002 ua=\"10.1.0.4:8080\" us=\"504\" cid=42 rid=abc123 198.51.100.7";

        Assert.Equal("diag", format.Name);
        Assert.Equal("shop.example.test", Field(format, line, AccessField.Host));
        Assert.Equal("10.1.0.4:8080", Field(format, line, AccessField.UpstreamAddr));
        Assert.Equal("42", Field(format, line, AccessField.Connection));
        Assert.Equal("198.51.100.7", Field(format, line, AccessField.RemoteAddr));
    }

    [Fact]
    public void TryCompile_QuotedPiecesAndBracedVariables_Concatenates()
    {
        var format = Compile("'${remote_addr} [$time_local] ' '\"$request\" $status'");
        Assert.Equal("GET / HTTP/1.1", Field(format, "1.2.3.4 [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200", AccessField.Request));
    }

    /// <summary>A format whose first field is one nginx quotes, given bare: quoted pieces are followed by nothing but the
    /// directive's end, so text after the first quote's close makes it a format of its own.</summary>
    [Theory]
    [InlineData("\"$request\" $status $upstream_addr")]
    [InlineData("\"$request\" $status $upstream_addr;")]
    public void TryCompile_BareFormatStartingWithAQuotedField_KeepsItsFields(string spec)
    {
        var format = Compile(spec);

        Assert.Equal("502", Field(format, "\"GET / HTTP/1.1\" 502 127.0.0.1:3001", AccessField.Status));
        Assert.Equal("127.0.0.1:3001", Field(format, "\"GET / HTTP/1.1\" 502 127.0.0.1:3001", AccessField.UpstreamAddr));
    }

    [Fact]
    public void TryParse_DefaultEscapes_AreDecoded()
    {
        var line = "1.2.3.4 - - [24/Nov/2026:10:00:01 +0000] \"GET /a\\x22b HTTP/1.1\" 502 0 \"-\" \"agent\\x5Cx\"";
        Assert.Equal("GET /a\"b HTTP/1.1", Field(AccessLogFormat.Combined, line, AccessField.Request));
        Assert.Equal("agent\\x", Field(AccessLogFormat.Combined, line, AccessField.UserAgent));
    }

    [Fact]
    public void TryParse_JsonTemplate_ReadsByKeyInAnyOrder()
    {
        var format = Compile("log_format j escape=json '{\"ts\":\"$time_iso8601\",\"code\":$status,\"up\":\"$upstream_addr\",\"req\":\"$request\"}';");
        var line = "{\"req\":\"GET /x?q=\\\"y\\\" HTTP/1.1\",\"up\":\"10.0.0.1:80\",\"code\":503,\"ts\":\"2026-11-24T10:00:01-05:00\"}";

        Assert.True(format.IsJson);
        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal(503, entry.Status);
        Assert.Equal("GET /x?q=\"y\" HTTP/1.1", entry.Text(AccessField.Request));
        Assert.True(entry.TryGetTime(out var time));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 15, 0, 1, TimeSpan.Zero), time);
    }

    [Fact]
    public void TryParse_JsonPresetWithoutTemplate_LearnsCommonKeys()
    {
        Assert.True(AccessLogFormat.TryCompile("json", out var format, out _));
        var line = "{\"@timestamp\":\"2026-11-24T10:00:01.250Z\",\"status\":\"502\",\"upstream_addr\":\"\",\"host\":\"a.test\",\"nested\":{\"x\":[1,2]}}";

        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal(502, entry.Status);
        Assert.False(entry.Has(AccessField.UpstreamAddr)); // escape=json writes unset variables as ""
        Assert.Equal("a.test", entry.Text(AccessField.Host));
    }

    [Fact]
    public void TryParse_NestedJsonTemplate_ReadsEveryLeafByPathInAnyOrder()
    {
        var format = Compile("""log_format ecs escape=json '{"@timestamp":"$time_iso8601","client":{"ip":"$remote_addr"},"http":{"host":"$host","status":$status,"request":{"method":"$request_method","uri":"$request_uri"}},"upstream":{"addr":"$upstream_addr","status":"$upstream_status","time":$upstream_response_time},"rt":$request_time}';""");
        var line = """{"upstream":{"time":0.002,"status":"502, 502 : 200","addr":"10.0.0.1:80, 10.0.0.2:80 : unix:/run/app.sock"},"rt":1.004,"http":{"request":{"uri":"/a?b=1","method":"POST"},"status":502,"host":"shop.test"},"client":{"ip":"2001:db8::7"},"@timestamp":"2026-11-24T10:00:01+05:45"}""";

        Assert.True(format.IsJson);
        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal(502, entry.Status);
        Assert.Equal("2001:db8::7", entry.Text(AccessField.RemoteAddr));
        Assert.Equal("shop.test", entry.HostName);
        Assert.Equal("POST", Encoding.UTF8.GetString(entry.Method));
        Assert.Equal("/a?b=1", Encoding.UTF8.GetString(entry.Target));
        Assert.Equal("10.0.0.1:80, 10.0.0.2:80 : unix:/run/app.sock", entry.Text(AccessField.UpstreamAddr));
        Assert.Equal("502, 502 : 200", entry.Text(AccessField.UpstreamStatus));
        Assert.Equal("0.002", entry.Text(AccessField.UpstreamResponseTime));
        Assert.Equal(1.004, entry.RequestTime);
        Assert.Equal(TimeSpan.FromMinutes(345), entry.TimeZoneOffset);
        Assert.True(format.Has(AccessField.UpstreamAddr));
        Assert.False(format.Has(AccessField.UserAgent));
    }

    [Fact]
    public void TryParse_JsonBareMultiTryValues_EndAtTheNextKey()
    {
        // Without quotes in the template, nginx writes a multi-try value that is not valid JSON; it still reads.
        var format = Compile("""log_format j escape=json '{"ts":"$time_iso8601","s":$status,"us":$upstream_status,"urt":$upstream_response_time,"ua":"$upstream_addr"}';""");
        var line = """{"ts":"2026-11-24T10:00:01+00:00","s":502,"us":502, 504 : -,"urt":0.001, 0.002 : -,"ua":"10.0.0.1:80, 10.0.0.2:80 : lab_pool"}""";

        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal("502, 504 : -", entry.Text(AccessField.UpstreamStatus));
        Assert.Equal("0.001, 0.002 : -", entry.Text(AccessField.UpstreamResponseTime));
    }

    [Fact]
    public void TryParse_JsonKeysRenamedByShipper_ReadByName()
    {
        // The template says "status" and "time"; a shipper nested and renamed them. The template's key still wins where present.
        var format = Compile("""log_format j escape=json '{"time":"$time_iso8601","status":"$status","upstream_addr":"$upstream_addr"}';""");
        var renamed = """{"@timestamp":"2026-11-24T10:00:01.250Z","nginx":{"http":{"status_code":504},"upstream":{"address":"10.0.0.9:8080"}},"log":{"file":{"path":"/var/log/nginx/access.log"}}}""";
        var both = """{"http_status":200,"status":"502","time":"2026-11-24T10:00:01+00:00"}""";

        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(renamed), out var entry));
        Assert.Equal(504, entry.Status);
        Assert.Equal("10.0.0.9:8080", entry.Text(AccessField.UpstreamAddr));
        Assert.True(entry.TryGetTime(out var time));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 0, 1, 250, TimeSpan.Zero), time);

        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(both), out var second));
        Assert.Equal(502, second.Status);
    }

    [Theory]
    [InlineData("""{"@timestamp":"2026-11-24T10:00:01.000Z","source":{"ip":"203.0.113.9"},"url":{"original":"/api/v1?x=1","domain":"api.test"},"http":{"request":{"method":"GET"},"response":{"status_code":502}},"event":{"duration":2500000000}}""", 2.5)]
    [InlineData("""{"ts":1795514401.250,"client_ip":"203.0.113.9","method":"GET","url":"/api/v1?x=1","vhost":"api.test","status":502,"request_time":"2.500"}""", 2.5)]
    [InlineData("""{"time":"24/Nov/2026:10:00:01 +0000","remote_addr":"203.0.113.9","request":"GET /api/v1?x=1 HTTP/1.1","server_name":"api.test","status":"502","rt":2.5}""", 2.5)]
    public void TryParse_JsonWithoutTemplate_LearnsEcsAndCommonNames(string line, double seconds)
    {
        var format = AccessLogFormat.CreateJson();

        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal(502, entry.Status);
        Assert.Equal("203.0.113.9", entry.Client);
        Assert.Equal("api.test", entry.HostName);
        Assert.Equal("GET", Encoding.UTF8.GetString(entry.Method));
        Assert.Equal("/api/v1?x=1", Encoding.UTF8.GetString(entry.Target));
        Assert.Equal(seconds, entry.RequestTime);
        Assert.True(entry.TryGetTime(out var time));
        Assert.Equal(2026, time.Year);
    }

    [Fact]
    public void TryParse_JsonShapedDefaultEscape_ReadsAndDecodes()
    {
        // escape=default inside a JSON-looking format writes a quote as \x22 and brackets stay in the value.
        var format = Compile("""log_format j '{"time":"[$time_local]","ua":"$http_user_agent","status":"$status"}';""");
        var line = """{"time":"[24/Nov/2026:10:00:01 +0100]","ua":"say \x22hi\x22","status":"503"}""";

        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal("say \"hi\"", entry.Text(AccessField.UserAgent));
        Assert.True(entry.TryGetTime(out var time));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 9, 0, 1, TimeSpan.Zero), time);
    }

    public static TheoryData<string, string> TextFormats() => new()
    {
        // Separators of every kind, quoted, bare and bracketed fields, key=value and logfmt.
        { "log_format p '$remote_addr | $time_local | $request | $status | $host | $upstream_addr | $upstream_status';",
          "203.0.113.9 | 24/Nov/2026:10:00:01 +0000 | GET /a?b=1 HTTP/1.1 | 502 | api.test | 10.0.0.1:80, 10.0.0.2:80 | 502, 502" },
        { "log_format t '$time_iso8601\\t$remote_addr\\t$request_method\\t$request_uri\\t$status\\t$http_host\\t$upstream_addr\\t$upstream_status';",
          "2026-11-24T10:00:01+00:00\t203.0.113.9\tGET\t/a?b=1\t502\tAPI.test:8443\t10.0.0.1:80, 10.0.0.2:80\t502, 502" },
        { "log_format c '\"$time_iso8601\",\"$remote_addr\",\"$request\",$status,\"$host\",\"$upstream_addr\",\"$upstream_status\"';",
          "\"2026-11-24T10:00:01+00:00\",\"203.0.113.9\",\"GET /a?b=1 HTTP/1.1\",502,\"api.test\",\"10.0.0.1:80, 10.0.0.2:80\",\"502, 502\"" },
        { "log_format s '$msec;$remote_addr;$request;$status;$host;$upstream_addr;$upstream_status';",
          "1795514401.000;203.0.113.9;GET /a?b=1 HTTP/1.1;502;api.test;10.0.0.1:80, 10.0.0.2:80;502, 502" },
        { "log_format kv 'time=\"$time_local\" client=$remote_addr method=$request_method uri=$uri args=$args status=$status host=$server_name upstream=\"$upstream_addr\" ustatus=\"$upstream_status\"';",
          "time=\"24/Nov/2026:10:00:01 +0000\" client=203.0.113.9 method=GET uri=/a args=b=1 status=502 host=api.test upstream=\"10.0.0.1:80, 10.0.0.2:80\" ustatus=\"502, 502\"" },
        { "log_format logfmt 'ts=$time_iso8601 remote=$remote_addr request=\"$request\" status=$status host=$host ua=$upstream_addr us=$upstream_status';",
          "ts=2026-11-24T10:00:01+00:00 remote=203.0.113.9 request=\"GET /a?b=1 HTTP/1.1\" status=502 host=api.test ua=10.0.0.1:80, 10.0.0.2:80 us=502, 502" },
        { "$remote_addr [${time_local}] $request $status ${host} $upstream_addr $upstream_status",
          "203.0.113.9 [24/Nov/2026:10:00:01 +0000] GET /a?b=1 HTTP/1.1 502 api.test 10.0.0.1:80, 10.0.0.2:80 502, 502" },
    };

    [Theory]
    [MemberData(nameof(TextFormats))]
    public void TryParse_TextFormatFamilies_ReadStatusTimeHostAndUpstreams(string spec, string line)
    {
        var format = Compile(spec);

        Assert.True(format.TryParse(Encoding.UTF8.GetBytes(line), out var entry), line);
        Assert.Equal(502, entry.Status);
        Assert.True(entry.TryGetTime(out var time));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 0, 1, TimeSpan.Zero), time);
        Assert.Equal("api.test", entry.HostName);
        Assert.Equal("203.0.113.9", entry.Client);
        Assert.Equal("GET", Encoding.UTF8.GetString(entry.Method));
        Assert.Equal("/a", entry.NormalizedPath);
        Assert.Equal("10.0.0.1:80, 10.0.0.2:80", entry.Text(AccessField.UpstreamAddr));
        Assert.Equal("502, 502", entry.Text(AccessField.UpstreamStatus));
    }

    [Fact]
    public void TryParse_HttpHostWithoutHost_StandsInForHost()
    {
        var format = Compile("$remote_addr $http_host [$time_local] \"$request\" $status");
        Assert.True(format.TryParse("1.2.3.4 Shop.Test:8443 [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 502"u8, out var entry));

        Assert.True(format.Has(AccessField.Host));
        Assert.Equal("Shop.Test:8443", entry.Text(AccessField.Host));
        Assert.Equal("shop.test", entry.HostName);
    }

    [Fact]
    public void Client_OnlyForwardedFor_IsTheFirstHop()
    {
        var format = Compile("[$time_local] \"$http_x_forwarded_for\" \"$request\" $status");
        Assert.True(format.TryParse("[24/Nov/2026:10:00:01 +0000] \"198.51.100.4, 10.0.0.2\" \"GET / HTTP/1.1\" 502"u8, out var entry));

        Assert.Equal("198.51.100.4", entry.Client);
    }

    [Fact]
    public void TryParse_EscapeNone_KeepsBackslashes()
    {
        var format = Compile("log_format n escape=none '$remote_addr [$time_local] \"$request\" $status';");
        Assert.True(format.TryParse("1.2.3.4 [24/Nov/2026:10:00:01 +0000] \"GET /a\\x22 HTTP/1.1\" 502"u8, out var entry));

        Assert.Equal("GET /a\\x22 HTTP/1.1", entry.Text(AccessField.Request));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a log line at all")]
    [InlineData("1.2.3.4 - - [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\"")]
    [InlineData("1.2.3.4 - - [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" abc 0 \"-\" \"-\"")]
    [InlineData("{\"status\": 502, \"truncated")]
    public void TryParse_Malformed_ReturnsFalse(string line)
    {
        Assert.False(AccessLogFormat.Combined.TryParse(Encoding.UTF8.GetBytes(line), out _));
    }

    [Fact]
    public void TryParse_InvalidUtf8AndBinary_DoesNotThrow()
    {
        byte[] garbage = [0xff, 0xfe, 0x00, 0x22, 0x5b, 0x80, 0x81, (byte)' ', (byte)'5', (byte)'0', (byte)'2'];
        Assert.False(AccessLogFormat.Combined.TryParse(garbage, out _));
        Assert.False(AccessLogFormat.CreateJson().TryParse(garbage, out _));
    }

    [Theory]
    [InlineData("$remote_addr [$time_local]", "has no $status")]
    [InlineData("no variables here", "no $variables")]
    [InlineData("log_format x '$status", "unterminated")]
    public void TryCompile_Unusable_SaysWhy(string spec, string expected)
    {
        Assert.False(AccessLogFormat.TryCompile(spec, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("combined")]
    [InlineData("main")]
    [InlineData("ingress-nginx")]
    [InlineData("ingress-nginx-2017")]
    [InlineData("ingress-nginx-2016")]
    [InlineData("nginx-proxy-manager")]
    [InlineData("nginx-proxy")]
    [InlineData("nginx-proxy-legacy")]
    [InlineData("harbor")]
    [InlineData("JSON")]
    public void TryCompile_PresetNames_AreKnown(string name)
    {
        Assert.True(AccessLogFormat.TryCompile(name, out var format, out _));
        Assert.Equal(name.ToLowerInvariant(), format.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("  ")]
    public void TryParse_FormatEndingInBlanks_ReadsLinesWhoseBlanksWereTrimmed(string tail)
    {
        // nginx writes the blanks; a shipper or an editor trims them first.
        var format = Compile("log_format main '$remote_addr $status $msec  ';");
        var line = "1.2.3.4 502 1427761920.280" + tail;

        Assert.Equal("1427761920.280", Field(format, line, AccessField.Msec));
        Assert.Equal("502", Field(format, line, AccessField.Status));
    }

    [Fact]
    public void TryCompile_CommentLinesBetweenTheStrings_JoinsTheStringsAsNginxDoes()
    {
        // As published (github.com/tokyohomesoc/openresty docs/log_format.md, shortened): comments between the strings.
        var format = Compile("""
            log_format main "time_ngx:$time_local\t"
                            "http_host:$host\t"
            # status,method
                            "status:$status\t"
                            "method:$request_method\t"
            # upstream
                            "upstream_addr:$upstream_addr\t";
            """);

        Assert.Equal("time_ngx:$time_local\thttp_host:$host\tstatus:$status\tmethod:$request_method\tupstream_addr:$upstream_addr\t", format.Definition);
        var line = "time_ngx:30/Nov/2026:15:18:11 +0545\thttp_host:shop.example.com\tstatus:502\tmethod:GET\tupstream_addr:127.0.0.1:1\t";
        Assert.Equal("127.0.0.1:1", Field(format, line, AccessField.UpstreamAddr));
        Assert.Equal("shop.example.com", Field(format, line, AccessField.Host));
    }

    [Fact]
    public void TryParse_VariablesWithNothingBetween_ReadsTheRunUpToTheNextLiteral()
    {
        // Apache APISIX's access_log_format (conf/config.yaml.example), written by nginx 1.22 for a corpus case.
        var apisix = Compile("""log_format main escape=default '$remote_addr - $remote_user [$time_local] $http_host "$request" $status $body_bytes_sent $request_time "$http_referer" "$http_user_agent" $upstream_addr $upstream_status $upstream_response_time "$upstream_scheme://$upstream_host$upstream_uri"';""");
        var line = "192.0.2.32 - - [30/Nov/2026:01:23:07 -0800] status.example.com \"POST /events/ HTTP/1.1\" 200 18 0.001 \"-\" \"kube-probe/1.30\" 127.0.0.1:33387 200 0.001 \"http://status.example.com/events/\"";
        Assert.Equal("127.0.0.1:33387", Field(apisix, line, AccessField.UpstreamAddr));
        Assert.Equal("0.001", Field(apisix, line, AccessField.UpstreamResponseTime));

        // ingress-nginx log-format-upstream in logfmt (gist.github.com/nomaster): requestUrl=$host$request_uri.
        var logfmt = Compile("requestUrl=$host$request_uri status=$status timestamp=$time_iso8601");
        line = "requestUrl=shop.example.com/api/orders/1?page=2 status=502 timestamp=2026-11-30T15:18:11+05:45";
        Assert.Equal("shop.example.com", Field(logfmt, line, AccessField.Host));
        Assert.Equal("/api/orders/1?page=2", Field(logfmt, line, AccessField.RequestUri));
    }
}
