using FunctionsApp.Ingestion;
using FunctionsApp.Ingestion.Internal;

namespace FunctionsApp.Tests.Ingestion;

/// <summary>
/// Access or error, per line: real lines from the committed nginx captures (Fixtures/nginx, every format and scenario)
/// must all land on their own side by shape alone; a file name, when the shipper gives one, wins.
/// </summary>
public sealed class LineKindClassifierTests
{
    public static TheoryData<string, string> FixtureFiles()
    {
        var data = new TheoryData<string, string>();
        var root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx");
        foreach (var directory in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            foreach (var (file, kind) in new[] { ("access.log", "Access"), ("error.log", "Error") })
            {
                // A capture where nginx wrote no error line (the upstream answered the 5xx itself) has nothing to classify.
                if (new FileInfo(Path.Combine(directory, file)).Length > 0)
                {
                    data.Add(Path.Combine(Path.GetFileName(directory), file), kind);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void Classify_RealNginxLinesWithoutHint_TheirOwnLog(string file, string expected)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "nginx", file)).Where(l => l.Length > 0).ToArray();

        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Equal(Enum.Parse<LogKind>(expected), LineKindClassifier.Classify(System.Text.Encoding.UTF8.GetBytes(line), hint: null)));
    }

    [Theory]
    [InlineData("2026/11/30 10:00:00 [error] 31#31: *7 connect() failed (111: Connection refused) while connecting to upstream", null, "Error")]
    [InlineData("2026/11/30 10:00:00 [notice] 1#1: signal process started", null, "Error")]
    [InlineData("192.0.2.1 - - [30/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"curl/8.5\"", null, "Access")]
    [InlineData("{\"time\":\"2026-11-30T10:00:00+00:00\",\"status\":502}", null, "Access")]
    [InlineData("2026-11-30T10:00:00+00:00 GET /x 502", null, "Access")]
    [InlineData("PHP message: PHP Fatal error:  Allowed memory size exhausted", "Error", "Error")]
    [InlineData("2026/11/30 10:00:00 [error] 31#31: *7 looks like an error line", "Access", "Access")]
    public void Classify_HintWinsOverShape(string line, string? hint, string expected)
    {
        Assert.Equal(Enum.Parse<LogKind>(expected), LineKindClassifier.Classify(System.Text.Encoding.UTF8.GetBytes(line), hint is null ? null : Enum.Parse<LogKind>(hint)));
    }

    [Theory]
    [InlineData("/var/log/nginx/error.log", "Error")]
    [InlineData("/var/log/nginx/access.log", "Access")]
    [InlineData("api_error.log", "Error")]
    [InlineData("C:\\nginx\\logs\\Access-2026-11-30.log", "Access")]
    [InlineData("/var/log/error-pages/access.log", "Access")]
    [InlineData("/var/log/nginx/shop.log", null)]
    [InlineData("/var/log/nginx/access_and_error.log", null)]
    [InlineData("", null)]
    public void FromFileName_TheFileNameOnly(string path, string? expected)
    {
        Assert.Equal(expected, LineKindClassifier.FromFileName(path)?.ToString());
    }
}
