using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>Builds request bodies the way shippers encode them.</summary>
internal static class Bodies
{
    public static byte[] Encode(string text, string? encoding) => Encode(Encoding.UTF8.GetBytes(text), encoding);

    public static byte[] Encode(byte[] raw, string? encoding)
    {
        if (encoding is null)
        {
            return raw;
        }

        using var output = new MemoryStream();
        if (encoding == "zstd")
        {
            using var compressor = new ZstdSharp.Compressor();
            return compressor.Wrap(raw).ToArray();
        }

        using (Stream compressor = encoding switch
               {
                   "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
                   "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
                   "deflate-raw" => new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true),
                   _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
               })
        {
            compressor.Write(raw);
        }

        return output.ToArray();
    }

    public static ByteArrayContent Content(byte[] body, string? contentEncoding, string contentType = "application/octet-stream")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        return content;
    }
}
