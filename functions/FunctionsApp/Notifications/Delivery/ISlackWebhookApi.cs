using Refit;

namespace FunctionsApp.Notifications.Delivery;

/// <summary>Slack incoming webhook: 200 <c>ok</c> on success, 429 with <c>Retry-After</c> when rate limited.</summary>
internal interface ISlackWebhookApi
{
    [Post("/")]
    Task<HttpResponseMessage> PostAsync(
        [Property(WebhookUrlHandler.UrlKey)] Uri webhookUrl,
        [Header("Idempotency-Key")] string idempotencyKey,
        [Body] HttpContent payload,
        CancellationToken cancellationToken);
}
