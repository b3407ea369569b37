using System.Text;
using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class PrettyJsonLinesTests
{
    [Fact]
    public void Wrap_IndentedArray_OneRecordALine()
    {
        object[] records =
        [
            new { textPayload = "a {b} [c] \"d\", e\n", timestamp = "2026-11-20T10:00:01Z", labels = new { k = "v" } },
            new { textPayload = "\\\"}", timestamp = "2026-11-20T10:00:00Z", labels = new { k = new[] { 1, 2 } } },
        ];
        var text = JsonSerializer.Serialize(records, new JsonSerializerOptions { WriteIndented = true });

        var lines = Read(text);

        Assert.Equal(2, lines.Length);
        Assert.Equal(JsonSerializer.Serialize(records[0]), Compact(lines[0]));
        Assert.Equal(JsonSerializer.Serialize(records[1]), Compact(lines[1]));
    }

    [Fact]
    public void Wrap_IndentedRecordsOneAfterAnother_OneRecordALine()
    {
        // `jq .` over a shipper's file: each record indented, one after the other.
        var text = "{\n  \"log\": \"x\\n\",\n  \"stream\": \"stderr\"\n}\n{\n  \"log\": \"y\\n\",\n  \"stream\": \"stdout\"\n}\n";

        var lines = Read(text);

        Assert.Equal(["{\"log\":\"x\\n\",\"stream\":\"stderr\"}", "{\"log\":\"y\\n\",\"stream\":\"stdout\"}"], lines.Select(Compact));
    }

    [Theory]
    [InlineData("{\"log\":\"a\\n\"}\n{\"log\":\"b\\n\"}\n")]
    [InlineData("[{\"log\":\"a\\n\"},{\"log\":\"b\\n\"}]\n")]
    [InlineData("[pod/web-1/nginx] 10.0.0.1 - - [20/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"\n")]
    [InlineData("[20/Nov/2026:10:00:00 +0000] 10.0.0.1 \"GET / HTTP/1.1\" 200\n[20/Nov/2026:10:00:01 +0000] 10.0.0.1 \"GET / HTTP/1.1\" 200\n")]
    [InlineData("{ \"time\": \"2026-11-20T10:00:00+00:00\", \"status\": 200 }\n")]
    [InlineData("[\n  \"not records\"\n]\n")]
    [InlineData("")]
    public void Wrap_NotIndentedRecords_PassesAsItIs(string text)
    {
        using var stream = PrettyJsonLines.Wrap(new MemoryStream(Encoding.UTF8.GetBytes(text)));

        Assert.Equal(text, new StreamReader(stream).ReadToEnd());
    }

    [Fact]
    public void Wrap_ByteOrderMark_IsDropped()
    {
        var lines = Read("\uFEFF[\r\n  {\r\n    \"message\": \"m\"\r\n  }\r\n]\r\n");

        Assert.Equal(["{\"message\":\"m\"}"], lines.Select(Compact));
    }

    /// <summary>
    /// Logstash's <c>stdout { codec =&gt; rubydebug }</c>: each event indented in Ruby's notation, keys aligned on their
    /// arrows, the time and numbers bare. One JSON record a line, the strings as they were.
    /// </summary>
    [Fact]
    public void Wrap_LogstashRubydebug_OneJsonRecordALine()
    {
        var text = """
            {
                  "@version" => "1",
                      "host" => {
                    "name" => "web-01"
                },
                "@timestamp" => 2026-12-04T21:12:45.593Z,
                       "log" => {
                    "offset" => 77122
                },
                   "message" => "127.0.0.1 - - [04/Dec/2026:18:12:45 -0300] \"GET /a=>b HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"",
                      "tags" => nil
            }
            {
                   "message" => "2026/12/04 18:12:45 [error] 951#951: *13 connect() failed (111: Connection refused)"
            }

            """;

        var lines = Read(text);

        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("127.0.0.1 - - [04/Dec/2026:18:12:45 -0300] \"GET /a=>b HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"", first.RootElement.GetProperty("message").GetString());
        Assert.Equal("2026-12-04T21:12:45.593Z", first.RootElement.GetProperty("@timestamp").GetString());
        Assert.Equal(("web-01", "77122", "nil"), (first.RootElement.GetProperty("host").GetProperty("name").GetString(),
            first.RootElement.GetProperty("log").GetProperty("offset").GetString(), first.RootElement.GetProperty("tags").GetString()));
        using var second = JsonDocument.Parse(lines[1]);
        Assert.StartsWith("2026/12/04 18:12:45 [error]", second.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Wrap_RecordsBeyondTheHead_StreamThrough()
    {
        var records = Enumerable.Range(0, 5_000).Select(i => new { message = new string('x', i % 50) + "}{[\"", n = i }).ToArray();
        var text = JsonSerializer.Serialize(records, new JsonSerializerOptions { WriteIndented = true });

        var lines = Read(text);

        Assert.Equal(records.Select(r => JsonSerializer.Serialize(r)), lines.Select(Compact));
    }

    /// <summary>
    /// A log UI's export (<c>gcloud logging read --format=json</c>): an indented array, newest record first, each holding
    /// nginx's line. Read as the lines nginx wrote, oldest first: one outage, not two halves.
    /// </summary>
    [Fact]
    public void Analyze_IndentedExportsNewestFirst_ReadAsTheLogsNginxWrote()
    {
        var start = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        var access = new List<object>();
        var errors = new List<object>();
        for (var i = 0; i < 300; i++)
        {
            var time = start.AddSeconds(i);
            var down = i is >= 120 and < 200;
            access.Add(new { textPayload = $"10.0.0.{i % 200} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/{i} HTTP/1.1\" {(down ? 502 : 200)} 157 \"-\" \"Mozilla/5.0\"\n", timestamp = time.ToString("O") });
            if (down)
            {
                errors.Add(new { textPayload = $"{time:yyyy/MM/dd HH:mm:ss} [error] 29#29: *{i} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.{i % 200}, server: _, request: \"GET /api/{i} HTTP/1.1\", upstream: \"http://10.4.0.9:8080/api/{i}\", host: \"shop.example\"\n", timestamp = time.ToString("O") });
            }
        }

        var directory = Directory.CreateTempSubdirectory("pretty-json-");
        try
        {
            // As gcloud writes it: indented, and "+" and quotes as they are.
            var indented = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            File.WriteAllText(Path.Combine(directory.FullName, "access.json"), JsonSerializer.Serialize(Enumerable.Reverse(access), indented));
            File.WriteAllText(Path.Combine(directory.FullName, "error.json"), JsonSerializer.Serialize(Enumerable.Reverse(errors), indented));

            var report = LogAnalyzer.Analyze(
                [LogInput.FromPath(Path.Combine(directory.FullName, "access.json"))], [LogInput.FromPath(Path.Combine(directory.FullName, "error.json"))],
                null, new DiagnosisOptions(), CancellationToken.None);

            var incident = Assert.Single(report.Incidents);
            Assert.Equal((IncidentCause.UpstreamDown, 80, 120L), (incident.Cause, incident.FailedRequests, incident.SuccessesBefore));
            Assert.All(report.Stats.Inputs, input => Assert.Equal((input.Lines, input.Parsed, "json:textPayload", true), (input.Lines, input.Lines, input.Prefix, input.NewestFirst)));
            Assert.Equal(380, report.Stats.Inputs.Sum(i => i.Parsed));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string[] Read(string text)
    {
        using var stream = PrettyJsonLines.Wrap(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        return new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The record as <see cref="JsonSerializer"/> writes it without indenting: the same tokens, in order.</summary>
    private static string Compact(string line) => JsonSerializer.Serialize(JsonDocument.Parse(line).RootElement);
}
