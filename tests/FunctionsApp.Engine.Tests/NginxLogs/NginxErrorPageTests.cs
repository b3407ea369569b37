using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

/// <summary>
/// The sizes of the pages nginx sends for statuses it makes itself (ngx_http_special_response.c): the status line's text
/// twice in fixed markup, the server's name in the tail, and, for errors only, MSIE's padding.
/// </summary>
public sealed class NginxErrorPageTests
{
    [Theory]
    [InlineData(502, 157L, true)] // nginx/1.22.1
    [InlineData(502, 150L, true)] // server_tokens off: "nginx"
    [InlineData(502, 559L, true)] // with the padding Chrome's User-Agent gets
    [InlineData(504, 167L, true)]
    [InlineData(503, 197L, true)]
    [InlineData(301, 169L, true)] // return 301, nginx/1.27.5
    [InlineData(301, 162L, true)] // server_tokens off
    [InlineData(301, 178L, true)] // nginx/1.18.0 (Ubuntu)
    [InlineData(302, 145L, true)]
    [InlineData(307, 171L, true)]
    [InlineData(301, 571L, false)] // a redirect is never padded
    [InlineData(301, 0L, false)]
    [InlineData(502, 498L, false)] // an application's page
    [InlineData(502, 497L, true)] // the 50x.html nginx's packages ship (1.21 on), named by their default error_page
    [InlineData(504, 537L, true)] // the same page up to 1.21
    [InlineData(503, 537L, true)]
    [InlineData(404, 497L, false)] // error_page names it for 5xx only
    [InlineData(200, 157L, false)]
    public void Is_NginxsOwnPageForTheStatus(int status, long bytes, bool expected) =>
        Assert.Equal(expected, NginxErrorPage.Is(status, bytes));
}
