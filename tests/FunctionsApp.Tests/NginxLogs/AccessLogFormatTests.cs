using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Tests.NginxLogs;

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
    [InlineData("JSON")]
    public void TryCompile_PresetNames_AreKnown(string name)
    {
        Assert.True(AccessLogFormat.TryCompile(name, out var format, out _));
        Assert.Equal(name.ToLowerInvariant(), format.Name);
    }
}
