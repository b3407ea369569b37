using System.Net;
using System.Text;
using System.Text.Json;
using FunctionsApp.Cli;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Nginx.Upstreams;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// Every published format of <see cref="PublicFormats"/>, written by real nginx in front of an upstream that refuses
/// connections and a healthy one, and read by <c>analyze</c> with nothing told: it must recognise the format (no line
/// malformed), join the error lines to the failed requests, and find one 502 incident, <c>upstream_down</c>, on the
/// refusing upstream and its host, and none on the healthy ones.
/// </summary>
public sealed class PublicFormatsTests
{
    private const string FailingHost = "shop.example.com";
    private const string QuietHost = "www.example.org";
    private const int Failures = 8;

    public static TheoryData<string> Ids() => [.. PublicFormats.All.Select(f => f.Id)];

    [Fact]
    public void All_Harvest_AtLeast25DistinctDirectivesWithSourcesThatNginxCanParse()
    {
        Assert.True(PublicFormats.All.Count >= 25, $"{PublicFormats.All.Count} formats");
        Assert.Equal(PublicFormats.All.Count, PublicFormats.All.Select(f => f.Id).Distinct().Count());
        Assert.Equal(PublicFormats.All.Count, PublicFormats.All.Select(f => f.Parse().Format).Distinct().Count());
        Assert.All(PublicFormats.All, f =>
        {
            Assert.StartsWith("http", f.Source, StringComparison.Ordinal);
            Assert.Contains("$status", f.Parse().Format, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Draw_PublicFamily_DrawsPublishedFormatsAndLeavesTheDefaultDrawAlone()
    {
        var random = new Random(11);
        var drawn = Enumerable.Range(0, 200).Select(_ => CorpusFormats.Draw(random, "public")).ToList();
        Assert.All(drawn, f => Assert.StartsWith("public/", f.Family, StringComparison.Ordinal));
        Assert.True(drawn.Select(f => f.Family).Distinct().Count() >= PublicFormats.All.Count * 3 / 4);

        // The default draw picks among the families it always had: existing seeds draw what they drew before.
        Assert.DoesNotContain("public", CorpusFormats.Families);
        Assert.Contains("public", CorpusFormats.KnownFamilies);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task Analyze_PublishedFormatInFrontOfARefusingUpstream_AutoDetectsAndFindsUpstreamDown(string id)
    {
        var published = PublicFormats.All.Single(f => f.Id == id);
        var format = published.ToCorpusFormat();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var cancellationToken = timeout.Token;

        await using var healthy = LoopbackTcpServer.Start(UpstreamBehaviors.App());
        using var refusing = HeldPort.Refusing();
        await using var lab = NginxLab.Create();
        var port = lab.ReservePort();
        var accessLog = Path.Combine(lab.Prefix, "access.log");
        await lab.StartAsync(Config(format, port, accessLog, healthy.Address, refusing.Address), timeZone: "Asia/Kathmandu", cancellationToken);

        // Normal traffic on both hosts, with the refused requests in the middle of it.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add(await SendAsync(port, i % 2 == 0 ? FailingHost : QuietHost, $"/page/{i}?q={i}", cancellationToken));
            if (i is >= 10 and < 10 + Failures)
            {
                statuses.Add(await SendAsync(port, FailingHost, $"/api/orders/{i}?page=2", cancellationToken));
            }
        }

        await lab.StopAsync(cancellationToken);
        Assert.Equal(Failures, statuses.Count(s => s == HttpStatusCode.BadGateway));

        var accessLines = await File.ReadAllLinesAsync(accessLog, cancellationToken);
        var errorLines = await File.ReadAllLinesAsync(lab.ErrorLogPath, cancellationToken);
        Assert.Equal(30 + Failures, accessLines.Length);
        Assert.Equal(Failures, errorLines.Count(l => l.Contains("(111: Connection refused) while connecting to upstream", StringComparison.Ordinal)));

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AnalyzeCommand.RunAsync(["--access", accessLog, "--error", lab.ErrorLogPath, "--json"], stdout, stderr, cancellationToken);
        var context = $"{id}: exit {exit}\n{published.Directive}\nfirst line: {accessLines[0]}\nstdout: {stdout}\nstderr: {stderr}";
        using var document = JsonDocument.Parse(stdout.ToString().Length > 0 ? stdout.ToString() : "{}");
        var root = document.RootElement;
        Assert.True(root.TryGetProperty("stats", out var stats), context);

        Assert.Equal(0L, stats.GetProperty("malformedLines").GetInt64());
        Assert.Equal(accessLines.Length, stats.GetProperty("accessLines").GetInt64());
        Assert.Equal(Failures, stats.GetProperty("gatewayErrors").GetInt64());

        var incidents = root.GetProperty("incidents").EnumerateArray().ToList();
        var incident = Assert.Single(incidents);
        Assert.True(incident.GetProperty("cause").GetString() == "upstream_down", context);
        Assert.Equal(502, incident.GetProperty("status").GetInt32());
        Assert.Equal(Failures, incident.GetProperty("failedRequests").GetInt32());
        Assert.Equal(refusing.Address, incident.GetProperty("upstream").GetString());
        if (LogsHost(format.Format))
        {
            Assert.Equal(FailingHost, incident.GetProperty("host").GetString());
        }

        // The refusals are the incident's evidence: every error line joined to (or attributed to) its failed request.
        var refused = incident.GetProperty("evidence").EnumerateArray()
            .Where(e => e.GetProperty("source").GetString() == "error"
                        && e.GetProperty("sample").GetString()!.Contains("(111: Connection refused)", StringComparison.Ordinal))
            .Sum(e => e.GetProperty("count").GetInt32());
        Assert.True(refused == Failures, $"{refused} refusals in the evidence\n{context}");
    }

    private static bool LogsHost(string format) =>
        format.Contains("$host", StringComparison.Ordinal) || format.Contains("$http_host", StringComparison.Ordinal)
        || format.Contains("$server_name", StringComparison.Ordinal);

    private static async Task<HttpStatusCode> SendAsync(int port, string host, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}{path}"));
        request.Headers.Host = host;
        request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Referrer = new Uri($"https://{host}/");
        using var response = await LabHttp.Client.SendAsync(request, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.StatusCode;
    }

    private static string Config(CorpusFormat format, int port, string accessLog, string healthy, string refusing)
    {
        var config = new StringBuilder();
        config.AppendLine(format.Directive);
        if (format.UsesIngressVariables)
        {
            config.AppendLine(CorpusFormats.IngressVariables);
        }

        if (format.Setup is { } setup)
        {
            config.AppendLine(setup);
        }

        config.AppendLine("set_real_ip_from 127.0.0.1;\nreal_ip_header X-Forwarded-For;");
        var ingress = format.UsesIngressVariables
            ? "    set $proxy_upstream_name \"default-web-80\";\n    set $proxy_alternative_upstream_name \"\";\n"
            : string.Empty;
        foreach (var host in new[] { FailingHost, QuietHost })
        {
            var api = host == FailingHost ? $"    location /api/ {{ proxy_pass http://{refusing}; }}\n" : string.Empty;
            config.AppendLine($$"""
                server {
                    listen 127.0.0.1:{{port}};
                    server_name {{host}};
                    access_log {{accessLog}} {{format.Name}};
                {{ingress}}    location / { proxy_pass http://{{healthy}}; }
                {{api}}}
                """);
        }

        return config.ToString();
    }
}
