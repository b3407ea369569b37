using System.Text.Json;
using FunctionsApp.Worker.Tests.Host;
using FunctionsApp.Worker.Tests.Host.Rpc;
using FunctionsApp.Worker.Tests.Support;

namespace FunctionsApp.Worker.Tests.Rpc;

/// <summary>
/// The real worker process, started as the Functions host starts it, goes through the host's protocol: it dials the
/// host's FunctionRpc stream, answers init with the ASP.NET Core integration's HTTP address, indexes the same
/// functions as the SDK's functions.metadata, and loads every one of them.
/// </summary>
[Collection(WorkerHostCollection.Name)]
public sealed class WorkerStartupTests(WorkerHostFixture fixture)
{
    [Fact]
    public void Init_Succeeds_AndAdvertisesTheAspNetCoreIntegrationsHttpUri()
    {
        var init = fixture.Host.Init;

        Assert.Equal(StatusResult.Types.Status.Success, init.Result.Status);
        Assert.True(init.Capabilities.TryGetValue("HttpUri", out var httpUri), "no HttpUri capability");
        Assert.Equal("http", new Uri(httpUri).Scheme);
        Assert.StartsWith("10.", init.WorkerMetadata.RuntimeVersion, StringComparison.Ordinal);
        // The worker takes what the host sends as-is: the proxying protocol must be on.
        Assert.Equal(bool.TrueString, init.Capabilities["RawHttpBodyBytes"]);
    }

    [Fact]
    public void Metadata_IndexedOverRpc_IsFunctionsMetadata()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(WorkerOutput.Directory, "functions.metadata")));
        var expected = file.RootElement.EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray()
                .Select(b => b.GetProperty("type").GetString()!).Single(t => t.EndsWith("Trigger", StringComparison.Ordinal))))
            .OrderBy(f => f.Name, StringComparer.Ordinal);

        var indexed = fixture.Host.Functions.Select(f => (f.Name, Trigger: f.TriggerType)).OrderBy(f => f.Name, StringComparer.Ordinal);

        Assert.Equal(expected, indexed);
        Assert.Equal(fixture.Host.Functions.Count, fixture.Host.Functions.Select(f => f.FunctionId).Distinct().Count());
    }

    [Fact]
    public void Load_EveryFunction_Succeeds()
    {
        Assert.NotEmpty(fixture.Host.Functions);
        Assert.Equal(fixture.Host.Functions.Select(f => f.Name).Order(StringComparer.Ordinal), fixture.Host.Loads.Keys.Order(StringComparer.Ordinal));
        Assert.All(fixture.Host.Loads, load => Assert.True(
            load.Value.Result.Status == StatusResult.Types.Status.Success,
            $"{load.Key}: {load.Value.Result.Exception?.Message}"));
        Assert.All(fixture.Host.Functions, f => Assert.Equal(f.FunctionId, fixture.Host.Loads[f.Name].FunctionId));
    }

    [Fact]
    public async Task StatusRequest_IsAnswered()
    {
        var status = await fixture.Host.RequestStatusAsync();

        Assert.Equal(StreamingMessage.ContentOneofCase.WorkerStatusResponse, status.ContentCase);
    }

    [Fact]
    public async Task WorkerTerminate_StopsTheProcess()
    {
        // A worker of its own, on the shared Azurite: this one is stopped.
        var host = await FunctionsHostEmulator.StartAsync(WorkerOutput.Directory, WorkerHostFixture.Settings(fixture.Azurite, Guid.NewGuid().ToString("N")[..10]));

        // Stopped once it is serving (a stop while it is still starting: WorkerTerminate_WhileStarting_ExitsCleanly).
        using (var health = await host.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/health")))
        {
            Assert.Equal(StatusResult.Types.Status.Success, health.Invocation?.Result.Status);
        }

        await host.DisposeAsync(); // sends WorkerTerminate, waits up to its grace period, kills only then

        Assert.True(host.Exit == (0, false), $"exit {host.Exit}\n{host.Diagnostics}");
    }

    [Fact]
    public async Task WorkerTerminate_WhileStarting_ExitsCleanly()
    {
        // The host stops a worker whenever it must (scale-in, a restart, a deployment), also right after loading it,
        // while the worker's own host is still starting (its ASP.NET Core integration binding Kestrel).
        var host = await FunctionsHostEmulator.StartAsync(WorkerOutput.Directory, WorkerHostFixture.Settings(fixture.Azurite, Guid.NewGuid().ToString("N")[..10]));

        await host.DisposeAsync(); // WorkerTerminate at once, then waits up to its grace period

        Assert.True(host.Exit == (0, false), $"exit {host.Exit}\n{host.Diagnostics}");
    }
}
