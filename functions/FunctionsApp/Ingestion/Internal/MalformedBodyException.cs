namespace FunctionsApp.Ingestion.Internal;

/// <summary>A body that is not what its protocol says it is; the message is safe to show the client.</summary>
internal sealed class MalformedBodyException(string message) : Exception(message);
