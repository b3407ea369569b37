using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using FunctionsApp.Incidents;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Metrics;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsApp.IntegrationTests.Notifications;

/// <summary>Whole timer runs on Azurite: grouping state saved between runs and instances, outbox delivery.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class NotificationCycleTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));
    private readonly string _container = "cycle-" + Guid.NewGuid().ToString("N")[..12];
    private readonly ConcurrentQueue<string> _delivered = new();
    private LoopbackHttpsServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackHttpsServer.StartAsync();
        _server.Responder = (request, response) =>
        {
            _delivered.Enqueue(request.Body);
            return response.WriteAsync("ok");
        };
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A fresh container of services: a new Function instance with nothing in memory.</summary>
    private ServiceProvider Instance(Action<IServiceCollection>? configure = null) =>
        NotificationSenderTests.Services(_server, services =>
        {
            services.AddSingleton<TimeProvider>(_time);
            services.AddSingleton(new BlobServiceClient(azurite.ConnectionString));
            configure?.Invoke(services);
        }, extra: new Dictionary<string, string?>
        {
            ["Notifications:OutboxContainer"] = _container,
            ["Notifications:Routes:0:Receivers:0"] = "ops-slack",
            ["Notifications:Receivers:0:MinInterval"] = "00:00:00",
        });

    /// <summary>The incident as the analyzer shows it at 05:00: its failures began then (log time and clock agree).</summary>
    private static NotificationIncident Item(IncidentState state = IncidentState.Open)
    {
        var item = NotificationSenderTests.Message().Incidents[0];
        var start = new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);
        return item with { Incident = item.Incident with { State = state, Start = start, End = start.AddSeconds(20) } };
    }

    private static async Task RunAsync(ServiceProvider services, params NotificationIncident[] changed) =>
        await services.GetRequiredService<NotificationCycle>().RunAsync(changed, CancellationToken.None);

    [Fact]
    public async Task RunAsync_AcrossInstances_FiringOnceThenResolvedOnce()
    {
        await using (var first = Instance())
        {
            await RunAsync(first, Item());
            Assert.Empty(_delivered);
            _time.Advance(TimeSpan.FromSeconds(30));
            await RunAsync(first);
            await RunAsync(first);
        }

        Assert.Single(_delivered);
        Assert.Contains("\"text\":\"Critical: 502s on upstream 10.0.1.4:8080", _delivered.Single(), StringComparison.Ordinal);

        await using (var second = Instance())
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await RunAsync(second);
            await RunAsync(second, Item(IncidentState.Resolved));
            Assert.Single(_delivered);
            _time.Advance(TimeSpan.FromMinutes(4));
            await RunAsync(second);
        }

        Assert.Equal(2, _delivered.Count);
        Assert.Contains("\"text\":\"Resolved: 502s on upstream 10.0.1.4:8080", _delivered.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CrashAfterEnqueueBeforeStateSave_StillExactlyOneMessage()
    {
        await using (var crashing = Instance(s => s.AddSingleton<IGrouperStateStore>(sp => new CrashOnSave(sp))))
        {
            await RunAsync(crashing, Item()); // group created and saved; nothing due yet
            _time.Advance(TimeSpan.FromSeconds(30));
            // Decides "firing", enqueues it, then dies saving the state: nothing is delivered by this run.
            await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(crashing));
        }

        Assert.Empty(_delivered);

        await using (var next = Instance())
        {
            await RunAsync(next); // the saved state predates the decision: the same message (same key) is decided again
            await RunAsync(next);
        }

        Assert.Single(_delivered);
    }

    /// <summary>Loads the real state; saving "crashes" the process once a message has been decided.</summary>
    private sealed class CrashOnSave(IServiceProvider services) : IGrouperStateStore
    {
        private readonly BlobGrouperStateStore _inner = new(services.GetRequiredService<BlobServiceClient>()
            .GetBlobContainerClient(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<NotificationsOptions>>().Value.OutboxContainer));

        public Task<(GrouperSnapshot Snapshot, string? ETag)> LoadAsync(CancellationToken cancellationToken) => _inner.LoadAsync(cancellationToken);

        public Task<bool> TrySaveAsync(GrouperSnapshot snapshot, string? etag, CancellationToken cancellationToken) =>
            snapshot.Groups.Any(g => g.LastSentAt is not null)
                ? throw new InvalidOperationException("process died")
                : _inner.TrySaveAsync(snapshot, etag, cancellationToken);
    }
}
