using FunctionsApp.Notifications.Webhook;
using Refit;

namespace FunctionsApp.Notifications.Delivery;

/// <summary>Generic signed webhook: any 2xx is success.</summary>
internal interface IGenericWebhookApi
{
    [Post("/")]
    Task<HttpResponseMessage> PostAsync(
        [Property(WebhookUrlHandler.UrlKey)] Uri webhookUrl,
        [Header("Idempotency-Key")] string idempotencyKey,
        [Header(WebhookSignature.HeaderName)] string signature,
        [Body] HttpContent payload,
        CancellationToken cancellationToken);
}
