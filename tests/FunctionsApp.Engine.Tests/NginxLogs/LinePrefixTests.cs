using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class LinePrefixTests
{
    private const string ErrorLine =
        "2021/09/29 10:31:02 [error] 31#31: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 172.18.0.1, server: localhost, request: \"GET /api HTTP/1.1\", upstream: \"http://172.18.0.3:8000/api\", host: \"localhost:8080\"";

    private const string AccessLine =
        "172.18.0.1 - - [29/Sep/2021:10:31:02 +0000] \"GET /api HTTP/1.1\" 502 157 \"-\" \"curl/7.88.1\"";

    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "prefixed");

    public static TheoryData<string, string, string> Shapes() => new()
    {
        // What each runtime or shipper writes before the line, and the name the report gives it.
        { "<163>Jun 28 09:08:38 web-01 nginx: ", "syslog-rfc3164", "nginx's syslog: as sent" },
        { "Jun 28 09:08:38 web-01 nginx: ", "syslog-rfc3164", "syslog-ng default template" },
        { "Jun  8 09:08:38 web-01 nginx[1234]: ", "syslog-rfc3164", "journald, space-padded day" },
        { "Jun 28 09:08:38 nginx: ", "syslog-rfc3164", "nginx's nohostname" },
        { "<163>1 2025-06-28T09:08:38.123+00:00 web-01 nginx - - - ", "syslog-rfc5424", "RFC 5424 without structured data" },
        { "<190>1 2025-06-28T09:08:38Z web-01 nginx 1234 access [meta sequenceId=\"7\" x=\"a\\]b\"] ", "syslog-rfc5424", "RFC 5424 with structured data" },
        { "148 <190>1 2025-06-28T09:08:38+00:00 web-1 app web.1 - ", "syslog-rfc5424", "octet-counted frame: Heroku logplex drain" },
        { "87 <163>Jun 28 09:08:38 web-01 nginx: ", "syslog-rfc3164", "octet-counted frame: syslog over TCP (RFC 6587)" },
        { "2025-06-28T09:08:38.123456+02:00 web-01 nginx: ", "syslog-iso", "rsyslog RSYSLOG_FileFormat" },
        { "2025-06-28T09:08:38+0200 web-01 nginx[1234]: ", "syslog-iso", "journalctl -o short-iso" },
        { "2017-05-10T06:50:00.434123456Z ", "rfc3339", "docker logs -t" },
        { "2023-10-06T00:17:09.669794202Z stderr F ", "cri", "containerd's file format" },
        { "nginx  | ", "docker-compose", "docker-compose v1, one service" },
        { "nginx-1  | ", "docker-compose", "docker compose v2" },
        { "web_1    | ", "docker-compose", "docker-compose v1, padded" },
        { "0|nginx    | ", "docker-compose", "pm2 logs: process id and name" },
        { "\u001b[36mnginx-1  |\u001b[0m ", "docker-compose", "compose with colours" },
        { "[pod/web-7d9f8b-x2k/nginx] ", "kubectl-prefix", "kubectl logs --prefix" },
        { "nginx-1  | 2021-09-29T10:31:02.123456789Z ", "docker-compose+rfc3339", "docker compose logs -t" },
        { "[pod/web-7d9f8b-x2k/nginx] 2021-09-29T10:31:02.123456789Z ", "kubectl-prefix+rfc3339", "kubectl --prefix --timestamps" },
        { "Jun 28 09:08:38 node-1 dockerd[812]: nginx-1  | ", "syslog-rfc3164+docker-compose", "compose through journald" },
        { "2025-06-28T09:08:38.123456789Z {filename=\"/var/log/nginx/x.log\", job=\"nginx\"} ", "rfc3339+loki-labels", "logcli query" },
        { "2025-06-28T09:08:38Z {app=\"web \\\"a\\\"\", pod=\"web-1\"}     ", "rfc3339+loki-labels", "logcli, labels padded, escaped quote" },
        { "nginx[1234]: ", "syslog-tag", "a tag the daemon did not recognise" },
        { "frontend.0 nginx: ", "syslog-tag", "a journal's host and tag without a time (Upsun's shipper)" },
        { "2026-12-02T09:00:01.123456+00:00 app[web.1]: ", "rfc3339+syslog-tag", "heroku logs: time, source and dyno" },
        { "2024-01-24 10:25:11 nginx.1     | ", "rfc3339+docker-compose", "Docker Desktop's log view: local time, service column" },
        { "2021-11-15 20:07:23\tstdout\t", "cri", "Synology Container Manager's export: local time, stream, tab-separated" },
        { "2023-05-07 00:45:57.479241+00:00", "rfc3339", "TrueNAS SCALE's app log view: a zoned time with the line glued to it" },
        { "    ", "indent", "pasted as a Markdown code block" },
        { "\t", "indent", "pasted with a tab" },
        { "  nginx-1  | ", "indent+docker-compose", "compose output pasted indented (reStructuredText)" },
        { "web-7d4b9c-x2x9z nginx ", "word+word", "stern: pod and container" },
        { "2025-06-28T09:08:38.123000+00:00 i-0abc123/nginx ", "rfc3339+word", "aws logs tail: time and log stream" },
        { "/var/log/nginx/access.log:", "grep-file", "grep -r over several files: the file's name" },
        { "./nginx_access_log.1:1842:", "grep-file", "grep -rn: the file's name and the line's number" },
    };

    /// <summary>grep's file name is a log file's ("log" a word of its name); a host and port before a line are not one.</summary>
    [Theory]
    [InlineData("/var/log/nginx/error.log:2021/09/29 10:31:02 [error] 31#31: …", 25)]
    [InlineData("access.log.2.gz:17:172.18.0.1 - - [29/Sep/2021:10:31:02 +0000] …", 19)]
    [InlineData("blog.example.com:443 172.18.0.1 - - [29/Sep/2021:10:31:02 +0000] …", -1)]
    [InlineData("catalog:8080 172.18.0.1 - - [29/Sep/2021:10:31:02 +0000] …", -1)]
    public void Match_GrepFile_IsALogFilesName(string line, int length) =>
        Assert.Equal(length, LinePrefix.Match(PrefixLayer.GrepFile, Encoding.UTF8.GetBytes(line), out _));

    /// <summary>A logplex frame has no structured data, so a line that starts with "[" is the message, not an element.</summary>
    [Fact]
    public void Detect_LogplexFramesOfAFormatStartingWithTheTime_StripsOnlyTheHeader()
    {
        const string Line = "[29/Sep/2021:10:31:02 +0000] 172.18.0.1 \"GET /api HTTP/1.1\" 502 157 0.004";
        var sample = Lines($"118 <190>1 2021-09-29T10:31:02+00:00 host app web.1 - {Line}", $"118 <190>1 2021-09-29T10:31:03+00:00 host app web.2 - {Line}");

        var detection = LogFormatDetector.DetectWithPrefix(sample);

        Assert.Equal("syslog-rfc5424", detection.Prefix.Name);
        Assert.Equal(Line, Encoding.UTF8.GetString(sample[1].AsSpan(detection.Prefix.Strip(sample[1], out _))));
        Assert.True(detection.Format!.Has(AccessField.TimeLocal) && detection.Format.Has(AccessField.Status));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Detect_ErrorLinesWithPrefix_FindsShapeAndStripsToNginxLine(string prefix, string name, string source)
    {
        var sample = Lines(prefix + ErrorLine, prefix + ErrorLine.Replace("*7", "*8", StringComparison.Ordinal));

        var shape = LinePrefix.Choose(sample, ErrorLogParser.IsErrorLogLine);

        Assert.True(name == shape.Name, $"{source}: found {shape.Name ?? "no prefix"}");
        var stripped = sample[0].AsSpan(shape.Strip(sample[0], out _));
        Assert.Equal(ErrorLine, Encoding.UTF8.GetString(stripped));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DetectWithPrefix_AccessLinesWithPrefix_DetectsFormatBehindIt(string prefix, string name, string source)
    {
        var sample = Lines(prefix + AccessLine, prefix + AccessLine.Replace("502", "200", StringComparison.Ordinal));

        var detection = LogFormatDetector.DetectWithPrefix(sample);

        Assert.True(name == detection.Prefix.Name, $"{source}: found {detection.Prefix.Name ?? "no prefix"}");
        Assert.Equal("combined", detection.Format?.Name);
    }

    [Theory]
    [InlineData("2017-05-10T06:50:00.434123456Z ", "2017-05-10T06:50:00.434Z")]
    [InlineData("2023-10-06T00:17:09.669794202+02:00 stdout F ", "2023-10-05T22:17:09.669Z")]
    [InlineData("2023-05-07 00:45:57.479241-05:00", "2023-05-07T05:45:57.479Z")]
    public void Strip_RuntimeTimestamp_IsThePrefixTime(string prefix, string expected)
    {
        var line = Encoding.UTF8.GetBytes(prefix + ErrorLine);
        var shape = LinePrefix.Find(line);

        shape.Strip(line, out var time);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), time);
    }

    [Fact]
    public void Strip_SyslogTimes_AreNotPassedOn()
    {
        // The daemon labels nginx's zoneless RFC 3164 time with its own zone: not evidence of nginx's offset.
        var line = Encoding.UTF8.GetBytes("<189>1 2026-11-30T09:07:14+00:00 vm nginx - - [meta sequenceId=\"1\"] " + ErrorLine);
        var shape = LinePrefix.Find(line);

        Assert.Equal("syslog-rfc5424", shape.Name);
        Assert.True(shape.Strip(line, out var time) > 0);
        Assert.Null(time);
    }

    [Fact]
    public void Strip_LineWithoutThePrefix_IsLeftWhole()
    {
        var shape = LinePrefix.Find(Encoding.UTF8.GetBytes("nginx-1  | " + ErrorLine));
        var bare = Encoding.UTF8.GetBytes(ErrorLine);

        Assert.Equal(0, shape.Strip(bare, out var time));
        Assert.Null(time);
    }

    [Theory]
    [InlineData("10.0.0.1 | [29/Sep/2021:10:31:02 +0000] | GET / HTTP/1.1 | 502 | 10.1.0.5:8080")]
    [InlineData("2021-09-29T10:31:02+00:00 api.example.test 502 \"GET / HTTP/1.1\" rt=0.001 ua=\"10.1.0.5:8080\"")]
    [InlineData("api.example.test 172.18.0.1 - - [29/Sep/2021:10:31:02 +0000] \"GET /api HTTP/1.1\" 502 157 \"-\" \"curl/7.88.1\"")]
    public void DetectWithPrefix_AccessFormatThatLooksLikeAPrefix_KeepsTheLineWhole(string line)
    {
        // A pipe-separated format starting with an address, formats starting with $time_iso8601 or $host: no prefix.
        AccessLogFormat.TryCompile(
            line[0] switch
            {
                '1' => "$remote_addr | [$time_local] | $request | $status | $upstream_addr",
                'a' => "$host $remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"",
                _ => "$time_iso8601 $host $status \"$request\" rt=$request_time ua=\"$upstream_addr\"",
            },
            out var format,
            out _);

        Assert.True(LogFormatDetector.ChoosePrefix(Lines(line, line), format).IsNone);
    }

    /// <summary>
    /// A published pipe-separated format that starts with its own <c>$time_iso8601</c>: the time is the format's, not a
    /// runtime's stamp. Read as a prefix, it would leave a timeless reading of the rest (which formats without a time,
    /// Harbor's, may have behind a stamp) that names other fields.
    /// </summary>
    [Fact]
    public void DetectWithPrefix_FormatStartingWithItsOwnIsoTime_KeepsTheTimeAsItsField()
    {
        var sample = Lines([.. Enumerable.Range(0, 8).Select(i =>
            $"2026-12-07T09:03:{20 + i:00}+00:00 | 203.0.113.{i} | GET | https | shop.example.com | /cart/{i} | HTTP/1.1 | 502 | 157 | - | curl/8.5.0")]);

        var detection = LogFormatDetector.DetectWithPrefix(sample);

        Assert.True(detection.Prefix.IsNone, detection.Prefix.Name);
        Assert.True(detection.Format!.Has(AccessField.TimeIso8601), detection.Format.Definition);
    }

    [Theory]
    [InlineData("2025-06-28T09:08:38.123000+00:00 i-0abc123/nginx ", "rfc3339+word")]
    [InlineData("web-7d4b9c-x2x9z nginx ", "word+word")]
    [InlineData("2025-06-28T09:08:38.123456789Z ", "rfc3339")]
    public void ChoosePrefix_FormatStartingWithMsec_StripsThePrefixTheFirstVariableWouldSwallow(string prefix, string name)
    {
        // '$msec $request_uri "$status"': read whole, $msec takes the prefix's time (a time by its shape) and the
        // request takes the rest of it, and the line still parses; only the prefix removed leaves epoch seconds.
        Assert.True(AccessLogFormat.TryCompile("$msec $request_uri \"$status\" \"$http_user_agent\" $remote_addr server=$host", out var format, out _));
        var sample = Lines(
            prefix + "1751101718.123 /items/202 \"200\" \"okhttp/4.12.0\" 203.0.113.87 server=shop.example.com",
            prefix + "1751101719.456 /items/203 \"502\" \"okhttp/4.12.0\" 203.0.113.88 server=shop.example.com");

        Assert.Equal(name, LogFormatDetector.ChoosePrefix(sample, format).Name);
    }

    [Fact]
    public void Detect_MostLinesPrefixed_DecidesOnTheMajorityShape()
    {
        var sample = Lines("nginx-1  | " + ErrorLine, "nginx-1  | " + ErrorLine, ErrorLine, "nginx-1  | PHP message: a continuation line");

        Assert.Equal("docker-compose", LinePrefix.Detect(sample).Name);
    }

    [Theory]
    [InlineData("syslog-ng-default.log", "syslog-rfc3164")]
    [InlineData("syslog-ng-isodate.log", "syslog-iso")]
    [InlineData("syslog-ng-rfc5424.log", "syslog-rfc5424+syslog-tag")]
    public void Choose_RealSyslogNgFiles_EveryNginxLineReadable(string file, string name)
    {
        // Captured from nginx 1.22 logging with error_log/access_log syslog:server=unix:… to a real syslog-ng 3.38
        // (see Fixtures/prefixed/README.md): error lines and one access line, as the daemon wrote them.
        var sample = File.ReadAllLines(Path.Combine(Fixtures, file)).Select(Encoding.UTF8.GetBytes).ToList();

        var shape = LinePrefix.Choose(sample, ErrorLogParser.IsErrorLogLine);

        Assert.Equal(name, shape.Name);
        var unread = sample.Select(l => l[shape.Strip(l, out _)..])
            .Where(l => !ErrorLogParser.IsErrorLogLine(l) && !AccessLogFormat.Combined.TryParse(l, out _))
            .Select(Encoding.UTF8.GetString).ToList();
        Assert.Empty(unread);
    }

    /// <summary>
    /// A terminal wrapped each line of a paste inside its request (<c>HTTP/1</c> | <c>.1", upstream: "http://…</c>): the
    /// rest's <c>.1", upstream: "http:</c> reads as a syslog tag, and stripping it leaves the nginx lines as readable
    /// as before. A prefix that heads none of the lines it reads is not the input's.
    /// </summary>
    [Fact]
    public void Choose_ShapeOnlyOnTheRestOfWrappedLines_IsNone()
    {
        byte[][] sample =
        [
            .. new[] { "GET", "POST" }.SelectMany(method => new[]
            {
                $"2016/06/13 13:15:59 [error] 30#0: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: _, request: \"{method} /api/datasources HTTP/1",
                ".1\", upstream: \"http://127.0.0.1:3000/api/datasources\", host: \"localhost\"",
            }).Select(Encoding.UTF8.GetBytes),
        ];

        Assert.True(LinePrefix.Choose(sample, ErrorLogParser.IsErrorLogLine).IsNone);
    }

    [Fact]
    public void StripAny_SingleLine_RemovesEveryLayer() =>
        Assert.Equal(ErrorLine, Encoding.UTF8.GetString(LinePrefix.StripAny(Encoding.UTF8.GetBytes("nginx-1  | 2021-09-29T10:31:02.1Z " + ErrorLine))));

    [Theory]
    [InlineData("")]
    [InlineData("<")]
    [InlineData("<1>")]
    [InlineData("<163>1 ")]
    [InlineData("<163>1 2025-06-28T09:08:38Z host app - - [unterminated")]
    [InlineData("Jun 28 09:08:")]
    [InlineData("nginx |")]
    [InlineData("[pod/")]
    [InlineData("2017-05-10T06:50:00Z")]
    public void Find_Fragments_DoNotThrow(string text)
    {
        var line = Encoding.UTF8.GetBytes(text);
        var shape = LinePrefix.Find(line);
        Assert.InRange(shape.Strip(line, out _), 0, line.Length);
    }

    private static List<byte[]> Lines(params string[] lines) => [.. lines.Select(Encoding.UTF8.GetBytes)];
}
