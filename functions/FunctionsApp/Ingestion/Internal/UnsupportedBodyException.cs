namespace FunctionsApp.Ingestion.Internal;

/// <summary>The body is neither log lines nor a JSON shape we know (binary data, JSON numbers, ...).</summary>
internal sealed class UnsupportedBodyException(string reason) : Exception(reason);
