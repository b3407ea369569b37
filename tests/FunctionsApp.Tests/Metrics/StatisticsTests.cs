using FunctionsApp.Metrics;

namespace FunctionsApp.Tests.Metrics;

public sealed class StatisticsTests
{
    [Fact]
    public void Pearson_KnownSample_MatchesHandComputedValue()
    {
        // x = 1..5, y = 2,4,5,4,5: r = 6 / sqrt(10 * 6) = 0.7746 (textbook example).
        (double, double)[] pairs = [(1, 2), (2, 4), (3, 5), (4, 4), (5, 5)];

        var r = Statistics.Pearson(pairs, 5);

        Assert.NotNull(r);
        Assert.Equal(0.7746, r.Value, 4);
    }

    [Fact]
    public void Pearson_PerfectlyInverse_IsMinusOne()
    {
        (double, double)[] pairs = [(1, 10), (2, 8), (3, 6), (4, 4), (5, 2)];

        Assert.Equal(-1.0, Statistics.Pearson(pairs, 5)!.Value, 10);
    }

    [Fact]
    public void Pearson_ConstantSide_IsNullNotNaN()
    {
        (double, double)[] pairs = [(1, 50), (2, 50), (3, 50), (4, 50), (5, 50)];

        Assert.Null(Statistics.Pearson(pairs, 5));
    }

    [Fact]
    public void Pearson_TooFewPairs_IsNull()
    {
        (double, double)[] pairs = [(1, 2), (2, 4), (3, 7)];

        Assert.Null(Statistics.Pearson(pairs, 5));
    }
}
