using Microsoft.Extensions.Options;

namespace FunctionsApp.Metrics;

/// <summary>Resolves the upstream's resources, reads baseline-through-incident minutes and judges them.</summary>
internal sealed class MetricsCorrelator(
    UpstreamResourceResolver resolver,
    IMetricsReader reader,
    IOptions<MetricsOptions> options,
    ILogger<MetricsCorrelator> logger) : IMetricsCorrelator
{
    public async Task<IncidentMetrics> CorrelateAsync(string upstream, DateTimeOffset incidentStart, DateTimeOffset incidentEnd,
        IReadOnlyList<MinuteCount> errorsPerMinute, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var baselineStart = MetricsAnalyzer.FloorMinute(incidentStart - settings.BaselinePeriod);
        var resources = settings.Enabled ? resolver.Resolve(upstream) : [];
        IncidentMetrics result;
        if (resources.Count == 0)
        {
            Log.NoMapping(logger, upstream);
            result = MetricsAnalyzer.Analyze([], errorsPerMinute, baselineStart, incidentStart, incidentEnd, settings);
        }
        else
        {
            // The API's end is exclusive: read through the end of the last failing minute.
            var end = MetricsAnalyzer.FloorMinute(incidentEnd).AddMinutes(1);
            var readings = await reader.ReadAsync(resources, baselineStart, end, cancellationToken).ConfigureAwait(false);
            result = MetricsAnalyzer.Analyze(readings, errorsPerMinute, baselineStart, incidentStart, incidentEnd, settings);
        }

        Log.Verdict(logger, upstream, result.Verdict, result.Reason);
        return result;
    }
}
