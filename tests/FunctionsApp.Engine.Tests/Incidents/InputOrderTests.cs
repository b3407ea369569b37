using System.IO.Compression;
using System.Text;
using FunctionsApp.Incidents;

namespace FunctionsApp.Engine.Tests.Incidents;

public sealed class InputOrderTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "handwritten");

    [Theory]
    [InlineData("php-fpm-and-timeouts-ist")]
    [InlineData("json-keys-pst")]
    public void Analyze_RotatedFilesGivenNewestFirst_SameIncidentsAsTheWholeLogs(string fixture)
    {
        // What `ls` gives: access.log (newest), access.log.1, access.log.2.gz (oldest), and the same for errors.
        var access = Rotated(fixture, "access.log");
        var errors = Rotated(fixture, "error.log");
        var whole = LogAnalyzer.Analyze([Whole(fixture, "access.log")], [Whole(fixture, "error.log")], null, new DiagnosisOptions(), CancellationToken.None);

        var rotated = LogAnalyzer.Analyze([.. access.Reverse()], [.. errors.Reverse()], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.NotEmpty(whole.Incidents);
        Assert.Equal(Summaries(whole), Summaries(rotated));
        Assert.Equal([.. access.Select(a => a.Name)], rotated.Stats.Inputs.Where(i => i.Kind == "access").Select(i => i.Name));
    }

    [Theory]
    [InlineData("php-fpm-and-timeouts-ist")]
    [InlineData("json-keys-pst")]
    public void Analyze_LogsListedNewestFirst_SameIncidentsAsInTheOrderNginxWroteThem(string fixture)
    {
        // A search's export (logcli's default direction, most log UIs): the last line first.
        var whole = LogAnalyzer.Analyze([Whole(fixture, "access.log")], [Whole(fixture, "error.log")], null, new DiagnosisOptions(), CancellationToken.None);

        var reversed = LogAnalyzer.Analyze([NewestFirst(fixture, "access.log")], [NewestFirst(fixture, "error.log")], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.NotEmpty(whole.Incidents);
        Assert.Equal(Summaries(whole), Summaries(reversed));
        Assert.Equal([.. whole.Incidents.Select(i => i.Confidence)], reversed.Incidents.Select(i => i.Confidence));
        Assert.All(reversed.Stats.Inputs, input => Assert.True(input.NewestFirst));
        Assert.All(whole.Stats.Inputs, input => Assert.Null(input.NewestFirst));
    }

    /// <summary>
    /// The rotated access files pasted as one (<c>zcat -f access.log*</c>: the newest first, each in the order nginx
    /// wrote it), beside the whole error log: read run by run in time order, the same incidents as the whole logs.
    /// </summary>
    [Theory]
    [InlineData("php-fpm-and-timeouts-ist")]
    [InlineData("json-keys-pst")]
    public void Analyze_RotatedFilesConcatenatedNewestFirst_SameIncidentsAsTheWholeLogs(string fixture)
    {
        var whole = LogAnalyzer.Analyze([Whole(fixture, "access.log")], [Whole(fixture, "error.log")], null, new DiagnosisOptions(), CancellationToken.None);
        var parts = Rotated(fixture, "access.log").Reverse().Select(p => new StreamReader(p.Open()).ReadToEnd());
        var concatenated = Encoding.UTF8.GetBytes(string.Concat(parts));

        var report = LogAnalyzer.Analyze(
            [new LogInput("access.log*", () => new MemoryStream(concatenated))], [Whole(fixture, "error.log")], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.NotEmpty(whole.Incidents);
        Assert.Equal(Summaries(whole), Summaries(report));
    }

    /// <summary>
    /// What is no set of files concatenated stays as it is: an error log set back an hour by a daylight-saving change
    /// (its times have no zone; the error side reads the change), a file of many runs (several workers' buffered
    /// writes), and one whose shipper's time is wrong on a line (runs whose spans overlap are no files).
    /// </summary>
    [Fact]
    public void Chronological_StepsBackThatAreNoConcatenatedFiles_KeepTheOrder()
    {
        var fallBack = EngineTestKit.Input("error.log", [
            "2026/10/25 01:50:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.2:80/\", host: \"x\"",
            "2026/10/25 01:05:00 [error] 7#7: *2 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.2:80/\", host: \"x\""]);
        var buffered = EngineTestKit.Input("access.log", Enumerable.Range(0, 200).Select(i =>
            $"10.0.0.1 - - [30/Nov/2026:10:{(i % 2 == 0 ? i / 2 % 60 : (i / 2 + 30) % 60):00}:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\""));

        Assert.Same(fallBack.Open, Assert.Single(InputOrder.Chronological([fallBack], CancellationToken.None, errorLogs: true)).Open);
        var strayEpoch = EngineTestKit.Input("access.log", Enumerable.Range(0, 60).Select(i =>
            $"{{\"@timestamp\":\"{(i == 30 ? "1970-01-01T00:00:00.476Z" : $"2026-11-30T10:00:{i:00}.000Z")}\",\"message\":\"10.0.0.1 - - [30/Nov/2026:10:00:{i:00} +0000] \\\"GET / HTTP/1.1\\\" 200 1\"}}"));

        Assert.Same(buffered.Open, Assert.Single(InputOrder.Chronological([buffered], CancellationToken.None)).Open);
        Assert.Same(strayEpoch.Open, Assert.Single(InputOrder.Chronological([strayEpoch], CancellationToken.None)).Open);
    }

    [Theory]
    [InlineData("c\nd\na\nb\n", "a\nb\nc\nd\n")]
    [InlineData("c\nd\na\nb", "a\nb\nc\nd\n")] // the file's last line has no newline: it gets one
    public void RangesInOrder_ReadsTheRangesInTheOrderGiven(string text, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var stream = new RangesInOrder(new MemoryStream(bytes), [(4, bytes.Length), (0, 4)]);

        Assert.Equal(expected, new StreamReader(stream).ReadToEnd());
    }

    /// <summary>
    /// A paste of two lines from a log viewer that lists the newest first (Synology's Docker log export): the access
    /// line of a 504 a minute after another's, and nginx's timeout above an [info] line two seconds later. Both read
    /// oldest first, the timeout joins its 504; one line of each order read forward is the timeout all the same.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Analyze_FewLinesNewestFirst_ReadOldestFirst(bool newestFirst)
    {
        string[] access =
        [
            "2021-08-18 07:34:53\tstdout\t172.19.0.1 - - [18/Aug/2021:07:34:53 +0000] \"GET / HTTP/1.1\" 504 569 \"-\" \"Mozilla/5.0\"",
            "2021-08-18 07:35:54\tstdout\t172.19.0.1 - - [18/Aug/2021:07:35:54 +0000] \"GET /favicon.ico HTTP/1.1\" 504 569 \"-\" \"Mozilla/5.0\"",
        ];
        string[] errors =
        [
            "2021-08-18 07:35:54\tstderr\t2021/08/18 07:35:54 [error] 29#29: *19 upstream timed out (110: Connection timed out) while connecting to upstream, client: 172.19.0.1, server: , request: \"GET /favicon.ico HTTP/1.1\", upstream: \"http://172.19.0.5:3000/favicon.ico\", host: \"192.168.2.201:3001\"",
            "2021-08-18 07:35:56\tstderr\t2021/08/18 07:35:56 [info] 29#29: *19 client 172.19.0.1 closed keepalive connection",
        ];
        if (newestFirst)
        {
            Array.Reverse(access);
            Array.Reverse(errors);
        }

        var report = LogAnalyzer.Analyze([EngineTestKit.Input("access.log", access)], [EngineTestKit.Input("error.log", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Contains(report.Incidents, i => (i.Upstream, i.Cause, i.Status) == ("172.19.0.5:3000", IncidentCause.Timeout, 504));
    }

    [Fact]
    public void Chronological_NewestFirstButCompressed_IsReadAsItIs()
    {
        var lines = Enumerable.Range(0, 10).Reverse().Select(i => $"10.0.0.1 - - [30/Nov/2026:10:00:{i:00} +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"").ToArray();
        var gzip = Gzip(lines);
        var input = new LogInput("export.gz", () => new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress));

        Assert.False(Assert.Single(InputOrder.Chronological([input], CancellationToken.None)).NewestFirst);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("a\nb\nc\n", "c\nb\na\n")]
    [InlineData("a\r\nb\r\n\nc", "c\n\nb\r\na\r\n")]
    [InlineData("time,message\n1,a\n2,b\n", "time,message\n2,b\n1,a\n")]
    public void ReversedLines_KeepsTheHeadFirstAndGivesTheRestLastLineFirst(string text, string expected)
    {
        var head = text.StartsWith("time,", StringComparison.Ordinal) ? "time,message\n".Length : 0;
        using var reversed = new ReversedLines(new MemoryStream(Encoding.UTF8.GetBytes(text)), head);

        Assert.Equal(expected, new StreamReader(reversed).ReadToEnd());
    }

    [Fact]
    public void ReversedLines_LinesLongerThanItsBlock_ComeOutWhole()
    {
        var lines = Enumerable.Range(0, 5).Select(i => new string((char)('a' + i), 50_000 + (i * 30_000))).ToArray();
        using var reversed = new ReversedLines(new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n")), 0);

        Assert.Equal(string.Join('\n', lines.Reverse()) + "\n", new StreamReader(reversed).ReadToEnd());
    }

    [Fact]
    public void Chronological_InputThatCannotBeReopened_KeepsTheGivenOrder()
    {
        var newer = EngineTestKit.Input("newer", ["10.0.0.1 - - [30/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\""]);
        var older = EngineTestKit.Input("older", ["10.0.0.1 - - [30/Nov/2026:09:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\""]) with { CanReopen = false };

        Assert.Equal(["newer", "older"], InputOrder.Chronological([newer, older], CancellationToken.None).Select(i => i.Name));
        Assert.Equal(["older", "newer"], InputOrder.Chronological([newer, older with { CanReopen = true }], CancellationToken.None).Select(i => i.Name));
    }

    [Theory]
    [InlineData("2026/11/30 09:00:01 [error] 7#7: *1 connect() failed", "2026-11-30T09:00:01+00:00")]
    [InlineData("10.0.0.1 - - [30/Nov/2026:10:00:01 +0100] \"GET /2025/01/02 HTTP/1.1\" 502 1", "2026-11-30T09:00:01+00:00")]
    [InlineData("{\"time\":\"2026-11-30T10:00:01+01:00\",\"status\":\"502\"}", "2026-11-30T09:00:01+00:00")]
    [InlineData("1796029201.250 | GET | 502 | 10.0.0.2:80", "2026-11-30T09:00:01.250+00:00")]
    [InlineData("Nov 30 09:00:01 vm nginx: 2026/11/30 09:00:01 [error] 7#7: x", "2026-11-30T09:00:01+00:00")]
    public void TimeIn_EachShape_FirstTimeOfTheLine(string line, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), InputOrder.TimeIn(Encoding.UTF8.GetBytes(line)));

    [Theory]
    [InlineData("GET /a HTTP/1.1 200 12345678901234")]
    [InlineData("")]
    public void TimeIn_NoTime_IsNull(string line) => Assert.Null(InputOrder.TimeIn(Encoding.UTF8.GetBytes(line)));

    /// <summary>
    /// Logs saved as UTF-16 (what Windows PowerShell 5.1's <c>kubectl logs … &gt; file</c> writes), little- or
    /// big-endian with a byte order mark, or little-endian without one: the same incidents as the logs nginx wrote.
    /// </summary>
    [Theory]
    [InlineData("utf-16le-bom")]
    [InlineData("utf-16be-bom")]
    [InlineData("utf-16le")]
    public void Analyze_LogsSavedAsUtf16_SameIncidentsAsTheUtf8Logs(string encoding)
    {
        const string Fixture = "php-fpm-and-timeouts-ist";
        var whole = LogAnalyzer.Analyze([Whole(Fixture, "access.log")], [Whole(Fixture, "error.log")], null, new DiagnosisOptions(), CancellationToken.None);
        var directory = Directory.CreateTempSubdirectory("utf16-");
        try
        {
            var access = SaveAs(Fixture, "access.log", encoding, directory.FullName);
            var errors = SaveAs(Fixture, "error.log", encoding, directory.FullName);

            var report = LogAnalyzer.Analyze([LogInput.FromPath(access)], [LogInput.FromPath(errors)], null, new DiagnosisOptions(), CancellationToken.None);

            Assert.NotEmpty(whole.Incidents);
            Assert.Equal(Summaries(whole), Summaries(report));
            Assert.Equal(0, report.Stats.MalformedLines);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string SaveAs(string fixture, string name, string encoding, string directory)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(Root, fixture, name + ".gz")), CompressionMode.Decompress));
        var text = reader.ReadToEnd();
        byte[] bytes = encoding switch
        {
            "utf-16le-bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
            "utf-16be-bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
            _ => Encoding.Unicode.GetBytes(text),
        };
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static LogInput Whole(string fixture, string name)
    {
        var path = Path.Combine(Root, fixture, name + ".gz");
        return new LogInput(name, () => new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
    }

    /// <summary>The log cut into three files the way logrotate leaves them, oldest first, the oldest gzipped.</summary>
    private static LogInput[] Rotated(string fixture, string name)
    {
        using var reader = new StreamReader(Whole(fixture, name).Open());
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var third = lines.Length / 3;
        byte[][] parts =
        [
            Gzip(lines[..third]),
            Encoding.UTF8.GetBytes(string.Join('\n', lines[third..(2 * third)]) + "\n"),
            Encoding.UTF8.GetBytes(string.Join('\n', lines[(2 * third)..]) + "\n"),
        ];
        return
        [
            new LogInput(name + ".2.gz", () => new GZipStream(new MemoryStream(parts[0]), CompressionMode.Decompress)),
            new LogInput(name + ".1", () => new MemoryStream(parts[1])),
            new LogInput(name, () => new MemoryStream(parts[2])),
        ];
    }

    /// <summary>The whole log, last line first, as a seekable file would give it.</summary>
    private static LogInput NewestFirst(string fixture, string name)
    {
        using var reader = new StreamReader(Whole(fixture, name).Open());
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines.Reverse()) + "\n");
        return new LogInput(name, () => new MemoryStream(bytes));
    }

    private static byte[] Gzip(string[] lines)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Two virtual hosts, each with its own access_log and log_format, given together: the format is detected for each
    /// file, so the second file's failures are read, not counted malformed.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Analyze_TwoFilesInTwoFormats_EachIsReadInItsOwn(bool jsonFirst)
    {
        var begin = new DateTimeOffset(2026, 12, 4, 20, 56, 0, TimeSpan.FromHours(6));
        var shop = new List<string>();
        var blog = new List<string>();
        for (var s = 0; s < 120; s++)
        {
            var time = begin.AddSeconds(s);
            var shopDown = s is >= 40 and < 60;
            shop.Add($"{{\"@timestamp\":\"{time:yyyy-MM-ddTHH:mm:sszzz}\",\"req\":{{\"m\":\"GET\",\"path\":\"/cart/{s}\",\"host\":\"shop.test\"}},"
                + $"\"res\":{{\"code\":{(shopDown ? 502 : 200)},\"size\":{(shopDown ? 157 : 12)}}},\"dur\":0.002,"
                + $"\"backend\":{{\"addr\":\"127.0.0.1:27092\",\"code\":\"{(shopDown ? 502 : 200)}\",\"connect\":\"{(shopDown ? "-" : "0.001")}\"}},\"ip\":\"10.1.2.3\"}}");
            var blogDown = s is >= 80 and < 100;
            blog.Add($"10.1.2.4 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0600] \"GET /post/{s} HTTP/1.1\" {(blogDown ? 504 : 200)} {(blogDown ? 167 : 25)} \"-\" \"curl/8.5.0\" "
                + $"\"blog.test\" {(blogDown ? "60.001" : "0.002")} 127.0.0.1:27093 {(blogDown ? 504 : 200)} 0.001 {(blogDown ? "-" : "0.002")} {(blogDown ? "60.001" : "0.002")}");
        }

        var (json, text) = (EngineTestKit.Input("shop.log", shop), EngineTestKit.Input("blog.log", blog));
        var report = LogAnalyzer.Analyze(jsonFirst ? [json, text] : [text, json], [], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(0, report.Stats.MalformedLines);
        Assert.Equal(
            [("127.0.0.1:27092", IncidentCause.UpstreamDown, 502), ("127.0.0.1:27093", IncidentCause.Timeout, 504)],
            report.Incidents.OrderBy(i => i.Upstream, StringComparer.Ordinal).Select(i => (i.Upstream, i.Cause, i.Status)));
    }

    private static List<string> Summaries(AnalysisReport report) =>
        [.. report.Incidents.Select(i => $"{i.Upstream} {i.Host} {i.Cause} {i.Status} {i.Start:O} {i.FailedRequests}")];
}
