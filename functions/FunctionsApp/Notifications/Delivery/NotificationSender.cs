using System.Net;
using System.Net.Http.Headers;
using FunctionsApp.Notifications.Webhook;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace FunctionsApp.Notifications.Delivery;

/// <summary>
/// One delivery attempt to one receiver, classified. It never retries itself: retries, backoff and dead-lettering
/// belong to the outbox, which survives restarts.
/// </summary>
internal sealed class NotificationSender(
    ISlackWebhookApi slack,
    ITeamsWebhookApi teams,
    IGenericWebhookApi webhook,
    IOptionsMonitor<NotificationsOptions> options,
    TimeProvider timeProvider,
    ILogger<NotificationSender> logger)
{
    public async Task<DeliveryResult> SendAsync(RenderedNotification notification, CancellationToken cancellationToken)
    {
        var receiver = options.CurrentValue.Receivers.FirstOrDefault(r => r.Name == notification.Receiver);
        if (receiver?.Url is null)
        {
            return new DeliveryResult(DeliveryOutcome.Rejected, null, null, $"receiver '{notification.Receiver}' is not configured");
        }

        using var content = new ByteArrayContent(notification.Payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        try
        {
            using var response = receiver.Type switch
            {
                ReceiverType.Slack => await slack.PostAsync(receiver.Url, notification.IdempotencyKey, content, cancellationToken).ConfigureAwait(false),
                ReceiverType.Teams => await teams.PostAsync(receiver.Url, notification.IdempotencyKey, content, cancellationToken).ConfigureAwait(false),
                ReceiverType.Webhook => await webhook.PostAsync(receiver.Url, notification.IdempotencyKey,
                    WebhookSignature.Sign(notification.Payload, receiver.Secret!, timeProvider.GetUtcNow()), content, cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException($"Unknown receiver type {receiver.Type}."),
            };
            var result = Classify(response, timeProvider.GetUtcNow());
            Log.Sent(logger, notification.Receiver, notification.IdempotencyKey, result.Outcome, result.StatusCode);
            return result;
        }
        catch (Exception ex) when (ex is HttpRequestException or ApiExceptionBase or ExecutionRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Timeouts and connection failures: the receiver may or may not have the message; the idempotency key
            // makes the retry safe for receivers that honour it.
            Log.SendFailed(logger, notification.Receiver, notification.IdempotencyKey, ex.GetType().Name);
            return new DeliveryResult(DeliveryOutcome.RetryLater, null, null, IsTimeout(ex) ? "timeout" : "connection failed");
        }
    }

    /// <summary>Refit wraps transport failures (including the resilience timeout) in its own exception.</summary>
    private static bool IsTimeout(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is OperationCanceledException or Polly.Timeout.TimeoutRejectedException)
            {
                return true;
            }
        }

        return false;
    }

    internal static DeliveryResult Classify(HttpResponseMessage response, DateTimeOffset now)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return new DeliveryResult(DeliveryOutcome.Delivered, status, null, null);
        }

        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now > TimeSpan.Zero ? date - now : TimeSpan.Zero,
            _ => (TimeSpan?)null,
        };
        var transient = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || status >= 500;
        return new DeliveryResult(transient ? DeliveryOutcome.RetryLater : DeliveryOutcome.Rejected, status, retryAfter, $"HTTP {status}");
    }
}
