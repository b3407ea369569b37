namespace FunctionsApp.SiteConfig;

/// <summary>A site's nginx configuration as it was sent (the text of <c>nginx -T</c>), when, and its hash.</summary>
internal sealed record StoredNginxConfig(string Site, string Text, DateTimeOffset ReceivedAt, string Sha256, string ETag);
