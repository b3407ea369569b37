using System.Diagnostics;
using System.Text.Json;
using Azure.Core;
using FunctionsApp.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static FunctionsApp.IntegrationTests.Metrics.AzureMonitorFake;

namespace FunctionsApp.IntegrationTests.Metrics;

/// <summary>The metrics feature against a local HTTPS server speaking the Azure Monitor REST shapes.</summary>
public sealed class AzureMonitorMetricsTests : IAsyncLifetime
{
    private const string ArmScope = "https://management.azure.com/.default";
    private const string BatchScope = "https://metrics.monitor.azure.com/.default";
    private LoopbackHttpsServer _server = null!;
    private readonly TestTokenCredential _credential = new();

    public async Task InitializeAsync() => _server = await LoopbackHttpsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static List<MinuteCount> Errors() =>
        [.. Enumerable.Range(0, 40).Select(i => new MinuteCount(BaselineStart.AddMinutes(i), i < 30 ? i % 5 == 0 ? 1 : 0 : 40 + i % 4))];

    private ServiceProvider Services(int maxRetries = 2, bool withCredential = true)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Metrics:ArmBaseUri"] = _server.BaseUri.ToString(),
            ["Metrics:BatchEndpointTemplate"] = _server.BaseUri + "{region}",
            ["Metrics:RetryBaseDelay"] = "00:00:00.050",
            ["Metrics:MaxRetryAttempts"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Metrics:Upstreams:0:Match"] = "10.0.1.4:8080",
            ["Metrics:Upstreams:0:ResourceIds:0"] = Vm1,
            ["Metrics:Upstreams:1:Match"] = "10.0.2.0/24",
            ["Metrics:Upstreams:1:Region"] = "westeurope",
            ["Metrics:Upstreams:1:ResourceIds:0"] = Vm2,
            ["Metrics:Upstreams:1:ResourceIds:1"] = Vm3,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        if (withCredential)
        {
            services.AddSingleton<TokenCredential>(_credential);
        }

        services.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(_server.CreateHandler));
        services.AddMetricsCorrelation(configuration);
        var provider = services.BuildServiceProvider(validateScopes: true);
        _ = provider.GetRequiredService<IOptions<MetricsOptions>>().Value; // runs the validators, as ValidateOnStart would
        return provider;
    }

    private Task<IncidentMetrics> CorrelateAsync(ServiceProvider services, string upstream = "10.0.1.4:8080") =>
        services.GetRequiredService<IMetricsCorrelator>().CorrelateAsync(upstream, IncidentStart, IncidentEnd, Errors(), CancellationToken.None);

    private void AnswerList(int gapEvery = 0) =>
        _server.Responder = (request, response) => LoopbackHttpsServer.WriteJsonAsync(response, ListResponse(request.Query["metricnames"], gapEvery));

    [Fact]
    public async Task CorrelateAsync_SingleVm_SendsDocumentedRequestWithBearerAndCorroborates()
    {
        AnswerList();
        await using var services = Services();

        var metrics = await CorrelateAsync(services);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal(Vm1 + "/providers/Microsoft.Insights/metrics", request.Path);
        Assert.Equal("2023-10-01", request.Query["api-version"]);
        Assert.Equal("Percentage CPU,Available Memory Bytes", request.Query["metricnames"]);
        Assert.Equal("2026-11-24T04:00:00Z/2026-11-24T04:40:00Z", request.Query["timespan"]);
        Assert.Equal("PT1M", request.Query["interval"]);
        Assert.Equal("Average,Maximum", request.Query["aggregation"]);
        Assert.Equal("Bearer " + TestTokenCredential.TokenFor(ArmScope), request.Headers["Authorization"]);

        Assert.Equal(MetricsVerdict.Corroborated, metrics.Verdict);
        var cpu = metrics.Resources[0].Series[0];
        Assert.Equal("Percent", cpu.Unit);
        Assert.Equal(MetricAssessment.Saturated, cpu.Assessment);
        Assert.True(cpu.Correlation > 0.9, $"r={cpu.Correlation}");
        Assert.Equal(MetricAssessment.Normal, metrics.Resources[0].Series[1].Assessment);
    }

    [Fact]
    public async Task CorrelateAsync_ThrottledOnceWithRetryAfter_WaitsAndReturnsOneResult()
    {
        var calls = 0;
        _server.Responder = (request, response) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                response.Headers.RetryAfter = "1";
                return LoopbackHttpsServer.WriteJsonAsync(response, ArmError("TooManyRequests", "Rate limit exceeded"), 429);
            }

            return LoopbackHttpsServer.WriteJsonAsync(response, ListResponse(request.Query["metricnames"]));
        };
        await using var services = Services();

        var watch = Stopwatch.StartNew();
        var metrics = await CorrelateAsync(services);

        Assert.Equal(2, _server.Requests.Count);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"waited only {watch.Elapsed}");
        Assert.Equal(MetricsVerdict.Corroborated, metrics.Verdict);
        Assert.Single(metrics.Resources);
    }

    [Fact]
    public async Task CorrelateAsync_ThrottledOnEveryTry_NoDataThrottled()
    {
        _server.Responder = (_, response) =>
        {
            response.Headers.RetryAfter = "0";
            return LoopbackHttpsServer.WriteJsonAsync(response, ArmError("TooManyRequests", "Rate limit exceeded"), 429);
        };
        await using var services = Services(maxRetries: 2);

        var metrics = await CorrelateAsync(services);

        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(MetricsVerdict.NoData, metrics.Verdict);
        Assert.Equal(MetricsNoDataReason.Throttled, metrics.Reason);
    }

    [Theory]
    [InlineData(403, "AuthorizationFailed", MetricsNoDataReason.Forbidden)]
    [InlineData(404, "ResourceNotFound", MetricsNoDataReason.NotFound)]
    public async Task CorrelateAsync_PermanentFailure_NoDataWithReasonWithoutRetrying(int status, string code, MetricsNoDataReason expected)
    {
        _server.Responder = (_, response) => LoopbackHttpsServer.WriteJsonAsync(response, ArmError(code, "The client does not have authorization"), status);
        await using var services = Services();

        var metrics = await CorrelateAsync(services);

        Assert.Single(_server.Requests);
        Assert.Equal(MetricsVerdict.NoData, metrics.Verdict);
        Assert.Equal(expected, metrics.Reason);
        Assert.Equal(expected, metrics.Resources[0].Error);
    }

    [Fact]
    public async Task CorrelateAsync_ServerErrorThenSuccess_Retried()
    {
        var calls = 0;
        _server.Responder = (request, response) => Interlocked.Increment(ref calls) == 1
            ? LoopbackHttpsServer.WriteJsonAsync(response, ArmError("InternalServerError", "boom"), 503)
            : LoopbackHttpsServer.WriteJsonAsync(response, ListResponse(request.Query["metricnames"]));
        await using var services = Services();

        var metrics = await CorrelateAsync(services);

        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(MetricsVerdict.Corroborated, metrics.Verdict);
    }

    [Fact]
    public async Task CorrelateAsync_TwoVmsOfOneRegion_OneBatchCallWithDataPlaneToken()
    {
        _server.Responder = (request, response) =>
        {
            using var body = JsonDocument.Parse(request.Body);
            var ids = body.RootElement.GetProperty("resourceids").EnumerateArray().Select(e => e.GetString()!).ToList();
            return LoopbackHttpsServer.WriteJsonAsync(response, BatchResponse(ids, request.Query["metricnames"]));
        };
        await using var services = Services();

        var metrics = await CorrelateAsync(services, "10.0.2.9:80");

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/westeurope/subscriptions/{Subscription}/metrics:getBatch", request.Path);
        Assert.Equal("2024-02-01", request.Query["api-version"]);
        Assert.Equal("Microsoft.Compute/virtualMachines", request.Query["metricnamespace"]);
        Assert.Equal("Percentage CPU,Available Memory Bytes", request.Query["metricnames"]);
        Assert.Equal("2026-11-24T04:00:00Z", request.Query["starttime"]);
        Assert.Equal("2026-11-24T04:40:00Z", request.Query["endtime"]);
        Assert.Equal("PT1M", request.Query["interval"]);
        Assert.Equal("Average,Maximum", request.Query["aggregation"]);
        Assert.Equal("Bearer " + TestTokenCredential.TokenFor(BatchScope), request.Headers["Authorization"]);
        Assert.Equal($"{{\"resourceids\":[\"{Vm2}\",\"{Vm3}\"]}}", request.Body);

        Assert.Equal(MetricsVerdict.Corroborated, metrics.Verdict);
        Assert.Equal([Vm2, Vm3], metrics.Resources.Select(r => r.ResourceId));
        Assert.All(metrics.Resources, r => Assert.Null(r.Error));
    }

    [Fact]
    public async Task CorrelateAsync_SameWindowTwice_SecondServedFromCache()
    {
        AnswerList();
        await using var services = Services();

        var first = await CorrelateAsync(services);
        var second = await CorrelateAsync(services);

        Assert.Single(_server.Requests);
        Assert.Equal(first.Verdict, second.Verdict);
        Assert.Equal(first.Summary, second.Summary);
    }

    [Fact]
    public async Task CorrelateAsync_PartialSeries_FlagsGapsAndStillJudges()
    {
        AnswerList(gapEvery: 4);
        await using var services = Services();

        var metrics = await CorrelateAsync(services);

        var cpu = metrics.Resources[0].Series[0];
        Assert.Contains("gaps", cpu.Flags);
        Assert.Equal(30, cpu.PairedMinutes);
        Assert.Equal(40, cpu.Points.Count);
        Assert.Null(cpu.Points[0].Average);
        Assert.Equal(MetricsVerdict.Corroborated, metrics.Verdict);
    }

    [Fact]
    public async Task CorrelateAsync_UnmappedUpstream_NoMappingWithoutAnyRequest()
    {
        await using var services = Services();

        var metrics = await CorrelateAsync(services, "172.16.0.1:80");

        Assert.Empty(_server.Requests);
        Assert.Equal(MetricsNoDataReason.NoMapping, metrics.Reason);
        Assert.Empty(_credential.Scopes);
    }

    [Fact]
    public async Task CorrelateAsync_UnmappedUpstreamWithoutCredential_NoMappingInsteadOfFailing()
    {
        await using var services = Services(withCredential: false);

        var metrics = await CorrelateAsync(services, "172.16.0.1:80");

        Assert.Equal(MetricsNoDataReason.NoMapping, metrics.Reason);
    }

    [Fact]
    public async Task CorrelateAsync_CpuReportedInAnUnexpectedUnit_FlaggedAndNotReadAsPercent()
    {
        _server.Responder = (request, response) => LoopbackHttpsServer.WriteJsonAsync(response, ListResponse(request.Query["metricnames"], cpuUnit: "Count"));
        await using var services = Services();

        var metrics = await CorrelateAsync(services);

        var cpu = metrics.Resources[0].Series[0];
        Assert.Equal("Count", cpu.Unit);
        Assert.False(cpu.PercentScale);
        Assert.Contains("unit_mismatch", cpu.Flags);
        Assert.NotEqual(MetricAssessment.Saturated, cpu.Assessment); // 97 "Count" is not 97 %
        Assert.Equal(MetricAssessment.Elevated, cpu.Assessment);     // but nearly 3x its baseline is still a rise
    }
}
