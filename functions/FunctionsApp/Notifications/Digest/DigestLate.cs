namespace FunctionsApp.Notifications.Digest;

/// <summary>An incident the digest reports because its logs came too late for a message of its own.</summary>
public sealed record DigestLate(string Id, string What, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset DetectedAt);
