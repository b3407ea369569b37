using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FunctionsApp.Cli;

namespace FunctionsApp.Tests.Cli;

public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("analyze-cli-").FullName;

    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx");

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AnalyzeCommand.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task RunAsync_Json_HasTheDocumentedShape()
    {
        var dir = Path.Combine(Fixtures, "tls-name-mismatch-combined");
        var (exit, output, _) = await RunAsync("--access", Path.Combine(dir, "access.log"), "--error", Path.Combine(dir, "error.log"), "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var incident = json.RootElement.GetProperty("incidents")[0];
        foreach (var property in new[] { "id", "upstream", "host", "status", "statuses", "cause", "confidence", "start", "end", "failedRequests", "evidence", "remediation" })
        {
            Assert.True(incident.TryGetProperty(property, out _), property);
        }

        Assert.Equal("tls_handshake", incident.GetProperty("cause").GetString());
        Assert.True(incident.GetProperty("statuses").GetProperty("502").GetInt32() >= 3);
        var evidence = incident.GetProperty("evidence")[0];
        Assert.Equal(JsonValueKind.Number, evidence.GetProperty("count").ValueKind);
        Assert.Contains("SSL", evidence.GetProperty("sample").GetString(), StringComparison.Ordinal);
        var stats = json.RootElement.GetProperty("stats");
        Assert.Equal("combined", stats.GetProperty("format").GetString());
        Assert.Equal(0, stats.GetProperty("malformedLines").GetInt64());
    }

    [Fact]
    public async Task RunAsync_Report_SaysCauseEvidenceAndFix()
    {
        var dir = Path.Combine(Fixtures, "upstream-timeout-combined");
        var (exit, output, _) = await RunAsync("--access", Path.Combine(dir, "access.log"), "--error", Path.Combine(dir, "error.log"));

        Assert.Equal(0, exit);
        Assert.Contains("timeout", output, StringComparison.Ordinal);
        Assert.Contains("upstream timed out", output, StringComparison.Ordinal);
        Assert.Contains("proxy_read_timeout", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OnePastedErrorLine_ReportsItsCauseAndSaysItIsBelowTheThreshold()
    {
        var error = Write("error.log", """
            2026/03/14 09:26:53 [error] 1234#1234: *88 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 203.0.113.9, server: shop.example, request: "POST /checkout HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "shop.example"

            """);

        var (exit, output, _) = await RunAsync("--error", error);
        var (_, json, _) = await RunAsync("--error", error, "--json");

        Assert.Equal(0, exit);
        Assert.Contains("The logs hold 1 failed request(s), too few together to make an incident (`--min-failures` within `--window`): they are reported below as incidents all the same.", output, StringComparison.Ordinal);
        Assert.Contains("504 on unix:/run/php/php8.2-fpm.sock for shop.example: timeout", output, StringComparison.Ordinal);
        Assert.Contains("Error-log times are read as UTC: nothing here tells their zone", output, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.True(document.RootElement.GetProperty("stats").GetProperty("belowThreshold").GetBoolean());
        Assert.Equal("timeout", document.RootElement.GetProperty("incidents")[0].GetProperty("cause").GetString());
    }

    /// <summary>Lines pasted without nginx's time (from the message on) have none to show: not the epoch's start.</summary>
    [Fact]
    public async Task RunAsync_LinesPastedWithoutTheirTime_SayTheTimeIsNotGiven()
    {
        var error = Write("error.log", "upstream timed out (110: Connection timed out) while reading response header from upstream\n");

        var (exit, output, _) = await RunAsync("--error", error);

        Assert.Equal(0, exit);
        Assert.Contains("  at a time the lines do not give, 1 failed request(s) (1× 504)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("1970-01-01 00:00:00 →", output, StringComparison.Ordinal);
    }

    /// <summary>An incident that ends on the next day shows the end's date, so its time never reads as going back.</summary>
    [Fact]
    public async Task RunAsync_IncidentAcrossMidnight_ShowsTheEndsDate()
    {
        const string Context = ", client: 203.0.113.9, server: shop.example, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.5:8080/\", host: \"shop.example\"";
        var error = Write("error.log", string.Join('\n',
            $"2026/03/14 23:59:40 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream{Context}",
            $"2026/03/14 23:59:55 [error] 7#7: *2 connect() failed (111: Connection refused) while connecting to upstream{Context}",
            $"2026/03/15 00:00:10 [error] 7#7: *3 connect() failed (111: Connection refused) while connecting to upstream{Context}",
            ""));

        var (exit, output, _) = await RunAsync("--error", error);

        Assert.Equal(0, exit);
        Assert.Contains("2026-03-14 23:59:40 → 2026-03-15 00:00:10 UTC, 3 failed request(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OneStreamGivenAsBothLogs_IsReadOnce()
    {
        // `docker logs nginx > all.log`: access and error lines in one file, passed as both logs.
        var dir = Path.Combine(Fixtures, "upstream-timeout-combined");
        var lines = File.ReadLines(Path.Combine(dir, "access.log")).Concat(File.ReadLines(Path.Combine(dir, "error.log")));
        var all = Write("all.log", string.Join('\n', lines) + "\n");
        var (_, once, _) = await RunAsync("--access", all, "--json");

        var (exit, both, _) = await RunAsync("--access", all, "--error", Path.Combine(_dir, ".", "all.log"), "--json");

        Assert.Equal(0, exit);
        using var expected = JsonDocument.Parse(once);
        using var actual = JsonDocument.Parse(both);
        var failed = expected.RootElement.GetProperty("incidents")[0].GetProperty("failedRequests").GetInt32();
        Assert.True(failed >= 3);
        Assert.Equal(failed, actual.RootElement.GetProperty("incidents")[0].GetProperty("failedRequests").GetInt32());
        Assert.Equal(
            expected.RootElement.GetProperty("stats").GetProperty("accessLines").GetInt64(),
            actual.RootElement.GetProperty("stats").GetProperty("accessLines").GetInt64());
    }

    [Fact]
    public async Task RunAsync_NoFailedRequest_SaysSo()
    {
        var error = Write("error.log", "2026/03/14 09:26:53 [notice] 1#1: signal process started\n");

        var (exit, output, _) = await RunAsync("--error", error);

        Assert.Equal(0, exit);
        Assert.Contains("No 502/503/504 incidents: no failed requests in these logs.", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A refusal on localhost's [::1] and nginx's warning that it disabled that server and went on (to 127.0.0.1, which
    /// logged no failure): no incident, and the text report says what happened and what to change; JSON counts the try.
    /// </summary>
    [Fact]
    public async Task RunAsync_TryNginxTookFromIpv6ToIpv4_IsNoIncidentButSaysSo()
    {
        const string Context = " while connecting to upstream, client: 10.0.0.9, server: , request: \"GET /api HTTP/1.1\", upstream: \"http://[::1]:8080/api\", host: \"jms.test\"\n";
        var error = Write("error.log",
            "2026/03/14 09:26:53 [error] 7#7: *34 connect() failed (111: Connection refused)" + Context
            + "2026/03/14 09:26:53 [warn] 7#7: *34 upstream server temporarily disabled" + Context);

        var (exit, text, _) = await RunAsync("--error", error);
        var (_, json, _) = await RunAsync("--error", error, "--json");

        Assert.Equal(0, exit);
        Assert.Contains("No 502/503/504 incidents", text, StringComparison.Ordinal);
        Assert.Contains("1 tr(ies) on an IPv6 address failed, and nginx went on to the same name's IPv4 address", text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(0, document.RootElement.GetProperty("incidents").GetArrayLength());
        Assert.Equal(1, document.RootElement.GetProperty("stats").GetProperty("triesMovedPastToIpv4").GetInt64());
    }

    /// <summary>
    /// A paste of answers that broke after nginx had passed their status on (<c>… while reading upstream</c>) and of
    /// nothing else: no gateway error, reported as answers cut short, their status the upstream's own (0 in JSON, in no
    /// line), which the text report says in words.
    /// </summary>
    [Fact]
    public async Task RunAsync_AnswersCutShortAlone_AreReportedWithTheStatusPassedOn()
    {
        var error = Write("error.log", string.Concat(Enumerable.Range(0, 2).Select(i =>
            $"2026/03/14 09:26:5{i} [error] 7#7: *{i + 1} upstream timed out (110: Connection timed out) while reading upstream, client: 10.0.0.9, server: push.test, request: \"GET /events HTTP/1.1\", upstream: \"http://127.0.0.1:9999/events\", host: \"push.test\"\n")));

        var (exit, text, _) = await RunAsync("--error", error);
        var (_, json, _) = await RunAsync("--error", error, "--json");

        Assert.Equal(0, exit);
        Assert.Contains("2 answer(s) broke after nginx had passed their status on", text, StringComparison.Ordinal);
        Assert.Contains("● a response cut short (the upstream's status, not logged) on 127.0.0.1:9999", text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        var incident = document.RootElement.GetProperty("incidents")[0];
        Assert.Equal(("timeout", 0), (incident.GetProperty("cause").GetString(), incident.GetProperty("status").GetInt32()));
        Assert.Equal(2, document.RootElement.GetProperty("stats").GetProperty("responsesCutShort").GetInt64());
    }

    [Fact]
    public async Task RunAsync_GzipInput_IsReadDirectly()
    {
        var source = Path.Combine(Fixtures, "rate-limited-combined");
        var gz = Path.Combine(_dir, "access.log.gz");
        await using (var file = File.Create(gz))
        await using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        {
            await zip.WriteAsync(await File.ReadAllBytesAsync(Path.Combine(source, "access.log")));
        }

        var (exit, output, _) = await RunAsync("--access", gz, "--error", Path.Combine(source, "error.log"), "--json");

        Assert.Equal(0, exit);
        Assert.Contains("\"rate_limited\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NothingParses_FailsNamingTheFormatTried()
    {
        var path = Write("garbage.log", "this is not nginx\nneither is this\n");

        var (exit, _, error) = await RunAsync("--access", path, "--log-format", "combined");

        Assert.Equal(1, exit);
        Assert.Contains("garbage.log", error, StringComparison.Ordinal);
        Assert.Contains("combined", error, StringComparison.Ordinal);
    }

    /// <summary>Lines nothing reads, no format named: bad input, counted and kept as malformed; the report says so, and
    /// the run stands (a paste of fragments is what the person had).</summary>
    [Fact]
    public async Task RunAsync_NothingParsesAndNoFormatNamed_WarnsAndReportsTheMalformedLines()
    {
        var path = Write("fragment.log", "... \"GET /app2/queue/join HTTP/1.1\" 404 22 \"-\" ...\n");

        var (exit, output, error) = await RunAsync("--access", path, "--json");

        Assert.Equal(0, exit);
        Assert.Contains("analyze: warning: no line of", error, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(output);
        Assert.Equal(0, report.RootElement.GetProperty("incidents").GetArrayLength());
        Assert.Equal(1, report.RootElement.GetProperty("stats").GetProperty("malformedLines").GetInt32());
    }

    /// <summary>
    /// A format named from the request on (<c>'"$request" $status …'</c>: its first field quoted by nginx, not a piece of
    /// a directive's quoting) is accepted; lines with no time in it are counted, the run fails as a format named that
    /// read nothing does, and the text report says nothing could be read rather than that nothing failed.
    /// </summary>
    [Fact]
    public async Task RunAsync_FormatFromTheRequestOn_IsTheFormatAndUnreadLinesAreNoAllClear()
    {
        var path = Write("countly.log", "\"GET /o/langmap HTTP/1.1\" 502 559 \"-\" \"Mozilla/5.0\" \"-\" 0.001 0.000 - - /o/langmap 127.0.0.1:3001\n");

        var (exit, output, _) = await RunAsync("--access", path, "--log-format",
            "\"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\" $request_time $upstream_response_time $pipe $upstream_cache_status $uri $upstream_addr");

        Assert.Equal(1, exit);
        Assert.Contains("Read 0 access lines (format: custom), 0 error lines, 1 malformed.", output, StringComparison.Ordinal);
        Assert.Contains("Nothing to report on: none of the 1 line(s) could be read", output, StringComparison.Ordinal);
        Assert.DoesNotContain("no failed requests", output, StringComparison.Ordinal);
    }

    /// <summary>One `docker logs` paste saved twice, once per flag: read once, so no request counts twice.</summary>
    [Fact]
    public async Task RunAsync_SamePasteGivenAsBothKinds_IsReadOnce()
    {
        var paste = string.Join('\n', Enumerable.Range(0, 3).SelectMany(i => new[]
        {
            $"web-1  | 172.18.0.1 - - [24/Nov/2026:10:00:0{i} +0000] \"GET /api/{i} HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"",
            $"web-1  | 2026/11/24 10:00:0{i} [error] 29#29: *{i + 1} connect() failed (111: Connection refused) while connecting to upstream, client: 172.18.0.1, server: _, request: \"GET /api/{i} HTTP/1.1\", upstream: \"http://172.18.0.3:8000/api/{i}\", host: \"localhost\"",
        })) + "\n";
        var access = Write("access.log", paste);
        var error = Write("error.log", paste);

        var (exit, output, _) = await RunAsync("--access", access, "--error", error, "--json");

        Assert.Equal(0, exit);
        using var report = JsonDocument.Parse(output);
        var incident = Assert.Single(report.RootElement.GetProperty("incidents").EnumerateArray());
        Assert.Equal(3, incident.GetProperty("failedRequests").GetInt32());
    }

    /// <summary>Error lines pasted without nginx's time: the incident has none, and JSON says null rather than 1970.</summary>
    [Fact]
    public async Task RunAsync_UntimedPaste_JsonGivesNoTime()
    {
        var path = Write("error.log", "[error] 7#7: *3 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8081/\", host: \"x.test\"\n");

        var (exit, output, _) = await RunAsync("--error", path, "--json");

        Assert.Equal(0, exit);
        using var report = JsonDocument.Parse(output);
        var incident = Assert.Single(report.RootElement.GetProperty("incidents").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("start").ValueKind);
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("end").ValueKind);
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("metrics").GetProperty("baselineStart").ValueKind);
        Assert.DoesNotContain("1970", output, StringComparison.Ordinal);
    }

    /// <summary>nginx's stderr under systemd, a start that failed: the journal's lines are read (nginx's own, the
    /// unit's verdict), so no warning says nothing was, and the DNS failure that kept nginx down is the incident.</summary>
    [Fact]
    public async Task RunAsync_JournalOfAFailedStart_ReadsNginxsStderrWithoutWarning()
    {
        var path = Write("journal.log", string.Join('\n',
            "Dec 19 21:35:19 pi nginx[703]: nginx: [emerg] host not found in upstream \"mempool.space\" in /etc/nginx/snippets/mempool.conf:38",
            "Dec 19 21:35:19 pi nginx[703]: nginx: configuration file /etc/nginx/nginx.conf test failed",
            "Dec 19 21:35:19 pi systemd[1]: nginx.service: Failed with result 'exit-code'.") + "\n");

        var (exit, output, stderr) = await RunAsync("--error", path, "--json");

        Assert.Equal(0, exit);
        Assert.DoesNotContain("no line of", stderr, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(output);
        var incident = Assert.Single(report.RootElement.GetProperty("incidents").EnumerateArray());
        Assert.Equal(("dns", "mempool.space"), (incident.GetProperty("cause").GetString(), incident.GetProperty("upstream").GetString()));
    }

    /// <summary>An access log in a format nothing reads beside an error log that reads: the report stands on the error
    /// log, the unread file is a warning, and the run succeeds.</summary>
    [Fact]
    public async Task RunAsync_OneFileUnreadableBesideOneRead_WarnsAndReportsWhatWasRead()
    {
        var access = Write("access.log", "[11:24:40 +0000]|| \"POST /order HTTP/2.0\"|| 502|| 150\n[11:24:41 +0000]|| \"POST /order HTTP/2.0\"|| 502|| 150\n");
        var error = Write("error.log", string.Join('\n', Enumerable.Range(0, 4).Select(i =>
            $"2026/11/24 10:00:0{i} [error] 7#7: *{i + 1} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: shop.test, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"shop.test\"")) + "\n");

        var (exit, output, stderr) = await RunAsync("--access", access, "--error", error, "--json");

        Assert.Equal(0, exit);
        Assert.Contains("analyze: warning: no line of", stderr, StringComparison.Ordinal);
        Assert.Contains("\"upstream_down\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SomeBadLines_CountsThemAndSucceeds()
    {
        var good = File.ReadAllLines(Path.Combine(Fixtures, "too-big-header-combined", "access.log"));
        var path = Path.Combine(_dir, "mixed.log");
        await File.WriteAllBytesAsync(path, [.. Encoding.UTF8.GetBytes(string.Join('\n', good) + "\n"), 0xff, 0xfe, 0x00, (byte)'\n', .. Encoding.UTF8.GetBytes(new string('x', 70_000) + "\ntruncated [24/Nov\n")]);

        var (exit, output, _) = await RunAsync("--access", path, "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(3, json.RootElement.GetProperty("stats").GetProperty("malformedLines").GetInt64());
        Assert.Equal(good.Length, json.RootElement.GetProperty("stats").GetProperty("accessLines").GetInt64());
    }

    [Fact]
    public async Task RunAsync_EmptyFile_WarnsAndSucceeds()
    {
        var (exit, output, error) = await RunAsync("--access", Write("empty.log", ""), "--json");

        Assert.Equal(0, exit);
        Assert.Contains("empty", error, StringComparison.Ordinal);
        Assert.Contains("\"incidents\": []", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--access")]
    [InlineData("--min-failures", "0", "--access", "x")]
    public async Task RunAsync_BadArguments_ExitTwoWithUsage(params string[] args)
    {
        var (exit, _, error) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Contains("Usage", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingFile_ExitTwo()
    {
        var (exit, _, error) = await RunAsync("--access", Path.Combine(_dir, "nope.log"));
        Assert.Equal(2, exit);
        Assert.Contains("no such file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BadFormat_ExitTwoWithReason()
    {
        var (exit, _, error) = await RunAsync("--access", Write("a.log", "x\n"), "--log-format", "$remote_addr only");
        Assert.Equal(2, exit);
        Assert.Contains("$status", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
