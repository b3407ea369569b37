namespace FunctionsApp.Ingestion.Internal;

/// <summary>A batch names more nginx instances than one request may (each becomes a stored batch of its own).</summary>
internal sealed class TooManyPartsException(int limit) : Exception($"The batch names more than {limit} nginx instances.")
{
    public int Limit { get; } = limit;
}
