using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class NginxTimeTests
{
    /// <summary>Times at the calendar's edges, whose instant falls outside it once the offset is applied: any line can
    /// hold one, and it is refused (the line counts as malformed) rather than thrown.</summary>
    [Theory]
    [InlineData("iso", "0001-01-01T00:00:00+05:00")]
    [InlineData("iso", "9999-12-31T23:59:59-05:00")]
    [InlineData("iso", "9999-12-31T23:59:60Z")]
    [InlineData("local", "01/Jan/0001:00:00:00 +0500")]
    [InlineData("error", "0001/01/01 00:00:00")]
    public void TryParse_InstantOutsideTheCalendar_IsRefused(string kind, string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        var parsed = kind switch
        {
            "iso" => NginxTime.TryParseIso8601(bytes, out _),
            "local" => NginxTime.TryParseTimeLocal(bytes, out _),
            _ => NginxTime.TryParseErrorLogTime(bytes, TimeSpan.FromHours(5), out _),
        };

        Assert.False(parsed);
    }

    [Theory]
    [InlineData("24/Nov/2026:10:00:01 +0000", "2026-11-24T10:00:01Z")]
    [InlineData("24/Nov/2026:10:00:01 -0500", "2026-11-24T15:00:01Z")]
    [InlineData("01/Jan/2027:00:30:00 +0530", "2026-12-31T19:00:00Z")]
    public void TryParseTimeLocal_Valid_ConvertsToUtc(string value, string expected)
    {
        Assert.True(NginxTime.TryParseTimeLocal(Encoding.ASCII.GetBytes(value), out var time));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), time);
    }

    [Theory]
    [InlineData("2026-11-24T10:00:01+01:00", "2026-11-24T09:00:01Z")]
    [InlineData("2026-11-24T10:00:01Z", "2026-11-24T10:00:01Z")]
    [InlineData("2026-11-24T10:00:01.123456-03:00", "2026-11-24T13:00:01.123Z")]
    public void TryParseIso8601_Valid_ConvertsToUtc(string value, string expected)
    {
        Assert.True(NginxTime.TryParseIso8601(Encoding.ASCII.GetBytes(value), out var time));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), time);
    }

    [Fact]
    public void TryParseMsec_Valid_ReadsMilliseconds()
    {
        Assert.True(NginxTime.TryParseMsec("1795514401.250"u8, out var time));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795514401250), time);
    }

    [Theory]
    [InlineData("31/Nov/2026:10:00:01 +0000")]
    [InlineData("24/Foo/2026:10:00:01 +0000")]
    [InlineData("24/Nov/2026:25:00:01 +0000")]
    [InlineData("24/Nov/2026:10:00:01")]
    public void TryParseTimeLocal_Invalid_ReturnsFalse(string value) =>
        Assert.False(NginxTime.TryParseTimeLocal(Encoding.ASCII.GetBytes(value), out _));

    [Fact]
    public void TryParseErrorLogTime_AppliesOffset()
    {
        Assert.True(NginxTime.TryParseErrorLogTime("2026/11/24 00:10:56"u8, TimeSpan.FromHours(-5), out var time));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 5, 10, 56, TimeSpan.Zero), time);
    }
}
