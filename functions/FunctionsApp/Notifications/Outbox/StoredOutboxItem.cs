namespace FunctionsApp.Notifications.Outbox;

/// <summary>An outbox item with the version (ETag) it was read at; writes succeed only if nobody wrote in between.</summary>
public sealed record StoredOutboxItem(OutboxItem Item, string ETag);
