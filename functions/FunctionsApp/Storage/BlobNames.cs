using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FunctionsApp.Storage;

/// <summary>
/// Builds every blob name from sanitized parts, so a part (a source of <c>../../x</c>, an idempotency key)
/// can never add a path segment or leave its prefix.
/// </summary>
internal static class BlobNames
{
    public const string RawPrefix = "raw/";
    public const string DedupPrefix = "dedup/";
    private const int MaxSegmentLength = 64;

    /// <summary>
    /// <c>raw/{source}/{yyyy}/{MM}/{dd}/{HH}/{yyyyMMddTHHmmssfffffffZ}-{hash16}.log.gz</c>: sorting by name sorts
    /// one source's batches by arrival time.
    /// </summary>
    public static string Batch(string source, DateTimeOffset receivedAt, string contentHash)
    {
        var utc = receivedAt.UtcDateTime;
        var hash = Segment(contentHash.Length > 16 ? contentHash[..16] : contentHash);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{SourcePrefix(source)}{utc:yyyy}/{utc:MM}/{utc:dd}/{utc:HH}/{utc:yyyyMMdd'T'HHmmssfffffff'Z'}-{hash}.log.gz");
    }

    /// <summary>The time in a batch name (<c>.../{yyyyMMddTHHmmssfffffffZ}-{hash}.log.gz</c>): when its name was chosen.</summary>
    public static DateTimeOffset? BatchTime(string blobName)
    {
        var file = blobName[(blobName.LastIndexOf('/') + 1)..];
        var dash = file.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && DateTimeOffset.TryParseExact(file[..dash], "yyyyMMdd'T'HHmmssfffffff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
    }

    /// <summary>The prefix of one source's batches, ending in <c>/</c>.</summary>
    public static string SourcePrefix(string source) => RawPrefix + SourceSegment(source) + "/";

    /// <summary>
    /// The stored source of one site's lines in a source shared by several nginx: <c>{source}.{site}</c>. A configured
    /// source name has no <c>.</c> (and <see cref="Segment"/> removes any from a name in a URL), so this never
    /// names another source.
    /// </summary>
    public static string SiteSource(string source, string site) => Segment(source) + "." + Segment(site);

    /// <summary>
    /// A source as one path segment: a <see cref="SiteSource"/> name (two non-empty halves of letters, digits, <c>-</c>
    /// and <c>_</c> around one <c>.</c>) as it is, anything else through <see cref="Segment"/> (dots and all).
    /// </summary>
    public static string SourceSegment(string source)
    {
        var dot = source.IndexOf('.', StringComparison.Ordinal);
        var isSiteSource = dot > 0 && dot < source.Length - 1 && source.Length <= (2 * MaxSegmentLength) + 1
            && source.AsSpan(dot + 1).IndexOf('.') < 0
            && Segment(source[..dot]) == source[..dot] && Segment(source[(dot + 1)..]) == source[(dot + 1)..];
        return isSiteSource ? source : Segment(source);
    }

    /// <summary>The hash part of a batch name: the content's, or with a key, the key's and the content's together.</summary>
    public static string NameHash(string? idempotencyKey, string contentHash) =>
        idempotencyKey is null
            ? contentHash
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey + "\n" + contentHash)));

    /// <summary>The marker that names the batch blob of one idempotency key (or content hash) of a source.</summary>
    public static string DedupMarker(string source, string? idempotencyKey, string contentHash) =>
        idempotencyKey is null
            ? $"{DedupPrefix}{SourceSegment(source)}/c-{Segment(contentHash)}"
            : $"{DedupPrefix}{SourceSegment(source)}/k-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))}";

    /// <summary>
    /// One path segment: ASCII letters, digits, <c>-</c> and <c>_</c> kept; everything else (<c>/</c>, <c>.</c>,
    /// <c>\</c>, control and non-ASCII characters) becomes <c>_</c>; never empty, at most 64 characters.
    /// </summary>
    public static string Segment(string value)
    {
        if (value.Length == 0)
        {
            return "_";
        }

        var length = Math.Min(value.Length, MaxSegmentLength);
        return string.Create(length, value, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_';
            }
        });
    }

    /// <summary>The source segment of a batch blob name, or null when the name is not a batch.</summary>
    public static string? SourceOf(string blobName)
    {
        if (!blobName.StartsWith(RawPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = blobName.IndexOf('/', RawPrefix.Length);
        return end < 0 ? null : blobName[RawPrefix.Length..end];
    }
}
