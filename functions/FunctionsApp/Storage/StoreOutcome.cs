namespace FunctionsApp.Storage;

/// <summary>The result of an idempotent store.</summary>
internal enum StoreOutcome
{
    /// <summary>This call committed the batch blob.</summary>
    Stored,

    /// <summary>An earlier attempt with the same idempotency key or content had committed it.</summary>
    Duplicate,

    /// <summary>The idempotency key was used before for different content; nothing was stored.</summary>
    KeyReusedWithDifferentContent,
}
