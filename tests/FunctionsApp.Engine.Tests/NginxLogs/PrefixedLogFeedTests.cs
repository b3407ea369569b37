using System.Globalization;
using System.Text;
using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

/// <summary>
/// The committed real-nginx fixtures with the prefixes runtimes and shippers put on every line: the analysis reads
/// every line, reports the prefix per input and finds the same incidents as on the bare logs.
/// </summary>
public sealed class PrefixedLogFeedTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx");

    public static TheoryData<string, string> Prefixes() => new()
    {
        { "syslog-rfc3164", "Nov 24 05:22:04 web-01 nginx: " },
        { "syslog-rfc5424", "<190>1 2026-11-24T05:22:04.000+00:00 web-01 nginx - - - " },
        { "syslog-iso", "2026-11-24T05:22:04.123456+00:00 web-01 nginx[812]: " },
        { "rfc3339", "2026-11-24T05:22:04.434123456Z " },
        { "cri", "2026-11-24T05:22:04.434123456Z stdout F " },
        { "docker-compose", "nginx-1  | " },
        { "kubectl-prefix", "[pod/web-7d9f8b-x2k/nginx] " },
        { "docker-compose+rfc3339", "nginx-1  | 2026-11-24T05:22:04.434123456Z " },
        { "papertrail-archive", "50342052\t2026-11-24 05:22:04 +0000\t2026-11-24 05:22:05 +0000\t42424\tweb-01\t203.0.113.7\tLocal7\tInfo\tnginx\t" },
        // stern's colours: the pod and container names in terminal escapes (not nginx's: it logs ESC as \x1B)
        { "ansi-colours+word+word", "\u001b[32mweb-7d9f8b-x2k\u001b[0m \u001b[36mnginx\u001b[0m " },
    };

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void Analyze_PrefixedFixtureWithFormat_SameIncidentsAsBare(string name, string prefix)
    {
        var format = Format("mixed-custom");
        var bare = Analyze("mixed-custom", format, prefix: "");
        var prefixed = Analyze("mixed-custom", format, prefix);

        Assert.Equal(0, prefixed.Stats.MalformedLines);
        Assert.All(prefixed.Stats.Inputs, input => Assert.Equal(name, input.Prefix));
        Assert.Equal(Summary(bare), Summary(prefixed));
        Assert.NotEmpty(bare.Incidents);
    }

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void Analyze_PrefixedFixtureWithoutFormat_DetectsFormatAndPrefix(string name, string prefix)
    {
        var bare = Analyze("mixed-combined", format: null, prefix: "");
        var prefixed = Analyze("mixed-combined", format: null, prefix);

        Assert.Equal("combined", prefixed.Stats.Format);
        Assert.Equal(0, prefixed.Stats.MalformedLines);
        Assert.All(prefixed.Stats.Inputs, input => Assert.Equal(name, input.Prefix));
        Assert.Equal(Summary(bare), Summary(prefixed));
    }

    /// <summary>JSON wrappers, each line a JSON string inside them (quotes and backslashes escaped).</summary>
    public static TheoryData<string, string> Envelopes() => new()
    {
        // Docker's json-file driver keeps the newline and stamps the time.
        { "json:log", "{\"log\":%LINE%\\n,\"stream\":\"stdout\",\"time\":\"2026-11-24T05:22:04.434123456Z\"}" },
        { "json:log", "{\"date\":1764000000.123,\"log\":%LINE%}" }, // Fluent Bit's file output
        { "json:message", "{\"@timestamp\":\"2026-11-24T05:22:04.434Z\",\"host\":{\"name\":\"web-01\"},\"log\":{\"file\":{\"path\":\"/var/log/nginx/x.log\"}},\"message\":%LINE%}" },
        { "json:MESSAGE", "{\"__REALTIME_TIMESTAMP\":\"1764000000123456\",\"SYSLOG_IDENTIFIER\":\"nginx\",\"MESSAGE\":%LINE%}" }, // journalctl -o json

        // Datadog's log archives: "status" is the log level there, not an HTTP status.
        { "json:message", "{\"_id\":\"AZfa9ed0\",\"date\":\"2026-11-24T05:22:04.000Z\",\"service\":\"nginx\",\"status\":\"info\",\"message\":%LINE%,\"tags\":[\"source:nginx\"]}" },

        // Splunk's REST export (search/jobs/export, output_mode=json): one result a line.
        { "json:result._raw", "{\"preview\":false,\"offset\":0,\"result\":{\"_raw\":%LINE%,\"_time\":\"2026-11-24 05:22:04.000 UTC\",\"host\":\"web-01\"}}" },

        // A key no shipper here uses: the one whose strings are nginx's lines.
        { "json:content", "{\"ts\":\"2026-11-24T05:22:04.000Z\",\"level\":\"info\",\"content\":%LINE%,\"source\":\"/var/log/nginx/x.log\"}" },

        // Filebeat's nginx module: its pipeline cut message to the text after the head; event.original is the line.
        { "json:event.original", "{\"@timestamp\":\"2026-11-24T05:22:04.000Z\",\"log\":{\"level\":\"error\"},\"message\":\"upstream timed out\",\"event\":{\"original\":%LINE%,\"dataset\":\"nginx.error\"}}" },
    };

    [Theory]
    [MemberData(nameof(Envelopes))]
    public void Analyze_WrappedFixture_UnwrapsEveryLineWithOrWithoutFormat(string name, string envelope)
    {
        var bare = Analyze("mixed-combined", format: null, prefix: "");
        var detected = Analyze("mixed-combined", format: null, line => Wrap(envelope, line));
        var given = Analyze("mixed-custom", Format("mixed-custom"), line => Wrap(envelope, line));

        Assert.Equal("combined", detected.Stats.Format);
        Assert.Equal(0, detected.Stats.MalformedLines);
        Assert.Equal(0, given.Stats.MalformedLines);
        Assert.All(detected.Stats.Inputs.Concat(given.Stats.Inputs), input => Assert.Equal(name, input.Prefix));
        Assert.Equal(Summary(bare), Summary(detected));
        Assert.Equal(Summary(Analyze("mixed-custom", Format("mixed-custom"), prefix: "")), Summary(given));
    }

    /// <summary>
    /// Shippers that write several records on one line, or one record in a print that is not JSON: each record is read
    /// as a line of its own, with the time its shipper stamped.
    /// </summary>
    [Theory]
    [InlineData("fluent-bit-json")] // Fluent Bit's stdout/file output, format json: one array of records per flush
    [InlineData("otlp-json")] // the OpenTelemetry Collector's file exporter: one export request per line
    [InlineData("fluent-bit-print")] // Fluent Bit's stdout output by default: the record printed as msgpack
    [InlineData("cloudwatch-events")] // aws logs filter-log-events / get-log-events
    [InlineData("insights-results")] // aws logs get-query-results: rows of field/value pairs
    [InlineData("elasticsearch-hits")] // _search: hits.hits[]._source, Filebeat's nginx module inside
    [InlineData("elasticsearch-hit")] // one hit a line, as export tools write them
    [InlineData("splunk-results")] // Splunk's results, output_mode=json
    [InlineData("graylog-messages")] // Graylog's search API
    [InlineData("loki-streams")] // Loki's query_range: [nanoseconds, line] pairs
    public void Analyze_SeveralRecordsOnALine_ReadsEachRecord(string shape)
    {
        string Record(string line) => shape switch
        {
            "fluent-bit-print" => $"[0] tail.0: [[1764000000.123456789, {{}}], {{\"log\"=>{JsonSerializer.Serialize(line)}, \"stream\"=>\"stdout\"}}]",
            "otlp-json" => $"{{\"timeUnixNano\":\"1764000000123456789\",\"severityText\":\"INFO\",\"body\":{{\"stringValue\":{JsonSerializer.Serialize(line)}}},\"attributes\":[]}}",
            "cloudwatch-events" => $"{{\"logStreamName\":\"i-0a1b/nginx\",\"timestamp\":1764000000123,\"message\":{JsonSerializer.Serialize(line)},\"ingestionTime\":1764000000456,\"eventId\":\"3700\"}}",
            "insights-results" => $"[{{\"field\":\"@timestamp\",\"value\":\"2026-11-24 05:22:04.000\"}},{{\"field\":\"@message\",\"value\":{JsonSerializer.Serialize(line)}}},{{\"field\":\"@ptr\",\"value\":\"Cm0K\"}}]",
            "elasticsearch-hits" or "elasticsearch-hit" => $"{{\"_index\":\"filebeat-8\",\"_id\":\"Xk06\",\"_source\":{{\"@timestamp\":\"2026-11-24T05:22:04.000Z\",\"message\":\"cut by the pipeline\",\"event\":{{\"original\":{JsonSerializer.Serialize(line)},\"module\":\"nginx\"}}}}}}",
            "splunk-results" => $"{{\"_raw\":{JsonSerializer.Serialize(line)},\"_time\":\"2026-11-24T05:22:04.000+00:00\",\"host\":\"web-01\"}}",
            "graylog-messages" => $"{{\"highlight_ranges\":{{}},\"message\":{{\"message\":{JsonSerializer.Serialize(line)},\"source\":\"web-01\",\"timestamp\":\"2026-11-24T05:22:04.000Z\"}},\"index\":\"graylog_0\"}}",
            "loki-streams" => $"[\"1764000000123456789\",{JsonSerializer.Serialize(line)}]",
            _ => $"{{\"date\":1764000000.123456,\"log\":{JsonSerializer.Serialize(line)}}}",
        };
        IEnumerable<string> Batch(string file) => File.ReadAllLines(file).Chunk(shape is "fluent-bit-print" or "elasticsearch-hit" ? 1 : 7).Select(records => shape switch
        {
            "fluent-bit-print" or "elasticsearch-hit" => Record(records[0]),
            "otlp-json" => $"{{\"resourceLogs\":[{{\"resource\":{{\"attributes\":[]}},\"scopeLogs\":[{{\"scope\":{{}},\"logRecords\":[{string.Join(',', records.Select(Record))}]}}]}}]}}",
            "cloudwatch-events" => $"{{\"events\":[{string.Join(',', records.Select(Record))}],\"searchedLogStreams\":[]}}",
            "insights-results" => $"{{\"results\":[{string.Join(',', records.Select(Record))}],\"statistics\":{{\"recordsMatched\":7.0}},\"status\":\"Complete\"}}",
            "elasticsearch-hits" => $"{{\"took\":12,\"timed_out\":false,\"hits\":{{\"total\":{{\"value\":7}},\"hits\":[{string.Join(',', records.Select(Record))}]}}}}",
            "splunk-results" => $"{{\"preview\":false,\"init_offset\":0,\"messages\":[],\"fields\":[{{\"name\":\"_raw\"}}],\"results\":[{string.Join(',', records.Select(Record))}]}}",
            "graylog-messages" => $"{{\"query\":\"source:web-01\",\"messages\":[{string.Join(',', records.Select(Record))}],\"total_results\":7}}",
            "loki-streams" => $"{{\"status\":\"success\",\"data\":{{\"resultType\":\"streams\",\"result\":[{{\"stream\":{{\"job\":\"nginx\"}},\"values\":[{string.Join(',', records.Select(Record))}]}}]}}}}",
            _ => $"[{string.Join(',', records.Select(Record))}]",
        });

        var report = LogAnalyzer.Analyze(
            [Input("access.log", Batch(Path.Combine(Root, "mixed-combined", "access.log")))],
            [Input("error.log", Batch(Path.Combine(Root, "mixed-combined", "error.log")))],
            format: null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal("combined", report.Stats.Format);
        Assert.Equal(0, report.Stats.MalformedLines);
        Assert.All(report.Stats.Inputs, input => Assert.StartsWith("record-batches+", input.Prefix, StringComparison.Ordinal));
        Assert.Equal(Summary(Analyze("mixed-combined", format: null, prefix: "")), Summary(report));
    }

    /// <summary>
    /// <c>journalctl -o export</c> (what systemd-journal-upload sends): each line an entry of field lines and a blank
    /// line; the message is read, the metadata is neither a line nor malformed.
    /// </summary>
    [Fact]
    public void Analyze_JournalExportEntries_ReadsEachMessageAndSkipsTheirMetadata()
    {
        var entry = 0;
        string Export(string line) =>
            $"__CURSOR=s=0d1e2f;i={++entry:x};b=7a1b;m=6618f96e3e800;t=6618f96e3e800;x=1\n__REALTIME_TIMESTAMP=1764000000123456\n" +
            $"__MONOTONIC_TIMESTAMP=96119200000000\n_BOOT_ID=7a1b2c3d4e5f60718293a4b5c6d7e8f9\nPRIORITY=6\nSYSLOG_IDENTIFIER=nginx\n" +
            $"_TRANSPORT=syslog\n_HOSTNAME=web-01\nMESSAGE={line}\n";

        var detected = Analyze("mixed-combined", format: null, Export);
        var given = Analyze("mixed-custom", Format("mixed-custom"), Export);

        Assert.Equal("combined", detected.Stats.Format);
        Assert.Equal((0, 0), (detected.Stats.MalformedLines, given.Stats.MalformedLines));
        Assert.All(detected.Stats.Inputs.Concat(given.Stats.Inputs), input => Assert.Equal("journal-export", input.Prefix));
        Assert.Equal(Summary(Analyze("mixed-combined", format: null, prefix: "")), Summary(detected));
        Assert.Equal(Summary(Analyze("mixed-custom", Format("mixed-custom"), prefix: "")), Summary(given));
        Assert.NotEmpty(detected.Incidents);
    }

    [Fact]
    public void Analyze_WrappedLinesWithARuntimePrefixInside_ReadsBoth()
    {
        var report = Analyze("mixed-combined", format: null, line => Wrap("{\"log\":%LINE%}", "nginx-1  | " + line));

        Assert.Equal(0, report.Stats.MalformedLines);
        Assert.All(report.Stats.Inputs, input => Assert.Equal("json:log+docker-compose", input.Prefix));
        Assert.Equal(Summary(Analyze("mixed-combined", format: null, prefix: "")), Summary(report));
    }

    [Fact]
    public void Analyze_SecondInputWithoutPrefix_IsReadBare()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "mixed-combined", "access.log"));
        var half = lines.Length / 2;
        var report = LogAnalyzer.Analyze(
            [Input("a.log", lines[..half].Select(l => "nginx-1  | " + l)), Input("b.log", lines[half..])],
            [Input("error.log", File.ReadAllLines(Path.Combine(Root, "mixed-combined", "error.log")))],
            null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(0, report.Stats.MalformedLines);
        Assert.Equal(["docker-compose", null, null], report.Stats.Inputs.Select(i => i.Prefix));
    }

    /// <summary>
    /// A log_format without a time variable (Harbor's proxy: <c>$remote_addr - "$request" $status …</c>), written to
    /// stdout and read from the node's CRI files or <c>kubectl logs --timestamps</c>: each line is timed by the runtime's
    /// stamp, within a second of nginx's own. Without such a stamp the lines have no time at all, and stay unread.
    /// </summary>
    [Theory]
    [InlineData("2024-09-27T06:21:{0:00}.016523000Z stdout F ", 80)]
    [InlineData("2024-09-27T06:21:{0:00}.016523000+00:00 ", 80)]
    [InlineData("", 0)]
    public void Analyze_FormatWithoutATime_IsTimedByTheRuntimesStamp(string stamp, int read)
    {
        Assert.True(AccessLogFormat.TryCompile("$remote_addr - \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time $upstream_response_time $pipe", out var format, out var error), error);
        var lines = Enumerable.Range(0, 80).Select(i =>
            string.Format(CultureInfo.InvariantCulture, stamp, i % 60) + $"172.31.10.{i % 7} - \"POST /v2/pg/nginx/blobs/uploads/ HTTP/1.1\" {(i >= 70 ? 502 : 202)} 0 \"-\" \"docker/27.3.1\" 0.{i + 10:000} {(i >= 70 ? "0.001" : "0.015")} .");

        var report = LogAnalyzer.Analyze([Input("proxy.log", lines)], [], format, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(read, report.Stats.AccessLines);
        Assert.Equal(read > 0 ? 1 : 0, report.Incidents.Count);
    }

    /// <summary>
    /// Harbor's <c>proxy.log</c>: the same format fed to its log container's syslog, each line under an RFC 3164
    /// header (<c>Nov  6 10:12:07 172.18.0.1 proxy[866]: </c>), which gives a month, a day and a clock, no year and no
    /// zone. Detected without <c>--log-format</c>, the lines are timed by it, in the error log's year when an error log
    /// read first gives one (else 1970, said in the stats), and read like a zoneless time in the error log's offset.
    /// </summary>
    [Theory]
    [InlineData(false, 1970)]
    [InlineData(true, 2018)]
    public void Analyze_HarborsProxyLogUnderSyslogHeaders_IsTimedByThemInAYearItSays(bool withErrorLog, int year)
    {
        var lines = Enumerable.Range(0, 40).Select(i =>
            $"Nov  6 10:12:{i:00} 172.18.0.1 proxy[866]: 192.168.100.{i % 5} - \"HEAD /v2/app/test/blobs/sha256:{i:x64} HTTP/1.1\" {(i >= 30 ? 502 : 200)} 0 \"-\" \"harbor-registry-client\" 0.0{i:00} 0.0{i:00} .");
        string[] errors = withErrorLog
            ? ["Nov  6 10:11:59 172.18.0.1 proxy[866]: 2018/11/06 10:11:59 [notice] 1#1: signal process started"]
            : [];

        var report = LogAnalyzer.Analyze([Input("proxy.log", lines)], [Input("error.log", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal(("harbor", 40L, 40L, year), (report.Stats.Format, report.Stats.AccessLines, report.Stats.YearlessAccessLines, report.Stats.YearAssumed));
        var incident = Assert.Single(report.Incidents);
        Assert.Equal((10, new DateTimeOffset(year, 11, 6, 10, 12, 30, TimeSpan.Zero)), (incident.FailedRequests, incident.Start));
    }

    /// <summary>
    /// Harbor's proxy log where the syslog host's clock is not nginx's (the host at +08:00, nginx's container at UTC):
    /// an error line with both tells how far the header runs ahead, whole hours, and the access lines only a header
    /// timed are moved back by it onto nginx's clock, where the error lines of the same requests are: one incident whose
    /// failures are the access log's requests, each joined to its refusal, at nginx's time.
    /// </summary>
    [Theory]
    [InlineData(8)]
    [InlineData(-5)]
    [InlineData(0)]
    public void Analyze_SyslogHeaderAheadOfNginxsClock_JoinsTheAccessLinesItTimedOnNginxsClock(int hoursAhead)
    {
        var nginx = new DateTimeOffset(2017, 5, 16, 3, 13, 40, TimeSpan.Zero);
        string Header(DateTimeOffset t) => (t + TimeSpan.FromHours(hoursAhead)).ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture) + " localhost proxy[1079]: ";
        var access = Enumerable.Range(0, 4).Select(i => Header(nginx.AddSeconds(i))
            + $"192.168.74.20 - \"GET /page/{i} HTTP/1.1\" 502 575 \"-\" \"Mozilla/5.0\" 0.00{i} 0.00{i} .");
        var errors = Enumerable.Range(0, 4).Select(i => Header(nginx.AddSeconds(i))
            + $"{nginx.AddSeconds(i):yyyy/MM/dd HH:mm:ss} [error] 5#5: *{i + 2} connect() failed (111: Connection refused) while connecting to upstream, client: 192.168.74.20, server: , request: \"GET /page/{i} HTTP/1.1\", upstream: \"http://172.18.0.3:80/page/{i}\", host: \"192.168.74.29\"");

        var report = LogAnalyzer.Analyze([Input("proxy.log", access)], [Input("error.log", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("172.18.0.3:80", IncidentCause.UpstreamDown, 4, nginx), (incident.Upstream, incident.Cause, incident.FailedRequests, incident.Start));
    }

    private static AnalysisReport Analyze(string dir, AccessLogFormat? format, string prefix) =>
        Analyze(dir, format, line => prefix + line);

    private static AnalysisReport Analyze(string dir, AccessLogFormat? format, Func<string, string> transform) =>
        LogAnalyzer.Analyze(
            [Input("access.log", File.ReadAllLines(Path.Combine(Root, dir, "access.log")).Select(transform))],
            [Input("error.log", File.ReadAllLines(Path.Combine(Root, dir, "error.log")).Select(transform))],
            format, new DiagnosisOptions(), CancellationToken.None);

    private static string Wrap(string envelope, string line)
    {
        var quoted = JsonSerializer.Serialize(line);
        return envelope.Contains("%LINE%\\n", StringComparison.Ordinal)
            ? envelope.Replace("%LINE%\\n", quoted[..^1] + "\\n\"", StringComparison.Ordinal)
            : envelope.Replace("%LINE%", quoted, StringComparison.Ordinal);
    }

    private static List<string> Summary(AnalysisReport report) =>
        [.. report.Incidents.Select(i => $"{i.Upstream} {i.Host} {i.Status} {i.Cause} {i.FailedRequests}")];

    private static AccessLogFormat Format(string dir)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "formats.json")));
        var id = manifest.RootElement.GetProperty("fixtures").EnumerateArray().Single(f => f.GetProperty("dir").GetString() == dir).GetProperty("format").GetString()!;
        var spec = manifest.RootElement.GetProperty("formats").GetProperty(id).GetProperty("declaration").GetString()!;
        Assert.True(AccessLogFormat.TryCompile(spec, out var format, out var error), error);
        return format;
    }

    private static LogInput Input(string name, IEnumerable<string> lines)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        return new LogInput(name, () => new MemoryStream(bytes));
    }
}
