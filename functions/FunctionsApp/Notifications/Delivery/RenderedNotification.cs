namespace FunctionsApp.Notifications.Delivery;

/// <summary>A message rendered for one receiver: the exact bytes to post, so a retry sends what the first try sent.</summary>
/// <param name="Receiver">Receiver name.</param>
/// <param name="IdempotencyKey">Same on every attempt; receivers that honour it drop duplicates.</param>
/// <param name="Payload">UTF-8 JSON body.</param>
public sealed record RenderedNotification(string Receiver, string IdempotencyKey, byte[] Payload);
