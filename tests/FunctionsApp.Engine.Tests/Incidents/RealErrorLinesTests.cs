using Xunit.Abstractions;
using static FunctionsApp.Engine.Tests.Incidents.RealErrorLineReplay;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// Real nginx error lines that people posted in public threads about their 502/503/504s
/// (Fixtures/real-error-lines/lines.json, with the README there), each replayed the way
/// <c>scripts/analyze --error FILE --json</c> reads it: a burst of five copies one second apart,
/// bare and, where the poster's copy had one, with the prefix their runtime or shipper added.
/// The engine must name the labelled cause and status, and open no incident for a line labelled <c>none</c>.
/// </summary>
public sealed class RealErrorLinesTests(ITestOutputHelper output)
{
    private static readonly Lazy<List<RealLine>> Table = new(() => Load("lines.json"));

    public static TheoryData<string, string> Cases() => CasesOf(Table.Value);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Analyze_RealErrorLineBurst_GivesLabelledCauseAndStatus(string id, string variant)
    {
        var outcome = Evaluate(Table.Value.Single(l => l.Id == id), variant);
        Assert.True(outcome.Right, outcome.Explain());
    }

    [Fact]
    public void Analyze_WholeTable_WritesAccuracyAndEveryCaseIsRight()
    {
        var outcomes = Table.Value
            .SelectMany(line => Variants(line).Select(variant => Evaluate(line, variant)))
            .ToList();

        output.WriteLine(Report("Real error lines", Table.Value.Count, outcomes));
        var wrongCases = outcomes.Where(o => !o.Right).ToList();
        Assert.True(wrongCases.Count == 0, "Wrong:\n" + string.Join("\n", wrongCases.Select(o => $"{o.Key}: {o.Explain()}")));
    }

    [Fact]
    public void Table_EveryRecord_IsQuotedSourcedAndLabelled()
    {
        var lines = Table.Value;

        Assert.True(lines.Count >= 150, $"{lines.Count} lines");
        Assert.Equal(lines.Count, lines.Select(l => l.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(lines.Count, lines.Select(l => l.Line).Distinct(StringComparer.Ordinal).Count());
        Assert.All(lines, line =>
        {
            Assert.Matches(NginxTime(), line.Line);
            Assert.StartsWith("https://", line.Source, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(line.Platform), line.Id);
            Assert.Equal(line.Prefixed is null, line.PrefixKind is null);
            if (line.Prefixed is not null)
            {
                Assert.EndsWith(line.Line, line.Prefixed, StringComparison.Ordinal);
                Assert.True(line.Prefixed.Length > line.Line.Length, line.Id);
            }

            Assert.Equal(StatusOf(line), line.Status);
        });
    }

    [Fact]
    public void Burst_PrefixedLine_MovesEveryClockInStep()
    {
        // docker logs -t (RFC 3339, nanoseconds, Z), stern (pod, container, RFC 3339 with offset) and journald (RFC 3164).
        foreach (var kind in new[] { "docker-logs-t", "stern", "journald" })
        {
            var line = Table.Value.First(l => l.PrefixKind == kind);
            var burst = Burst(line, Prefixed);

            Assert.Equal(BurstSize, burst.Count);
            Assert.Equal(line.Prefixed, burst[0]);
            Assert.Equal(BurstSize, burst.Distinct(StringComparer.Ordinal).Count());
            var first = TimesOfDay(burst[0]);
            var last = TimesOfDay(burst[^1]);
            Assert.Equal(first.Count, last.Count);
            Assert.All(first.Zip(last), pair => Assert.Equal(pair.First.Add(TimeSpan.FromSeconds(BurstSize - 1)), pair.Second));
            Assert.All(burst, text => Assert.EndsWith(line.Line[19..], text, StringComparison.Ordinal));
        }
    }
}
