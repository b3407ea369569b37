namespace FunctionsApp.Query;

/// <summary>
/// The per-minute counts of every upstream, per site, kept for <see cref="Storage.StorageOptions.TimelineRetention"/>:
/// the engine state holds only its last two hours, so older minutes are read from here.
/// </summary>
internal interface ITimelineStore
{
    /// <summary>Writes (overwrites) the site's minutes of one upstream; counts only grow, so a later write is never smaller.</summary>
    Task WriteAsync(string site, string upstream, IReadOnlyList<TimelineMinute> minutes, CancellationToken cancellationToken);

    /// <summary>The stored minutes of an upstream from <paramref name="from"/> through <paramref name="to"/>, every site.</summary>
    Task<IReadOnlyList<(string Site, TimelineMinute Minute)>> ReadAsync(string upstream, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>One upstream's counts in one minute of one site.</summary>
internal readonly record struct TimelineMinute(DateTimeOffset Minute, long Requests, long Upstream5xx, long Status502, long Status503, long Status504);
