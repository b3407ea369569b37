using System.Text;
using System.Text.Json;

namespace FunctionsApp.Dashboard;

/// <summary>
/// The HTML around the bundle: the served shell (script and styles by URL) and the self-contained report of
/// <c>analyze --html</c> (both inline, with the data as a JSON island). Neither puts log content into markup: the
/// script renders every value as text.
/// </summary>
internal static class DashboardPage
{
    /// <summary>Script only from this origin, no inline script, no plugins, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static string Shell(string basePath) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>nginx 502 diagnostics</title>
        <link rel="stylesheet" href="{{basePath}}/assets/app.css">
        </head>
        <body>
        <div id="app" data-base="{{basePath}}"><p class="muted">Loading…</p></div>
        <script src="{{basePath}}/assets/app.js"></script>
        </body>
        </html>
        """;

    /// <summary>One file that opens anywhere: the bundle inline, allowed by hash, and the data in a JSON island whose
    /// <c>&lt;</c> are escaped, so no log line can close the script element.</summary>
    public static string Report(DashboardReport report)
    {
        var js = DashboardAssets.AppJs;
        var css = DashboardAssets.AppCss;
        var data = JsonSerializer.Serialize(report, DashboardJsonContext.Default.DashboardReport);
        var html = new StringBuilder();
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; ")
            .Append("script-src 'sha256-").Append(js.Sha256).Append("'; style-src 'sha256-").Append(css.Sha256).Append("' 'unsafe-hashes'\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>nginx 502 report</title>\n<style>")
            .Append(Encoding.UTF8.GetString(css.Bytes)).Append("</style>\n</head>\n<body>\n<div id=\"app\" data-mode=\"report\"></div>\n")
            .Append("<script type=\"application/json\" id=\"report-data\">").Append(data).Append("</script>\n<script>")
            .Append(Encoding.UTF8.GetString(js.Bytes)).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }
}
