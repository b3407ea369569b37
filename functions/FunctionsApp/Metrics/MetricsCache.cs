using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Metrics;

/// <summary>
/// Bounded cache of successful reads per (resource, metrics, window). Its own <see cref="MemoryCache"/> so the size
/// limit is ours and no other feature's entries can evict these (or the reverse).
/// </summary>
internal sealed class MetricsCache : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly TimeSpan _duration;

    public MetricsCache(IOptions<MetricsOptions> options)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.CacheSizeLimit });
        _duration = options.Value.CacheDuration;
    }

    public static string Key(MappedResource resource, DateTimeOffset start, DateTimeOffset end) =>
        string.Join('|', resource.Resource.Id.ToUpperInvariant(), string.Join(',', resource.Metrics.Select(m => m.Name)),
            start.ToUnixTimeSeconds(), end.ToUnixTimeSeconds());

    public bool TryGet(string key, out ResourceReading? reading) => _cache.TryGetValue(key, out reading);

    public void Set(string key, ResourceReading reading)
    {
        // Failures are never cached: a 403 fixed by a role assignment or a 429 must not stick for the cache lifetime.
        if (reading.Error is null && _duration > TimeSpan.Zero)
        {
            _cache.Set(key, reading, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _duration });
        }
    }

    public void Dispose() => _cache.Dispose();
}
