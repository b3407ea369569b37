using FunctionsApp.Ingestion;

namespace FunctionsApp.Tests.Ingestion;

public sealed class IngestionOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new IngestionOptionsValidator().Validate(null, new IngestionOptions()).Succeeded);
    }

    [Fact]
    public void Validate_BadSourceAndSite_FailWithTheBadValues()
    {
        var options = new IngestionOptions
        {
            Sources = { ["../x"] = new IngestSourceOptions { Site = "a b" } },
            LineKeys = [],
        };

        var result = new IngestionOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("../x", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("'a b'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("LineKeys", result.FailureMessage, StringComparison.Ordinal);
    }
}
