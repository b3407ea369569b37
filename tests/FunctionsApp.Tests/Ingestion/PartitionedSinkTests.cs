using FunctionsApp.Ingestion;
using FunctionsApp.Ingestion.Internal;
using FunctionsApp.Tests.Ingestion.Protocols;

namespace FunctionsApp.Tests.Ingestion;

/// <summary>Lines routed to a batch per site and log.</summary>
public sealed class PartitionedSinkTests
{
    [Theory]
    [InlineData("web-1", "web-1")]
    [InlineData("web-1.example.com", "web-1_example_com")]
    [InlineData("../../x", "______x")]
    public void SiteName_Sanitized(string instance, string expected) => Assert.Equal(expected, PartitionedSink.SiteName(instance));

    [Fact]
    public void SiteName_LongNames_KeepTheirStartAndDifferByHash()
    {
        var a = PartitionedSink.SiteName(new string('a', 80) + "1");
        var b = PartitionedSink.SiteName(new string('a', 80) + "2");

        Assert.Equal(64, a.Length);
        Assert.StartsWith(new string('a', 47) + "-", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task Write_FixedKindSourceNotShared_OnePartWhateverTheRecordsSay()
    {
        var source = new IngestSource("nginx-error", LogKind.Error, "error", "web");

        var lines = await Parts.ReadAsync(source, [], (_, sink, _) =>
        {
            sink.WriteRecord("192.0.2.1 - - [30/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", LogKind.Access, "web-7");
            sink.WriteRecord("x", null, null);
            return Task.CompletedTask;
        });

        Assert.All(lines, l => Assert.Equal(("nginx-error", LogKind.Error), (l.Source, l.Kind)));
        Assert.Equal(2, lines.Count);
    }

    [Fact]
    public async Task Write_MoreInstancesThanParts_TooMany()
    {
        await Assert.ThrowsAsync<TooManyPartsException>(() => Parts.ReadAsync(Parts.AutoShared(), [], (_, sink, _) =>
        {
            for (var i = 0; i <= PartitionedSink.MaxParts; i++)
            {
                sink.WriteRecord("x", LogKind.Access, $"web-{i}");
            }

            return Task.CompletedTask;
        }));
    }
}
