using FunctionsApp.Worker.Tests.Host;
using FunctionsApp.Worker.Tests.Host.Rpc;
using FunctionsApp.Worker.Tests.Support;

namespace FunctionsApp.Worker.Tests.Rpc;

/// <summary>
/// Application Insights in the worker, on only with a connection string: with one, the real worker sends its
/// telemetry to the ingestion endpoint the connection string names (a local receiver here) under the operation of
/// the host's invocation, and tells the host it does (so the host stops forwarding the worker's logs); without one,
/// neither. The Functions host, not the worker, records the invocation's request telemetry, so what is asserted
/// here is the worker's part of that operation.
/// </summary>
[Collection(WorkerHostCollection.Name)]
public sealed class ApplicationInsightsTests(WorkerHostFixture fixture)
{
    private const string LoggingCapability = "WorkerApplicationInsightsLoggingEnabled";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Worker_WithoutConnectionString_StartsWithoutApplicationInsights()
    {
        // The shared worker has no APPLICATIONINSIGHTS_CONNECTION_STRING, as on a developer machine.
        Assert.Equal(StatusResult.Types.Status.Success, fixture.Host.Init.Result.Status);
        Assert.False(fixture.Host.Init.Capabilities.ContainsKey(LoggingCapability), "the worker claims to send logs to Application Insights");
    }

    [Fact]
    public async Task Worker_WithConnectionString_SendsTheInvocationsTelemetryToTheIngestionEndpoint()
    {
        await using var receiver = await TelemetryReceiver.StartAsync();
        var key = Guid.NewGuid();
        var settings = WorkerHostFixture.Settings(fixture.Azurite, Guid.NewGuid().ToString("N")[..10]);
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = receiver.ConnectionString(key);
        // Send each item at once instead of every 30 s, and leave the Azure VM metadata endpoint (169.254.169.254)
        // alone: all test traffic stays on 127.0.0.1.
        settings["ApplicationInsights:DeveloperMode"] = "true";
        settings["ApplicationInsights:EnableAzureInstanceMetadataTelemetryModule"] = "false";
        var host = await FunctionsHostEmulator.StartAsync(WorkerOutput.Directory, settings);
        try
        {
            Assert.Equal(bool.TrueString, host.Init.Capabilities.GetValueOrDefault(LoggingCapability));

            using var response = await host.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/health"));
            Assert.Equal(StatusResult.Types.Status.Success, response.Invocation?.Result.Status);
            var invocationId = response.Invocation!.InvocationId;
            var operation = host.TraceParentOf(invocationId).Split('-')[1];

            // The worker's span of the invocation: a dependency "Invoke" (InProc) in the host's operation.
            var invoke = await receiver.WaitForAsync(i => i.BaseType == "RemoteDependencyData" && i.Property("InvocationId") == invocationId, Timeout);
            // The app's own Information logs reach Application Insights: the SDK's warnings-only default rule is gone.
            var appLog = await receiver.WaitForAsync(i => i.BaseType == "MessageData" && i.Field("severityLevel") == "Information" && i.Property("CategoryName")?.StartsWith("FunctionsApp.", StringComparison.Ordinal) == true, Timeout);

            Assert.True(invoke is not null, $"no telemetry of invocation {invocationId}; received: {Describe(receiver)}\n{host.Diagnostics}");
            Assert.Equal(("Invoke", "InProc", operation), (invoke.Field("name"), invoke.Field("type"), invoke.OperationId));
            Assert.Equal(key.ToString(), invoke.InstrumentationKey);
            Assert.True(appLog is not null, $"no Information log of the app; received: {Describe(receiver)}");
            // ASP.NET Core's per-request lines stay out (the host records the request): warnings and above only.
            Assert.DoesNotContain(receiver.Items, i => i.BaseType == "MessageData" && i.Field("severityLevel") == "Information"
                && i.Property("CategoryName")?.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) == true);
        }
        finally
        {
            await host.DisposeAsync();
        }

        Assert.True(host.Exit == (0, false), $"exit {host.Exit}\n{host.Diagnostics}");
    }

    private static string Describe(TelemetryReceiver receiver) =>
        string.Join(", ", receiver.Items.Select(i => $"{i.BaseType}:{i.Field("name") ?? i.Field("message")}@{i.OperationId}"));
}
