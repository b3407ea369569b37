using Azure;

namespace FunctionsApp.Storage;

/// <summary>Probes the logs container (existence check: one cheap authenticated call).</summary>
internal sealed class BlobStorageProbe(BlobContainers containers, ILogger<BlobStorageProbe> logger) : IStorageProbe
{
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Any answer, even "container missing", proves storage is reachable and the credentials work.
            await containers.Logs.ExistsAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException)
        {
            Log.Unreachable(logger, ex);
            return false;
        }
    }
}
