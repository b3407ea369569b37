using System.Text.Json;
using FunctionsApp.Incidents;

namespace FunctionsApp.Engine.Tests.Incidents;

public sealed class IncidentCausesTests
{
    public static TheoryData<IncidentCause> Causes => [.. Enum.GetValues<IncidentCause>()];

    [Theory]
    [MemberData(nameof(Causes))]
    public void Name_EveryCause_IsWhatJsonWritesAndParsesBack(IncidentCause cause)
    {
        var name = IncidentCauses.Name(cause);

        Assert.Matches("^[a-z_]+$", name);
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(cause, IncidentJsonContext.Default.IncidentCause));
        Assert.True(IncidentCauses.TryParse(name, out var parsed));
        Assert.Equal(cause, parsed);
        Assert.Equal(cause, JsonSerializer.Deserialize($"\"{name}\"", IncidentJsonContext.Default.IncidentCause));
    }

    [Theory]
    [MemberData(nameof(Causes))]
    public void DisplayName_EveryCause_IsDistinctWords(IncidentCause cause)
    {
        var display = IncidentCauses.DisplayName(cause);

        Assert.False(string.IsNullOrWhiteSpace(display));
        Assert.Single(IncidentCauses.All, c => IncidentCauses.DisplayName(c) == display);
    }

    [Fact]
    public void All_ListsEveryEnumValueOnce()
    {
        Assert.Equal(Enum.GetValues<IncidentCause>(), IncidentCauses.All);
        Assert.Equal(IncidentCauses.All.Count, IncidentCauses.All.Select(IncidentCauses.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("Upstream_Down", IncidentCause.UpstreamDown)]
    [InlineData("TLS_HANDSHAKE", IncidentCause.TlsHandshake)]
    public void TryParse_OtherCase_ReadsLikeJson(string name, IncidentCause expected)
    {
        Assert.True(IncidentCauses.TryParse(name, out var cause));
        Assert.Equal(expected, cause);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("UpstreamDown")]
    [InlineData("upstream down")]
    [InlineData("upstream_down\"")]
    [InlineData(null)]
    public void TryParse_NotAName_IsRefused(string? name)
    {
        Assert.False(IncidentCauses.TryParse(name, out _));
    }

    [Fact]
    public void Name_ValueOutsideTheEnum_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IncidentCauses.Name((IncidentCause)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => IncidentCauses.DisplayName((IncidentCause)99));
    }
}
