using FunctionsApp.Ingestion;
using Microsoft.Extensions.Options;

namespace FunctionsApp.SiteConfig;

/// <summary>The sites the app knows: one per configured source group (<c>Ingestion:Sources:*:Site</c>, else the source name).</summary>
internal sealed class Sites(IOptions<IngestionOptions> ingestion)
{
    public bool IsKnown(string site) => Names().Contains(site, StringComparer.Ordinal);

    public IReadOnlyList<string> Names() =>
        [.. ingestion.Value.Sources.Select(s => string.IsNullOrWhiteSpace(s.Value.Site) ? s.Key : s.Value.Site!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
