using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FunctionsApp.Analysis;
using FunctionsApp.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FunctionsApp.Worker;

/// <summary>
/// The analyze timer's fan-out queue (<see cref="QueueName"/>) in the Functions host's own storage account, the one
/// <c>AzureWebJobsStorage</c> names and the <c>analyze-site</c> trigger reads: a connection string (Azurite), or
/// identity-based settings (<c>AzureWebJobsStorage__queueServiceUri</c> or <c>__accountName</c>, with
/// <c>__credential</c> and <c>__clientId</c>) as the host itself reads them. Messages are Base64, the host's default
/// encoding, and live <see cref="MessageTimeToLive"/>: a site's run that waited longer is superseded by a later tick's.
/// </summary>
internal sealed class StorageSiteRunQueue : ISiteRunQueue
{
    public const string QueueName = "analyze-sites";

    /// <summary>How long a queued run may wait: later ticks have queued the site again by then.</summary>
    internal static readonly TimeSpan MessageTimeToLive = TimeSpan.FromMinutes(10);

    private readonly QueueClient _queue;
    private readonly StorageResourceGuard _guard;

    public StorageSiteRunQueue(IConfiguration configuration, AzureComponentFactory factory, ILogger<StorageSiteRunQueue> logger)
    {
        _queue = Create(configuration.GetSection("AzureWebJobsStorage"), factory);
        // Deleted since it was created here (storage emptied): created again, as containers and tables are.
        _guard = new StorageResourceGuard(
            ct => _queue.CreateIfNotExistsAsync(cancellationToken: ct),
            ex => ex.ErrorCode == QueueErrorCode.QueueNotFound,
            () => WorkerLog.QueueRecreated(logger, QueueName));
    }

    public Task QueueAsync(IReadOnlyList<string> sites, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            sites,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (site, token) => await _guard.RunAsync(ct => _queue.SendMessageAsync(site, visibilityTimeout: null, MessageTimeToLive, ct), token));

    private static QueueClient Create(IConfigurationSection storage, AzureComponentFactory factory)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (!string.IsNullOrWhiteSpace(storage.Value))
        {
            return new QueueClient(storage.Value, QueueName, options);
        }

        var serviceUri = storage["queueServiceUri"] is { Length: > 0 } uri
            ? new Uri(uri)
            : storage["accountName"] is { Length: > 0 } account
                ? new Uri($"https://{account}.queue.core.windows.net")
                : throw new InvalidOperationException(
                    "Analysis:FanOut is Queue, but AzureWebJobsStorage names no queue service (a connection string, or __queueServiceUri or __accountName).");
        var queueUri = new UriBuilder(serviceUri) { Path = serviceUri.AbsolutePath.TrimEnd('/') + "/" + QueueName }.Uri;
        return new QueueClient(queueUri, factory.CreateTokenCredential(storage), options);
    }
}
