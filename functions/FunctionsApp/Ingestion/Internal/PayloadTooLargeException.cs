namespace FunctionsApp.Ingestion.Internal;

/// <summary>The decoded body passed the configured limit.</summary>
internal sealed class PayloadTooLargeException(long limit)
    : IOException($"The decoded body exceeds {limit} bytes.")
{
    public long Limit { get; } = limit;
}
