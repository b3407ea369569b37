using FunctionsApp.Metrics;

namespace FunctionsApp.Tests.Metrics;

public sealed class MetricsOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new MetricsOptionsValidator().Validate(null, new MetricsOptions()).Succeeded);

    [Fact]
    public void Validate_BadValues_NameEachOne()
    {
        var options = new MetricsOptions
        {
            ArmBaseUri = new Uri("http://management.azure.com"),
            BatchEndpointTemplate = "https://metrics.example",
            BaselinePeriod = TimeSpan.FromMinutes(1),
            Upstreams =
            [
                new() { Match = "10.0.0.0/99", ResourceIds = ["/subscriptions/x/resourceGroups/rg/providers/Microsoft.Foo/bars/b"] },
                new() { Match = "api:80", ResourceIds = ["vm1"] },
                new() { Match = "web:80", ResourceIds = [] },
            ],
        };

        var result = new MetricsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = string.Join('\n', result.Failures!);
        Assert.Contains("'http://management.azure.com/'", failures, StringComparison.Ordinal);
        Assert.Contains("'https://metrics.example'", failures, StringComparison.Ordinal);
        Assert.Contains("BaselinePeriod", failures, StringComparison.Ordinal);
        Assert.Contains("'10.0.0.0/99'", failures, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Foo/bars", failures, StringComparison.Ordinal);
        Assert.Contains("'vm1' is not an ARM resource id", failures, StringComparison.Ordinal);
        Assert.Contains("Upstreams:2:ResourceIds must list", failures, StringComparison.Ordinal);
    }
}
