namespace FunctionsApp.Ingestion.Internal;

/// <summary>A Content-Encoding other than gzip, deflate, zstd and identity.</summary>
internal sealed class UnsupportedEncodingException(string encoding)
    : Exception($"Content-Encoding '{encoding}' is not supported.")
{
    public string Encoding { get; } = encoding;
}
