using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class AppServerLineTests
{
    [Theory]
    // gunicorn 20.1's arbiter (captured: Fixtures/prefixed/compose-gunicorn-worker-timeout.log).
    [InlineData("[2026-12-04 05:54:10 +0000] [24236] [CRITICAL] WORKER TIMEOUT (pid:24240)", "gunicorn", null)]
    // PHP-FPM 8.2 (captured): the request had run 3.18 s against request_terminate_timeout 3s.
    [InlineData("[04-Dec-2026 05:55:39] WARNING: [pool www] child 25062, script '/tmp/fcap/www/slow.php' (request: \"GET /slow.php?i=2\") execution timed out (3.182396 sec), terminating", "PHP-FPM", 3.0)]
    [InlineData("Tue Nov 24 10:00:01 2026 - *** HARAKIRI ON WORKER 2 (pid: 24, try: 1) ***", "uWSGI", null)]
    [InlineData("E, [2026-11-24T10:00:01.123456 #1] ERROR -- : worker=0 PID:1234 timeout (61s > 60s), killing", "Unicorn", 60.0)]
    [InlineData("[7] ! Terminating timed out worker (Worker 0 failed to check in within 60 seconds): 123", "Puma", 60.0)]
    public void TryReadTimeoutKill_AServersOwnKillLine_NamesTheServerAndTheLimitItTells(string line, string server, double? limit)
    {
        Assert.True(AppServerLine.TryReadTimeoutKill(Encoding.UTF8.GetBytes(line), out var kill));
        Assert.Equal((server, limit), (kill.Server, kill.LimitSeconds));
    }

    [Theory]
    [InlineData("[2026-12-04 05:54:10 +0000] [24240] [INFO] Worker exiting (pid: 24240)")]
    [InlineData("[04-Dec-2026 05:55:39] WARNING: [pool www] child 25061 exited on signal 15 (SIGTERM) after 5.016060 seconds from start")]
    [InlineData("2026/12/04 05:55:39 [error] 7#7: *3 upstream timed out (110: Connection timed out) while reading response header from upstream")]
    [InlineData("127.0.0.1 - - [04/Dec/2026:05:55:39 +0000] \"GET /WORKER TIMEOUT HTTP/1.1\" 502 157 \"-\" \"curl/7.88.1\"")]
    public void TryReadTimeoutKill_OtherLines_AreNotKills(string line) =>
        Assert.False(AppServerLine.TryReadTimeoutKill(Encoding.UTF8.GetBytes(line), out _));

    [Theory]
    // uWSGI 2.0.21 (captured: Fixtures/prefixed/compose-uwsgi-buffer-size.log), bare and behind a container's column.
    [InlineData("invalid request block size: 5594 (max 4096)...skip", true)]
    [InlineData("app-1  | invalid request block size: 21573 (max 8192)...skip", true)]
    [InlineData("invalid HTTP request size (max 4096)...skip", true)] // its HTTP socket's (uwsgi --http-socket)
    [InlineData("[pid: 15162|app: 0|req: 2/4] 127.0.0.1 () {32 vars in 364 bytes} [Mon Dec  7 04:44:30 2026] GET /page/4 => generated 3 bytes in 0 msecs (HTTP/1.1 200) 1 headers in 45 bytes (1 switches on core 0)", false)]
    [InlineData("2026/12/07 04:44:29 [error] 7#7: *5 recv() failed (104: Connection reset by peer) while reading response header from upstream", false)]
    public void IsOversizedRequest_UwsgisRefusalForSize_IsRecognised(string line, bool expected) =>
        Assert.Equal(expected, AppServerLine.IsOversizedRequest(Encoding.UTF8.GetBytes(line)));
}
