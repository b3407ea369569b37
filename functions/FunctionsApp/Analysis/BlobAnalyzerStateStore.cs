using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using FunctionsApp.Incidents;
using FunctionsApp.Storage;

namespace FunctionsApp.Analysis;

/// <summary>
/// Site states as gzip'd JSON blobs <c>sites/{site}.json.gz</c> in the state container, written with ETag
/// conditions; each site's lease is a blob lease on <c>locks/sites/{site}</c>, whose metadata keeps the site's fencing
/// token.
/// </summary>
internal sealed class BlobAnalyzerStateStore(BlobContainers containers) : IAnalyzerStateStore
{
    private readonly ContainerGuard _guard = new(containers.State);
    private volatile bool _containerReady;

    private const string SitesPrefix = "sites/";
    private const string SiteLocksPrefix = "locks/sites/";

    // The single run lease of earlier versions: a site's first fencing token continues its count, so documents written
    // under it (carrying its tokens) do not refuse the site's first runs.
    private const string LegacyLockBlob = "locks/analyze";
    private const string FenceKey = "fence";

    public async Task<VersionedSiteState> LoadAsync(string site, CancellationToken cancellationToken)
    {
        var blob = containers.State.GetBlobClient(SiteBlob(site));
        try
        {
            var download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var content = download.Value.Content;
            var state = await ReadAsync(content, cancellationToken);
            return new VersionedSiteState(state, download.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new VersionedSiteState(new SiteState { Site = site }, null);
        }
    }

    public async Task SaveAsync(VersionedSiteState state, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using (var zip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            await JsonSerializer.SerializeAsync(zip, state.State, SiteStateJsonContext.Default.SiteState, cancellationToken);
        }

        buffer.Position = 0;
        var conditions = state.Version is null
            ? new BlobRequestConditions { IfNoneMatch = ETag.All }
            : new BlobRequestConditions { IfMatch = new ETag(state.Version) };
        try
        {
            await _guard.RunAsync(
                ct =>
                {
                    buffer.Position = 0;
                    return containers.State.GetBlobClient(SiteBlob(state.State.Site)).UploadAsync(
                        buffer, new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json", ContentEncoding = "gzip" } }, ct);
                },
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new StaleWriterException($"The state of site '{state.State.Site}' was saved by another run since this one loaded it.", ex);
        }
    }

    public async IAsyncEnumerable<SiteState> LoadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        await foreach (var item in ContainerGuard.ListOrEmpty(containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = SitesPrefix }, cancellationToken), cancellationToken))
        {
            var download = await containers.State.GetBlobClient(item.Name).DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var content = download.Value.Content;
            yield return await ReadAsync(content, cancellationToken);
        }
    }

    public Task<IRunLease?> TryAcquireSiteLeaseAsync(string site, TimeSpan duration, CancellationToken cancellationToken) =>
        _guard.RunAsync(ct => AcquireAsync(site, duration, ct), cancellationToken);

    private async Task<IRunLease?> AcquireAsync(string site, TimeSpan duration, CancellationToken cancellationToken)
    {
        var blob = containers.State.GetBlobClient(SiteLocksPrefix + BlobNames.Segment(site));
        var lease = blob.GetBlobLeaseClient();
        var acquiring = Stopwatch.GetTimestamp();
        try
        {
            await lease.AcquireAsync(duration, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null; // held by a run elsewhere: that run analyzes the site
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && !ContainerGuard.IsContainerNotFound(ex))
        {
            // The site's first run: create its lock (one concurrent creator wins, the rest find it) and take it.
            var first = new Dictionary<string, string> { [FenceKey] = (await LegacyFenceAsync(cancellationToken)).ToString(CultureInfo.InvariantCulture) };
            try
            {
                await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Metadata = first, Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            }
            catch (RequestFailedException exists) when (exists.Status is 409 or 412)
            {
                // Another run created it first.
            }

            try
            {
                acquiring = Stopwatch.GetTimestamp();
                await lease.AcquireAsync(duration, cancellationToken: cancellationToken);
            }
            catch (RequestFailedException held) when (held.Status == 409)
            {
                return null;
            }
        }

        // The fencing token: only the lease holder can write the lock blob's metadata, so each holder counts one up.
        var leased = new BlobRequestConditions { LeaseId = lease.LeaseId };
        var properties = await blob.GetPropertiesAsync(leased, cancellationToken);
        var fence = ParseFence(properties.Value.Metadata) + 1;
        await blob.SetMetadataAsync(
            new Dictionary<string, string> { [FenceKey] = fence.ToString(CultureInfo.InvariantCulture) }, leased, cancellationToken);
        return new BlobRunLease(site, lease, fence, duration, acquiring);
    }

    private async Task<long> LegacyFenceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var properties = await containers.State.GetBlobClient(LegacyLockBlob).GetPropertiesAsync(cancellationToken: cancellationToken);
            return ParseFence(properties.Value.Metadata);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }

    private static long ParseFence(IDictionary<string, string> metadata) =>
        metadata.TryGetValue(FenceKey, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var fence) ? fence : 0;

    /// <summary>The container is created at start-up in the background; a call that comes first creates it itself.</summary>
    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_containerReady)
        {
            await containers.State.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerReady = true;
        }
    }

    private static async Task<SiteState> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        await using var zip = new GZipStream(content, CompressionMode.Decompress);
        var state = await JsonSerializer.DeserializeAsync(zip, SiteStateJsonContext.Default.SiteState, cancellationToken)
            ?? throw new InvalidDataException("The site state blob is empty.");
        state.Engine = EngineState.Resume(state.Engine);
        return state;
    }

    private static string SiteBlob(string site) => SitesPrefix + BlobNames.Segment(site) + ".json.gz";

    /// <summary>
    /// A site's blob lease. Renewing asks storage only once a third of the lease has passed since the last time it was
    /// taken or renewed, measured on the monotonic clock from before that request was sent (so never less than storage
    /// counts): until then the lease is known to be ours without a round trip, which spares one request per batch read.
    /// </summary>
    private sealed class BlobRunLease(string site, BlobLeaseClient lease, long fence, TimeSpan duration, long heldSince) : IRunLease
    {
        private long _heldSince = heldSince;

        public long Fence => fence;

        public async Task RenewAsync(CancellationToken cancellationToken)
        {
            if (Stopwatch.GetElapsedTime(_heldSince) < duration / 3)
            {
                return;
            }

            var renewing = Stopwatch.GetTimestamp();
            try
            {
                // Renewing an expired lease nobody else took succeeds; one another run took fails.
                await lease.RenewAsync(cancellationToken: cancellationToken);
                _heldSince = renewing;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                throw new StaleWriterException($"The analyzer lease of site '{site}' (fence {fence}) was taken by another run.", ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await lease.ReleaseAsync();
            }
            catch (RequestFailedException)
            {
                // Expired or taken over already: the lease ends by itself either way.
            }
        }
    }
}
