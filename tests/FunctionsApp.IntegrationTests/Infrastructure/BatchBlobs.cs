using System.IO.Compression;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>Reads what ingest stored, straight from Blob Storage (not through the app).</summary>
internal static class BatchBlobs
{
    public static async Task<IReadOnlyList<BlobItem>> ListAsync(BlobContainerClient logs, string prefix = "raw/")
    {
        var items = new List<BlobItem>();
        await foreach (var item in logs.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }))
        {
            items.Add(item);
        }

        return items;
    }

    public static async Task<string[]> ReadLinesAsync(BlobContainerClient logs, string blobName)
    {
        var download = await logs.GetBlobClient(blobName).DownloadContentAsync();
        using var gzip = new GZipStream(download.Value.Content.ToStream(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return text[..^1].Split('\n');
    }

    public static async Task<List<string>> ReadAllLinesAsync(BlobContainerClient logs, string prefix = "raw/")
    {
        var lines = new List<string>();
        foreach (var item in await ListAsync(logs, prefix))
        {
            lines.AddRange(await ReadLinesAsync(logs, item.Name));
        }

        return lines;
    }
}
