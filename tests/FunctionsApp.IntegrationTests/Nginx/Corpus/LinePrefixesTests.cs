using System.Globalization;
using System.Text;
using FunctionsApp.Incidents;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// Every runtime's and shipper's wrapping the corpus draws leaves the verdict as nginx's own lines give it: the engine
/// unwraps each (text prefixes, CRI, Docker's json-file, Filebeat's and Vector's events) and reads the same incidents.
/// </summary>
public sealed class LinePrefixesTests
{
    private const string Zone = "Asia/Kolkata";
    private static readonly TimeSpan Offset = TimeSpan.FromHours(5.5);
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 10, 0, 0, Offset);

    public static TheoryData<string> Kinds() => [.. CaseDraw.Prefixes];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Wrapped_ReadsAsNginxsOwnLines(string kind)
    {
        var (access, errors) = Logs();
        var prefix = LinePrefixes.Create(kind, Zone, new Random(7));

        var raw = Analyze(access.Select(a => a.Line), errors.Select(e => e.Line));
        var wrapped = Analyze(access.Select(a => prefix.Apply(a.Line, a.Time, error: false)), errors.Select(e => prefix.Apply(e.Line, e.Time, error: true)));

        Assert.Equal($"127.0.0.1:9001 shop.example.com UpstreamDown 502 20 {Start.ToUniversalTime():O}", Assert.Single(raw));
        Assert.True(raw.SequenceEqual(wrapped), string.Join("\n", raw) + "\n---\n" + string.Join("\n", wrapped));
    }

    /// <summary>Two minutes of a shop's traffic, a third of it refused by its upstream with nginx's lines for each.</summary>
    private static ((string Line, DateTimeOffset Time)[] Access, (string Line, DateTimeOffset Time)[] Errors) Logs()
    {
        var access = new List<(string, DateTimeOffset)>();
        var errors = new List<(string, DateTimeOffset)>();
        for (var i = 0; i < 60; i++)
        {
            var time = Start.AddSeconds(2 * i);
            var failed = i % 3 == 0;
            var request = $"GET /orders/{i}?q=\"a&b<c>\" HTTP/1.1";
            access.Add(($"10.1.2.{i % 50} - - [{time.ToString("dd/MMM/yyyy:HH:mm:ss zzz", CultureInfo.InvariantCulture).Remove(24, 1)}] \"{request.Replace("\"", "\\x22", StringComparison.Ordinal)}\" {(failed ? 502 : 200)} 157 \"-\" \"curl/8.5.0\"", time));
            if (failed)
            {
                errors.Add(($"{time:yyyy/MM/dd HH:mm:ss} [error] 29#29: *{i + 1} connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.2.{i % 50}, server: shop.example.com, request: \"{request.Replace("\"", "\\x22", StringComparison.Ordinal)}\", upstream: \"http://127.0.0.1:9001/orders/{i}\", host: \"shop.example.com\"", time));
            }
        }

        return ([.. access], [.. errors]);
    }

    private static string[] Analyze(IEnumerable<string> access, IEnumerable<string> errors)
    {
        var report = LogAnalyzer.Analyze([Input("access", access)], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);
        return [.. report.Incidents.Select(i => $"{i.Upstream} {i.Host} {i.Cause} {i.Status} {i.FailedRequests} {i.Start:O}")];

        static LogInput Input(string name, IEnumerable<string> lines) =>
            new(name, () => new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n")));
    }
}
