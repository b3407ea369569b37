namespace FunctionsApp.Notifications.Delivery;

/// <summary>What one delivery attempt came to.</summary>
/// <param name="Outcome">Delivered, retry later, or rejected.</param>
/// <param name="StatusCode">HTTP status, when there was a response.</param>
/// <param name="RetryAfter">The receiver's <c>Retry-After</c>, when it sent one.</param>
/// <param name="Detail">Short reason for logs and the dead-letter API (never the URL or the body).</param>
public sealed record DeliveryResult(DeliveryOutcome Outcome, int? StatusCode, TimeSpan? RetryAfter, string? Detail);
