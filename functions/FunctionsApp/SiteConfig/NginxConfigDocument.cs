using FunctionsApp.NginxConfig;

namespace FunctionsApp.SiteConfig;

/// <summary>What <c>GET /api/sites/{site}/nginx-config</c> returns (and <c>PUT</c>, without the text): the stored
/// configuration, when it came, and what the check says about it.</summary>
/// <param name="Site">The site.</param>
/// <param name="ReceivedAt">When it was stored.</param>
/// <param name="Sha256">Hash of the text, to tell whether a reload changed anything.</param>
/// <param name="Check">Files, counts and findings.</param>
/// <param name="Config">The text as sent; null in the PUT answer.</param>
internal sealed record NginxConfigDocument(string Site, DateTimeOffset ReceivedAt, string Sha256, ConfigReport Check, string? Config);
