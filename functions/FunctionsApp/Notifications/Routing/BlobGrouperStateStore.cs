using System.Net;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace FunctionsApp.Notifications.Routing;

/// <summary>The grouper's memory as one blob (<c>state/grouper.json</c>) in the outbox container, written with ETag conditions.</summary>
internal sealed class BlobGrouperStateStore(BlobContainerClient container) : IGrouperStateStore
{
    private BlobClient Blob => container.GetBlobClient("state/grouper.json");

    public async Task<(GrouperSnapshot Snapshot, string? ETag)> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await Blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var snapshot = result.Value.Content.ToObjectFromJson(NotificationsJsonContext.Default.GrouperSnapshot) ?? GrouperSnapshot.Empty;
            return (snapshot, result.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return (GrouperSnapshot.Empty, null);
        }
    }

    public async Task<bool> TrySaveAsync(GrouperSnapshot snapshot, string? etag, CancellationToken cancellationToken)
    {
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var conditions = etag is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = new ETag(etag) };
        try
        {
            await Blob.UploadAsync(new BinaryData(JsonSerializer.SerializeToUtf8Bytes(snapshot, NotificationsJsonContext.Default.GrouperSnapshot)),
                new BlobUploadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict)
        {
            return false;
        }
    }
}
