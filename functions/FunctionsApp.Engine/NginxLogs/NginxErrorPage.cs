namespace FunctionsApp.NginxLogs;

/// <summary>
/// The page nginx sends for an error status it makes itself (ngx_http_special_response.c): a fixed head for the status
/// and a tail naming the server, <c>nginx</c> with <c>server_tokens off</c>, else <c>nginx/1.22.1</c> (or OpenResty's
/// <c>openresty/1.21.4.1</c>, Ubuntu's <c>nginx/1.18.0 (Ubuntu)</c>). So <c>$body_bytes_sent</c> tells nginx's own 502 from an application's, when no
/// <c>error_page</c> replaced it and nothing compressed it. A browser that says MSIE or Chrome in its User-Agent gets
/// six lines of padding after the page (402 bytes; <c>msie_padding</c>, on by default), so Chrome's and Edge's 502 is
/// 559 bytes where curl's is 157. Older versions' pages are 16 bytes longer (173 and 575). A redirect nginx makes
/// (<c>return 301 https://$host$request_uri</c>, a directory's missing slash) has such a page too.
/// </summary>
internal static class NginxErrorPage
{
    // The bytes of each page without the server's name: 502 with "nginx/1.22.1" is 145 + 12 = 157 bytes. The status
    // line's text is written twice (title and heading) around 115 bytes of markup: 115 + 2 × "502 Bad Gateway".
    private static int Head(int status) => status switch
    {
        301 => 157,
        302 => 133,
        303 => 141,
        307 or 308 => 159,
        502 => 145,
        503 => 185,
        504 => 155,
        _ => -1,
    };

    /// <summary>
    /// Lengths of the names nginx writes in the tail: nginx, nginx/1.9.9, nginx/1.22.1, nginx/1.15.10; Ubuntu's packages,
    /// which add the distribution to the version (nginx/1.4.6 (Ubuntu), nginx/1.18.0 (Ubuntu)); openresty and its versions.
    /// </summary>
    private static ReadOnlySpan<int> NameLengths => [5, 11, 12, 13, 20, 21, 22, 9, 17, 18];

    // "<!-- a padding to disable MSIE and Chrome friendly error page -->" and CRLF, six times.
    private const int MsiePadding = 402;

    // Versions before 1.15.4 opened the body with <body bgcolor="white">, 16 bytes more than <body>: nginx/1.14.0's 502
    // is 173 bytes, 575 with the padding.
    private const int BgColor = 16;

    /// <summary>
    /// The sizes of the <c>50x.html</c> nginx's packages ship, which their default server names for its own 5xx
    /// (<c>error_page 500 502 503 504 /50x.html;</c>, in the official Docker image's <c>default.conf</c> too): 537 bytes
    /// up to 1.21, 497 since (<c>color-scheme</c>, no link). An upstream's own 5xx keeps its body unless
    /// <c>proxy_intercept_errors</c> is on, so these too are pages nginx sent for a status it made.
    /// </summary>
    private static ReadOnlySpan<int> PackagedErrorPages => [497, 537];

    /// <summary>Whether <paramref name="bodyBytes"/> is the size of nginx's own page for <paramref name="status"/>.</summary>
    public static bool Is(int status, long? bodyBytes)
    {
        if (status is 500 or 502 or 503 or 504 && bodyBytes is { } packaged && PackagedErrorPages.Contains((int)Math.Min(packaged, int.MaxValue)))
        {
            return true;
        }

        var head = Head(status);
        if (head < 0 || bodyBytes is not { } bytes)
        {
            return false;
        }

        foreach (var length in NameLengths)
        {
            foreach (var page in (ReadOnlySpan<int>)[head + length, head + BgColor + length])
            {
                // The padding follows error pages only (4xx, 5xx), never a redirect's.
                if (bytes == page || (status >= 400 && bytes == page + MsiePadding))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
