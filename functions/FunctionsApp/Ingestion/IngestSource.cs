namespace FunctionsApp.Ingestion;

/// <summary>A source resolved for one request: configuration plus query overrides.</summary>
/// <param name="Name">The source's name (the URL's <c>{source}</c>).</param>
/// <param name="Kind">Access, error, or <see cref="LogKind.Auto"/> for both.</param>
/// <param name="Format">The access log's <c>log_format</c> (or preset); <c>error</c> for an error source.</param>
/// <param name="Site">The site its batches belong to, when configured.</param>
/// <param name="SiteFromAttributes">Records' instance attributes pick the site (a source shared by several nginx).</param>
internal sealed record IngestSource(string Name, LogKind Kind, string Format, string? Site, bool SiteFromAttributes = false);
