namespace FunctionsApp.NginxConfig;

/// <summary>What the access log shows for one route (server + location): traffic, gateway errors, and latency.</summary>
public sealed class RouteStats
{
    // Log-scale latency buckets from 1 ms to ~30 min (×1.25 each): enough to tell 0.9 s from 1 s, bounded memory.
    private const int Buckets = 64;
    private const double Base = 0.001;
    private const double Factor = 1.25;

    private readonly long[] _latency = new long[Buckets];

    internal RouteStats(ConfigRoute route) => Route = route;

    public ConfigRoute Route { get; }

    public long Requests { get; private set; }

    /// <summary>Requests the upstream answered (status below 500), whose latency fills the histogram.</summary>
    public long Answered { get; private set; }

    public long Status502 { get; private set; }

    public long Status503 { get; private set; }

    public long Status504 { get; private set; }

    /// <summary>How long the 504s took (<c>$request_time</c>), when logged.</summary>
    public double? Min504Seconds { get; private set; }

    public double? Max504Seconds { get; private set; }

    public long Timed504 { get; private set; }

    /// <summary>The slowest answered request's latency (<c>$upstream_header_time</c>, else <c>$request_time</c>).</summary>
    public double? MaxAnsweredSeconds { get; private set; }

    /// <summary>The 99th percentile of answered latency (upper bound of its bucket), or null without latencies.</summary>
    public double? P99AnsweredSeconds
    {
        get
        {
            var total = _latency.Sum();
            if (total == 0)
            {
                return null;
            }

            var rank = (long)Math.Ceiling(total * 0.99);
            long seen = 0;
            for (var i = 0; i < Buckets; i++)
            {
                seen += _latency[i];
                if (seen >= rank)
                {
                    return Math.Min(Base * Math.Pow(Factor, i + 1), MaxAnsweredSeconds ?? double.MaxValue);
                }
            }

            return MaxAnsweredSeconds;
        }
    }

    internal void Add(int status, double? requestSeconds, double? upstreamSeconds)
    {
        Requests++;
        switch (status)
        {
            case 502:
                Status502++;
                return;
            case 503:
                Status503++;
                return;
            case 504:
                Status504++;
                if (requestSeconds is { } took)
                {
                    Timed504++;
                    Min504Seconds = Min504Seconds is { } min ? Math.Min(min, took) : took;
                    Max504Seconds = Max504Seconds is { } max ? Math.Max(max, took) : took;
                }

                return;
        }

        if (status >= 500 || (upstreamSeconds ?? requestSeconds) is not { } latency)
        {
            return;
        }

        Answered++;
        MaxAnsweredSeconds = MaxAnsweredSeconds is { } slowest ? Math.Max(slowest, latency) : latency;
        var bucket = latency <= Base ? 0 : (int)Math.Min(Buckets - 1, Math.Floor(Math.Log(latency / Base) / Math.Log(Factor)));
        _latency[bucket]++;
    }
}
