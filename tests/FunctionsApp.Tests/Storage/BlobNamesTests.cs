using FunctionsApp.Storage;

namespace FunctionsApp.Tests.Storage;

public sealed class BlobNamesTests
{
    [Theory]
    [InlineData("nginx-access", "nginx-access")]
    [InlineData("../../x", "______x")]
    [InlineData("..\\..\\x", "______x")]
    [InlineData("a/b", "a_b")]
    [InlineData("", "_")]
    [InlineData("caf\u00e9", "caf_")]
    [InlineData("x\ny", "x_y")]
    public void Segment_AnyInput_IsOneSafeSegment(string input, string expected)
    {
        Assert.Equal(expected, BlobNames.Segment(input));
    }

    [Fact]
    public void Segment_LongInput_IsCappedAt64()
    {
        Assert.Equal(64, BlobNames.Segment(new string('a', 500)).Length);
    }

    [Fact]
    public void Batch_Name_IsPartitionedByTimeAndSortsChronologically()
    {
        var earlier = BlobNames.Batch("web", new DateTimeOffset(2026, 11, 24, 5, 59, 59, 999, TimeSpan.Zero), "ffffffffffffffffffff");
        var later = BlobNames.Batch("web", new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero), "0000000000000000aaaa");

        Assert.Equal("raw/web/2026/11/24/05/20261124T0559599990000Z-ffffffffffffffff.log.gz", earlier);
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }

    [Fact]
    public void Batch_LocalOffset_IsNamedInUtc()
    {
        var name = BlobNames.Batch("web", new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.FromHours(2)), "abc");

        Assert.StartsWith("raw/web/2026/11/24/05/20261124T0500000000000Z-abc", name, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchTime_OfABatchName_IsTheTimeItWasNamedAt()
    {
        var at = new DateTimeOffset(2026, 11, 24, 7, 0, 1, 234, TimeSpan.FromHours(2));

        Assert.Equal(at, BlobNames.BatchTime(BlobNames.Batch("web.edge-1", at, "abc")));
        Assert.Null(BlobNames.BatchTime("dedup/web/c-abc"));
    }

    [Fact]
    public void NameHash_SameContentUnderTwoKeys_Differs()
    {
        var content = new string('a', 64);

        Assert.Equal(content, BlobNames.NameHash(null, content));
        Assert.NotEqual(BlobNames.NameHash("k1", content), BlobNames.NameHash("k2", content));
    }

    [Fact]
    public void DedupMarker_HostileKey_IsHashedIntoOneSegment()
    {
        var marker = BlobNames.DedupMarker("../x", "../../../etc/passwd", "hash");

        Assert.Matches("^dedup/___x/k-[0-9a-f]{64}$", marker);
    }

    [Theory]
    [InlineData("edge", "web-1", "edge.web-1")]
    [InlineData("edge", "web-1.example.com", "edge.web-1_example_com")]
    [InlineData("../x", "../y", "___x.___y")]
    public void SiteSource_SanitizesEachHalf(string source, string site, string expected)
    {
        Assert.Equal(expected, BlobNames.SiteSource(source, site));
        Assert.Equal(expected, BlobNames.SourceSegment(expected));
        Assert.StartsWith($"raw/{expected}/", BlobNames.SourcePrefix(expected), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x", "___x")]
    [InlineData("a.b.c", "a_b_c")]
    [InlineData(".x", "_x")]
    [InlineData("x.", "x_")]
    [InlineData("a/.b", "a__b")]
    public void SourceSegment_AnythingButASiteSource_IsOneSegmentWithoutDots(string source, string expected)
    {
        Assert.Equal(expected, BlobNames.SourceSegment(source));
    }

    [Fact]
    public void SourceOf_BatchName_ReturnsItsSource()
    {
        Assert.Equal("web", BlobNames.SourceOf("raw/web/2026/11/24/05/x.log.gz"));
        Assert.Null(BlobNames.SourceOf("dedup/web/c-1"));
    }

    [Theory]
    [InlineData("combined")]
    [InlineData("$remote_addr - $remote_user [$time_local] \"$request\" $status")]
    [InlineData("caf\u00e9 $status")]
    public void EncodeFormat_RoundTrips(string format)
    {
        var encoded = BlobLogArchive.EncodeFormat(format);

        Assert.All(encoded, c => Assert.True(c < 128 && !char.IsControl(c)));
        Assert.Equal(format, BlobLogArchive.DecodeFormat(encoded));
    }

    [Theory]
    [InlineData("web", "raw/web/2026/11/24/05/20261124T050001Z-a.log.gz", "raw/web/2026/11/24/05/20261124T050001Z-a.log.gz")]
    [InlineData("web", null, null)]
    [InlineData("web", "raw/other/2026/11/24/05/x.log.gz", null)] // another source's name is not a place to start
    [InlineData(null, "raw/web/2026/11/24/05/x.log.gz", "raw/web/2026/11/24/05/x.log.gz")]
    public void ListOptions_StartFromTheCheckpointWithinThePrefix(string? source, string? after, string? expectedStart)
    {
        var options = BlobLogArchive.ListOptions(source, after);

        Assert.Equal(source is null ? "raw/" : $"raw/{source}/", options.Prefix);
        Assert.Equal(expectedStart, options.StartFrom);
    }
}
