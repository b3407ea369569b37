namespace FunctionsApp.Incidents;

/// <summary>
/// What one route (<see cref="HistoryKeys.RouteOf"/>: a host and the first segment of its paths) served second by
/// second while it is failing, for formats that log hosts but no upstreams. A host spans locations with other
/// upstreams, so the host's successes cannot tell a saturated upstream (successes keep interleaving with failures)
/// from a crashed one (nothing after the requests in flight); the route's can, as an upstream's do.
/// </summary>
internal sealed class HotRoute
{
    public SecondCounts Served { get; set; } = new();

    /// <summary>Kept until <see cref="UpstreamHistory.HotFor"/> after the route's last failure.</summary>
    public DateTimeOffset HotUntil { get; set; }
}
