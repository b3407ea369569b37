namespace FunctionsApp.Incidents;

/// <summary>
/// What the engine has seen of one upstream (or, when the log format does not name upstreams, of one
/// host or path): whether and when it served, and per-minute counts for the last two hours. This is
/// what tells "stopped working" from "never worked". While the upstream is failing it also keeps what it served
/// second by second, which tells a crash (in-flight requests finish in the first second, then nothing) from
/// saturation (successes keep interleaving with failures).
/// </summary>
internal sealed class UpstreamHistory
{
    public const int RingMinutes = 120;

    /// <summary>How long after a failure the per-second series is kept.</summary>
    public static readonly TimeSpan HotFor = TimeSpan.FromMinutes(10);

    public long Served { get; set; }

    /// <summary>The access log named it: a request failed there (one served counts in <see cref="Served"/>). Error
    /// lines alone make a history too; this tells the access log's places from theirs.</summary>
    public bool FailedInAccessLog { get; set; }

    /// <summary>The access log named it for a request nginx answered itself (a 400, 408, 499…), which is not served.</summary>
    public bool AnsweredByNginxInAccessLog { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool InAccessLog => Served > 0 || FailedInAccessLog || AnsweredByNginxInAccessLog;

    public long GatewayFailures { get; set; }

    public long FailedTries { get; set; }

    public DateTimeOffset? FirstSeen { get; set; }

    public DateTimeOffset? FirstServed { get; set; }

    public DateTimeOffset? LastServed { get; set; }

    public DateTimeOffset? LastFailure { get; set; }

    /// <summary>The first failure that came after nginx was connected (a reset or close before the header, a read
    /// timeout, an answer nginx could not use): something listened at the address then, whatever it answered.</summary>
    public DateTimeOffset? FirstConnected { get; set; }

    /// <summary>Per-minute counters; slot = unix minute % <see cref="RingMinutes"/>, valid when <see cref="Minute"/> matches.</summary>
    public long[] Minute { get; set; } = new long[RingMinutes];

    public int[] ServedPerMinute { get; set; } = new int[RingMinutes];

    public int[] FailedPerMinute { get; set; } = new int[RingMinutes];

    /// <summary>Per minute: 5xx the upstream answered itself, and gateway errors by status.</summary>
    public int[] Upstream5xxPerMinute { get; set; } = new int[RingMinutes];

    public int[] Status502PerMinute { get; set; } = new int[RingMinutes];

    public int[] Status503PerMinute { get; set; } = new int[RingMinutes];

    public int[] Status504PerMinute { get; set; } = new int[RingMinutes];

    public long[] ResponseMillisPerMinute { get; set; } = new long[RingMinutes];

    public int[] TimedPerMinute { get; set; } = new int[RingMinutes];

    /// <summary>Successes per second while the upstream is failing (null otherwise), until <see cref="HotUntil"/>.</summary>
    public SecondCounts? ServedPerSecond { get; set; }

    public DateTimeOffset? HotUntil { get; set; }

    /// <summary>A failure (or failed try) was read: keep per-second successes for a while.</summary>
    public void MarkFailing(DateTimeOffset time)
    {
        var until = time + HotFor;
        if (HotUntil is null || until > HotUntil)
        {
            HotUntil = until;
        }

        ServedPerSecond ??= new SecondCounts();
    }

    public void RecordServed(DateTimeOffset time, int status, double? responseSeconds)
    {
        Served++;
        FirstSeen ??= time;
        if (FirstServed is null || time < FirstServed)
        {
            FirstServed = time;
        }

        if (LastServed is null || time > LastServed)
        {
            LastServed = time;
        }

        if (ServedPerSecond is { } seconds)
        {
            if (time <= HotUntil)
            {
                seconds.Add(time.ToUnixTimeSeconds());
            }
            else
            {
                ServedPerSecond = null;
                HotUntil = null;
            }
        }

        var slot = Slot(time);
        if (slot < 0)
        {
            return;
        }

        ServedPerMinute[slot]++;
        if (status >= 500)
        {
            Upstream5xxPerMinute[slot]++;
        }

        if (responseSeconds is { } s)
        {
            ResponseMillisPerMinute[slot] += (long)(s * 1000);
            TimedPerMinute[slot]++;
            RecentMillis[RecentCount++ % RecentMillis.Length] = (int)Math.Min(s * 1000, int.MaxValue);
        }
    }

    /// <summary>The response times (ms) of the last requests served, a ring of <see cref="RecentMillis"/>'s length;
    /// <see cref="RecentCount"/> counts them all.</summary>
    public int[] RecentMillis { get; set; } = new int[16];

    public long RecentCount { get; set; }

    /// <summary>
    /// What the upstream's last requests typically took: the median of the last ones served (at least five), or null.
    /// Unlike a minute's mean it holds when the logs begin minutes before, and a few slow requests just before a failure
    /// (a queue building) do not move it.
    /// </summary>
    public double? TypicalMillis()
    {
        var count = (int)Math.Min(RecentCount, RecentMillis.Length);
        if (count < 5)
        {
            return null;
        }

        var sorted = RecentMillis[..count];
        Array.Sort(sorted);
        return sorted[count / 2];
    }

    public void RecordFailure(DateTimeOffset time, bool recovered, int status, bool connected = false)
    {
        if (connected && (FirstConnected is null || time < FirstConnected))
        {
            FirstConnected = time;
        }

        if (recovered)
        {
            FailedTries++;
        }
        else
        {
            GatewayFailures++;
        }

        if (FirstSeen is null || time < FirstSeen)
        {
            FirstSeen = time;
        }

        if (LastFailure is null || time > LastFailure)
        {
            LastFailure = time;
        }

        if (recovered || Slot(time) is not (var slot and >= 0))
        {
            return;
        }

        FailedPerMinute[slot]++;
        var byStatus = status switch
        {
            503 => Status503PerMinute,
            504 => Status504PerMinute,
            _ => Status502PerMinute,
        };
        byStatus[slot]++;
    }

    /// <summary>
    /// A request counted served that failed after all: nginx answered it with the 404 of an <c>error_page</c> it could
    /// not open, which its access line shows like any other 404. With nothing else served, the upstream never served.
    /// </summary>
    public void Unserve(DateTimeOffset time)
    {
        if (Served == 0)
        {
            return;
        }

        Served--;
        var minute = time.ToUnixTimeSeconds() / 60;
        var slot = SlotOf(minute);
        if (Minute[slot] == minute && ServedPerMinute[slot] > 0)
        {
            ServedPerMinute[slot]--;
        }

        if (Served == 0)
        {
            FirstServed = null;
            LastServed = null;
        }
    }

    /// <summary>Requests served before <paramref name="time"/>, at minute resolution (0 when the first one came later).</summary>
    public long ServedBefore(DateTimeOffset time)
    {
        if (FirstServed is not { } first || first >= time)
        {
            return 0;
        }

        var nextMinute = DateTimeOffset.FromUnixTimeSeconds(((time.ToUnixTimeSeconds() / 60) + 1) * 60);
        return Math.Max(1, Served - (LastServed >= nextMinute ? ServedBetween(nextMinute, LastServed.Value) : 0));
    }

    /// <summary>Requests served in the minutes from <paramref name="from"/> through <paramref name="to"/>.</summary>
    public long ServedBetween(DateTimeOffset from, DateTimeOffset to) => Sum(ServedPerMinute, from, to);

    /// <summary>The per-minute counts from <paramref name="from"/> through <paramref name="to"/>, oldest first.</summary>
    public IEnumerable<MinuteCounts> Minutes(DateTimeOffset from, DateTimeOffset to)
    {
        foreach (var (slot, minute) in Slots(from, to))
        {
            yield return new MinuteCounts(
                DateTimeOffset.FromUnixTimeSeconds(minute * 60),
                ServedPerMinute[slot] + FailedPerMinute[slot],
                Upstream5xxPerMinute[slot],
                Status502PerMinute[slot],
                Status503PerMinute[slot],
                Status504PerMinute[slot]);
        }
    }

    /// <summary>Mean response time in ms of requests served between the two times, or null.</summary>
    public double? MeanResponseMillis(DateTimeOffset from, DateTimeOffset to)
    {
        var millis = Sum(ResponseMillisPerMinute, from, to);
        var count = Sum(TimedPerMinute, from, to);
        return count == 0 ? null : (double)millis / count;
    }

    private long Sum<T>(T[] counters, DateTimeOffset from, DateTimeOffset to)
        where T : System.Numerics.IBinaryInteger<T>
    {
        long total = 0;
        foreach (var (slot, _) in Slots(from, to))
        {
            total += long.CreateTruncating(counters[slot]);
        }

        return total;
    }

    private IEnumerable<(int Slot, long Minute)> Slots(DateTimeOffset from, DateTimeOffset to)
    {
        var first = from.ToUnixTimeSeconds() / 60;
        var last = to.ToUnixTimeSeconds() / 60;
        for (var m = Math.Max(first, last - RingMinutes + 1); m <= last; m++)
        {
            var slot = SlotOf(m);
            if (Minute[slot] == m)
            {
                yield return (slot, m);
            }
        }
    }

    /// <summary>The ring slot of a unix minute; times before 1970 (a broken clock) have negative minutes.</summary>
    private static int SlotOf(long minute) => (int)(((minute % RingMinutes) + RingMinutes) % RingMinutes);

    private int Slot(DateTimeOffset time)
    {
        var minute = time.ToUnixTimeSeconds() / 60;
        var slot = SlotOf(minute);
        if (Minute[slot] != minute)
        {
            if (Minute[slot] > minute)
            {
                // Older than the ring holds: counted in the totals only.
                return -1;
            }

            Minute[slot] = minute;
            ServedPerMinute[slot] = 0;
            FailedPerMinute[slot] = 0;
            Upstream5xxPerMinute[slot] = 0;
            Status502PerMinute[slot] = 0;
            Status503PerMinute[slot] = 0;
            Status504PerMinute[slot] = 0;
            ResponseMillisPerMinute[slot] = 0;
            TimedPerMinute[slot] = 0;
        }

        return slot;
    }
}

/// <summary>Counts per unix second for the last <see cref="Length"/> seconds (a ring; older seconds read as 0).</summary>
internal sealed class SecondCounts
{
    public const int Length = 900;

    public long[] Second { get; set; } = new long[Length];

    public int[] Count { get; set; } = new int[Length];

    public void Add(long second)
    {
        var slot = SlotOf(second);
        if (Second[slot] != second)
        {
            if (Second[slot] > second)
            {
                return;
            }

            Second[slot] = second;
            Count[slot] = 0;
        }

        Count[slot]++;
    }

    public int Get(long second)
    {
        var slot = SlotOf(second);
        return Second[slot] == second ? Count[slot] : 0;
    }

    private static int SlotOf(long second) => (int)(((second % Length) + Length) % Length);
}

/// <summary>One minute of one upstream: requests, the 5xx it answered itself, and gateway errors by status.</summary>
internal readonly record struct MinuteCounts(DateTimeOffset Minute, int Requests, int Upstream5xx, int Status502, int Status503, int Status504);
