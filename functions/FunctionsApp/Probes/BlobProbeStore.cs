using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using FunctionsApp.Storage;

namespace FunctionsApp.Probes;

/// <summary><c>state/probes/{site}/{incident|adhoc}/{time}-{n}.json</c>, one result per blob.</summary>
internal sealed class BlobProbeStore(BlobContainers containers) : IProbeStore
{
    private int _sequence;

    public async Task SaveAsync(string site, string? incidentId, ProbeResult result, CancellationToken cancellationToken)
    {
        await containers.State.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var name = string.Create(CultureInfo.InvariantCulture,
            $"{Prefix(site, incidentId)}{result.StartedAt.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}-{Interlocked.Increment(ref _sequence) % 10000:0000}.json");
        var body = JsonSerializer.SerializeToUtf8Bytes(result, ProbesJsonContext.Default.ProbeResult);
        await containers.State.GetBlobClient(name).UploadAsync(new BinaryData(body),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken);
    }

    public async Task<IReadOnlyList<ProbeResult>> ListAsync(string site, string incidentId, CancellationToken cancellationToken)
    {
        var results = new List<ProbeResult>();
        if (!await containers.State.ExistsAsync(cancellationToken))
        {
            return results;
        }

        await foreach (var item in containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix(site, incidentId) }, cancellationToken))
        {
            var content = await containers.State.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken);
            if (JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, ProbesJsonContext.Default.ProbeResult) is { } result)
            {
                results.Add(result);
            }
        }

        return [.. results.OrderBy(r => r.StartedAt)];
    }

    private static string Prefix(string site, string? incidentId) => $"probes/{BlobNames.Segment(site)}/{(incidentId is null ? "adhoc" : BlobNames.Segment(incidentId))}/";
}
