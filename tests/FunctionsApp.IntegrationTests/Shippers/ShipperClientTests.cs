using System.Globalization;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Shippers;

/// <summary>
/// Each protocol's real client library from npm, unmodified, sends a mixed stream (access and error lines of two
/// nginx instances and of an unnamed one, files named or not) to one source of kind <c>auto</c> that picks sites from
/// instance attributes; every line must be stored exactly once, in a batch of its own log and its own site. The key
/// travels the way each client sends credentials (header, bearer token, API key, basic auth, HEC token). Real
/// syslog-ng's <c>elasticsearch-http()</c> does the same from files it tails.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ShipperClientTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Source = "fleet";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite, new Dictionary<string, string?>
    {
        [$"Ingestion:Sources:{Source}:Kind"] = "Auto",
        [$"Ingestion:Sources:{Source}:SiteFromAttributes"] = "true",
        [$"Ingestion:Sources:{Source}:Site"] = "fleet-default",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("proto", 11)]
    [InlineData("http", 12)]
    public async Task OpenTelemetryExporter_MixedStreamOfTwoHosts_StoresEveryLineOnceByLogAndSite(string encoding, int seed)
    {
        var records = MixedRecords(seed, count: 600);

        await NodeClient.RunAsync("otlp.js", [encoding], SourceUrl, TestApp.FunctionKey, records);

        await AssertStoredOnceAsync(records);
    }

    [Fact]
    public async Task ElasticsearchBulkHelper_EcsDocuments_StoresEveryLineOnceByLogAndSite()
    {
        var records = MixedRecords(seed: 21, count: 900);

        var output = await NodeClient.RunAsync("elasticsearch.js", [], SourceUrl, TestApp.FunctionKey, records);

        Assert.Contains("\"version\":\"8.19.0\"", output, StringComparison.Ordinal);
        await AssertStoredOnceAsync(records);
    }

    [Fact]
    public async Task WinstonLoki_ProtobufSnappyPushes_StoresEveryLineOnceByLogAndSite()
    {
        var records = MixedRecords(seed: 31, count: 500);

        await NodeClient.RunAsync("loki.js", [], SourceUrl, TestApp.FunctionKey, records);

        await AssertStoredOnceAsync(records);
    }

    [Fact]
    public async Task SplunkLogging_HecEvents_StoresEveryLineOnceByLogAndSite()
    {
        var records = MixedRecords(seed: 41, count: 450);

        await NodeClient.RunAsync("splunk.js", [], SourceUrl, TestApp.FunctionKey, records);

        await AssertStoredOnceAsync(records);
    }

    [Fact]
    public async Task SyslogNgElasticsearchHttp_TailedAccessAndErrorFiles_StoresEveryLineOnceByLog()
    {
        Assert.True(SyslogNgProcess.IsInstalled, "syslog-ng is not installed (scripts/test installs syslog-ng-core, -mod-http and -scl).");
        var directory = Directory.CreateTempSubdirectory("syslog-ng-es-").FullName;
        try
        {
            var access = Path.Combine(directory, "access.log");
            var error = Path.Combine(directory, "error.log");
            var records = MixedRecords(seed: 51, count: 400)
                .Select(r => r with { Host = "web-3", File = IsErrorShaped(r.Line) || r.File?.EndsWith("error.log", StringComparison.Ordinal) == true ? error : access })
                .ToList();
            await File.WriteAllLinesAsync(access, records.Where(r => r.File == access).Select(r => r.Line));
            await File.WriteAllLinesAsync(error, records.Where(r => r.File == error).Select(r => r.Line));
            var url = new Uri(SourceUrl, $"{Source}/_bulk");
            await using var syslogNg = new SyslogNgProcess(directory, $$"""
                source s_nginx { file("{{access}}" flags(no-parse) follow-freq(0.1)); file("{{error}}" flags(no-parse) follow-freq(0.1)); };
                destination d_es {
                  elasticsearch-http(
                    url("{{url}}")
                    index("nginx")
                    type("")
                    user("syslog-ng")
                    password("{{TestApp.FunctionKey}}")
                    template("$(format-json message=${MSG} log.file.path=${FILE_NAME} host.name=web-3)")
                    batch-lines(60)
                    batch-timeout(200)
                    workers(1)
                    persist-name("d_es")
                  );
                };
                log { source(s_nginx); destination(d_es); flags(flow-control); };

                """);

            await syslogNg.StartAsync();
            var deadline = Environment.TickCount64 + 60_000;
            while ((await BatchBlobs.ReadAllLinesAsync(_app.Logs, "raw/")).Count < records.Count)
            {
                Assert.False(syslogNg.HasExited, "syslog-ng exited:\n" + syslogNg.Output);
                Assert.True(Environment.TickCount64 < deadline, "Not every line arrived within 60 s. syslog-ng said:\n" + syslogNg.Output);
                await Task.Delay(250);
            }

            // Acknowledged batches are final: anything sent twice would be here by now.
            await syslogNg.StopAsync();
            await AssertStoredOnceAsync(records);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private Uri SourceUrl => new(_app.BaseAddress, $"/api/ingest/{Source}");

    /// <summary>
    /// Every record's line in exactly one stored batch, of the source <c>fleet.{host}</c> (or <c>fleet</c> without a
    /// host), and of the log its file names, or by its shape when no file is named.
    /// </summary>
    private async Task AssertStoredOnceAsync(IReadOnlyList<NodeClient.Record> records)
    {
        var expected = records
            .Select(r => Key(r.Host is null ? Source : $"{Source}.{r.Host}", ExpectedKind(r), r.Line))
            .Order(StringComparer.Ordinal)
            .ToList();
        var stored = new List<string>();
        foreach (var blob in await BatchBlobs.ListAsync(_app.Logs, "raw/"))
        {
            var source = blob.Name.Split('/')[1];
            var kind = blob.Metadata["kind"];
            Assert.Equal(source, blob.Metadata["source"]);
            if (source != Source)
            {
                Assert.Equal(source[(Source.Length + 1)..], blob.Metadata["site"]);
            }

            foreach (var line in await BatchBlobs.ReadLinesAsync(_app.Logs, blob.Name))
            {
                stored.Add(Key(source, kind, line));
            }
        }

        stored.Sort(StringComparer.Ordinal);
        Assert.Equal(expected.Count, stored.Count);
        Assert.Equal(expected, stored);
    }

    private static string Key(string source, string kind, string line) => $"{source} {kind} {line}";

    private static string ExpectedKind(NodeClient.Record record) =>
        record.File is { } file ? (Path.GetFileName(file).Contains("error", StringComparison.Ordinal) ? "error" : "access")
        : IsErrorShaped(record.Line) ? "error" : "access";

    private static bool IsErrorShaped(string line) => line.Length > 20 && line[4] == '/' && line[7] == '/' && line[20] == '[';

    /// <summary>
    /// Access and error lines of web-1, web-2 and an unnamed instance, interleaved as one pipeline ships them; a third
    /// of the records name their file. Error-log continuation text (no error-line shape) only where the file says
    /// error.log, so the file, not the shape, must decide it.
    /// </summary>
    internal static List<NodeClient.Record> MixedRecords(int seed, int count)
    {
        var random = new Random(seed);
        string?[] hosts = ["web-1", "web-2", null];
        var records = new List<NodeClient.Record>(count);
        for (var i = 0; i < count; i++)
        {
            var host = hosts[random.Next(hosts.Length)];
            var time = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero).AddSeconds(i);
            var named = random.Next(3) == 0;
            var tag = $"{seed}-{i}";
            switch (random.Next(10))
            {
                case < 6:
                    var status = random.Next(5) == 0 ? 502 : 200;
                    records.Add(new NodeClient.Record(
                        string.Create(CultureInfo.InvariantCulture,
                            $"192.0.2.{i % 250} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /orders/{tag}?q=\\\"x\\\" HTTP/1.1\" {status} {i} \"-\" \"curl/8.{i % 9}\""),
                        host, named ? "/var/log/nginx/access.log" : null));
                    break;
                case < 9:
                    records.Add(new NodeClient.Record(
                        string.Create(CultureInfo.InvariantCulture,
                            $"{time:yyyy/MM/dd HH:mm:ss} [error] 31#31: *{i} connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.{i % 250}, server: shop.example.test, request: \"GET /orders/{tag} HTTP/1.1\", upstream: \"http://10.0.0.5:8080/orders/{tag}\", host: \"shop.example.test\""),
                        host, named ? "/var/log/nginx/error.log" : null));
                    break;
                default:
                    // Text nginx wrote into error.log without the error-line head (a FastCGI stderr continuation).
                    records.Add(new NodeClient.Record($"PHP message: PHP Fatal error:  Allowed memory size exhausted in /srv/app/{tag}.php on line 7", host, "/var/log/nginx/error.log"));
                    break;
            }
        }

        return records;
    }
}
