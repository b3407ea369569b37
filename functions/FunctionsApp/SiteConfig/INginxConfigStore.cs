namespace FunctionsApp.SiteConfig;

/// <summary>Each site's latest nginx configuration.</summary>
internal interface INginxConfigStore
{
    Task SaveAsync(StoredNginxConfig config, CancellationToken cancellationToken);

    Task<StoredNginxConfig?> GetAsync(string site, CancellationToken cancellationToken);
}
