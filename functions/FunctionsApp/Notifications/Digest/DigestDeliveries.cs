namespace FunctionsApp.Notifications.Digest;

public sealed record DigestDeliveries(int Sent, int Pending, int DeadLettered);
