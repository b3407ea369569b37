using FunctionsApp.Hosting;
using FunctionsApp.IntegrationTests.Analysis;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Notifications;
using FunctionsApp.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsApp.IntegrationTests.Reliability;

/// <summary>
/// Storage comes back empty while the app runs (every container gone, as after a wiped or replaced account): the
/// analyzer and the notify timer run without <c>ContainerNotFound</c>, create what they need, and the next batches
/// are analyzed as before.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ContainersRecreatedTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Timers_StorageComesBackEmpty_RecreateContainersAndCarryOn()
    {
        await using var kit = await AnalysisTestKit.StartAsync(
            azurite, settings: new Dictionary<string, string?> { ["Notifications:OutboxContainer"] = "outbox-" + Guid.NewGuid().ToString("N")[..10] });
        await kit.IngestAsync("nginx-access", AnalysisTestKit.AccessLines[..100]);
        Assert.True((await kit.Analyzer.RunOnceAsync(CancellationToken.None)).Proceeded);
        var notify = kit.App.Services.GetServices<ITimerFunction>().Single(f => f.Name == "notify");
        await notify.RunAsync(new TimerInfo(null, null, false), CancellationToken.None);

        var storage = kit.App.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var outbox = kit.App.Services.GetRequiredService<IOptions<NotificationsOptions>>().Value.OutboxContainer;
        var service = azurite.CreateClient();
        foreach (var name in new[] { storage.LogsContainer, storage.StateContainer, storage.IncidentsContainer, outbox })
        {
            Assert.True((await service.GetBlobContainerClient(name).DeleteIfExistsAsync()).Value, $"{name} was never created");
        }

        await notify.RunAsync(new TimerInfo(null, null, false), CancellationToken.None);
        var empty = await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        await kit.IngestAsync("nginx-access", AnalysisTestKit.AccessLines);
        await kit.IngestAsync("nginx-error", AnalysisTestKit.ErrorLines);
        var refilled = await kit.Analyzer.RunOnceAsync(CancellationToken.None);
        await notify.RunAsync(new TimerInfo(null, null, false), CancellationToken.None);
        kit.Clock.Advance(TimeSpan.FromMinutes(10));
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);

        Assert.True(empty.Proceeded);
        Assert.Equal(0, empty.Batches);
        Assert.Equal(2, refilled.Batches);
        var incidents = await kit.IncidentsAsync();
        Assert.True(incidents.Count >= 10, $"only {incidents.Count} incidents");
        Assert.True((await service.GetBlobContainerClient(storage.StateContainer).ExistsAsync()).Value);
    }
}
