namespace FunctionsApp.Storage;

/// <summary>
/// Creates the containers and tables at startup. Storage that is down at startup does not stop the app (health answers 503
/// and ingest 503 + Retry-After until it is back); creation is retried in the background.
/// </summary>
internal sealed class StorageInitializer(BlobContainers containers, StorageTables tables, TimeProvider timeProvider, ILogger<StorageInitializer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await containers.EnsureCreatedAsync(stoppingToken);
                await tables.EnsureCreatedAsync(stoppingToken);
                Log.ContainersReady(logger, string.Join(", ", containers.All.Select(c => c.Name).Concat(tables.All.Select(t => t.Table.Name))));
                return;
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
            {
                Log.ContainersNotReady(logger, ex, attempt, delay);
            }

            await Task.Delay(delay, timeProvider, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
        }
    }
}
