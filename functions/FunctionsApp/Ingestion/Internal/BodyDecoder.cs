using System.IO.Compression;
using FunctionsApp.IO;
using ZstdSharp;

namespace FunctionsApp.Ingestion.Internal;

/// <summary>
/// Undoes Content-Encoding (<c>gzip</c>, <c>deflate</c> as zlib or raw, <c>zstd</c>; several applied in order).
/// Without the header a gzip or zstd body is still recognised by its magic bytes: some shippers compress without saying so.
/// </summary>
internal static class BodyDecoder
{
    private const int SniffLength = 4;

    /// <param name="body">The request body.</param>
    /// <param name="contentEncoding">The Content-Encoding header.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <param name="sniff">Recognise gzip and zstd without the header (off for bodies of a known binary format).</param>
    public static async Task<Stream> OpenAsync(Stream body, string? contentEncoding, CancellationToken cancellationToken, bool sniff = true)
    {
        var encodings = (contentEncoding ?? string.Empty)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(e => !e.Equals("identity", StringComparison.OrdinalIgnoreCase))
            .ToArray();

        var stream = body;
        if (encodings.Length == 0 && !sniff)
        {
            return body;
        }

        if (encodings.Length == 0)
        {
            var (prefix, rest) = await PeekAsync(stream, cancellationToken);
            return prefix.Span switch
            {
                [0x1f, 0x8b, ..] => new GZipStream(rest, CompressionMode.Decompress),
                [0x28, 0xb5, 0x2f, 0xfd, ..] => new DecompressionStream(rest),
                _ => rest,
            };
        }

        // Applied in the order listed, so they are undone in reverse.
        for (var i = encodings.Length - 1; i >= 0; i--)
        {
            stream = encodings[i].ToLowerInvariant() switch
            {
                "gzip" or "x-gzip" => new GZipStream(stream, CompressionMode.Decompress),
                "zstd" => new DecompressionStream(stream),
                "deflate" => await OpenDeflateAsync(stream, cancellationToken),
                _ => throw new UnsupportedEncodingException(encodings[i]),
            };
        }

        return stream;
    }

    // HTTP's "deflate" is zlib (RFC 1950), but some clients send raw deflate (RFC 1951); the zlib header tells them apart.
    private static async Task<Stream> OpenDeflateAsync(Stream stream, CancellationToken cancellationToken)
    {
        var (prefix, rest) = await PeekAsync(stream, cancellationToken);
        var isZlib = prefix.Length >= 2 && (prefix.Span[0] & 0x0f) == 8 && ((prefix.Span[0] << 8) | prefix.Span[1]) % 31 == 0;
        return isZlib ? new ZLibStream(rest, CompressionMode.Decompress) : new DeflateStream(rest, CompressionMode.Decompress);
    }

    private static async Task<(ReadOnlyMemory<byte> Head, Stream Stream)> PeekAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[SniffLength];
        var filled = 0;
        while (filled < prefix.Length)
        {
            var read = await stream.ReadAsync(prefix.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        var head = prefix.AsMemory(0, filled);
        return (head, new PrefixedStream(head, stream));
    }
}
