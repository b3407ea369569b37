using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using FunctionsApp.Analysis;
using FunctionsApp.IntegrationTests.Analysis;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsApp.IntegrationTests.Reliability;

/// <summary>
/// A site's lease on Azurite: renewing asks storage only once a third of the lease has passed (a run reading a hundred
/// batches does not pay a round trip per batch), and a lease another run took is still found out at the next renewal
/// that asks.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SiteLeaseTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15); // the shortest lease blob storage grants

    [Fact]
    public async Task Renew_WithinAThirdOfTheLease_AsksStorageNothing_ThenRenewsAndFindsATakenLease()
    {
        var renewals = new LeaseActions();
        await using var kit = await AnalysisTestKit.StartAsync(azurite, s => s.AddSingleton<HttpPipelinePolicy>(renewals));
        var states = kit.App.Services.GetRequiredService<IAnalyzerStateStore>();

        await using var lease = await states.TryAcquireSiteLeaseAsync("web", Duration, CancellationToken.None);
        Assert.NotNull(lease);
        for (var i = 0; i < 20; i++)
        {
            await lease.RenewAsync(CancellationToken.None);
        }

        Assert.Equal(0, renewals.Count("renew"));

        // Past a third of the lease, a renewal goes to storage.
        await Task.Delay(Duration / 3 + TimeSpan.FromMilliseconds(300));
        await lease.RenewAsync(CancellationToken.None);
        Assert.Equal(1, renewals.Count("renew"));

        // Another run breaks it and takes it: the next renewal that asks storage says so.
        var storage = kit.App.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var lockBlob = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(storage.StateContainer).GetBlobClient("locks/sites/web");
        await lockBlob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        await lockBlob.GetBlobLeaseClient().AcquireAsync(Duration);
        await Task.Delay(Duration / 3 + TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAsync<StaleWriterException>(() => lease.RenewAsync(CancellationToken.None));
    }

    /// <summary>Counts the lease requests the app sends, by <c>x-ms-lease-action</c>.</summary>
    private sealed class LeaseActions : HttpPipelineSynchronousPolicy
    {
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

        public int Count(string action) => _counts.GetValueOrDefault(action);

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Headers.TryGetValue("x-ms-lease-action", out var action))
            {
                _counts.AddOrUpdate(action, 1, (_, n) => n + 1);
            }
        }
    }
}
