using FunctionsApp.Metrics;

namespace FunctionsApp.Tests.Metrics;

public sealed class UpstreamResourceResolverTests
{
    private static UpstreamResourceResolver Resolver() => new(new MetricsOptions
    {
        Upstreams =
        [
            new() { Match = "10.0.1.4:8080", ResourceIds = [MetricsTestData.VmId] },
            new() { Match = "10.0.2.0/24", ResourceIds = [MetricsTestData.PlanId] },
            new() { Match = "orders-*.internal", ResourceIds = [MetricsTestData.AppId], Metrics = ["CpuPercentage"] },
            new() { Match = "*.internal:9000", ResourceIds = [MetricsTestData.VmId] },
        ],
    });

    [Theory]
    [InlineData("10.0.1.4:8080", MetricsTestData.VmId)]
    [InlineData("10.0.2.17:80", MetricsTestData.PlanId)]
    [InlineData("10.0.2.255:443", MetricsTestData.PlanId)]
    [InlineData("orders-blue.internal:8080", MetricsTestData.AppId)]
    [InlineData("ORDERS-green.internal", MetricsTestData.AppId)]
    [InlineData("billing.internal:9000", MetricsTestData.VmId)]
    public void Resolve_MatchingUpstream_ReturnsMappedResource(string upstream, string expected)
    {
        var resources = Resolver().Resolve(upstream);

        Assert.Equal(expected, Assert.Single(resources).Resource.Id);
    }

    [Theory]
    [InlineData("10.0.1.4:8081")]
    [InlineData("10.0.3.1:80")]
    [InlineData("billing.internal:9001")]
    [InlineData("unix:/run/app.sock")]
    [InlineData("-")]
    public void Resolve_NoMatch_ReturnsEmpty(string upstream) => Assert.Empty(Resolver().Resolve(upstream));

    [Fact]
    public void Resolve_DefaultsByResourceType_ComeFromTable()
    {
        var vm = Assert.Single(Resolver().Resolve("10.0.1.4:8080"));
        var plan = Assert.Single(Resolver().Resolve("10.0.2.1:80"));

        Assert.Equal(["Percentage CPU", "Available Memory Bytes"], vm.Metrics.Select(m => m.Name));
        Assert.True(vm.Metrics[1].LowerIsWorse);
        Assert.Equal(["CpuPercentage", "MemoryPercentage"], plan.Metrics.Select(m => m.Name));
    }

    [Fact]
    public void Resolve_PerMappingOverride_ReplacesDefaults()
    {
        var app = Assert.Single(Resolver().Resolve("orders-blue.internal:8080"));

        Assert.Equal("CpuPercentage", Assert.Single(app.Metrics).Name);
        Assert.Equal(MetricKind.Cpu, app.Metrics[0].Kind);
    }

    [Theory]
    [InlineData("Microsoft.Compute/virtualMachineScaleSets", "Percentage CPU", "Available Memory Bytes")]
    [InlineData("Microsoft.App/containerApps", "UsageNanoCores", "WorkingSetBytes")]
    [InlineData("Microsoft.ContainerService/managedClusters", "node_cpu_usage_percentage", "node_memory_working_set_percentage")]
    public void MetricDefaults_Table_HasDocumentedNames(string type, string cpu, string memory)
    {
        var metrics = MetricDefaults.For(type)!;

        Assert.Equal([cpu, memory], metrics.Select(m => m.Name));
        Assert.Equal([MetricKind.Cpu, MetricKind.Memory], metrics.Select(m => m.Kind));
    }
}
