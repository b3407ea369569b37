using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using FunctionsApp.Storage;

namespace FunctionsApp.SiteConfig;

/// <summary><c>state/nginx-config/{site}.conf</c>: the text as sent, with the time and hash in metadata.</summary>
internal sealed class BlobNginxConfigStore(BlobContainers containers) : INginxConfigStore
{
    public async Task SaveAsync(StoredNginxConfig config, CancellationToken cancellationToken)
    {
        await containers.State.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "text/plain; charset=utf-8" },
            Metadata = new Dictionary<string, string>
            {
                ["receivedAt"] = config.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
                ["sha256"] = config.Sha256,
            },
        };
        await containers.State.GetBlobClient(BlobName(config.Site)).UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(config.Text)), options, cancellationToken);
    }

    public async Task<StoredNginxConfig?> GetAsync(string site, CancellationToken cancellationToken)
    {
        try
        {
            var content = await containers.State.GetBlobClient(BlobName(site)).DownloadContentAsync(cancellationToken);
            var metadata = content.Value.Details.Metadata;
            var receivedAt = metadata.TryGetValue("receivedAt", out var at) && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
                ? time
                : content.Value.Details.LastModified;
            return new StoredNginxConfig(site, content.Value.Content.ToString(), receivedAt, metadata.TryGetValue("sha256", out var hash) ? hash : string.Empty, content.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static string BlobName(string site) => $"nginx-config/{BlobNames.Segment(site)}.conf";
}
