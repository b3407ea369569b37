using FunctionsApp.Storage;

namespace FunctionsApp.Incidents;

/// <summary>
/// At start, brings the incident index written by earlier versions to this layout, retrying in the background while
/// storage is unreachable, as the containers' creation does: moves the rows of the one-table layout into the tables each
/// kind of listing now has (<see cref="TableIncidentIndex.MoveEarlierLayoutRowsAsync"/>), then gives the incidents
/// written before the cause table existed their rows there (<see cref="TableIncidentIndex.BackfillCauseRowsAsync"/>),
/// then turns the cause rows earlier versions left under a cause their incident no longer has into tombstones
/// (<see cref="TableIncidentIndex.TombstoneStaleCauseRowsAsync"/>).
/// Until the move is done, a listing by site, upstream, host or of open incidents leaves out the incidents written only
/// by the earlier version; until the cause rows are complete, a listing by cause reads the every-incident table; until
/// they are exact, it confirms each row of its page against the every-incident table.
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

                if (await index.BackfillCauseRowsAsync(stoppingToken) is > 0 and var written)
                {
                    Log.IndexCauseRowsWritten(logger, written);
                }

                if (await index.TombstoneStaleCauseRowsAsync(stoppingToken) is > 0 and var tombstoned)
                {
                    Log.IndexCauseRowsTombstoned(logger, tombstoned);
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
