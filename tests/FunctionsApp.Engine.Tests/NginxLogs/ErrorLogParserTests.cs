using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

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

    /// <summary>
    /// Phusion Passenger, as nginx's module, writes into nginx's error log with a head of its own: a level letter
    /// (none before 5.0.6), local time to the 1/10000 s with dashes, pid/thread and source file, then <c>]: </c> and
    /// its connection's name (<c>[Client 14-14]</c>), which is not nginx's <c>*N</c>. A shipper's prefix may stand
    /// before it, as before nginx's own head.
    /// </summary>
    [Theory]
    [InlineData("[ W 2021-07-13 16:02:51.7054 56016/Ty age/Cor/Con/CheckoutSession.cpp:260 ]: [Client 14-14] Returning HTTP 503 due to: Request queue full (configured max. size: 100)",
        "Warn", "Returning HTTP 503 due to: Request queue full (configured max. size: 100)")]
    [InlineData("[ D2 2024-02-01 08:15:00.0001 77/T3 Core/Controller/Hooks.cpp:91 ]: [Client 2-9] Sending 502 response: application did not send a complete response",
        "Debug", "Sending 502 response: application did not send a complete response")]
    [InlineData("[ 2014-03-06 14:17:41.7711 4553/7f2d1e3f7700 Pool2/Group.h:897 ]: Request queue is full. Returning an error",
        "Error", "Request queue is full. Returning an error")]
    [InlineData("Mar  6 14:17:41 web1 nginx: [ E 2014-03-06 14:17:41.7711 4553/T8 Pool2/Group.h:897 ]: Could not spawn process",
        "Error", "Could not spawn process")]
    public void TryParseAnywhere_PassengerLines_KeepItsLevelLocalTimeAndMessage(string line, string level, string message)
    {
        Assert.True(ErrorLogParser.TryParseAnywhere(Encoding.UTF8.GetBytes(line), null, out var entry));
        Assert.True(entry.Passenger);
        Assert.Equal((Enum.Parse<ErrorLevel>(level), -1L, message), (entry.Level, entry.ConnectionId, Encoding.UTF8.GetString(entry.Message)));
        Assert.True(NginxTime.TryParseErrorLogTime(entry.Timestamp, TimeSpan.FromHours(-4), out var time));
        var local = DateTime.ParseExact(Encoding.ASCII.GetString(entry.Timestamp), "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new DateTimeOffset(local, TimeSpan.FromHours(-4)), time);
    }

    /// <summary>
    /// A level the paste rendered as something else (an AWS forum's migration turned <c>[crit]</c> into a link, and
    /// CloudWatch's table put a column before it): nginx's <c>pid#tid: </c> after it still says whose line it is, read
    /// at [error]. Without that head, a date and a word are no error line.
    /// </summary>
    [Theory]
    [InlineData("2021/02/22 13:39:31 https://forums.aws.amazon.com/ 11#11: *1 connect() to unix:/tmp/gunicorn.sock failed (2: No such file or directory) while connecting to upstream, client: 169.254.255.130, server: , request: \"GET /ping HTTP/1.1\", upstream: \"http://unix:/tmp/gunicorn.sock:/ping\", host: \"169.254.255.131:8080\"", true)]
    [InlineData("| 1614001176448 | 2021/02/22 13:39:31 https://forums.aws.amazon.com/ 11#11: *3 connect() to unix:/tmp/gunicorn.sock failed (2: No such file or directory) while connecting to upstream, client: 169.254.255.130, server: , request: \"GET /ping HTTP/1.1\", upstream: \"http://unix:/tmp/gunicorn.sock:/ping\", host: \"169.254.255.131:8080\" |", true)]
    [InlineData("2021/02/22 13:39:31 Starting the inference server with 1 workers.", false)]
    [InlineData("2021/02/22 13:39:31 worker 11#11 started", false)]
    public void TryParseAnywhere_LevelMangledByThePaste_ReadByNginxsProcessHead(string line, bool expected)
    {
        Assert.Equal(expected, ErrorLogParser.TryParseAnywhere(Encoding.UTF8.GetBytes(line), null, out var entry));
        if (expected)
        {
            Assert.Equal((ErrorLevel.Error, "/ping"), (entry.Level, Encoding.UTF8.GetString(entry.Request)[4..9]));
            Assert.StartsWith("connect() to unix:/tmp/gunicorn.sock failed (2: ", Encoding.UTF8.GetString(entry.Message), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("[ app ] 2021-07-13 16:02:51 started")]
    [InlineData("[ W 2021/07/13 16:02:51.7054 56016/Ty CheckoutSession.cpp:260 ]: x")]
    [InlineData("[ W 2021-07-13 16:02:51.7054 56016/Ty no closing bracket")]
    public void TryParse_BracketedLinesThatAreNotPassengers_AreNotErrorLines(string line) =>
        Assert.False(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out _));

    /// <summary>
    /// nginx cuts an error line at 2048 bytes: after a scanner's long URI the upstream's value may end mid-address
    /// (<c>https://186.20</c>), which names no upstream. Cut after the address (its URI begun, or a socket path's closing
    /// colon), the address is whole.
    /// </summary>
    [Theory]
    [InlineData("https://186.20", "")]
    [InlineData("uwsgi://127.0.0.1:81", "")]
    [InlineData("http://10.0.0.5:8080/api/items?q=aaaa", "http://10.0.0.5:8080/api/items?q=aaaa")]
    [InlineData("fastcgi://unix:/run/php/php8.2-fpm.sock:", "fastcgi://unix:/run/php/php8.2-fpm.sock:")]
    [InlineData("fastcgi://unix:/run/php/php8.2-fp", "")]
    public void TryParse_UpstreamCutAt2048Bytes_KeepsOnlyAWholeAddress(string cut, string expected)
    {
        var head = "2023/05/05 10:42:39 [error] 1874#1874: *1195250 recv() failed (104: Connection reset by peer) while reading response header from upstream, "
            + $"client: 107.189.4.28, server: shop.test, request: \"GET /plus/download.php?{new string('a', 1500)} HTTP/1.1\", upstream: \"";

        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(head + cut), out var entry));
        Assert.Equal(expected, Encoding.UTF8.GetString(entry.Upstream));
        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(head + cut + "\", host: \"shop.test\""), out var whole));
        Assert.Equal(cut, Encoding.UTF8.GetString(whole.Upstream));
    }

    [Theory]
    // Lines as people paste them, from the level, the process, the connection or the message on.
    [InlineData("[error] 1757#1757: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 192.168.26.188, server: , request: \"GET / HTTP/1.1\", upstream: \"http://192.168.26.105:80/\", host: \"192.168.26.105:8000\"", "Error", 1L)]
    [InlineData("[crit] 12#12: *5 connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied) while connecting to upstream, client: 10.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.2-fpm.sock:\", host: \"x\"", "Crit", 5L)]
    [InlineData("*10 SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream, client: 172.19.0.1, server: example.host, request: \"GET / HTTP/2.0\", upstream: \"https://10.0.0.9/\", host: \"example.host\"", "Error", 10L)]
    [InlineData("10358 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 192.168.188.149, server: omv, request: \"POST /rpc.php HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.2-fpm.sock\", host: \"192.168.188.198:81\",", "Error", 10358L)]
    [InlineData("connect() failed (113: Host is unreachable) while connecting to upstream, client: 172.17.0.1, server: appydroid.eu, request: \"GET /feed/ HTTP/1.1\", upstream: \"http://172.17.0.7:2368/feed/\", host: \"appydroid.eu\"", "Error", -1L)]
    [InlineData("> [error] 4610#0: *19 connect() failed (111: Connection refused) while connecting to upstream, client: 202.73.41.198, server: , request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8081/\", host: \"c.test\"", "Error", 19L)]
    // What a paste left of nginx's time before the level: the day's last digits, the time alone.
    [InlineData("12 [error] 17114#0: *54 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 110.157.235.26, server: localhost, request: \"GET /pkgInfo?id=14432 HTTP/1.1\", upstream:", "Error", 54L)]
    [InlineData("15:12:26 [error] 78#78: *9 upstream timed out (110: Operation timed out) while reading response header from upstream, client: 10.0.0.1, server: localhost, request: \"GET /dashboard HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\", host: \"x.test\"", "Error", 9L)]
    // A log viewer's tag before the level (Filebeat's nginx module as Kibana shows it).
    [InlineData("[nginx][error] upstream prematurely closed connection while reading response header from upstream, client: 172.18.0.1, server: , request: \"GET /login HTTP/2.0\", upstream: \"http://172.18.0.10:80/login\", host: \"alex-pc\"", "Error", -1L)]
    // Quoted as a string.
    [InlineData("'connect() failed (111: Connection refused) while connecting to upstream, client: 46.32.238.28, server: localhost, request: \"GET / HTTP/1.1\", upstream: \"http://46.32.238.28:8080/\", host: \"dragonfly.productions\"'", "Error", -1L)]
    [InlineData("\" [error] 281#281: *28 authelia could not be resolved (3: Host not found), client: 141.101.68.186, server: jens.*, request: \"GET / HTTP/2.0\", subrequest: \"/authelia/api/verify\", host: \"jens.example.com\"\"", "Error", 28L)]
    // Through `cat -A`, which shows each line's end as `$`.
    [InlineData("[error] 7#7: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"x.test\"$", "Error", 3L)]
    // Markdown emphasis pasted around the line: nginx starts no message with '_' or '~', nor with '*' but its connection's.
    [InlineData("_connect() failed (113: No route to host) while connecting to upstream, client: <IP>, server: _, request: \"GET /generate HTTP/1.1\", upstream: \"http://172.18.0.3:8082/generate\", host: \"sub.domain\"_", "Error", -1L)]
    [InlineData("**[error] 7#7: *31 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.2:80/\", host: \"x.test\"**", "Error", 31L)]
    // Whatever a poster put where the time was, before nginx's "[level] pid#tid: ".
    [InlineData("<date> <time> [error] 7871#7871: *2 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8920/\", host: \"x.test\"", "Error", 2L)]
    [InlineData("\tYYYY/MM/DD HH:mm:ss [crit] 5439#0: *1 connect() to 127.0.0.1:8080 failed (13: Permission denied) while connecting to upstream, client: 10.75.17.83, server: 10.75.19.221, request: \"GET /geoserver HTTP/1.1\", upstream: \"http://127.0.0.1:8080/geoserver\", host: \"10.75.19.221\"", "Crit", 1L)]
    [InlineData("Dec 04 [REDACTED] [crit] 12#12: *5 connect() to unix:/run/app.sock failed (2: No such file or directory) while connecting to upstream, client: 10.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://unix:/run/app.sock:/\", host: \"x\"", "Crit", 5L)]
    // A placeholder for the time, and the process left out with it: the level and a request's context still say whose line it is.
    [InlineData("<datetime> [error] connect() failed (111: Connection refused) while connecting to upstream, client: <ip>, server: my.matrix.com, request: \"PUT /_matrix/federation/v1/send/1 HTTP/1.1\", upstream: \"http://[::1]:8048/_matrix/federation/v1/send/1\", host: \"my.matrix.com:8448\"", "Error", -1L)]
    // An excerpt's dots before the message, the upstream's closing quote cut.
    [InlineData("...upstream prematurely closed connection while reading response header from upstream, client: 112.215.65.47, server: x, request: \"POST /livewire/update HTTP/2.0\", upstream: \"http://127.0.0.1:8000/livewire/update", "Error", -1L)]
    [InlineData("… [error] 5#5: *4 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.2:80/\", host: \"x\"", "Error", 4L)]
    // A connection number the poster redacted: still a request's line, its number unknown.
    [InlineData("[error] 2470#****: *_____ connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8008/\", host: \"x\"", "Error", -1L)]
    // "pid#tid:" turned into a colon after the level by the poster.
    [InlineData("[error]: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: crm.example.com, request: \"GET /install.php HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php7.4-fpm.sock:\", host: \"crm.example.com\"", "Error", 1L)]
    // A selection begun one byte into the level's bracket.
    [InlineData("crit] 9#9: *12 connect() to unix:/run/app.sock failed (13: Permission denied) while connecting to upstream, client: 10.0.0.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"http://unix:/run/app.sock:/\", host: \"x\"", "Crit", 12L)]
    public void TryParseHeadless_LinesPastedWithoutTheirTime_KeepLevelConnectionAndContext(string line, string level, long connection)
    {
        Assert.False(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out _));

        Assert.True(ErrorLogParser.TryParseHeadless(Encoding.UTF8.GetBytes(line), out var entry));

        Assert.Equal((Enum.Parse<ErrorLevel>(level), connection), (entry.Level, entry.ConnectionId));
        Assert.True(entry.Timestamp.IsEmpty);
        Assert.False(entry.Client.IsEmpty);
        Assert.DoesNotContain("\"", Encoding.UTF8.GetString(entry.Host), StringComparison.Ordinal);
        Assert.DoesNotContain("'", Encoding.UTF8.GetString(entry.Host), StringComparison.Ordinal);
        Assert.False(entry.Message.StartsWith("*"u8) || char.IsAsciiDigit((char)entry.Message[0]));
    }

    /// <summary>Markdown's escape of the connection's star, kept where a post was copied from its source: the
    /// connection is read, and the message begins after it (a file call on nginx's own temporary file stays one: the
    /// response's, which it could not buffer).</summary>
    [Fact]
    public void TryParse_AStarMarkdownEscaped_IsTheConnection()
    {
        const string Line = "2013/05/22 14:14:43 [crit] 21936#0: \\*8 open() \"/opt/nginx/proxy_temp/1/00/0000000001\" failed (13: Permission denied) while reading upstream, client: 65.126.154.6, server: _, request: \"GET /a.zip HTTP/1.1\", upstream: \"http://unix:/tmp/redmine.sock:/a.zip\", host: \"r.test\"";

        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(Line), out var entry));

        Assert.Equal(8, entry.ConnectionId);
        Assert.StartsWith("open() ", Encoding.UTF8.GetString(entry.Message), StringComparison.Ordinal);
        Assert.Equal(FailureKind.ResponseBufferUnwritable, ErrorSignatures.Classify(in entry, entry.Message));
    }

    /// <summary>A selection begun one byte into nginx's time drops the year's first digit: the year is this century's.</summary>
    [Theory]
    [InlineData("021/01/27 00:16:41 [error] 6#6: *51 connect() failed (111: Connection refused) while connecting to upstream, client: 10.5.21.57, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://172.20.70.253:8082/\", host: \"a\"", "2021/01/27 00:16:41")]
    [InlineData("017/11/21 08:40:42 [error] 332#332: *1602 auth request unexpected status: 500 while sending to client, client: 1.2.3.4, server: _, request: \"GET / HTTP/1.1\", host: \"a\"", "2017/11/21 08:40:42")]
    public void TryParse_AYearThatLostItsFirstDigit_IsRead(string line, string timestamp)
    {
        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out var entry));

        Assert.Equal((timestamp, ErrorLevel.Error), (Encoding.UTF8.GetString(entry.Timestamp), entry.Level));
        Assert.False(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes("121/01/27 00:16:41 [error] 6#6: *51 x, client: a"), out _));
    }

    /// <summary>A fragment posted without its request context still ends in the upstream phase nginx was in.</summary>
    [Theory]
    [InlineData("recv() failed (104: Connection reset by peer) while reading response header from upstream, client", "Error", -1L)]
    [InlineData("connect() to unix:/run/gunicorn.sock failed (11: Resource temporarily unavailable) while connecting to upstream. ...", "Error", -1L)]
    [InlineData("[error] 10192#0: *1 connect() failed (111: Connection refused) while connecting to upstream", "Error", 1L)]
    [InlineData("[error] 8#8: *3 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream", "Error", 3L)]
    // Or is a verdict only the upstream module gives, about a try, posted without its phase.
    [InlineData("upstream sent invalid header: \"\\x09...\"", "Error", -1L)]
    [InlineData("[error] 31#31: *7 upstream prematurely closed connection", "Error", 7L)]
    [InlineData("error] 29#29: *27 upstream prematurely closed connection  ", "Error", 27L)]
    // ngx_http_upstream_test_connect's words, the peer left to the line's upstream: (on the paste's next lines).
    [InlineData("[error] 7#7: *6 connect() failed (111: Connection refused) ", "Error", 6L)]
    // Or ngx_event_connect_peer's words about the peer, cut before the phase they can only have had.
    [InlineData("connect() to unix:/var/run/php5-fpm.sock failed (11: Resource temporarily unavailable)", "Error", -1L)]
    // Or the resolver's verdict on a request's name, from its connection number on, its errno kept or trimmed.
    [InlineData("*294247 www.example.com could not be resolved", "Error", 294247L)]
    [InlineData("*12 backend.internal could not be resolved (3: Host not found)", "Error", 12L)]
    public void TryParseHeadless_FragmentsInAnUpstreamPhase_AreErrorLinesWithoutContext(string line, string level, long connection)
    {
        Assert.True(ErrorLogParser.TryParseHeadless(Encoding.UTF8.GetBytes(line), out var entry));

        Assert.Equal((Enum.Parse<ErrorLevel>(level), connection), (entry.Level, entry.ConnectionId));
        Assert.True(entry.Client.IsEmpty);
    }

    /// <summary>
    /// An application that runs nginx and logs its stderr in its own head (<c>[date] [ERROR] [NGINX] 41#0: *2 …</c>):
    /// nginx's line is read from its process on, with the head's level word whatever its case. Without nginx's
    /// connection number after the process, or with the process glued to a word, it is not.
    /// </summary>
    [Theory]
    [InlineData("[18-01-2019 04:29:45.618] [ERROR] [NGINX] 41#0: *2 connect() failed (111: Connection refused) while connecting to upstream, client: 192.168.1.51, server: , request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:3000/\", host: \"192.168.1.25:8080\"", "Error", 2L)]
    [InlineData("2019-01-18 04:29:45 WARN  nginx 41#0: *7 upstream server temporarily disabled while connecting to upstream, client: 10.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.2:80/\", host: \"a.test\"", "Error", 7L)]
    [InlineData("{app} [Crit] runner: 41#0: *9 connect() to unix:/run/app.sock failed (2: No such file or directory) while connecting to upstream, client: 10.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://unix:/run/app.sock:/\", host: \"a.test\"", "Crit", 9L)]
    public void TryParseHeadless_NginxsLineBehindAnotherProgramsHead_IsReadFromItsProcess(string line, string level, long connection)
    {
        Assert.True(ErrorLogParser.TryParseHeadless(Encoding.UTF8.GetBytes(line), out var entry));

        Assert.Equal((Enum.Parse<ErrorLevel>(level), connection), (entry.Level, entry.ConnectionId));
        Assert.False(entry.Client.IsEmpty); // the request's context after the message was read
        Assert.StartsWith("http://", Encoding.UTF8.GetString(entry.Upstream), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[18-01-2019 04:29:45.618] [ERROR] [NGINX] 41#0: 2 workers started, client: 192.168.1.51")] // no connection number
    [InlineData("[18-01-2019 04:29:45.618] [ERROR] ticket#41#0: *2 connect() failed, client: 192.168.1.51")] // glued to a word
    public void TryParseHeadless_ProcessWithoutNginxsConnectionBehindAHead_IsNotRead(string line)
    {
        Assert.False(ErrorLogParser.TryParseHeadless(Encoding.UTF8.GetBytes(line), out _));
    }

    /// <summary>
    /// nginx's listener out of connections or descriptors, posted from its level on: no request or connection is named,
    /// and only nginx writes these words after its <c>[level] pid#tid: </c>. The same words without that head are prose.
    /// </summary>
    [Theory]
    [InlineData("[alert] 17873#0: 1024 worker_connections are not enough", true)]
    [InlineData("[crit] 22#22: accept4() failed (24: Too many open files)", true)]
    [InlineData("1024 worker_connections are not enough", false)]
    [InlineData("I saw worker_connections are not enough in the log", false)]
    [InlineData("[error] 1#1: 1234", false)] // a number alone: no message
    // A level cut at its bracket: read only with nginx's process after it.
    [InlineData("alert] 1#1: worker process 338 exited on signal 9", true)]
    [InlineData("alert] worker process 338 exited on signal 9", false)]
    // A worker that died: the master's words, no request.
    [InlineData("[alert] 1#1: worker process 338 exited on signal 9", true)]
    [InlineData("worker process 338 exited on signal 9", false)]
    // A sentence about a name that did not resolve, without nginx's connection number: prose.
    [InlineData("*the site could not be resolved", false)]

    public void TryParseHeadless_ListenersResourceAlert_IsReadOnlyWithNginxsHead(string line, bool read)
    {
        Assert.Equal(read, ErrorLogParser.TryParseHeadless(Encoding.UTF8.GetBytes(line), out var entry));
        if (read)
        {
            Assert.Equal(-1L, entry.ConnectionId);
            Assert.True(entry.Level >= ErrorLevel.Crit);
        }
    }

    /// <summary>
    /// A message nginx writes only about a request, whose words name the cause, quoted inside a sentence: read from
    /// the message's start, the connection number or the name that did not resolve included.
    /// </summary>
    [Theory]
    [InlineData("From errors-log: 64 limiting connections by zone \"lfcgi\"", "limiting connections by zone \"lfcgi\"", 64L)]
    [InlineData("limiting requests, excess: 20.340 by zone \"one\"", "limiting requests, excess: 20.340 by zone \"one\"", -1L)]
    [InlineData("Now I get this error: `zi-service.docker could not be resolved (110: Operation timed out),``", "zi-service.docker could not be resolved (110: Operation timed out),``", -1L)]
    public void TryParseHeadless_RequestMessageQuotedInASentence_IsReadFromItsStart(string line, string message, long connection)
    {
        Assert.True(ErrorLogParser.TryParseHeadless(Encoding.UTF8.GetBytes(line), out var entry));

        Assert.Equal((message, connection), (Encoding.UTF8.GetString(entry.Message), entry.ConnectionId));
    }

    /// <summary>A name a module resolves by itself (upstream-dynamic-servers, jdomain), posted from nginx's level on:
    /// no request or connection, but nginx's head and its resolver's words.</summary>
    [Fact]
    public void TryParseHeadless_ModulesOwnLookup_IsReadWithItsHead()
    {
        Assert.True(ErrorLogParser.TryParseHeadless("[error] 2439#2439: upstream-dynamic-servers: 'furry.top' could not be resolved (110: Operation timed out)"u8, out var entry));

        Assert.Equal((ErrorLevel.Error, -1L), (entry.Level, entry.ConnectionId));
        Assert.StartsWith("upstream-dynamic-servers:", Encoding.UTF8.GetString(entry.Message), StringComparison.Ordinal);
    }

    /// <summary>
    /// A directive nginx refused as it read its configuration, posted from its level on: at <c>[emerg]</c> and with the
    /// file and line nginx names for it, it is a configuration message, with or without the process; other levels, or
    /// text without an absolute file, stay no line of nginx's.
    /// </summary>
    [Theory]
    [InlineData("[emerg] 181#181: host not found in upstream \"localhost:5001\" in /usr/local/nginx/conf/nginx.conf:33", true)]
    [InlineData("[emerg] host not found in upstream \"app:3000\" in /etc/nginx/conf.d/default.conf:5", true)]
    [InlineData("[emerg] 1#1: invalid host in upstream \"http://\" in C:\\nginx\\conf\\nginx.conf:40", true)]
    [InlineData("[warn] 181#181: \"ssl_stapling\" ignored, issuer certificate not found in /etc/nginx/nginx.conf:12", false)]
    [InlineData("[emerg] 181#181: host not found in upstream \"app\" in the config file:3", false)]
    [InlineData("[emerg] 181#181: bind() to 0.0.0.0:80 failed (98: Address already in use)", false)]
    public void TryParseHeadless_ConfigurationRefusedAtEmerg_IsReadWithItsLocation(string line, bool read)
    {
        Assert.Equal(read, ErrorLogParser.TryParseHeadless(Encoding.UTF8.GetBytes(line), out var entry));
        if (read)
        {
            Assert.True(ErrorLogParser.TryReadConfigMessage(in entry, out var message));
            Assert.Equal((ErrorLevel.Emerg, -1L), (entry.Level, entry.ConnectionId));
            Assert.NotNull(message.File);
        }
    }

    /// <summary>A key a log viewer left out with its value leaves two spaces after the comma: the next key is read.</summary>
    [Fact]
    public void TryParse_KeyLeftOutWithItsValue_KeepsTheNextKey()
    {
        var line = "2021/06/10 07:11:15 [error] 32#32: *84209 upstream prematurely closed connection while reading response header from upstream, client: 130.211.1.151,  upstream: \"http://172.17.0.1:8080\", host: \"app.test\""u8;

        Assert.True(ErrorLogParser.TryParse(line, out var entry));

        Assert.Equal(("http://172.17.0.1:8080", "app.test"), (Encoding.UTF8.GetString(entry.Upstream), Encoding.UTF8.GetString(entry.Host)));
    }

    /// <summary>A paste's second space after a key (<c>host:  "…"</c>) is not part of the value, nor are its quotes.</summary>
    [Fact]
    public void TryParse_TwoSpacesAfterAKey_ReadsTheQuotedValue()
    {
        var line = "2026/04/05 11:22:23 [error] 281#281: *14 xmpp.meet.test could not be resolved (3: Host not found), client: 192.0.2.4, server: _, request: \"GET /xmpp-websocket HTTP/1.1\", upstream:  \"http://xmpp.meet.test:5280/xmpp-websocket\", host:  \"meet.example.test\""u8;

        Assert.True(ErrorLogParser.TryParse(line, out var entry));

        Assert.Equal(("http://xmpp.meet.test:5280/xmpp-websocket", "meet.example.test"), (Encoding.UTF8.GetString(entry.Upstream), Encoding.UTF8.GetString(entry.Host)));
    }

    /// <summary>A redaction that took the space after <c>client:</c> leaves the keys after it readable.</summary>
    [Fact]
    public void TryParse_ClientRedactedWithItsSpace_KeepsTheKeysAfterIt()
    {
        var line = "2021/06/10 01:02:03 [error] 1#1: *9 connect() failed (111: Connection refused) while connecting to upstream, client:[insert ip here] , server: example.test, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"example.test\""u8;

        Assert.True(ErrorLogParser.TryParse(line, out var entry));

        Assert.Equal(("http://127.0.0.1:8080/", "example.test", "example.test"),
            (Encoding.UTF8.GetString(entry.Upstream), Encoding.UTF8.GetString(entry.Server), Encoding.UTF8.GetString(entry.Host)));
        Assert.Equal("connect() failed (111: Connection refused) while connecting to upstream", Encoding.UTF8.GetString(entry.Message));
    }

    /// <summary>
    /// A paste that lost the space after nginx's <c>pid#tid:</c> (a chat's or markdown's doing) keeps the connection and
    /// the message; the ": " inside the message is not taken for the one after the thread.
    /// </summary>
    [Theory]
    [InlineData("2026/04/05 11:22:23 [error] 20#20:*516358 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 113.185.44.12, server: s.test, request: \"GET /a HTTP/1.1\", upstream: \"http://172.20.0.2:3000/a\", host: \"s.test\"", 516358L)]
    [InlineData("2026/04/05 11:22:23 [error] 20#20: *516358 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 113.185.44.12, server: s.test, request: \"GET /a HTTP/1.1\", upstream: \"http://172.20.0.2:3000/a\", host: \"s.test\"", 516358L)]
    public void TryParse_ProcessWithoutItsSpace_KeepsConnectionAndMessage(string line, long connection)
    {
        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out var entry));

        Assert.Equal(connection, entry.ConnectionId);
        Assert.StartsWith("upstream timed out (110: Connection timed out)", Encoding.UTF8.GetString(entry.Message), StringComparison.Ordinal);
        Assert.Equal("http://172.20.0.2:3000/a", Encoding.UTF8.GetString(entry.Upstream));
    }

    /// <summary>A paste that lost <c>client:</c> (cut, or redacted with its key) keeps the keys nginx writes after it.</summary>
    [Theory]
    [InlineData("upstream prematurely closed connection while reading response header from upstream, upstream: \"http://10.244.0.44:8000/predict\"", "", "http://10.244.0.44:8000/predict")]
    [InlineData("connect() failed (111: Connection refused) while connecting to upstream, server: shop.test, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.5:8080/\", host: \"shop.test\"", "shop.test", "http://10.0.0.5:8080/")]
    public void TryParseHeadless_ContextWithoutItsClient_KeepsTheKeysAfterIt(string line, string server, string upstream)
    {
        Assert.True(ErrorLogParser.TryParseHeadless(Encoding.UTF8.GetBytes(line), out var entry));

        Assert.Equal((server, upstream), (Encoding.UTF8.GetString(entry.Server), Encoding.UTF8.GetString(entry.Upstream)));
        Assert.EndsWith("upstream", Encoding.UTF8.GetString(entry.Message), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hello world")] // no request context
    [InlineData("the app was stopped while connecting to upstream servers was slow")] // a sentence
    [InlineData("203.0.113.5 - - [24/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"")] // an access line
    [InlineData("[notalevel] connect() failed, client: 1.2.3.4")]
    [InlineData("\"quoted\", client: 1.2.3.4")]
    [InlineData("upstream is down again, any idea?")] // words of a post, not nginx's
    [InlineData("12 people saw [error] pages today")] // digits, then words, before the bracket
    public void TryParseHeadless_OtherText_IsNoErrorLine(string line) =>
        Assert.False(ErrorLogParser.TryParseHeadless(Encoding.UTF8.GetBytes(line), out _));

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

    public static TheoryData<string, string, string, string> Variants() => new()
    {
        // A line from nginx's sources as each OS words it, the message expected, the upstream field, the request.
        {
            "2024/03/01 12:00:00 [error] 812#100123: *41 kevent() reported that connect() failed (61: Connection refused) while connecting to upstream, client: 192.0.2.10, server: app.test, request: \"GET /health HTTP/1.1\", upstream: \"http://127.0.0.1:8080/health\", host: \"app.test\"",
            "kevent() reported that connect() failed (61: Connection refused) while connecting to upstream", "http://127.0.0.1:8080/health", "GET /health HTTP/1.1"
        },
        {
            "2024/03/01 12:00:00 [error] 71840#0: *9 upstream timed out (60: Operation timed out) while reading response header from upstream, client: 127.0.0.1, server: localhost, request: \"POST /api HTTP/1.1\", upstream: \"http://[::1]:3000/api\", host: \"localhost:8080\", referrer: \"http://localhost:8080/\"",
            "upstream timed out (60: Operation timed out) while reading response header from upstream", "http://[::1]:3000/api", "POST /api HTTP/1.1"
        },
        {
            "2016/08/10 09:00:00 [error] 5560#4012: *1 WSARecv() failed (10054: An existing connection was forcibly closed by the remote host) while reading response header from upstream, client: 10.0.0.1, server: win, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.2:80/\", host: \"win\"",
            "WSARecv() failed (10054: An existing connection was forcibly closed by the remote host) while reading response header from upstream", "http://10.0.0.2:80/", "GET / HTTP/1.1"
        },
        {
            "2023/05/02 08:00:00 [error] 29#29: *1 upstream prematurely closed connection while reading response header from upstream, client: 172.17.0.1, server: _, request: \"GET /\"quoted\" HTTP/1.1\", subrequest: \"/auth\", upstream: \"http://10.1.0.4:9000/auth\", host: \"a.test\"",
            "upstream prematurely closed connection while reading response header from upstream", "http://10.1.0.4:9000/auth", "GET /\"quoted\" HTTP/1.1"
        },
        {
            "2023/05/02 08:00:00 [error] 29#29: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.5, server: 0.0.0.0:5432, upstream: \"10.0.0.9:5432\", bytes from/to client:0/0, bytes from/to upstream:0/0",
            "connect() failed (111: Connection refused) while connecting to upstream", "10.0.0.9:5432", ""
        },
        {
            "2023/05/02 08:00:00 [error] 30#30: send() failed (111: Connection refused) while resolving, resolver: 127.0.0.11:53",
            "send() failed (111: Connection refused) while resolving", "", ""
        },
        {
            "2023/05/02 08:00:00 [error] 30#30: *3 FastCGI sent in stderr: \"PHP message: PHP Fatal error:  Allowed memory size exhausted\" while reading response header from upstream, client: 10.0.0.1, server: php.test, request: \"GET /index.php HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.2-fpm.sock:\", host: \"php.test\"",
            "FastCGI sent in stderr: \"PHP message: PHP Fatal error:  Allowed memory size exhausted\" while reading response header from upstream", "fastcgi://unix:/run/php/php8.2-fpm.sock:", "GET /index.php HTTP/1.1"
        },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void TryParse_LinesFromOtherSystemsAndModules_SplitsMessageAndContext(string line, string message, string upstream, string request)
    {
        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out var entry));
        Assert.Equal(message, Encoding.UTF8.GetString(entry.Message));
        Assert.Equal(upstream, Encoding.UTF8.GetString(entry.Upstream));
        Assert.Equal(request, Encoding.UTF8.GetString(entry.Request));
    }

    [Fact]
    public void TryParse_SubrequestReferrerAndResolver_AreFields()
    {
        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes((string)Variants().ElementAt(3)[0]), out var sub));
        Assert.Equal("/auth", Encoding.UTF8.GetString(sub.Subrequest));
        Assert.Equal("a.test", Encoding.UTF8.GetString(sub.Host));

        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes((string)Variants().ElementAt(1)[0]), out var referred));
        Assert.Equal("http://localhost:8080/", Encoding.UTF8.GetString(referred.Referrer));

        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes((string)Variants().ElementAt(5)[0]), out var resolver));
        Assert.Equal("127.0.0.11:53", Encoding.UTF8.GetString(resolver.Resolver));
        Assert.Equal(-1, resolver.ConnectionId);
    }

    [Theory]
    [InlineData("(111: Connection refused)", "ConnectionRefused")]
    [InlineData("(61: Connection refused)", "ConnectionRefused")]
    [InlineData("(10061: No connection could be made because the target machine actively refused it)", "ConnectionRefused")]
    [InlineData("(110: Connection timed out)", "TimedOut")]
    [InlineData("(60: Operation timed out)", "TimedOut")]
    [InlineData("(110: Operation timed out)", "TimedOut")]
    [InlineData("(54: Connection reset by peer)", "ConnectionReset")]
    [InlineData("(35: Resource temporarily unavailable)", "WouldBlock")]
    [InlineData("(113: No route to host)", "HostUnreachable")]
    [InlineData("(113: Host is unreachable)", "HostUnreachable")]
    [InlineData("(51: Network is unreachable)", "NetworkUnreachable")]
    [InlineData("(99: Address not available)", "AddressNotAvailable")]
    [InlineData("(111: Something a future libc says)", "ConnectionRefused")]
    [InlineData("(28: No space left on device)", "NoSpace")]
    [InlineData("(69: Disk quota exceeded)", "NoSpace")]
    [InlineData("(30: Read-only file system)", "NotWritablePath")]
    [InlineData("(61: Connection ref", "ConnectionRefused")] // cut inside its text: the number decides, BSD's as Linux's
    [InlineData("(10054: An existing connection was forcibly closed by the remote host)", "ConnectionReset")]
    [InlineData("(10060: A connection attempt failed because the connected party did not properly respond after a period of time)", "TimedOut")]
    [InlineData("(10065: A socket operation was attempted to an unreachable host)", "HostUnreachable")]
    [InlineData("(10051: A socket operation was attempted to an unreachable network)", "NetworkUnreachable")]
    [InlineData("(64: Host is down)", "HostDown")]
    [InlineData("(1: Operation not permitted)", "PermissionDenied")]
    [InlineData("(22: Invalid argument)", "InvalidAddress")]
    [InlineData("(97: Address family not supported by protocol)", "InvalidAddress")]
    [InlineData("(24: No file descriptors available)", "TooManyOpenFiles")]
    [InlineData("(53: Software caused connection abort)", "ConnectionAborted")]
    [InlineData("no errno here", "Unknown")]
    public void ErrnoOf_TextsOfEverySystem_MeanTheSame(string message, string expected) =>
        Assert.Equal(expected, Errno.Of(Encoding.UTF8.GetBytes("connect() failed " + message + " while connecting to upstream")).ToString());

    /// <summary>A paste that dropped the number keeps the kernel's words, and they alone name the error.</summary>
    [Theory]
    [InlineData("connect() failed (Connection refused) while connecting to upstream", "ConnectionRefused")]
    [InlineData("Resource temporarily unavailable while connecting to upstream", "WouldBlock")]
    [InlineData("recv() failed (Connection reset by peer) while reading response header from upstream", "ConnectionReset")]
    [InlineData("upstream sent invalid header while reading response header from upstream", "Unknown")]
    public void ErrnoOfText_WordsWithoutTheNumber_NameTheError(string message, string expected) =>
        Assert.Equal(expected, Errno.OfText(Encoding.UTF8.GetBytes(message)).ToString());

    [Theory]
    [InlineData("http://127.0.0.1:9001/api?x=1", "127.0.0.1:9001")]
    [InlineData("https://10.0.0.4:8443/", "10.0.0.4:8443")]
    [InlineData("http://[2001:db8::1]:8080/x", "[2001:db8::1]:8080")]
    [InlineData("fastcgi://127.0.0.1:9000", "127.0.0.1:9000")]
    [InlineData("fastcgi://unix:/run/php/php8.2-fpm.sock:", "unix:/run/php/php8.2-fpm.sock")]
    [InlineData("passenger:unix:/tmp/passenger.1.0.4711/generation-0/request:", "unix:/tmp/passenger.1.0.4711/generation-0/request")]
    [InlineData("passenger:/tmp/passenger.1.0.4711/generation-0/request:", "unix:/tmp/passenger.1.0.4711/generation-0/request")]
    [InlineData("uwsgi://172.20.0.2:8000\"", "172.20.0.2:8000")]
    [InlineData("fastcgi://127.0.0.1:9000\\\"", "127.0.0.1:9000")]
    [InlineData("uwsgi://unix:///tmp/uwsgi.sock:", "unix:///tmp/uwsgi.sock")]
    [InlineData("uwsgi://127.0.0.1:3031", "127.0.0.1:3031")]
    [InlineData("scgi://127.0.0.1:4000", "127.0.0.1:4000")]
    [InlineData("grpc://10.0.0.7:50051", "10.0.0.7:50051")]
    [InlineData("grpcs://10.0.0.7:443", "10.0.0.7:443")]
    [InlineData("http://unix:/tmp/app.sock:/path?q", "unix:/tmp/app.sock")]
    [InlineData("http://unix:/tmp/app.sock", "unix:/tmp/app.sock")]
    [InlineData("http://127.0.0.1:5001stats", "127.0.0.1:5001")] // a rewrite's capture without its slash runs on from the port
    [InlineData("http://[::1]:5001version?x=1", "[::1]:5001")]
    [InlineData("http://backend/api/v1", "backend")]
    [InlineData("http://lab_pool", "lab_pool")]
    [InlineData("memcached://127.0.0.1:11211", "127.0.0.1:11211")]
    [InlineData("10.0.0.9:5432", "10.0.0.9:5432")]
    public void FromUrl_EveryPassFlavour_IsWhatUpstreamAddrSays(string url, string expected) =>
        Assert.Equal(expected, UpstreamAddress.FromUrl(Encoding.UTF8.GetBytes(url)));

    // nginx 1.22 writes a unix socket's URL with the URI right after the path: the request's target, or one that
    // proxy_pass rewrote (then the socket file's name ends the path).
    [Theory]
    [InlineData("http://unix:/tmp/lab/node-f1/app.sock/recommendations/7518/detail?ref=home", "/recommendations/7518/detail?ref=home", "unix:/tmp/lab/node-f1/app.sock")]
    [InlineData("http://unix:/run/app/socket/a", "/a", "unix:/run/app/socket")]
    [InlineData("http://unix:/run/gunicorn.sock/api/v2/x", "/v2/x", "unix:/run/gunicorn.sock")]
    [InlineData("http://unix:/run/gunicorn.socket?x=1", "/other", "unix:/run/gunicorn.socket")]
    public void FromUrl_UnixSocketWithoutSeparator_EndsWhereTheUriBegins(string url, string target, string expected) =>
        Assert.Equal(expected, UpstreamAddress.FromUrl(Encoding.UTF8.GetBytes(url), Encoding.UTF8.GetBytes(target)));

    public static TheoryData<string, string, string, string?, int?> ConfigLines() => new()
    {
        { "2021/09/29 10:00:00 [emerg] 1#1: host not found in upstream \"php-fpm:9000\" in /etc/nginx/conf.d/default.conf:2", "emerg", "host not found in upstream \"php-fpm:9000\"", "/etc/nginx/conf.d/default.conf", 2 },
        { "2021/09/29 10:00:00 [emerg] 1#1: invalid number of arguments in \"proxy_pass\" directive in /etc/nginx/nginx.conf:12", "emerg", "invalid number of arguments in \"proxy_pass\" directive", "/etc/nginx/nginx.conf", 12 },
        { "2021/09/29 10:00:00 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)", "emerg", "bind() to 0.0.0.0:80 failed (98: Address already in use)", null, null },
        { "2021/09/29 10:00:00 [emerg] 1#1: could not build server_names_hash, you should increase server_names_hash_bucket_size: 32", "emerg", "could not build server_names_hash, you should increase server_names_hash_bucket_size: 32", null, null },
        { "2021/09/29 10:00:00 [warn] 1#1: conflicting server name \"a.test\" on 0.0.0.0:80, ignored", "", "", null, null },
        { "2021/09/29 10:00:00 [warn] 1#1: \"ssl_stapling\" ignored, no OCSP responder URL in the certificate \"/etc/ssl/a.pem\" in /etc/nginx/conf.d/ssl.conf:9", "warn", "\"ssl_stapling\" ignored, no OCSP responder URL in the certificate \"/etc/ssl/a.pem\"", "/etc/nginx/conf.d/ssl.conf", 9 },
        { "2021/09/29 10:00:00 [error] 7#7: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: a, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.2:80/\"", "", "", null, null },
    };

    [Theory]
    [MemberData(nameof(ConfigLines))]
    public void TryReadConfigMessage_ConfigTimeLines_GiveLevelMessageFileAndLine(string line, string level, string message, string? file, int? number)
    {
        Assert.True(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out var entry));

        var found = ErrorLogParser.TryReadConfigMessage(in entry, out var config);

        Assert.Equal(level.Length > 0, found);
        if (found)
        {
            Assert.Equal(level, config.Level.ToString().ToLowerInvariant());
            Assert.Equal(message, config.Message);
            Assert.Equal(file, config.File);
            Assert.Equal(number, config.Line);
            Assert.Equal("2021/09/29 10:00:00", config.LocalTime);
        }
    }

    [Fact]
    public void TryParseStderr_NginxStartupMessage_IsAConfigMessageWithoutTime()
    {
        var line = "nginx: [emerg] host not found in upstream \"app:3000\" in /etc/nginx/conf.d/default.conf:14"u8;

        Assert.False(ErrorLogParser.TryParse(line, out _));
        Assert.True(ErrorLogParser.IsErrorLogLine(line));
        Assert.True(ErrorLogParser.TryParseStderr(line, out var config));
        Assert.Equal(ErrorLevel.Emerg, config.Level);
        Assert.Null(config.LocalTime);
        Assert.Equal("host not found in upstream \"app:3000\"", config.Message);
        Assert.Equal(14, config.Line);
    }

    [Theory]
    // TrueNAS SCALE's log view glues its own time to nginx's head (hold-out ho-069, trueforge-org/truecharts#3762).
    [InlineData("2022-09-13 07:49:41.528443+00:002022/09/13 07:49:41 [error] 24#24: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 172.16.0.1, server: , request: \"GET /status.php HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\", host: \"test.fakedomain.dns\"", "2022/09/13 07:49:41")]
    // s6-overlay's timestamp with two spaces (hold-out ho-070, blakeblackshear/frigate#9671).
    [InlineData("2024-02-05 12:39:43.200527176  2024/02/05 13:39:43 [error] 144#144: *708 connect() failed (111: Connection refused) while connecting to upstream, client: 172.30.32.2, server: , request: \"GET /api/config HTTP/1.1\", upstream: \"http://127.0.0.1:5001/config\", host: \"XxX\", referrer: \"http://XxX/api/hassio_ingress/XxX//\"", "2024/02/05 13:39:43")]
    // Markdown around a posted line: bold, a code span.
    [InlineData("**2020/06/17 15:42:54 [error] 37#37: *248 connect() failed (111: Connection refused) while connecting to upstream, client: 46.101.51.208, server: a.test, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8181/\", host: \"a.test\"", "2020/06/17 15:42:54")]
    [InlineData("IMAGE_NAME=getslash%2Fbackslash 2020/09/29 15:38:11 **[error] 23#23: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 172.18.0.1, server: , request: \"POST /api/get_app_config HTTP/1.1\", upstream: \"http://172.18.0.8:8000/api/get_app_config\", host: \"127.0.0.1:8000\"**", "2020/09/29 15:38:11")] // bold from the level on, behind docker logs --details
    [InlineData("`2023/03/18 14:11:21 [error] 3365#3365: *67757 connect() failed (111: Connection refused) while connecting to upstream, client: 192.168.88.187, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:915/\", host: \"b.test\"`", "2023/03/18 14:11:21")]
    // A record's field holding the line: journalctl -o verbose, the OpenTelemetry Collector's debug exporter, gcloud's YAML.
    [InlineData("    MESSAGE=2026/12/02 22:47:25 [error] 18914#18914: *43 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: h.test, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:23101/\", host: \"h.test\"", "2026/12/02 22:47:25")]
    [InlineData("Body: Str(2026/12/02 13:32:43 [error] 18941#18941: *243 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: k.test, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:23201/\", host: \"k.test\")", "2026/12/02 13:32:43")]
    [InlineData("textPayload: '2026/12/02 13:24:10 [error] 7#7: *5 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9, server: a.test, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:33101/\", host: \"a.test\"'", "2026/12/02 13:24:10")]
    public void TryParseAnywhere_ShipperTimeGluedOrSpacedBeforeTheHead_FindsTheHead(string line, string time)
    {
        Assert.True(ErrorLogParser.TryParseAnywhere(Encoding.UTF8.GetBytes(line), null, out var entry));
        Assert.Equal(time, Encoding.UTF8.GetString(entry.Timestamp));
        Assert.StartsWith("connect() failed (111: Connection refused)", Encoding.UTF8.GetString(entry.Message), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("PHP message: stack trace line #1")]
    [InlineData("2026-11-24 10:00:01 [error] not nginx's layout")]
    [InlineData("2026/11/24 10:00:01 error without brackets")]
    public void TryParse_NotAnErrorLine_ReturnsFalse(string line) =>
        Assert.False(ErrorLogParser.TryParse(Encoding.UTF8.GetBytes(line), out _));

    [Theory]
    [InlineData("2026/02/10 08:11:00 [error] 14#14: *1 connect() failed", true)]
    [InlineData("2026/02/10 08:11:00 **[crit] 14#0: open() failed", true)] // the emphasis a Markdown paste put on the level
    [InlineData("2026/02/10 08:11:00 [error] *1 connect() failed", false)] // no process: a quoted look-alike, not a start
    [InlineData("2026/02/10 08:11:00 [x] 14#14: *1 connect() failed", false)] // no level nginx writes
    [InlineData("2026/02/31 08:11:00 [error] 14#14: *1 connect() failed", false)] // no such day
    [InlineData("2026/02/10 08:11:00 [error]", false)]
    public void StartsWithHead_TellsNginxsWholeHeadFromLookAlikes(string text, bool expected) =>
        Assert.Equal(expected, ErrorLogParser.StartsWithHead(Encoding.UTF8.GetBytes(text)));
}
