using System.Text.Json;
using FunctionsApp.Incidents;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// Access and error lines of one failure, as people posted them in public threads about their 502s (prefixes, masked
/// addresses and all): Fixtures/real-threads, each case with its source and what the thread found. Analysed as
/// <c>analyze</c> does with default options, each must give exactly its labelled incidents (status, cause, upstream).
/// </summary>
public sealed class RealThreadCaseTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "real-threads");

    public static TheoryData<string> Cases() => [.. Load().Select(c => c.GetProperty("id").GetString()!)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Analyze_PostedLines_GiveTheLabelledIncidents(string id)
    {
        var label = Load().Single(c => c.GetProperty("id").GetString() == id);
        var dir = Path.Combine(Root, id);
        var access = File.Exists(Path.Combine(dir, "access.log")) ? [LogInput.FromPath(Path.Combine(dir, "access.log"))] : Array.Empty<LogInput>();
        var errors = File.Exists(Path.Combine(dir, "error.log")) ? [LogInput.FromPath(Path.Combine(dir, "error.log"))] : Array.Empty<LogInput>();

        var report = LogAnalyzer.Analyze(access, errors, null, new DiagnosisOptions(), CancellationToken.None);

        var found = report.Incidents.Select(i => (i.Status, Cause: IncidentCauses.Name(i.Cause), i.Upstream)).Distinct().Order().ToList();
        var expected = label.GetProperty("incidents").EnumerateArray()
            .Select(e => (Status: e.GetProperty("status").GetInt32(), Cause: e.GetProperty("cause").GetString(), Upstream: e.GetProperty("upstream").GetString()!))
            .ToList();
        Assert.Equal(expected.Count, found.Count);
        foreach (var (status, cause, upstream) in expected)
        {
            var acceptable = cause is null
                ? label.GetProperty("acceptableCauses").EnumerateArray().Select(c => c.GetString()).ToList()
                : [cause];
            Assert.Contains(found, f => f.Status == status && f.Upstream == upstream && acceptable.Contains(f.Cause));
        }
    }

    private static List<JsonElement> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "cases.json")));
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
