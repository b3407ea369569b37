namespace FunctionsApp.Ingestion.Internal;

/// <summary>
/// One stored batch of a request: the lines of one log (<paramref name="Kind"/>) of one site, gzip'd in
/// <paramref name="Content"/>. A request is split into parts when its source is <see cref="LogKind.Auto"/> or picks
/// sites from attributes; each part is stored exactly once on its own.
/// </summary>
/// <param name="StoredSource">The source name the part is stored under: the source, or <c>{source}.{site}</c>.</param>
/// <param name="Site">The part's site, if any.</param>
/// <param name="Kind">Access or error.</param>
/// <param name="Content">The gzip'd lines (seekable).</param>
/// <param name="ContentHash">SHA-256 of the uncompressed lines.</param>
/// <param name="Lines">Lines in the part.</param>
/// <param name="Malformed">Of which malformed.</param>
internal sealed record BatchPart(string StoredSource, string? Site, LogKind Kind, Stream Content, string ContentHash, long Lines, long Malformed);
