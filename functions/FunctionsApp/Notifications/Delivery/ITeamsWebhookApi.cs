using Refit;

namespace FunctionsApp.Notifications.Delivery;

/// <summary>Teams Workflows webhook: 202 Accepted with an empty body on success.</summary>
internal interface ITeamsWebhookApi
{
    [Post("/")]
    Task<HttpResponseMessage> PostAsync(
        [Property(WebhookUrlHandler.UrlKey)] Uri webhookUrl,
        [Header("Idempotency-Key")] string idempotencyKey,
        [Body] HttpContent payload,
        CancellationToken cancellationToken);
}
