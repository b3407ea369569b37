namespace FunctionsApp.Metrics;

/// <summary>Builds the <c>metrics</c> object of an incident.</summary>
public interface IMetricsCorrelator
{
    /// <param name="upstream">The incident's upstream (<c>host:port</c>, name).</param>
    /// <param name="incidentStart">First failure.</param>
    /// <param name="incidentEnd">Last failure.</param>
    /// <param name="errorsPerMinute">Gateway errors per minute over the baseline and the incident (missing minutes count as zero).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    Task<IncidentMetrics> CorrelateAsync(string upstream, DateTimeOffset incidentStart, DateTimeOffset incidentEnd,
        IReadOnlyList<MinuteCount> errorsPerMinute, CancellationToken cancellationToken);
}
