using FunctionsApp.Ingestion;

namespace FunctionsApp.Tests.Ingestion;

public sealed class IngestionApiTests
{
    private static readonly IngestionOptions Options = new()
    {
        Sources =
        {
            ["nginx-access"] = new IngestSourceOptions { Kind = LogKind.Access, Format = "combined", Site = "web" },
            ["nginx-error"] = new IngestSourceOptions { Kind = LogKind.Error, Site = "web" },
        },
    };

    [Fact]
    public void Resolve_ConfiguredSource_UsesItsSettings()
    {
        Assert.Equal(new IngestSource("nginx-access", LogKind.Access, "combined", "web"), IngestionApi.Resolve("nginx-access", null, null, Options));
        Assert.Equal(new IngestSource("nginx-error", LogKind.Error, "error", "web"), IngestionApi.Resolve("nginx-error", "error", null, Options));
    }

    [Fact]
    public void Resolve_FormatQuery_OverridesConfiguredFormat()
    {
        Assert.Equal("main", IngestionApi.Resolve("nginx-access", "ACCESS", "main", Options)?.Format);
    }

    [Theory]
    [InlineData("nginx-access", "error")]
    [InlineData("nginx-access", "debug")]
    [InlineData("unknown", "access")]
    public void Resolve_MismatchOrUnknown_IsNull(string source, string kind)
    {
        Assert.Null(IngestionApi.Resolve(source, kind, null, Options));
    }

    [Fact]
    public void Resolve_UnknownSourceAllowed_NeedsKind()
    {
        var open = new IngestionOptions { AllowUnknownSources = true };

        Assert.Null(IngestionApi.Resolve("new", null, null, open));
        Assert.Equal(new IngestSource("new", LogKind.Access, "auto", null), IngestionApi.Resolve("new", "access", null, open));
    }
}
