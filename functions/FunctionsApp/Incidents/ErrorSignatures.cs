using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// Recognises what an nginx error message means and reduces it to a signature that is the same for
/// every request that failed the same way. Matching is on the message text nginx writes (errno texts
/// as on Linux), most specific first; see ngx_http_upstream.c and ngx_event_connect.c.
/// </summary>
internal static class ErrorSignatures
{
    public static FailureKind Classify(ReadOnlySpan<byte> message)
    {
        // The application's stderr relayed by FastCGI, and the resolver's own complaints, come with or without a
        // failure: the per-request line that follows ("could not be resolved", "recv() failed ...") says what failed.
        if (message.StartsWith("FastCGI sent in stderr"u8) || message.IndexOf(" while resolving"u8) >= 0)
        {
            return FailureKind.None;
        }

        if (message.IndexOf("limiting requests"u8) >= 0)
        {
            return FailureKind.RateLimitRequests;
        }

        if (message.IndexOf("limiting connections"u8) >= 0)
        {
            return FailureKind.RateLimitConnections;
        }

        if (message.IndexOf("could not be resolved"u8) >= 0)
        {
            return message.IndexOf("timed out"u8) >= 0 ? FailureKind.DnsTimeout : FailureKind.DnsNotFound;
        }

        if (message.IndexOf("no resolver defined"u8) >= 0)
        {
            return FailureKind.NoResolver;
        }

        if (message.IndexOf("upstream timed out"u8) >= 0)
        {
            return FailureKind.TimedOut;
        }

        if (message.IndexOf("no live upstreams"u8) >= 0)
        {
            return FailureKind.NoLiveUpstreams;
        }

        if (message.IndexOf("certificate verify"u8) >= 0 || message.IndexOf("SSL certificate does not match"u8) >= 0)
        {
            return FailureKind.TlsVerify;
        }

        if (message.IndexOf("SSL_do_handshake()"u8) >= 0 || message.IndexOf("SSL handshak"u8) >= 0)
        {
            return FailureKind.TlsHandshake;
        }

        if (message.IndexOf("upstream sent too big header"u8) >= 0)
        {
            return FailureKind.TooBigHeader;
        }

        // Every other "upstream sent ..." is nginx refusing what the upstream answered: invalid header, status,
        // chunked encoding, duplicate or conflicting headers, more data than Content-Length.
        if (message.IndexOf("upstream sent "u8) >= 0 || message.IndexOf("upstream rejected request"u8) >= 0)
        {
            return FailureKind.InvalidHeader;
        }

        if (message.IndexOf("upstream prematurely closed"u8) >= 0)
        {
            return FailureKind.PrematureClose;
        }

        var aboutUpstream = message.IndexOf("upstream"u8) >= 0;
        if (message.IndexOf("Connection refused"u8) >= 0)
        {
            return FailureKind.Refused;
        }

        if (message.IndexOf("No route to host"u8) >= 0 || message.IndexOf("Network is unreachable"u8) >= 0
            || message.IndexOf("Host is unreachable"u8) >= 0)
        {
            return FailureKind.Unreachable;
        }

        if (message.IndexOf("Resource temporarily unavailable"u8) >= 0 && aboutUpstream)
        {
            return FailureKind.ResourceUnavailable;
        }

        if (message.IndexOf("Cannot assign requested address"u8) >= 0)
        {
            return FailureKind.PortExhaustion;
        }

        if (message.IndexOf("worker_connections are not enough"u8) >= 0)
        {
            return FailureKind.WorkerConnections;
        }

        if ((message.IndexOf("Connection reset by peer"u8) >= 0 && aboutUpstream)
            || message.IndexOf("SSL_read() failed"u8) >= 0 || message.IndexOf("SSL_write() failed"u8) >= 0)
        {
            return FailureKind.Reset;
        }

        if (message.IndexOf("connect() to unix:"u8) >= 0)
        {
            if (message.IndexOf("No such file or directory"u8) >= 0)
            {
                return FailureKind.MissingSocket;
            }

            if (message.IndexOf("Permission denied"u8) >= 0)
            {
                return FailureKind.PermissionDenied;
            }
        }

        if (message.IndexOf("Permission denied"u8) >= 0 && message.IndexOf("connect()"u8) >= 0)
        {
            return FailureKind.PermissionDenied;
        }

        // "client prematurely closed", "client timed out" and the like are the client's doing, not the upstream's.
        return aboutUpstream && message.IndexOf("client "u8) < 0 ? FailureKind.OtherUpstream : FailureKind.None;
    }

    /// <summary>
    /// The message without what differs between requests: the target of <c>connect() to X failed</c>,
    /// the numbers of <c>excess: 1.234</c>, and a cut at 200 characters.
    /// <c>connect() to 127.0.0.1:9001 failed (111: Connection refused) while connecting to upstream</c> becomes
    /// <c>connect() failed (111: Connection refused) while connecting to upstream</c>.
    /// </summary>
    public static string Normalize(ReadOnlySpan<byte> message)
    {
        var text = Encoding.UTF8.GetString(message);
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (Matches(text, i, "connect() to ") && text.IndexOf(" failed", i, StringComparison.Ordinal) is var failed and > 0)
            {
                sb.Append("connect()");
                i = failed;
                continue;
            }

            if (Matches(text, i, "excess: "))
            {
                sb.Append("excess: N");
                i += 8;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                continue;
            }

            sb.Append(text[i]);
            i++;
        }

        var normalized = sb.ToString().Trim();
        return normalized.Length > 200 ? normalized[..200] + "…" : normalized;
    }

    /// <summary>The upstream an error line names: from <c>upstream: "http://host:port/uri"</c>, else from
    /// <c>connect() to X failed</c> or <c>X could not be resolved</c>. Empty when none.</summary>
    public static string UpstreamOf(in ErrorLogLine line, FailureKind kind)
    {
        if (!line.Upstream.IsEmpty)
        {
            return UpstreamAddress.FromUrl(line.Upstream);
        }

        var message = line.Message;
        var connect = message.IndexOf("connect() to "u8);
        if (connect >= 0)
        {
            var target = message[(connect + 13)..];
            var end = target.IndexOf(" failed"u8);
            if (end > 0)
            {
                return Encoding.UTF8.GetString(target[..end]);
            }
        }

        if (kind is FailureKind.DnsNotFound or FailureKind.DnsTimeout)
        {
            var at = message.IndexOf(" could not be resolved"u8);
            var name = message[..at];
            var space = name.LastIndexOf((byte)' ');
            return Encoding.UTF8.GetString(space >= 0 ? name[(space + 1)..] : name);
        }

        return string.Empty;
    }

    private static bool Matches(string text, int at, string value) =>
        string.CompareOrdinal(text, at, value, 0, value.Length) == 0;
}
