using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Tests.NginxLogs;

public sealed class ErrorLogParserTests
{
    [Fact]
    public void TryParse_UpstreamError_SplitsEveryField()
    {
        var line = "2026/11/24 10:00:01 [error] 1234#1234: *57 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.5, server: api.example.com, request: \"GET /v1/items HTTP/1.1\", upstream: \"http://127.0.0.1:9001/v1/items\", host: \"api.example.com\", referrer: \"https://example.com/\"";

        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal(ErrorLevel.Error, entry.Level);
        Assert.Equal(57, entry.ConnectionId);
        Assert.Equal("connect() failed (111: Connection refused) while connecting to upstream", Encoding.UTF8.GetString(entry.Message));
        Assert.Equal("203.0.113.5", Encoding.UTF8.GetString(entry.Client));
        Assert.Equal("api.example.com", Encoding.UTF8.GetString(entry.Server));
        Assert.Equal("GET /v1/items HTTP/1.1", Encoding.UTF8.GetString(entry.Request));
        Assert.Equal("http://127.0.0.1:9001/v1/items", Encoding.UTF8.GetString(entry.Upstream));
        Assert.Equal("api.example.com", Encoding.UTF8.GetString(entry.Host));
        Assert.Equal("connecting to upstream", Encoding.UTF8.GetString(ErrorLogParser.Phase(entry.Message)));
        Assert.True(ErrorLogParser.TryGetErrno(entry.Message, out var errno, out var text));
        Assert.Equal(111, errno);
        Assert.Equal("Connection refused", Encoding.UTF8.GetString(text));
    }

    [Fact]
    public void TryParse_SslMessageWithParentheses_FindsErrnoLater()
    {
        var message = "SSL_do_handshake() failed (SSL: error:0A000086:SSL routines::certificate verify failed) while SSL handshaking to upstream"u8;
        Assert.False(ErrorLogParser.TryGetErrno(message, out _, out _));
        Assert.Equal("SSL handshaking to upstream", Encoding.UTF8.GetString(ErrorLogParser.Phase(message)));
    }

    [Fact]
    public void TryParse_NoticeWithoutConnection_HasMessageOnly()
    {
        Assert.True(ErrorLogParser.TryParse("2026/11/24 09:59:58 [notice] 1200#1200: start worker process 1234"u8, out var entry));
        Assert.Equal(ErrorLevel.Notice, entry.Level);
        Assert.Equal(-1, entry.ConnectionId);
        Assert.True(entry.Client.IsEmpty);
        Assert.Equal("start worker process 1234", Encoding.UTF8.GetString(entry.Message));
    }

    [Fact]
    public void TryParse_CutAt2048Bytes_KeepsWhatIsThere()
    {
        var line = "2026/11/24 10:00:01 [error] 1#1: *9 upstream sent too big header while reading response header from upstream, client: 10.0.0.1, server: a, request: \"GET /" + new string('x', 2000);
        var bytes = Encoding.UTF8.GetBytes(line)[..2048];

        Assert.True(ErrorLogParser.TryParse(bytes, out var entry));
        Assert.StartsWith("GET /xxx", Encoding.UTF8.GetString(entry.Request), StringComparison.Ordinal);
        Assert.True(entry.Upstream.IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("PHP message: stack trace line #1")]
    [InlineData("2026-11-24 10:00:01 [error] not nginx's layout")]
    [InlineData("2026/11/24 10:00:01 error without brackets")]
    public void TryParse_NotAnErrorLine_ReturnsFalse(string line) =>
        Assert.False(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out _));
}
