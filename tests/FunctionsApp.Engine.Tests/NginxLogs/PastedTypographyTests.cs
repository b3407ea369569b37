using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;
using static FunctionsApp.Engine.Tests.Incidents.EngineTestKit;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class PastedTypographyTests
{
    private const string ErrorLine =
        "2024/03/05 10:11:12 [error] 1234#1234: *56 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.9, server: shop.test, request: \"GET /api/cart?a=1&b=2 HTTP/1.1\", upstream: \"http://10.1.2.3:8080/api/cart\", host: \"shop.test\"";

    public static TheoryData<string, string> Copies() => new()
    {
        { "smart quotes", Curl(ErrorLine) },
        { "no-break spaces", ErrorLine.Replace(' ', '\u00a0') },
        { "HTML entities", ErrorLine.Replace("&", "&amp;").Replace("\"", "&quot;") },
        { "all three", Curl(ErrorLine).Replace(' ', '\u00a0') },
        // A word processor that curled all quotes but one (nginx writes them in pairs: an odd count was replaced).
        { "smart quotes but one", new System.Text.RegularExpressions.Regex("\u201d").Replace(Curl(ErrorLine), "\"", 1) },
        // A page that linked every address, copied as Markdown: the client's, the server's and the Host's alike.
        { "Markdown links", ErrorLine.Replace("203.0.113.9", "[203.0.113.9](http://203.0.113.9/)").Replace("shop.test", "[shop.test](http://shop.test/)") },
        { "Markdown links and smart quotes", Curl(ErrorLine.Replace("client: 203.0.113.9", "client: [203.0.113.9](https://203.0.113.9)")) },
    };

    [Theory]
    [MemberData(nameof(Copies))]
    public void Restore_LineCopiedThroughAPageOrAChat_IsTheLineNginxWrote(string how, string copied)
    {
        var buffer = new byte[16];

        var restored = PastedTypography.Restore(Encoding.UTF8.GetBytes(copied), ref buffer);

        Assert.True(ErrorLine == Encoding.UTF8.GetString(restored), how);
    }

    [Theory]
    [InlineData(ErrorLine)] // nginx's own
    [InlineData("203.0.113.9 - - [05/Mar/2024:10:11:12 +0100] \"GET /search?q=\u201cquoted\u201d HTTP/1.1\" 200 12 \"-\" \"curl/8\"")] // curly quotes inside a value, straight ones around it
    [InlineData("203.0.113.9 - - [05/Mar/2024:10:11:12 +0100] \"GET /a?x=&quot; HTTP/1.1\" 200 12 \"-\" \"curl/8\"")] // an entity a client sent
    [InlineData("2024/03/05 10:11:12 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: ::1, server: a.test, request: \"GET /[x](y) HTTP/1.1\", upstream: \"http://[::1]:8080/[x](y)\", host: \"a.test\"")] // brackets nginx wrote, no link
    public void Has_LineWithNginxsOwnQuotes_IsLeftAlone(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var buffer = new byte[16];

        Assert.False(PastedTypography.Has(bytes));
        Assert.Equal(line, Encoding.UTF8.GetString(PastedTypography.Restore(bytes, ref buffer)));
    }

    [Theory]
    [MemberData(nameof(Copies))]
    public void Analyze_ErrorLinesCopiedThroughAPage_NameTheirUpstreamAndHost(string how, string copied)
    {
        var report = LogAnalyzer.Analyze([], [Input("error", [copied])], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.True(("10.1.2.3:8080", "shop.test", IncidentCause.UpstreamDown) == (incident.Upstream, incident.Host, incident.Cause), $"{how}: {incident.Upstream} {incident.Host} {incident.Cause}");
        Assert.Equal("pasted-typography", Assert.Single(report.Stats.Inputs).Prefix);
    }

    private static string Curl(string line)
    {
        var text = new StringBuilder(line.Length);
        var open = true;
        foreach (var c in line)
        {
            text.Append(c == '"' ? (open ? '\u201c' : '\u201d') : c);
            open = c == '"' ? !open : open;
        }

        return text.ToString();
    }
}
