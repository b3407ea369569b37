using FunctionsApp.Incidents;
using FunctionsApp.Metrics;

namespace FunctionsApp.Engine.Tests.Metrics;

public sealed class OverloadVerdictAdjusterTests
{
    [Fact]
    public void Adjust_OverloadCorroborated_RaisesConfidence()
    {
        var result = OverloadVerdictAdjuster.Adjust(IncidentCause.Overload, 0.6, MetricsVerdict.Corroborated);

        Assert.Equal(IncidentCause.Overload, result.Cause);
        Assert.Equal(0.8, result.Confidence, 10);
        Assert.True(result.Changed);
    }

    [Fact]
    public void Adjust_OverloadCorroboratedNearTop_CapsBelowCertainty() =>
        Assert.Equal(0.95, OverloadVerdictAdjuster.Adjust(IncidentCause.Overload, 0.9, MetricsVerdict.Corroborated).Confidence, 10);

    [Theory]
    [InlineData(IncidentCause.Unknown, 0.3)]
    [InlineData(IncidentCause.Unknown, 0.7)]
    [InlineData(IncidentCause.Timeout, 0.4)]
    public void Adjust_AmbiguousLogsCorroborated_ProposesOverload(IncidentCause cause, double confidence)
    {
        var result = OverloadVerdictAdjuster.Adjust(cause, confidence, MetricsVerdict.Corroborated);

        Assert.Equal(IncidentCause.Overload, result.Cause);
        Assert.True(result.Confidence >= 0.55);
        Assert.Contains("ambiguous", result.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjust_ConfidentOtherCauseCorroborated_Unchanged()
    {
        var result = OverloadVerdictAdjuster.Adjust(IncidentCause.UpstreamDown, 0.9, MetricsVerdict.Corroborated);

        Assert.Equal(new OverloadAdjustment(IncidentCause.UpstreamDown, 0.9, null), result);
        Assert.False(result.Changed);
    }

    [Fact]
    public void Adjust_OverloadWhileNormal_LowersConfidence()
    {
        var result = OverloadVerdictAdjuster.Adjust(IncidentCause.Overload, 0.7, MetricsVerdict.Normal);

        Assert.Equal(IncidentCause.Overload, result.Cause);
        Assert.Equal(0.45, result.Confidence, 10);
    }

    [Theory]
    [InlineData(IncidentCause.Overload, 0.7)]
    [InlineData(IncidentCause.Unknown, 0.2)]
    public void Adjust_NoData_Unchanged(IncidentCause cause, double confidence) =>
        Assert.False(OverloadVerdictAdjuster.Adjust(cause, confidence, MetricsVerdict.NoData).Changed);
}
