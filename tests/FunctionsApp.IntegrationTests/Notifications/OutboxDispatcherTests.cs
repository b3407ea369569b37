using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Storage.Blobs;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Metrics;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Delivery;
using FunctionsApp.Notifications.Outbox;
using FunctionsApp.Notifications.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsApp.IntegrationTests.Notifications;

/// <summary>The outbox on real Azurite, delivering to local HTTPS receivers with faults.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OutboxDispatcherTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));
    private readonly string _container = "outbox-" + Guid.NewGuid().ToString("N")[..12];
    private LoopbackHttpsServer _server = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackHttpsServer.StartAsync();
        _services = Build(_time);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    private ServiceProvider Build(TimeProvider time, string sendTimeout = "00:00:01", string? slackUrl = null) =>
        NotificationSenderTests.Services(_server, services =>
        {
            services.AddSingleton(time);
            services.AddSingleton(new BlobServiceClient(azurite.ConnectionString));
        }, sendTimeout, new Dictionary<string, string?>
        {
            ["Notifications:OutboxContainer"] = _container,
            ["Notifications:RetryBaseDelay"] = "00:00:10",
            ["Notifications:RetryMaxDelay"] = "00:10:00",
            ["Notifications:MaxAttempts"] = "3",
            ["Notifications:ClaimDuration"] = "00:02:00",
            ["Notifications:Routes:0:Receivers:0"] = "ops-slack",
            ["Notifications:Receivers:0:MinInterval"] = "00:00:00",
            ["Notifications:Receivers:0:Url"] = slackUrl ?? _server.BaseUri + "services/T000/B000/XXXX",
        });

    private OutboxDispatcher Dispatcher(ServiceProvider? services = null) => (services ?? _services).GetRequiredService<OutboxDispatcher>();

    private static OutgoingNotification Notification(string receiver = "ops-slack", string group = "g1") =>
        new(receiver, NotificationSenderTests.Message() with { GroupKey = group }, NotificationRenderer.IdempotencyKey(receiver, group, "inc1", NotificationKind.Firing, 1));

    private async Task<OutboxItem> ItemAsync(OutgoingNotification notification) =>
        (await _services.GetRequiredService<INotificationOutbox>().GetAsync(notification.IdempotencyKey, CancellationToken.None))!.Item;

    /// <summary>Answers with the given statuses in turn (the last one repeats) and counts 2xx answers.</summary>
    private ConcurrentBag<string> Answer(params int[] statuses)
    {
        var delivered = new ConcurrentBag<string>();
        var calls = 0;
        _server.Responder = (request, response) =>
        {
            var status = statuses[Math.Min(Interlocked.Increment(ref calls), statuses.Length) - 1];
            response.StatusCode = status;
            if (status == 429)
            {
                response.Headers.RetryAfter = "120";
            }

            if (status is >= 200 and < 300)
            {
                delivered.Add(request.Headers["Idempotency-Key"]);
            }

            return response.WriteAsync(status == 200 ? "ok" : "");
        };
        return delivered;
    }

    [Fact]
    public async Task Dispatch_Receiver500Then200_ExactlyOneDeliveryAfterBackoff()
    {
        var delivered = Answer(500, 200);
        var notification = Notification();
        Assert.True(await Dispatcher().EnqueueAsync(notification, CancellationToken.None));

        Assert.Equal(new DispatchSummary(0, 1, 0, 0), await Dispatcher().DispatchDueAsync(CancellationToken.None));
        var pending = await ItemAsync(notification);
        Assert.Equal(OutboxState.Pending, pending.State);
        Assert.Equal(_time.GetUtcNow().AddSeconds(10), pending.NextAttemptAt);
        Assert.Equal("HTTP 500", pending.LastError);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(new DispatchSummary(0, 0, 0, 0), await Dispatcher().DispatchDueAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DispatchSummary(1, 0, 0, 0), await Dispatcher().DispatchDueAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromHours(1));
        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        Assert.Equal([notification.IdempotencyKey], delivered);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Single(_server.Requests.Select(r => r.Body).Distinct());
        Assert.Single(_server.Requests.Select(r => r.Headers["Idempotency-Key"]).Distinct());
        var sent = await ItemAsync(notification);
        Assert.Equal(OutboxState.Sent, sent.State);
        Assert.Equal(2, sent.Attempts);
    }

    [Fact]
    public async Task Dispatch_429WithRetryAfter_WaitsTheLongerRetryAfterThenOneDelivery()
    {
        var delivered = Answer(429, 200);
        var notification = Notification();
        await Dispatcher().EnqueueAsync(notification, CancellationToken.None);

        await Dispatcher().DispatchDueAsync(CancellationToken.None);
        Assert.Equal(_time.GetUtcNow().AddSeconds(120), (await ItemAsync(notification)).NextAttemptAt);

        _time.Advance(TimeSpan.FromSeconds(60));
        await Dispatcher().DispatchDueAsync(CancellationToken.None);
        Assert.Single(_server.Requests);

        _time.Advance(TimeSpan.FromSeconds(60));
        await Dispatcher().DispatchDueAsync(CancellationToken.None);
        Assert.Single(delivered);
        Assert.Equal(OutboxState.Sent, (await ItemAsync(notification)).State);
    }

    [Fact]
    public async Task Dispatch_ReceiverTimesOutOnce_RetriedWithSameKeyAndDelivered()
    {
        var calls = 0;
        var delivered = new ConcurrentBag<string>();
        _server.Responder = async (request, response) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
                return;
            }

            delivered.Add(request.Headers["Idempotency-Key"]);
            await response.WriteAsync("ok");
        };
        var notification = Notification();
        await Dispatcher().EnqueueAsync(notification, CancellationToken.None);

        // The resilience timeout runs on the injected (fake) clock: move it on while the receiver hangs.
        var run = Dispatcher().DispatchDueAsync(CancellationToken.None);
        while (!run.IsCompleted)
        {
            await Task.Delay(50);
            _time.Advance(TimeSpan.FromMilliseconds(250));
        }

        Assert.Equal(1, (await run).Retrying);
        Assert.Equal("timeout", (await ItemAsync(notification)).LastError);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, (await Dispatcher().DispatchDueAsync(CancellationToken.None)).Delivered);

        Assert.Equal([notification.IdempotencyKey], delivered);
    }

    [Fact]
    public async Task Dispatch_ReceiverDown_NeverLostDeadLetteredThenRequeuedAndDelivered()
    {
        // Nothing listens on the receiver's port: connection refused on every try.
        var closedPort = new UriBuilder(_server.BaseUri) { Port = 1, Path = "services/T/B/X" }.Uri.ToString();
        await using var down = Build(_time, slackUrl: closedPort);
        var notification = Notification();
        await Dispatcher(down).EnqueueAsync(notification, CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            await Dispatcher(down).DispatchDueAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromMinutes(10));
        }

        var dead = Assert.Single(await Dispatcher(down).ListDeadLettersAsync(CancellationToken.None));
        Assert.Equal(notification.IdempotencyKey, dead.IdempotencyKey);
        Assert.Equal(3, dead.Attempts);
        Assert.Equal("connection failed", dead.LastError);

        var delivered = Answer(200);
        Assert.True(await Dispatcher().RequeueAsync(notification.IdempotencyKey, CancellationToken.None));
        Assert.Equal(1, (await Dispatcher().DispatchDueAsync(CancellationToken.None)).Delivered);
        Assert.Single(delivered);
        Assert.Empty(await Dispatcher().ListDeadLettersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Dispatch_Rejected400_DeadLetteredAtOnce()
    {
        Answer(400);
        var notification = Notification();
        await Dispatcher().EnqueueAsync(notification, CancellationToken.None);

        Assert.Equal(1, (await Dispatcher().DispatchDueAsync(CancellationToken.None)).DeadLettered);
        Assert.Equal("HTTP 400", (await ItemAsync(notification)).LastError);
    }

    [Fact]
    public async Task Dispatch_TwoRunsAtOnce_OneClaimOneSend()
    {
        var delivered = new ConcurrentBag<string>();
        _server.Responder = async (request, response) =>
        {
            await Task.Delay(300);
            delivered.Add(request.Headers["Idempotency-Key"]);
            await response.WriteAsync("ok");
        };
        var notification = Notification();
        await Dispatcher().EnqueueAsync(notification, CancellationToken.None);

        var runs = await Task.WhenAll(Dispatcher().DispatchDueAsync(CancellationToken.None), Dispatcher().DispatchDueAsync(CancellationToken.None));

        Assert.Single(delivered);
        Assert.Equal(1, runs.Sum(r => r.Delivered));
    }

    [Fact]
    public async Task Dispatch_CrashAfterClaimForWebhook_ResentOnlyAfterClaimExpiresWithSameKey()
    {
        var delivered = Answer(200);
        var notification = Notification("hook");
        await Dispatcher().EnqueueAsync(notification, CancellationToken.None);
        await SimulateCrashAfterClaimAsync(notification);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new DispatchSummary(0, 0, 0, 0), await Dispatcher().DispatchDueAsync(CancellationToken.None));
        Assert.Empty(_server.Requests);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await Dispatcher().DispatchDueAsync(CancellationToken.None)).Delivered);
        Assert.Equal([notification.IdempotencyKey], delivered);
    }

    [Fact]
    public async Task Dispatch_CrashAfterClaimForSlack_NeverPostedTwiceButVisibleAsDeadLetter()
    {
        Answer(200);
        var notification = Notification();
        await Dispatcher().EnqueueAsync(notification, CancellationToken.None);
        await SimulateCrashAfterClaimAsync(notification);

        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, (await Dispatcher().DispatchDueAsync(CancellationToken.None)).DeadLettered);
        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        Assert.Empty(_server.Requests);
        var parked = Assert.Single(await Dispatcher().ListDeadLettersAsync(CancellationToken.None));
        Assert.Contains("Outcome unknown", parked.LastError, StringComparison.Ordinal);
        Assert.True(await Dispatcher().RequeueAsync(notification.IdempotencyKey, CancellationToken.None));
        Assert.Equal(1, (await Dispatcher().DispatchDueAsync(CancellationToken.None)).Delivered);
    }

    /// <summary>A run that claimed the item, posted it and died before writing "sent".</summary>
    private async Task SimulateCrashAfterClaimAsync(OutgoingNotification notification)
    {
        var outbox = _services.GetRequiredService<INotificationOutbox>();
        var stored = (await outbox.GetAsync(notification.IdempotencyKey, CancellationToken.None))!;
        await outbox.TryReplaceAsync(stored, stored.Item with { State = OutboxState.Sending, Attempts = 1, ClaimedUntil = _time.GetUtcNow().AddMinutes(2) }, CancellationToken.None);
    }

    [Fact]
    public async Task Enqueue_SameNotificationTwice_StoredOnce()
    {
        Answer(200);

        Assert.True(await Dispatcher().EnqueueAsync(Notification(), CancellationToken.None));
        Assert.False(await Dispatcher().EnqueueAsync(Notification(), CancellationToken.None));
        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Dispatch_TwoSlackMessages_SpacedAtLeastOneSecond()
    {
        var arrivals = new ConcurrentQueue<TimeSpan>();
        var clock = Stopwatch.StartNew();
        _server.Responder = (_, response) =>
        {
            arrivals.Enqueue(clock.Elapsed);
            return response.WriteAsync("ok");
        };
        await using var services = NotificationSenderTests.Services(_server, s =>
        {
            s.AddSingleton(TimeProvider.System);
            s.AddSingleton(new BlobServiceClient(azurite.ConnectionString));
        }, extra: new Dictionary<string, string?> { ["Notifications:OutboxContainer"] = _container });

        await Dispatcher(services).EnqueueAsync(Notification(group: "a"), CancellationToken.None);
        await Dispatcher(services).EnqueueAsync(Notification(group: "b"), CancellationToken.None);
        Assert.Equal(2, (await Dispatcher(services).DispatchDueAsync(CancellationToken.None)).Delivered);

        var times = arrivals.ToArray();
        Assert.Equal(2, times.Length);
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(950), $"gap {times[1] - times[0]}");
    }

    [Fact]
    public async Task EnqueueDigests_TwiceOnOneDay_OneDigestPerReceiverDelivered()
    {
        var delivered = Answer(200);
        var incidents = NotificationSenderTests.Message().Incidents.Select(i => i.Incident).ToList();
        var end = incidents[0].End.AddHours(1);

        Assert.Equal(1, await Dispatcher().EnqueueDigestsAsync(incidents, end, CancellationToken.None));
        Assert.Equal(0, await Dispatcher().EnqueueDigestsAsync(incidents, end.AddMinutes(5), CancellationToken.None));
        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/services/T000/B000/XXXX", request.Path);
        Assert.Contains("Daily 502 digest", request.Body, StringComparison.Ordinal);
        Assert.Single(delivered);
    }

    [Fact]
    public async Task Dispatch_SentItemsPastRetention_Purged()
    {
        Answer(200);
        var notification = Notification();
        await Dispatcher().EnqueueAsync(notification, CancellationToken.None);
        await Dispatcher().DispatchDueAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await Dispatcher().DispatchDueAsync(CancellationToken.None)).Purged);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, (await Dispatcher().DispatchDueAsync(CancellationToken.None)).Purged);

        Assert.Null(await _services.GetRequiredService<INotificationOutbox>().GetAsync(notification.IdempotencyKey, CancellationToken.None));
    }
}
