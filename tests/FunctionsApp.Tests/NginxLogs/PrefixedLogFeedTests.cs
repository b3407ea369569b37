using System.Text;
using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Tests.NginxLogs;

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

    private static AnalysisReport Analyze(string dir, AccessLogFormat? format, string prefix) =>
        LogAnalyzer.Analyze(
            [Input("access.log", File.ReadAllLines(Path.Combine(Root, dir, "access.log")).Select(l => prefix + l))],
            [Input("error.log", File.ReadAllLines(Path.Combine(Root, dir, "error.log")).Select(l => prefix + l))],
            format, new DiagnosisOptions(), CancellationToken.None);

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
