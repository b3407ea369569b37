using FunctionsApp.NginxConfig;

namespace FunctionsApp.SiteConfig;

/// <summary>A site's configuration as a parsed model, parsed once per stored version (the ETag) and kept in memory.</summary>
internal sealed class NginxConfigProvider(INginxConfigStore store, ILogger<NginxConfigProvider> logger)
{
    private readonly Dictionary<string, (string ETag, NginxConfigModel? Model)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public async Task<NginxConfigModel?> GetModelAsync(string site, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(site, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        lock (_lock)
        {
            if (_cache.TryGetValue(site, out var cached) && cached.ETag == stored.ETag)
            {
                return cached.Model;
            }
        }

        var parsed = NginxConfigParser.ParseText(stored.Text);
        if (!parsed.Succeeded)
        {
            Log.StoredConfigUnreadable(logger, site, parsed.Errors[0].ToString());
        }

        lock (_lock)
        {
            _cache[site] = (stored.ETag, parsed.Model);
        }

        return parsed.Model;
    }
}
