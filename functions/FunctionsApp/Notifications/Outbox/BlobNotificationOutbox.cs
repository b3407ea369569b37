using System.Net;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

using FunctionsApp.Storage;

namespace FunctionsApp.Notifications.Outbox;

/// <summary>
/// <see cref="INotificationOutbox"/> on Blob Storage: one blob per item (<c>items/{idempotencyKey}.json</c>);
/// create with <c>If-None-Match: *</c>, update and delete with <c>If-Match: {ETag}</c>.
/// </summary>
internal sealed class BlobNotificationOutbox(BlobContainerClient container) : INotificationOutbox
{
    private const string Prefix = "items/";
    private readonly ContainerGuard _guard = new(container);

    public Task<bool> AddAsync(OutboxItem item, CancellationToken cancellationToken) =>
        _guard.RunAsync(
            async ct =>
            {
                try
                {
                    await Blob(item.IdempotencyKey).UploadAsync(Serialize(item),
                        new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct).ConfigureAwait(false);
                    return true;
                }
                catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
                {
                    return false;
                }
            },
            cancellationToken);

    public Task<IReadOnlyList<StoredOutboxItem>> ListAsync(CancellationToken cancellationToken) => _guard.RunAsync(ListItemsAsync, cancellationToken);

    private async Task<IReadOnlyList<StoredOutboxItem>> ListItemsAsync(CancellationToken cancellationToken)
    {
        var items = new List<StoredOutboxItem>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix }, cancellationToken).ConfigureAwait(false))
        {
            var key = blob.Name[Prefix.Length..^".json".Length];
            if (await GetAsync(key, cancellationToken).ConfigureAwait(false) is { } item)
            {
                items.Add(item);
            }
        }

        return items;
    }

    public async Task<StoredOutboxItem?> GetAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            var result = await Blob(idempotencyKey).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var item = result.Value.Content.ToObjectFromJson(OutboxJsonContext.Default.OutboxItem)
                ?? throw new InvalidDataException($"Outbox item {idempotencyKey} is empty.");
            return new StoredOutboxItem(item, result.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<StoredOutboxItem?> TryReplaceAsync(StoredOutboxItem current, OutboxItem next, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Blob(next.IdempotencyKey).UploadAsync(Serialize(next),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag(current.ETag) } }, cancellationToken).ConfigureAwait(false);
            return new StoredOutboxItem(next, response.Value.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<bool> TryDeleteAsync(StoredOutboxItem current, CancellationToken cancellationToken)
    {
        try
        {
            await Blob(current.Item.IdempotencyKey).DeleteAsync(DeleteSnapshotsOption.None,
                new BlobRequestConditions { IfMatch = new ETag(current.ETag) }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private BlobClient Blob(string idempotencyKey) => container.GetBlobClient(Prefix + idempotencyKey + ".json");

    private static BinaryData Serialize(OutboxItem item) =>
        new(JsonSerializer.SerializeToUtf8Bytes(item, OutboxJsonContext.Default.OutboxItem));

}
