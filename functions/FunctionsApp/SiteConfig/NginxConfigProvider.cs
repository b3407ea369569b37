using FunctionsApp.NginxConfig;

namespace FunctionsApp.SiteConfig;

/// <summary>
/// A site's configuration as a parsed model. Parsed once per stored version (the ETag), and looked up in storage at
/// most every <see cref="RecheckAfter"/>: the analyzer asks for every incident it writes. A PUT on this instance
/// forgets the site at once; another instance sees it within that time.
/// </summary>
internal sealed class NginxConfigProvider(INginxConfigStore store, TimeProvider time, ILogger<NginxConfigProvider> logger)
{
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public async Task<NginxConfigModel?> GetModelAsync(string site, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_cache.TryGetValue(site, out var fresh) && now - fresh.CheckedAt < RecheckAfter)
            {
                return fresh.Model;
            }
        }

        var stored = await store.GetAsync(site, cancellationToken);
        NginxConfigModel? model = null;
        lock (_lock)
        {
            if (stored is not null && _cache.TryGetValue(site, out var cached) && cached.ETag == stored.ETag)
            {
                _cache[site] = cached with { CheckedAt = now };
                return cached.Model;
            }
        }

        if (stored is not null)
        {
            var parsed = NginxConfigParser.ParseText(stored.Text);
            if (!parsed.Succeeded)
            {
                Log.StoredConfigUnreadable(logger, site, parsed.Errors[0].ToString());
            }

            model = parsed.Model;
        }

        lock (_lock)
        {
            _cache[site] = new Entry(stored?.ETag, model, now);
        }

        return model;
    }

    /// <summary>Drops what is known of <paramref name="site"/>: its configuration was just replaced.</summary>
    public void Forget(string site)
    {
        lock (_lock)
        {
            _cache.Remove(site);
        }
    }

    private sealed record Entry(string? ETag, NginxConfigModel? Model, DateTimeOffset CheckedAt);
}
