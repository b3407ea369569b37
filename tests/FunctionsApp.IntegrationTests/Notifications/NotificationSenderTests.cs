using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.IntegrationTests.Metrics;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Delivery;
using FunctionsApp.Notifications.Webhook;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsApp.IntegrationTests.Notifications;

/// <summary>Delivery to local HTTPS receivers that record what they get.</summary>
public sealed class NotificationSenderTests : IAsyncLifetime
{
    internal const string Secret = "integration-test-secret-0123456789abcdef";
    private LoopbackHttpsServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackHttpsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    internal static ServiceProvider Services(LoopbackHttpsServer server, Action<IServiceCollection>? configure = null, string sendTimeout = "00:00:02",
        IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:PublicBaseUrl"] = "https://diag.example.com",
            ["Notifications:SendTimeout"] = sendTimeout,
            ["Notifications:Receivers:0:Name"] = "ops-slack",
            ["Notifications:Receivers:0:Type"] = "Slack",
            ["Notifications:Receivers:0:Url"] = server.BaseUri + "services/T000/B000/XXXX",
            ["Notifications:Receivers:1:Name"] = "ops-teams",
            ["Notifications:Receivers:1:Type"] = "Teams",
            ["Notifications:Receivers:1:Url"] = server.BaseUri + "workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=s3cr3t",
            ["Notifications:Receivers:2:Name"] = "hook",
            ["Notifications:Receivers:2:Type"] = "Webhook",
            ["Notifications:Receivers:2:Url"] = server.BaseUri + "hooks/incidents",
            ["Notifications:Receivers:2:Secret"] = Secret,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(server.CreateHandler));
        services.AddNotifications(configuration);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(validateScopes: true);
        _ = provider.GetRequiredService<IOptions<NotificationsOptions>>().Value;
        return provider;
    }

    internal static NotificationMessage Message() => new("g1", NotificationKind.Firing,
    [
        new NotificationIncident(new Incident
        {
            Id = "inc-1",
            Upstream = "10.0.1.4:8080",
            Host = "api.example.com",
            Status = 502,
            Statuses = new Dictionary<string, int> { ["502"] = 120 },
            Cause = IncidentCause.UpstreamDown,
            Confidence = 0.9,
            Summary = "The upstream refused connections after serving traffic.",
            Start = new DateTimeOffset(2026, 11, 24, 4, 30, 0, TimeSpan.Zero),
            End = new DateTimeOffset(2026, 11, 24, 4, 35, 0, TimeSpan.Zero),
            State = IncidentState.Open,
            FailedRequests = 120,
            Evidence = [new EvidenceItem("connect() failed (111: Connection refused)", 120,
                "2026/11/24 04:30:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9, server: api.example.com, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.1.4:8080/\", host: \"api.example.com\"")],
            Remediation = ["Start the upstream service or remove it from the pool."],
        }, null, new Uri("https://diag.example.com/api/incidents/inc-1")),
    ]);

    private static RenderedNotification Rendered(string receiver, ReceiverType type) =>
        new(receiver, NotificationRenderer.IdempotencyKey(receiver, "g1", "inc1", NotificationKind.Firing, 1), NotificationRenderer.Render(type, Message()));

    private static Task<DeliveryResult> SendAsync(ServiceProvider services, RenderedNotification notification) =>
        services.GetRequiredService<NotificationSender>().SendAsync(notification, CancellationToken.None);

    [Fact]
    public async Task SendAsync_Slack200Ok_DeliveredWithExactBytesAndIdempotencyKey()
    {
        _server.Responder = (_, response) => response.WriteAsync("ok");
        await using var services = Services(_server);
        var notification = Rendered("ops-slack", ReceiverType.Slack);

        var result = await SendAsync(services, notification);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/services/T000/B000/XXXX", request.Path);
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal(notification.IdempotencyKey, request.Headers["Idempotency-Key"]);
        Assert.Equal(Encoding.UTF8.GetString(notification.Payload), request.Body);
        Assert.Contains("\"blocks\":[{\"type\":\"header\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_Teams202EmptyBody_DeliveredToTheFullWorkflowUrl()
    {
        _server.Responder = (_, response) =>
        {
            response.StatusCode = 202;
            return Task.CompletedTask;
        };
        await using var services = Services(_server);

        var result = await SendAsync(services, Rendered("ops-teams", ReceiverType.Teams));

        Assert.Equal(new DeliveryResult(DeliveryOutcome.Delivered, 202, null, null), result);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/workflows/abc/triggers/manual/paths/invoke", request.Path);
        Assert.Equal("s3cr3t", request.Query["sig"]);
        Assert.Equal("/triggers/manual/run", request.Query["sp"]);
        Assert.Contains("\"contentType\":\"application/vnd.microsoft.card.adaptive\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_Webhook_SignatureVerifiesOverReceivedBodyAndTamperingFails()
    {
        _server.Responder = (_, response) =>
        {
            response.StatusCode = 204;
            return Task.CompletedTask;
        };
        await using var services = Services(_server);

        var result = await SendAsync(services, Rendered("hook", ReceiverType.Webhook));

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var request = Assert.Single(_server.Requests);
        var header = request.Headers[WebhookSignature.HeaderName];
        Assert.Matches("^t=[0-9]+,v1=[0-9a-f]{64}$", header);
        var now = TimeProvider.System.GetUtcNow();
        Assert.True(WebhookSignature.Verify(Encoding.UTF8.GetBytes(request.Body), header, Secret, now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Encoding.UTF8.GetBytes(request.Body.Replace("inc-1", "inc-2", StringComparison.Ordinal)), header, Secret, now, TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData(429, "7", DeliveryOutcome.RetryLater, 7)]
    [InlineData(500, null, DeliveryOutcome.RetryLater, null)]
    [InlineData(503, "2", DeliveryOutcome.RetryLater, 2)]
    [InlineData(400, null, DeliveryOutcome.Rejected, null)]
    [InlineData(404, null, DeliveryOutcome.Rejected, null)]
    public async Task SendAsync_ErrorStatus_Classified(int status, string? retryAfter, DeliveryOutcome outcome, int? retryAfterSeconds)
    {
        _server.Responder = (_, response) =>
        {
            response.StatusCode = status;
            if (retryAfter is not null)
            {
                response.Headers.RetryAfter = retryAfter;
            }

            return response.WriteAsync(status == 400 ? "invalid_blocks" : "");
        };
        await using var services = Services(_server);

        var result = await SendAsync(services, Rendered("ops-slack", ReceiverType.Slack));

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(status, result.StatusCode);
        Assert.Equal(retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, result.RetryAfter);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task SendAsync_ReceiverSlowerThanTimeout_RetryLater()
    {
        _server.Responder = async (_, response) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            await response.WriteAsync("ok");
        };
        await using var services = Services(_server, sendTimeout: "00:00:00.500");

        var result = await SendAsync(services, Rendered("ops-slack", ReceiverType.Slack));

        Assert.Equal(DeliveryOutcome.RetryLater, result.Outcome);
        Assert.Equal("timeout", result.Detail);
    }
}
