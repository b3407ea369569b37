using FunctionsApp.Storage;

namespace FunctionsApp.Incidents;

/// <summary>
/// At start, moves the incident index's rows of the earlier layout (one table for every kind of listing) into the
/// tables each kind now has (<see cref="TableIncidentIndex.MoveEarlierLayoutRowsAsync"/>), retrying in the background
/// while storage is unreachable, as the containers' creation does. Until it is done, a listing by site, upstream, host
/// or of open incidents leaves out the incidents written only by the earlier version.
/// </summary>
internal sealed class IncidentIndexUpgrade(TableIncidentIndex index, TimeProvider timeProvider, ILogger<IncidentIndexUpgrade> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                if (await index.MoveEarlierLayoutRowsAsync(stoppingToken) is > 0 and var moved)
                {
                    Log.IndexRowsMoved(logger, moved);
                }

                return;
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
            {
                Log.IndexRowsNotMoved(logger, ex, attempt, delay);
            }

            await Task.Delay(delay, timeProvider, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
        }
    }
}
