using System.Buffers.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>An application server's own word that it killed a worker for running past its time limit.</summary>
/// <param name="Server">The server that said it (gunicorn, uWSGI, PHP-FPM, Unicorn, Puma).</param>
/// <param name="LimitSeconds">The limit, when the line tells it: Unicorn's and Puma's state it; PHP-FPM's states how long
/// the request had run, which its master checks once a second, so the whole seconds of it are the limit or above.</param>
internal readonly record struct AppServerKill(string Server, double? LimitSeconds);

/// <summary>
/// Reads the lines application servers write when their own clock kills a busy worker, found in a stream that carries
/// nginx's lines too (<c>docker compose logs</c>, a syslog or journald file, a pasted terminal). nginx sees the kill as
/// the upstream closing or resetting the connection it was reading an answer from, and writes "upstream prematurely
/// closed connection" or "recv() failed (104: Connection reset by peer)": the server's own line says the request ran
/// too long, not that the answer was broken. uWSGI's refusal of a request larger than its buffer is read too: the same
/// close, for another reason.
/// </summary>
internal static class AppServerLine
{
    /// <summary>
    /// ingress-nginx's controller saying a Service it routes to has no endpoints (<c>W1116 14:34:20.128648 5
    /// controller.go:869] service infra/app does not have any active endpoints</c>; later versions: <c>Service
    /// "infra/app" does not have any active Endpoint.</c>): its balancer answers that backend's requests 503 itself.
    /// </summary>
    public static bool IsBackendWithoutEndpoints(ReadOnlySpan<byte> line) =>
        line.Length <= 1024 && (line.IndexOf("does not have any active endpoints"u8) >= 0 || line.IndexOf("does not have any active Endpoint"u8) >= 0);

    /// <summary>
    /// A process supervisor's own line: s6-overlay's (<c>s6-rc: info: service nginx successfully started</c>,
    /// <c>[s6-init] …</c>, <c>[cont-init.d] …</c>, <c>s6-svscan</c>) or supervisord's (<c>supervisord started with pid 1</c>,
    /// <c>INFO spawned: 'app' with pid 12</c>). In nginx's own output stream it says nginx's container runs other services
    /// beside it (linuxserver.io images, Home Assistant add-ons, all-in-one images).
    /// </summary>
    public static bool IsProcessSupervisor(ReadOnlySpan<byte> line)
    {
        var head = line[..Math.Min(line.Length, 120)];
        return head.IndexOf("s6-rc: "u8) >= 0 || head.IndexOf("[s6-init]"u8) >= 0 || head.IndexOf("[cont-init.d]"u8) >= 0
            || head.IndexOf("s6-svscan"u8) >= 0 || head.IndexOf("supervisord started with pid"u8) >= 0 || head.IndexOf("INFO spawned: '"u8) >= 0;
    }

    /// <summary>Whether the line is a worker killed at a time limit: gunicorn's <c>[CRITICAL] WORKER TIMEOUT (pid:12)</c>,
    /// uWSGI's <c>*** HARAKIRI ON WORKER 1 (pid: 57, try: 1) ***</c>, PHP-FPM's <c>child 25, script '…' (request: "…")
    /// execution timed out (10.09 sec), terminating</c> (<c>request_terminate_timeout</c>), Unicorn's <c>worker=0
    /// PID:1234 timeout (61s &gt; 60s), killing</c>, Puma's <c>Terminating timed out worker (Worker 0 failed to check in
    /// within 60 seconds)</c>.</summary>
    public static bool TryReadTimeoutKill(ReadOnlySpan<byte> line, out AppServerKill kill)
    {
        kill = default;
        if (line.Length > 4096)
        {
            return false;
        }

        if (line.IndexOf("] WORKER TIMEOUT (pid:"u8) >= 0)
        {
            kill = new("gunicorn", null);
            return true;
        }

        if (line.IndexOf("*** HARAKIRI ON WORKER "u8) >= 0)
        {
            kill = new("uWSGI", null);
            return true;
        }

        if (line.IndexOf(" execution timed out ("u8) is var fpm and >= 0 && line.IndexOf("terminating"u8) > fpm)
        {
            kill = new("PHP-FPM", Number(line[(fpm + " execution timed out ("u8.Length)..]) is { } ran ? Math.Floor(ran) : null);
            return true;
        }

        if (line.IndexOf(" timeout ("u8) is var unicorn and >= 0 && line.IndexOf("), killing"u8) > unicorn && line.IndexOf("worker="u8) >= 0
            && line[unicorn..].IndexOf("s > "u8) is var above and >= 0)
        {
            kill = new("Unicorn", Number(line[(unicorn + above + "s > "u8.Length)..]));
            return true;
        }

        if (line.IndexOf("Terminating timed out worker"u8) >= 0)
        {
            var within = line.IndexOf(" check in within "u8);
            kill = new("Puma", within < 0 ? null : Number(line[(within + " check in within "u8.Length)..]));
            return true;
        }

        return false;
    }

    /// <summary>
    /// Whether the line is uWSGI's refusal of a request larger than its buffer: <c>invalid request block size: 4143
    /// (max 4096)...skip</c>, or on its HTTP socket <c>invalid HTTP request size (max 4096)...skip</c>. uWSGI reads a
    /// request's whole header block (nginx's <c>uwsgi_pass</c> sends it as one packet) into <c>buffer-size</c> bytes; a
    /// larger one is skipped and its connection closed unanswered.
    /// </summary>
    public static bool IsOversizedRequest(ReadOnlySpan<byte> line) =>
        line.Length <= 4096 && (line.IndexOf("invalid request block size: "u8) is var at and >= 0 && line[at..].IndexOf(" (max "u8) > 0
            || line.IndexOf("invalid HTTP request size (max "u8) >= 0);

    /// <summary>The number the text starts with (<c>10.092849</c>, <c>60</c>), or null.</summary>
    private static double? Number(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out double value, out var read) && read > 0 && value is > 0 and < 1e6 ? value : null;
}
