using System.Globalization;
using System.Net;
using System.Text.Json;
using Polly;
using Refit;

namespace FunctionsApp.Metrics.AzureMonitor;

/// <summary>
/// <see cref="IMetricsReader"/> over the Azure Monitor REST API. Resources of one subscription, type and region
/// (two or more, region configured) go through one batch call; the rest are read one by one through ARM.
/// Successful reads are cached per (resource, window).
/// </summary>
internal sealed class AzureMonitorMetricsReader(
    IAzureMonitorMetricsApi armApi,
    AzureMonitorBatchClientFactory batchClients,
    MetricsCache cache,
    ILogger<AzureMonitorMetricsReader> logger) : IMetricsReader
{
    internal const string Interval = "PT1M";
    internal const string Aggregation = "Average,Maximum";
    private const int MaxBatchSize = 50;

    public async Task<IReadOnlyList<ResourceReading>> ReadAsync(IReadOnlyList<MappedResource> resources, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var results = new ResourceReading?[resources.Count];
        var misses = new List<int>();
        for (var i = 0; i < resources.Count; i++)
        {
            if (cache.TryGet(MetricsCache.Key(resources[i], start, end), out var cached))
            {
                results[i] = cached! with { Resource = resources[i] };
            }
            else
            {
                misses.Add(i);
            }
        }

        var groups = misses
            .GroupBy(i => (resources[i].Resource.SubscriptionId.ToUpperInvariant(), resources[i].Resource.ResourceType.ToUpperInvariant(),
                Region: resources[i].Region?.ToUpperInvariant(), Metrics: MetricNames(resources[i])))
            .ToList();
        var batched = 0;
        foreach (var group in groups)
        {
            var members = group.ToList();
            if (group.Key.Region is not null && members.Count >= 2)
            {
                foreach (var chunk in members.Chunk(MaxBatchSize))
                {
                    var readings = await ReadBatchAsync([.. chunk.Select(i => resources[i])], start, end, cancellationToken).ConfigureAwait(false);
                    for (var j = 0; j < chunk.Length; j++)
                    {
                        results[chunk[j]] = readings[j];
                    }

                    batched += chunk.Length;
                }
            }
            else
            {
                foreach (var i in members)
                {
                    results[i] = await ReadOneAsync(resources[i], start, end, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        foreach (var i in misses)
        {
            cache.Set(MetricsCache.Key(resources[i], start, end), results[i]!);
        }

        Log.MetricsRead(logger, resources.Count, resources.Count - misses.Count, batched);
        return results!;
    }

    private async Task<ResourceReading> ReadOneAsync(MappedResource resource, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        try
        {
            var response = await armApi.ListAsync(
                resource.Resource.Id.TrimStart('/'), MetricNames(resource), Format(start) + "/" + Format(end), Interval, Aggregation, cancellationToken).ConfigureAwait(false);
            return new ResourceReading(resource, null, Convert(response.Value));
        }
        catch (Exception ex) when (IsRemoteFailure(ex, cancellationToken))
        {
            var reason = Classify(ex);
            Log.MetricsReadFailed(logger, resource.Resource.Id, reason, ex);
            return new ResourceReading(resource, reason, []);
        }
    }

    private async Task<ResourceReading[]> ReadBatchAsync(MappedResource[] resources, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var first = resources[0];
        try
        {
            var api = batchClients.Create(first.Region!);
            var response = await api.GetBatchAsync(
                first.Resource.SubscriptionId, first.Resource.ResourceType, MetricNames(first), Format(start), Format(end), Interval, Aggregation,
                new AzureMetricsBatchRequest([.. resources.Select(r => r.Resource.Id)]), cancellationToken).ConfigureAwait(false);
            var byId = (response.Values ?? [])
                .Where(v => v.ResourceId is not null)
                .GroupBy(v => v.ResourceId!.TrimEnd('/'), StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
            return [.. resources.Select(r => byId.TryGetValue(r.Resource.Id, out var item)
                ? new ResourceReading(r, null, Convert(item.Value))
                : new ResourceReading(r, MetricsNoDataReason.NotFound, []))];
        }
        catch (Exception ex) when (IsRemoteFailure(ex, cancellationToken))
        {
            var reason = Classify(ex);
            Log.MetricsReadFailed(logger, first.Resource.Id, reason, ex);
            return [.. resources.Select(r => new ResourceReading(r, reason, []))];
        }
    }

    internal static IReadOnlyList<RawMetricSeries> Convert(IReadOnlyList<AzureMetric>? metrics)
    {
        var series = new List<RawMetricSeries>();
        foreach (var metric in metrics ?? [])
        {
            var name = metric.Name?.Value;
            if (name is null || (metric.ErrorCode is { } code && !code.Equals("Success", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            // Without a dimension filter there is one time series; if a resource splits by dimension, the first is used.
            var data = metric.Timeseries is { Count: > 0 } ts ? ts[0].Data ?? [] : [];
            var points = data
                .Select(d => new MetricPoint(d.TimeStamp.ToUniversalTime(), d.Average, d.Maximum))
                .OrderBy(p => p.Time)
                .ToList();
            series.Add(new RawMetricSeries(name, metric.Unit ?? "Unspecified", points));
        }

        return series;
    }

    internal static MetricsNoDataReason Classify(Exception ex) => ex switch
    {
        ApiException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } => MetricsNoDataReason.Forbidden,
        ApiException { StatusCode: HttpStatusCode.NotFound } => MetricsNoDataReason.NotFound,
        ApiException { StatusCode: HttpStatusCode.TooManyRequests } => MetricsNoDataReason.Throttled,
        _ when IsCredentialFailure(ex) => MetricsNoDataReason.Forbidden,
        _ => MetricsNoDataReason.Error,
    };

    private static bool IsRemoteFailure(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        ApiExceptionBase or HttpRequestException or ExecutionRejectedException or JsonException => true,
        _ when IsCredentialFailure(ex) => true,
        _ => false,
    };

    /// <summary>
    /// Azure.Identity's credential failures, matched by name: the types exist in both Azure.Core 1.60 and the
    /// Azure.Identity package, so naming them is ambiguous wherever both are referenced.
    /// </summary>
    private static bool IsCredentialFailure(Exception ex) =>
        ex.GetType().FullName is "Azure.Identity.AuthenticationFailedException" or "Azure.Identity.CredentialUnavailableException";

    private static string MetricNames(MappedResource resource) => string.Join(',', resource.Metrics.Select(m => m.Name));

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
