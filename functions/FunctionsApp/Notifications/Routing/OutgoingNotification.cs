namespace FunctionsApp.Notifications.Routing;

/// <summary>A message the grouper decided to send: to whom, what, and the key that makes sending it idempotent.</summary>
public sealed record OutgoingNotification(string Receiver, NotificationMessage Message, string IdempotencyKey);
