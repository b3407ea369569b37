namespace FunctionsApp.Notifications.Digest;

public sealed record DigestCount(string Name, int Count);
